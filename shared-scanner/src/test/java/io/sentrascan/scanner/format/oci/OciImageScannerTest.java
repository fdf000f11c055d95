package io.sentrascan.scanner.format.oci;

import static io.sentrascan.testing.FormatFixtures.scanFiles;
import static org.assertj.core.api.Assertions.assertThat;

import io.sentrascan.scanner.FileResult;
import io.sentrascan.scanner.Finding;
import io.sentrascan.scanner.Severity;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class OciImageScannerTest {
  static final Path FIXTURES = Path.of("src/test/resources/fixtures/oci");

  private static List<FileResult> scan(String name) throws IOException {
    return scanFiles(FIXTURES.resolve(name));
  }

  private static List<Finding> all(List<FileResult> files) {
    return files.stream().flatMap(f -> f.findings().stream()).toList();
  }

  @Test
  void modelInsideALayerIsScannedThroughGzipAndTar() throws IOException {
    List<FileResult> files = scan("benign-model-image.tar");
    assertThat(files.get(0).scanner()).isEqualTo("oci-image");
    assertThat(files.get(0).properties().get("oci.blobs")).containsExactly("3");
    assertThat(files)
        .anySatisfy(
            f -> {
              assertThat(f.path()).endsWith("models/resnet/model.pt");
              assertThat(f.scanner()).isEqualTo("pytorch");
            });
    assertThat(all(files)).noneMatch(f -> f.severity().atLeast(Severity.MEDIUM));
  }

  @Test
  void pickleInALayerFailsTheImage() throws IOException {
    assertThat(all(scan("malicious-pickle-in-layer.tar")))
        .extracting(Finding::ruleId)
        .contains("PKL-001");
    List<FileResult> docker = scan("malicious-docker-save.tar");
    assertThat(docker.get(0).scanner()).isEqualTo("oci-image");
    assertThat(all(docker)).extracting(Finding::ruleId).contains("PKL-001");
  }

  @Test
  void alteredBlobIsHigh() throws IOException {
    Finding f =
        all(scan("malicious-tampered-layer.tar")).stream()
            .filter(x -> x.ruleId().equals("OCI-001"))
            .findFirst()
            .orElseThrow();
    assertThat(f.severity()).isEqualTo(Severity.HIGH);
    assertThat(f.location().context()).startsWith("blobs/sha256/");
    assertThat(f.evidence()).startsWith("sha256:");
  }
}
