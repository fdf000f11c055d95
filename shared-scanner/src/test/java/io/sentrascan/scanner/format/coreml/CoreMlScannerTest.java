package io.sentrascan.scanner.format.coreml;

import static io.sentrascan.testing.FormatFixtures.only;
import static io.sentrascan.testing.FormatFixtures.scanFile;
import static org.assertj.core.api.Assertions.assertThat;

import io.sentrascan.scanner.FileResult;
import io.sentrascan.scanner.Finding;
import io.sentrascan.scanner.Policy;
import io.sentrascan.scanner.ScanEngine;
import io.sentrascan.scanner.Severity;
import io.sentrascan.scanner.Sources;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class CoreMlScannerTest {
  static final Path FIXTURES = Path.of("src/test/resources/fixtures/coreml");

  private static FileResult scan(String name) throws IOException {
    return scanFile(FIXTURES.resolve(name));
  }

  @Test
  void benignNeuralNetworkIsClean() throws IOException {
    FileResult file = scan("benign-mlp.mlmodel");
    assertThat(file.scanner()).isEqualTo("coreml");
    assertThat(file.findings()).isEmpty();
    assertThat(file.properties().get("coreml.layers")).containsExactly("2");
    assertThat(file.properties().get("coreml.specification_version")).containsExactly("4");
  }

  @Test
  void modelInsideAnMlpackageIsFoundByContent() throws IOException {
    FileResult file =
        ScanEngine.defaults()
            .scan(
                List.of(
                    FIXTURES.resolve("benign-mlp.mlpackage/Data/com.apple.CoreML/model.mlmodel")),
                Policy.defaults(),
                p -> {})
            .files()
            .get(0);
    assertThat(file.scanner()).isEqualTo("coreml");
    assertThat(file.findings()).isEmpty();
  }

  @Test
  void customLayerIsMediumWithItsClassName() throws IOException {
    Finding f = only(scan("suspicious-custom-layer.mlmodel"), "CML-001");
    assertThat(f.severity()).isEqualTo(Severity.MEDIUM);
    assertThat(f.evidence()).isEqualTo("className=AAPLMysteryLayer");
    assertThat(f.location().context()).isEqualTo("model > layer 1 mystery");
  }

  @Test
  void customLayerInALoopInsideAPipelineIsFound() throws IOException {
    Finding f = only(scan("suspicious-custom-layer-in-loop.mlmodel"), "CML-001");
    assertThat(f.location().context())
        .isEqualTo("model > pipeline model 0 > layer 0 loop > layer 0 mystery");
  }

  @Test
  void customModelIsMediumWithItsClassName() throws IOException {
    Finding f = only(scan("suspicious-custom-model.mlmodel"), "CML-002");
    assertThat(f.evidence()).isEqualTo("className=EvilNativeModel");
  }

  @Test
  void onnxModelsAreNotClaimed() throws IOException {
    byte[] onnx =
        Files.readAllBytes(Path.of("src/test/resources/fixtures/onnx/benign-small-mlp.onnx"));
    FileResult file = ScanEngine.defaults().scanSource(Sources.bytes(onnx, "m.mlmodel")).get(0);
    assertThat(file.scanner()).isEqualTo("onnx");
  }

  @Test
  void mutatedModelsNeverThrow() throws IOException {
    byte[] good = Files.readAllBytes(FIXTURES.resolve("suspicious-custom-layer-in-loop.mlmodel"));
    Random random = new Random(23);
    for (int i = 0; i < 300; i++) {
      byte[] bad = good.clone();
      for (int k = 0; k < 3; k++) {
        int at = 2 + random.nextInt(bad.length - 2);
        bad[at] = (byte) random.nextInt(256);
      }
      FileResult file = ScanEngine.defaults().scanSource(Sources.bytes(bad, "m.mlmodel")).get(0);
      assertThat(file.errors()).as("mutation %d", i).isEmpty();
    }
  }
}
