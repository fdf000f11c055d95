package io.sentrascan.scanner.format.torchserve;

import static io.sentrascan.testing.FormatFixtures.scanFiles;
import static org.assertj.core.api.Assertions.assertThat;

import io.sentrascan.scanner.FileResult;
import io.sentrascan.scanner.Finding;
import io.sentrascan.scanner.Severity;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class MarScannerTest {
  static final Path FIXTURES = Path.of("src/test/resources/fixtures/torchserve");

  private static List<FileResult> scan(String name) throws IOException {
    return scanFiles(FIXTURES.resolve(name));
  }

  private static Finding first(List<FileResult> files, String ruleId) {
    return files.stream()
        .flatMap(f -> f.findings().stream())
        .filter(f -> f.ruleId().equals(ruleId))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void builtInHandlerArchiveIsCleanAndItsModelIsScannedAsPyTorch() throws IOException {
    List<FileResult> files = scan("benign-builtin-handler.mar");
    FileResult mar = files.get(0);
    assertThat(mar.scanner()).isEqualTo("torchserve");
    assertThat(mar.format()).isEqualTo("torchserve-mar");
    assertThat(mar.properties().get("torchserve.handler")).containsExactly("image_classifier");
    assertThat(files)
        .anySatisfy(
            f -> {
              assertThat(f.path()).endsWith("!/model.pt");
              assertThat(f.scanner()).isEqualTo("pytorch");
            });
    assertThat(files.stream().flatMap(f -> f.findings().stream()))
        .noneMatch(f -> f.severity().atLeast(Severity.MEDIUM));
  }

  @Test
  void customHandlerIsReportedAndItsSourceAnalysed() throws IOException {
    List<FileResult> files = scan("malicious-handler-os-system.mar");
    Finding handler = first(files, "MAR-001");
    assertThat(handler.severity()).isEqualTo(Severity.MEDIUM);
    assertThat(handler.evidence()).isEqualTo("handler: handler.py");
    assertThat(handler.description()).contains("handler.py is in the archive");
    assertThat(first(files, "PY-002").location().path()).endsWith("!/handler.py");
  }

  @Test
  void requirementsFromAnotherIndexAreHigh() throws IOException {
    List<FileResult> files = scan("malicious-requirements-extra-index.mar");
    assertThat(first(files, "MAR-002").severity()).isEqualTo(Severity.MEDIUM);
    Finding index = first(files, "MAR-003");
    assertThat(index.severity()).isEqualTo(Severity.HIGH);
    assertThat(index.location().context()).isEqualTo("requirements.txt:line 2");
    assertThat(index.evidence()).startsWith("--extra-index-url");
  }

  @Test
  void brokenOrIncompleteManifestsAreReported() throws IOException {
    assertThat(first(scan("malformed-manifest.mar"), "MAR-004").description())
        .contains("not valid JSON");
    assertThat(first(scan("malformed-missing-model.mar"), "MAR-004").evidence())
        .isEqualTo("serializedFile: model.pt");
  }
}
