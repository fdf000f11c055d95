package io.sentrascan.scanner.sbom;

import static org.assertj.core.api.Assertions.assertThat;

import io.sentrascan.scanner.Finding;
import io.sentrascan.scanner.Policy;
import io.sentrascan.scanner.ScanEngine;
import io.sentrascan.scanner.ScanResult;
import io.sentrascan.scanner.Severity;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The lineage a model folder claims is reported, and contradicting claims are LOW findings. */
class ProvenanceReviewTest {
  @TempDir Path dir;

  private ScanResult scan(String card, String adapter) throws IOException {
    Path model = Files.createDirectories(dir.resolve("model"));
    if (card != null) {
      Files.writeString(model.resolve("README.md"), card);
    }
    if (adapter != null) {
      Files.writeString(model.resolve("adapter_config.json"), adapter);
    }
    Files.writeString(
        model.resolve("config.json"), "{\"_name_or_path\": \"org/parent\", \"model_type\": \"x\"}");
    return ProvenanceReview.apply(
        ScanEngine.defaults().scan(List.of(model), Policy.defaults(), p -> {}));
  }

  private static List<Finding> findings(ScanResult r, String id) {
    return r.findings().stream().filter(f -> f.ruleId().equals(id)).toList();
  }

  @Test
  void agreeingClaimsAreListedOnce() throws IOException {
    ScanResult r =
        scan(
            "---\nbase_model: org/Base\n---\n# m\n", "{\"base_model_name_or_path\": \"org/base\"}");
    assertThat(findings(r, "PROV-001"))
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.severity()).isEqualTo(Severity.INFO);
              assertThat(f.description())
                  .contains(
                      "org/Base (README.md: base_model, adapter_config.json:"
                          + " base_model_name_or_path)")
                  .doesNotContain("org/parent");
              assertThat(f.location().path()).endsWith("README.md");
            });
    assertThat(findings(r, "PROV-002")).isEmpty();
  }

  @Test
  void aHubIdInConfigOtherThanTheModelsNameIsAClaimToo() throws IOException {
    assertThat(
            ModelComponents.lineage(
                    new ModelFolder(
                        new com.fasterxml.jackson.databind.ObjectMapper()
                            .readTree("{\"_name_or_path\": \"org/parent\"}"),
                        null,
                        CardFrontMatter.empty(),
                        CardSections.NONE,
                        null,
                        null,
                        null),
                    "my-finetune")
                .getAncestors()
                .getComponents())
        .extracting(c -> c.getName())
        .containsExactly("org/parent");
  }

  @Test
  void aCardAndAnAdapterNamingDifferentBasesDisagree() throws IOException {
    ScanResult r =
        scan("---\nbase_model: org/a\n---\n# m\n", "{\"base_model_name_or_path\": \"org/b\"}");
    assertThat(findings(r, "PROV-002"))
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.severity()).isEqualTo(Severity.LOW);
              assertThat(f.location().path()).endsWith("adapter_config.json");
              assertThat(f.description()).contains("org/a").contains("org/b");
            });
  }

  @Test
  void aFileScannedAloneClaimsNothing() throws IOException {
    Path file = Files.writeString(dir.resolve("a.json"), "{}");
    ScanResult r =
        ProvenanceReview.apply(
            ScanEngine.defaults().scan(List.of(file), Policy.defaults(), p -> {}));
    assertThat(r.findings()).noneMatch(f -> f.ruleId().startsWith("PROV-"));
  }
}
