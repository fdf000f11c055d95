package io.sentrascan.scanner.format.paddle;

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
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PaddleScannerTest {
  static final Path FIXTURES = Path.of("src/test/resources/fixtures/paddle");

  private static FileResult scan(String name) throws IOException {
    return scanFile(FIXTURES.resolve(name));
  }

  @Test
  void benignInferenceProgramIsCleanAndListsItsOperators() throws IOException {
    FileResult file = scan("benign-linear.pdmodel");
    assertThat(file.scanner()).isEqualTo("paddle");
    assertThat(file.format()).isEqualTo("paddle-program");
    assertThat(file.findings()).isEmpty();
    assertThat(file.properties().get("paddle.ops")).containsExactly("5");
    assertThat(file.properties().get("paddle.op_types"))
        .contains("feed", "fetch", "matmul_v2", "relu");
  }

  @Test
  void pyFuncIsHighWithBlockAndOperatorIndex() throws IOException {
    Finding f = only(scan("malicious-py-func.pdmodel"), "PADDLE-001");
    assertThat(f.severity()).isEqualTo(Severity.HIGH);
    assertThat(f.location().context()).isEqualTo("block 0 op 4 (py_func)");
    assertThat(f.location().offset()).isPositive();
  }

  @Test
  void saveInASubBlockIsFoundWithItsFilePath() throws IOException {
    Finding f = only(scan("malicious-save-in-subblock.pdmodel"), "PADDLE-002");
    assertThat(f.severity()).isEqualTo(Severity.HIGH);
    assertThat(f.location().context()).isEqualTo("block 1 op 0 (save)");
    assertThat(f.evidence()).contains("/home/user/.bashrc");
  }

  @Test
  void lyingOperatorLengthIsMalformed() throws IOException {
    FileResult file = scan("malformed-op-length.pdmodel");
    assertThat(file.scanner()).isEqualTo("paddle");
    only(file, "CORE-001");
  }

  @Test
  void paddleParameterPicklesOfNumpyArraysAreClean() throws IOException {
    for (String name : List.of("benign-linear.pdparams", "benign-adam.pdopt")) {
      FileResult file = scan(name);
      assertThat(file.scanner()).as(name).isEqualTo("pickle");
      assertThat(file.findings())
          .as(name)
          .noneMatch(x -> x.severity().compareTo(Severity.MEDIUM) >= 0);
    }
    assertThat(scan("malicious-reduce.pdparams").findings())
        .anyMatch(x -> x.severity() == Severity.CRITICAL || x.severity() == Severity.HIGH);
  }

  @Test
  void otherProtobufsAreNotClaimed() throws IOException {
    byte[] onnx =
        Files.readAllBytes(Path.of("src/test/resources/fixtures/onnx/benign-small-mlp.onnx"));
    FileResult file = ScanEngine.defaults().scanSource(Sources.bytes(onnx, "m.pdmodel")).get(0);
    assertThat(file.scanner()).isNotEqualTo("paddle");
  }

  @Test
  void mutatedProgramsNeverThrow() throws IOException {
    byte[] good = Files.readAllBytes(FIXTURES.resolve("benign-linear.pdmodel"));
    Random random = new Random(11);
    for (int i = 0; i < 300; i++) {
      byte[] bad = good.clone();
      for (int k = 0; k < 3; k++) {
        int at = 14 + random.nextInt(bad.length - 14);
        bad[at] = (byte) random.nextInt(256);
      }
      FileResult file = ScanEngine.defaults().scanSource(Sources.bytes(bad, "m.pdmodel")).get(0);
      assertThat(file.errors()).as("mutation %d", i).isEmpty();
    }
  }
}
