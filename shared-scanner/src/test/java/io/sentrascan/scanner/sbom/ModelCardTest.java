package io.sentrascan.scanner.sbom;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sentrascan.scanner.Limits;
import io.sentrascan.scanner.Policy;
import io.sentrascan.scanner.ScanEngine;
import io.sentrascan.testing.FakeScanner;
import io.sentrascan.testing.JsonSchemas;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What is read from a model card: its YAML front matter and the considerations in its text. */
class ModelCardTest {
  @TempDir Path dir;

  @Test
  void frontMatterScalarsListsQuotesAndCommentsAreRead() {
    CardFrontMatter card =
        CardFrontMatter.parse(
            """
            ---
            license: "apache-2.0"   # the usual one
            datasets: [imdb, 'glue', "squad"]
            language:
              - en
              - fr
            tags:
            - text-classification
            model-index:
            - name: tiny
              results:
              - task:
                  type: text-classification
            widget:
              - text: "I love this"
            pipeline_tag: text-classification
            ---
            datasets: not front matter
            """);
    assertThat(card.first("license")).isEqualTo("apache-2.0");
    assertThat(card.list("datasets")).containsExactly("imdb", "glue", "squad");
    assertThat(card.list("language")).containsExactly("en", "fr");
    assertThat(card.list("tags")).containsExactly("text-classification");
    assertThat(card.list("model-index")).as("maps inside lists are not scalars").isEmpty();
    assertThat(card.list("widget")).isEmpty();
    assertThat(card.first("pipeline_tag")).isEqualTo("text-classification");
  }

  @Test
  void aCardWithoutFrontMatterOrWithoutItsClosingLineHasNone() {
    assertThat(CardFrontMatter.parse("# Model\nlicense: mit\n").list("license")).isEmpty();
    assertThat(CardFrontMatter.parse("---\nlicense: mit\n# no closing line\n").list("license"))
        .isEmpty();
    assertThat(CardFrontMatter.parse("").list("license")).isEmpty();
  }

  @Test
  void considerationsComeFromTheTemplateHeadingsAndPlaceholdersAreDropped() {
    CardSections sections =
        CardSections.parse(
            """
            ---
            license: mit
            ---
            # tiny

            ## Uses

            ### Direct Use

            Sentiment of English product reviews.

            ### Out-of-Scope Use

            [More Information Needed]

            ## Bias, Risks, and Limitations

            <!-- This section is meant to convey both technical and sociotechnical limitations. -->
            Trained on English only; fails on sarcasm.

            ```
            ## Limitations inside a code block are not a heading
            ```

            ## Training Details

            Three epochs.
            """);
    assertThat(sections.useCases()).containsExactly("Sentiment of English product reviews.");
    assertThat(sections.technicalLimitations().get(0))
        .startsWith("Trained on English only; fails on sarcasm.")
        .doesNotContain("<!--");
    assertThat(sections.technicalLimitations()).hasSize(1);
  }

  @Test
  void theBomCarriesTheCardsConsiderationsAndStaysValid() throws Exception {
    Path model = Files.createDirectories(dir.resolve("m"));
    Files.writeString(
        model.resolve("README.md"),
        """
        ---
        license: other
        license_name: llama3
        license_link: https://llama.meta.com/llama3/license
        approach: self-supervised
        ---
        ## Intended uses & limitations

        More information needed

        ## Limitations

        Hallucinates facts.
        """);
    Files.writeString(model.resolve("weights.bin"), "FAKE\n");
    var result =
        new ScanEngine(List.of(new FakeScanner()), Limits.defaults())
            .withDigests(MlBomBuilder.DIGESTS)
            .scan(List.of(model), Policy.defaults(), p -> {});
    String json = MlBomWriter.render(new MlBomBuilder().build(result), BomFormat.JSON);
    JsonSchemas.assertValid(JsonSchemas.cycloneDx16(), json);
    JsonNode component = new ObjectMapper().readTree(json).at("/metadata/component");
    assertThat(component.at("/modelCard/considerations/technicalLimitations/0").asText())
        .isEqualTo("Hallucinates facts.");
    assertThat(component.at("/modelCard/considerations").has("useCases")).isFalse();
    assertThat(component.at("/modelCard/modelParameters/approach/type").asText())
        .isEqualTo("self-supervised");
    assertThat(component.at("/licenses/0/license/name").asText()).isEqualTo("llama3");
    assertThat(component.at("/licenses/0/license/url").asText())
        .isEqualTo("https://llama.meta.com/llama3/license");
  }
}
