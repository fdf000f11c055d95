package io.sentrascan.scanner.format.modelcard;

import static io.sentrascan.testing.FormatFixtures.scanText;
import static org.assertj.core.api.Assertions.assertThat;

import io.sentrascan.scanner.FileResult;
import io.sentrascan.scanner.Finding;
import io.sentrascan.scanner.Policy;
import io.sentrascan.scanner.Probe;
import io.sentrascan.scanner.ScanEngine;
import io.sentrascan.scanner.Severity;
import io.sentrascan.scanner.Sources;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class ModelCardScannerTest {
  static final Path FIXTURES = Path.of("src/test/resources/fixtures/modelcard");

  private static FileResult scan(String name, String card) {
    return scanText(card, name);
  }

  @Test
  void aCompleteCardRecordsItsMetadataForTheSbom() throws IOException {
    FileResult file =
        ScanEngine.defaults()
            .scan(
                List.of(FIXTURES.resolve("benign-complete-README.md")), Policy.defaults(), p -> {})
            .files()
            .get(0);
    assertThat(file.scanner()).isEqualTo("modelcard");
    assertThat(file.format()).isEqualTo("model-card");
    assertThat(file.findings()).isEmpty();
    assertThat(file.properties().get("card.license")).containsExactly("apache-2.0");
    assertThat(file.properties().get("card.base_model")).containsExactly("org/tiny-base");
    assertThat(file.properties().get("card.datasets"))
        .containsExactly("org/tiny-corpus", "wikitext");
    assertThat(file.properties().get("card.pipeline_tag")).containsExactly("text-generation");
  }

  @Test
  void missingSectionsAreLowFindings() {
    FileResult file = scan("README.md", "# My model\n\nWeights.\n");
    assertThat(file.findings())
        .extracting(Finding::ruleId)
        .containsExactly("CARD-001", "CARD-002", "CARD-003", "CARD-004", "CARD-005");
    assertThat(file.findings()).allMatch(f -> f.severity() == Severity.LOW);
    assertThat(file.findings()).allMatch(f -> f.category().equals("model-card"));
  }

  @Test
  void sectionsAndInlineListsCount() {
    FileResult file =
        scan(
            "README.md",
            """
            ---
            license: "mit" \s
            base_model: [org/a, 'org/b']
            ---
            ## Uses
            ## Training Data
            ## Limitations
            ```
            # License
            ```
            """);
    assertThat(file.findings()).isEmpty();
    assertThat(file.properties().get("card.base_model")).containsExactly("org/a", "org/b");
    assertThat(file.properties().get("card.license")).containsExactly("mit");
  }

  @Test
  void windowsLineBreaksAreRead() {
    FileResult file =
        scan("README.md", "---\r\nlicense: mit\r\ndatasets:\r\n- a\r\n---\r\n# Intended uses\r\n");
    assertThat(file.properties().get("card.datasets")).containsExactly("a");
    assertThat(file.findings()).extracting(Finding::ruleId).containsExactly("CARD-002", "CARD-005");
  }

  @Test
  void aByteOrderMarkDoesNotHideTheFrontMatterOrShiftOffsets() {
    String card = "\ufeff---\nlicense: mit\n---\nmail jane.doe@university.edu\n";
    FileResult file = scan("README.md", card);
    assertThat(file.properties().get("card.license")).containsExactly("mit");
    Finding mail =
        file.findings().stream()
            .filter(f -> f.ruleId().equals("PII-001"))
            .findFirst()
            .orElseThrow();
    assertThat(mail.location().offset()).isEqualTo(3 + "---\nlicense: mit\n---\nmail ".length());
  }

  @Test
  void headingsInsideCodeFencesAreNotSections() {
    FileResult file = scan("README.md", "```\n# Intended uses\n# Limitations\n```\n");
    assertThat(file.findings()).extracting(Finding::ruleId).contains("CARD-004", "CARD-005");
  }

  @Test
  void anUnclosedFrontMatterIsReported() {
    FileResult file = scan("README.md", "---\nlicense: mit\n# Title\n");
    assertThat(file.findings()).extracting(Finding::ruleId).contains("CARD-006", "CARD-001");
  }

  @Test
  void nestedMappingsAndBlockScalarsAreSkipped() {
    FrontMatter fm =
        FrontMatter.parse(
            "---\nmodel-index:\n- name: x\n  results:\n  - task: y\ndescription: |\n  - not an item\n"
                + "datasets:\n- a # comment\n- \"b\"\n---\nbody");
    assertThat(fm.problem()).isEmpty();
    assertThat(fm.get("model-index")).isEmpty();
    assertThat(fm.get("description")).isEmpty();
    assertThat(fm.get("datasets")).containsExactly("a", "b");
  }

  @Test
  void secretsInTheCardAreMasked() throws IOException {
    FileResult file =
        ScanEngine.defaults()
            .scan(
                List.of(FIXTURES.resolve("malicious-hf-token-README.md")),
                Policy.defaults(),
                p -> {})
            .files()
            .get(0);
    Finding f =
        file.findings().stream()
            .filter(x -> x.ruleId().equals("SEC-007"))
            .findFirst()
            .orElseThrow();
    assertThat(f.severity()).isEqualTo(Severity.HIGH);
    assertThat(f.evidence()).contains("…(37 chars)");
    assertThat(f.location().context()).startsWith("line ");
  }

  @Test
  void detectedByNameOrByCardFrontMatter() throws IOException {
    ModelCardScanner scanner = new ModelCardScanner();
    assertThat(scanner.supports(probe("README.md", "# Just a readme\n"))).isTrue();
    assertThat(scanner.supports(probe("card.md", "---\nlicense: mit\ntags: [a]\n---\n# x\n")))
        .isTrue();
    assertThat(scanner.supports(probe("notes.md", "# Notes\n"))).isFalse();
    assertThat(scanner.supports(probe("deploy.yaml", "---\nlicense: mit\n---\n"))).isFalse();
    assertThat(scanner.supports(probe("README.md", "\u0000\u0001binary"))).isFalse();
  }

  private static Probe probe(String name, String content) throws IOException {
    return Probe.of(Sources.bytes(content.getBytes(StandardCharsets.UTF_8), name));
  }
}
