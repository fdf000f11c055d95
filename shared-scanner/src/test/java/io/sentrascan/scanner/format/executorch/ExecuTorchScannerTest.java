package io.sentrascan.scanner.format.executorch;

import static io.sentrascan.testing.FormatFixtures.only;
import static io.sentrascan.testing.FormatFixtures.scanFile;
import static org.assertj.core.api.Assertions.assertThat;

import io.sentrascan.scanner.FileResult;
import io.sentrascan.scanner.Finding;
import io.sentrascan.scanner.ScanEngine;
import io.sentrascan.scanner.Severity;
import io.sentrascan.scanner.Sources;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ExecuTorchScannerTest {
  static final Path FIXTURES = Path.of("src/test/resources/fixtures/executorch");

  private static FileResult scan(String name) throws IOException {
    return scanFile(FIXTURES.resolve(name));
  }

  @Test
  void benignProgramIsCleanAndListsOperators() throws IOException {
    FileResult file = scan("benign-add-relu.pte");
    assertThat(file.scanner()).isEqualTo("executorch");
    assertThat(file.findings()).isEmpty();
    assertThat(file.properties().get("executorch.operators"))
        .containsExactly("aten::add.out", "aten::relu.out");
    assertThat(file.properties().get("executorch.methods")).containsExactly("forward");
  }

  @Test
  void knownDelegateIsInfoWithItsBackendId() throws IOException {
    FileResult file = scan("benign-xnnpack-delegate.pte");
    Finding f = only(file, "ET-002");
    assertThat(f.severity()).isEqualTo(Severity.INFO);
    assertThat(f.evidence()).isEqualTo("backend XnnpackBackend");
    assertThat(f.location().context()).isEqualTo("plan 0 (forward) delegate 0");
  }

  @Test
  void unknownBackendIsLow() throws IOException {
    Finding f = only(scan("suspicious-unknown-backend.pte"), "ET-002");
    assertThat(f.severity()).isEqualTo(Severity.LOW);
    assertThat(f.evidence()).contains("AcmeNpuBackend");
  }

  @Test
  void customOperatorNamespaceIsMedium() throws IOException {
    Finding f = only(scan("suspicious-custom-op.pte"), "ET-001");
    assertThat(f.severity()).isEqualTo(Severity.MEDIUM);
    assertThat(f.evidence()).isEqualTo("my_ops::run_shell.default");
    assertThat(f.location().context()).isEqualTo("plan 0 (forward) operator 2");
  }

  @Test
  void outOfRangeIndicesAndSegmentsAreHigh() throws IOException {
    Finding op = only(scan("malformed-op-index.pte"), "ET-003");
    assertThat(op.severity()).isEqualTo(Severity.HIGH);
    assertThat(op.evidence()).isEqualTo("op_index 7");
    Finding seg = only(scan("malformed-segment-past-end.pte"), "ET-003");
    assertThat(seg.location().context()).isEqualTo("segment 0");
  }

  @Test
  void otherFlatbuffersAreNotClaimed() throws IOException {
    byte[] tflite =
        Files.readAllBytes(
            Path.of("src/test/resources/fixtures/tflite/benign-fully-connected.tflite"));
    assertThat(ScanEngine.defaults().scanSource(Sources.bytes(tflite, "m.pte")).get(0).scanner())
        .isNotEqualTo("executorch");
  }

  @Test
  void mutatedProgramsNeverThrow() throws IOException {
    byte[] good = Files.readAllBytes(FIXTURES.resolve("benign-xnnpack-delegate.pte"));
    Random random = new Random(17);
    for (int i = 0; i < 300; i++) {
      byte[] bad = good.clone();
      for (int k = 0; k < 3; k++) {
        int at = random.nextInt(bad.length);
        if (at < 4 || at >= 8) {
          bad[at] = (byte) random.nextInt(256);
        }
      }
      FileResult file = ScanEngine.defaults().scanSource(Sources.bytes(bad, "m.pte")).get(0);
      assertThat(file.errors()).as("mutation %d", i).isEmpty();
    }
  }
}
