package io.sentrascan.scanner.format.tflite;

import static io.sentrascan.testing.FormatFixtures.only;
import static io.sentrascan.testing.FormatFixtures.scanFile;
import static org.assertj.core.api.Assertions.assertThat;

import io.sentrascan.scanner.FileResult;
import io.sentrascan.scanner.Finding;
import io.sentrascan.scanner.Policy;
import io.sentrascan.scanner.ScanEngine;
import io.sentrascan.scanner.Severity;
import io.sentrascan.scanner.Sources;
import io.sentrascan.scanner.Verdict;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TfliteScannerTest {
  static final Path FIXTURES = Path.of("src/test/resources/fixtures/tflite");

  private static FileResult scan(String name) throws IOException {
    return scanFile(FIXTURES.resolve(name));
  }

  @Test
  void builtinOnlyModelIsCleanAndDescribed() throws IOException {
    FileResult file = scan("benign-fully-connected.tflite");
    assertThat(file.scanner()).isEqualTo("tflite");
    assertThat(file.format()).isEqualTo("tflite");
    assertThat(file.findings()).isEmpty();
    assertThat(file.properties().get("tflite.schema_version")).containsExactly("3");
    assertThat(file.properties().get("tflite.builtin_op")).containsExactly("19", "9");
    assertThat(file.properties().get("tflite.metadata")).containsExactly("min_runtime_version");
    assertThat(file.properties().get("tflite.description")).containsExactly("sentrascan fixture");
  }

  @Test
  void customOperatorsAreNamedAndFileReadingFlexOpsAreHigh() throws IOException {
    Finding plain = only(scan("suspicious-custom-op.tflite"), "TFL-001");
    assertThat(plain.severity()).isEqualTo(Severity.MEDIUM);
    assertThat(plain.evidence()).isEqualTo("MyFastNms");
    assertThat(plain.location().context()).isEqualTo("operator_codes 1 MyFastNms");
    assertThat(plain.description()).contains("used by 1 operator");
    FileResult flex = scan("malicious-flex-readfile.tflite");
    Finding f = only(flex, "TFL-001");
    assertThat(f.severity()).isEqualTo(Severity.HIGH);
    assertThat(f.description()).contains("TensorFlow op ReadFile through the Flex delegate");
    assertThat(flex.properties().get("tflite.custom_op")).containsExactly("FlexReadFile");
  }

  @Test
  void buffersOutsideTheFileAndBadIndicesAreHigh() throws IOException {
    Finding buffer = only(scan("malformed-buffer-past-end.tflite"), "TFL-002");
    assertThat(buffer.severity()).isEqualTo(Severity.HIGH);
    assertThat(buffer.location().context()).isEqualTo("buffer 3");
    assertThat(buffer.evidence()).isEqualTo("offset 1048576, size 4096");
    Finding index = only(scan("malformed-opcode-index.tflite"), "TFL-003");
    assertThat(index.location().context()).isEqualTo("subgraph 0 operator 0");
    assertThat(index.evidence()).isEqualTo("opcode_index 7");
  }

  @Test
  void constantTensorsMustFitTheirBuffers() throws IOException {
    Finding f = only(scan("malformed-tensor-size-mismatch.tflite"), "TFL-005");
    assertThat(f.severity()).isEqualTo(Severity.HIGH);
    assertThat(f.location().context()).isEqualTo("subgraph 0 tensor 1 weights");
    assertThat(f.evidence()).isEqualTo("shape [16, 4], buffer 32 bytes");
  }

  @Test
  void truncatedAndLyingFilesAreMalformed() throws IOException {
    for (String name : List.of("malformed-truncated.tflite", "malformed-root-offset.tflite")) {
      FileResult file = scan(name);
      assertThat(file.scanner()).isEqualTo("tflite");
      assertThat(file.findings()).extracting(Finding::ruleId).contains("CORE-001");
      assertThat(file.errors()).isEmpty();
    }
  }

  @Test
  void randomMutationsNeverEscapeAsErrors() throws IOException {
    byte[] good = Files.readAllBytes(FIXTURES.resolve("malicious-flex-readfile.tflite"));
    Random random = new Random(1);
    ScanEngine engine = ScanEngine.defaults();
    for (int i = 0; i < 500; i++) {
      byte[] bad = good.clone();
      for (int j = 0; j < 4; j++) {
        int at = random.nextInt(bad.length);
        if (at < 4 || at >= 8) { // keep the identifier so the TFLite scanner is chosen
          bad[at] = (byte) random.nextInt(256);
        }
      }
      FileResult r = engine.scanSource(Sources.bytes(bad, "m.tflite")).get(0);
      assertThat(r.scanner()).isEqualTo("tflite");
      assertThat(r.errors()).as("mutation %d: %s", i, r.findings()).isEmpty();
    }
  }

  @Test
  void customOpOnlyWarnsUnderTheDefaultPolicy() throws IOException {
    FileResult file = scan("suspicious-custom-op.tflite");
    assertThat(Policy.defaults().verdict(List.of(file))).isEqualTo(Verdict.PASS);
  }
}
