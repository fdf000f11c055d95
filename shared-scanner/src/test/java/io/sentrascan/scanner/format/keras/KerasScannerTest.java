package io.sentrascan.scanner.format.keras;

import static io.sentrascan.testing.FormatFixtures.only;
import static io.sentrascan.testing.FormatFixtures.scanPath;
import static org.assertj.core.api.Assertions.assertThat;

import io.sentrascan.scanner.FileResult;
import io.sentrascan.scanner.Finding;
import io.sentrascan.scanner.ScanResult;
import io.sentrascan.scanner.Severity;
import io.sentrascan.scanner.Verdict;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KerasScannerTest {
  static final Path FIXTURES = Path.of("src/test/resources/fixtures/keras");

  private static List<FileResult> scan(String name) throws IOException {
    return scanPath(FIXTURES.resolve(name)).files();
  }

  @Test
  void denseModelsAreCleanAndRecordTheirKerasVersion() throws IOException {
    for (String name : List.of("benign-sequential-dense.h5", "benign-no-training-config.hdf5")) {
      FileResult file = scan(name).get(0);
      assertThat(file.scanner()).isEqualTo("keras-hdf5");
      assertThat(file.format()).isEqualTo("keras-h5");
      assertThat(file.findings()).isEmpty();
      assertThat(file.errors()).isEmpty();
      assertThat(file.properties().get("keras.version")).containsExactly("2.12.0");
      assertThat(file.properties().get("keras.model_class")).containsExactly("Sequential");
    }
  }

  @Test
  void nanAndInfinityAsPythonWritesThemAreValidConfiguration() throws IOException {
    FileResult file = scan("benign-relu-infinity.h5").get(0);
    assertThat(file.findings()).isEmpty();
    assertThat(file.properties().get("keras.model_class")).containsExactly("Sequential");
  }

  @Test
  void lambdaBytecodeIsCriticalWithTheNamesItCalls() throws IOException {
    Finding f = only(scan("malicious-lambda-os-system.h5").get(0), "KER-001");
    assertThat(f.severity()).isEqualTo(Severity.CRITICAL);
    assertThat(f.location().context())
        .isEqualTo("model_config /config/layers/2 \"lambda\" (Lambda)");
    assertThat(f.evidence()).contains("dangerous names: os, __import__, system");
    Finding v3 = only(scan("malicious-lambda.keras").get(0), "KER-001");
    assertThat(v3.location().context()).startsWith("config.json /config/layers/2 \"lambda\"");
    assertThat(v3.description()).contains("os, __import__, system");
  }

  @Test
  void modulesOutsideKerasThatRunCodeAreCritical() throws IOException {
    Finding tfop = only(scan("malicious-tfoplambda-os-system.h5").get(0), "KER-002");
    assertThat(tfop.severity()).isEqualTo(Severity.CRITICAL);
    assertThat(tfop.evidence()).isEqualTo("module: os, name: system");
    assertThat(tfop.location().context()).contains("(TFOpLambda)");
    Finding act = only(scan("malicious-activation-subprocess.h5").get(0), "KER-002");
    assertThat(act.evidence()).isEqualTo("module: subprocess, name: check_output");
    Finding exec = only(scan("malicious-module-builtins-exec.keras").get(0), "KER-002");
    assertThat(exec.evidence()).isEqualTo("module: builtins, name: exec");
    assertThat(exec.location().context())
        .startsWith("config.json /config/layers/1/config/activation");
  }

  @Test
  void customLayersFromOtherPackagesAreMediumNotCritical() throws IOException {
    FileResult file = scan("custom-layer-own-package.h5").get(0);
    Finding f = only(file, "KER-003");
    assertThat(file.findings()).hasSize(1);
    assertThat(f.severity()).isEqualTo(Severity.MEDIUM);
    assertThat(f.evidence()).isEqualTo("module: my_project.layers");
    assertThat(f.location().context())
        .isEqualTo("model_config /config/layers/2 \"attention\" (Attention)");
    assertThat(scanPath(FIXTURES.resolve("custom-layer-own-package.h5")).verdict())
        .isEqualTo(Verdict.PASS);
  }

  @Test
  void keraApisThatTurnSafeModeOffAreReported() throws IOException {
    Finding f = only(scan("malicious-enable-unsafe-deserialization.keras").get(0), "KER-006");
    assertThat(f.severity()).isEqualTo(Severity.CRITICAL);
    assertThat(f.evidence()).isEqualTo("keras.config.enable_unsafe_deserialization");
  }

  @Test
  void kerasV3WeightsAreScannedAsNestedHdf5() throws IOException {
    List<FileResult> files = scan("benign-sequential.keras");
    assertThat(files).extracting(FileResult::format).containsExactly("keras-v3", "hdf5");
    assertThat(files.get(0).properties().get("keras.version")).containsExactly("3.5.0");
    List<FileResult> evil = scan("malicious-weights-pickle.keras");
    FileResult weights = evil.get(1);
    assertThat(weights.path()).endsWith("!/model.weights.h5");
    assertThat(only(weights, "KER-004").location().context()).isEqualTo("dataset /payload");
    assertThat(only(weights, "PKL-001").description()).contains("posix.system");
  }

  @Test
  void pickleInAnAttributeJhdfCannotReadIsFoundInTheRawBytes() throws IOException {
    FileResult file = scan("malicious-pickle-attribute.h5").get(0);
    assertThat(only(file, "KER-004").severity()).isEqualTo(Severity.HIGH);
    assertThat(only(file, "PKL-001").description()).contains("posix.system");
    assertThat(file.errors()).anyMatch(e -> e.contains("/model_weights"));
  }

  @Test
  void kerasMetadataNextToASavedModelGetsTheSameAnalysis() throws IOException {
    FileResult benign = scan("benign-keras_metadata.pb").get(0);
    assertThat(benign.scanner()).isEqualTo("keras-metadata");
    assertThat(benign.findings()).isEmpty();
    assertThat(benign.properties().get("keras.saved_objects")).containsExactly("2");
    Finding f = only(scan("malicious-lambda-keras_metadata.pb").get(0), "KER-001");
    assertThat(f.severity()).isEqualTo(Severity.CRITICAL);
    assertThat(f.location().context()).startsWith("metadata of root.layer-1 / \"lambda\" (Lambda)");
    assertThat(f.location().offset()).isPositive();
    FileResult cut = scan("malformed-truncated-keras_metadata.pb").get(0);
    assertThat(cut.findings()).extracting(Finding::ruleId).containsExactly("KER-001", "CORE-001");
  }

  @Test
  void bytesAfterTheHdf5EndOfFileAreReportedAndSearched() throws IOException {
    FileResult file = scan("malicious-appended-pickle.h5").get(0);
    long clean = Files.size(FIXTURES.resolve("benign-sequential-dense.h5"));
    Finding trailing = only(file, "KER-007");
    assertThat(trailing.severity()).isEqualTo(Severity.MEDIUM);
    assertThat(trailing.location().offset()).isEqualTo(clean);
    assertThat(only(file, "PKL-001").description()).contains("posix.system");
  }

  @Test
  void brokenConfigurationsAndTruncatedFilesAreFindingsNotCrashes() throws IOException {
    assertThat(only(scan("malformed-bad-json.h5").get(0), "KER-005").location().context())
        .isEqualTo("model_config");
    ScanResult truncated = scanPath(FIXTURES.resolve("malformed-truncated.h5"));
    assertThat(truncated.findings()).extracting(Finding::ruleId).containsExactly("CORE-001");
    assertThat(truncated.verdict()).isEqualTo(Verdict.FAIL);
  }

  @Test
  void everyCutOfAModelEndsInAVerdictWithoutAnEscapingException(@TempDir Path dir)
      throws IOException {
    byte[] whole = Files.readAllBytes(FIXTURES.resolve("malicious-lambda-os-system.h5"));
    for (int cut = KerasH5Scanner.SIGNATURE.length; cut < whole.length; cut += 97) {
      Path part = dir.resolve("cut-" + cut + ".h5");
      Files.write(part, Arrays.copyOf(whole, cut));
      ScanResult result = scanPath(part);
      assertThat(result.verdict()).as("cut at " + cut).isNotEqualTo(Verdict.PASS);
    }
  }

  @Test
  void flippedBytesNeverEscapeTheScanner(@TempDir Path dir) throws IOException {
    byte[] whole = Files.readAllBytes(FIXTURES.resolve("benign-sequential-dense.h5"));
    java.util.Random random = new java.util.Random(42);
    for (int i = 0; i < 200; i++) {
      byte[] copy = whole.clone();
      for (int j = 0; j < 8; j++) {
        copy[random.nextInt(copy.length)] = (byte) random.nextInt(256);
      }
      Path part = dir.resolve("flip-" + i + ".h5");
      Files.write(part, copy);
      ScanResult result = scanPath(part);
      assertThat(result.files()).isNotEmpty();
    }
  }

  @Test
  void aCorruptDeflateStreamInAKerasArchiveIsMalformed(@TempDir Path dir) throws IOException {
    byte[] whole = Files.readAllBytes(FIXTURES.resolve("benign-sequential.keras"));
    byte[] copy = whole.clone();
    // Overwrite the start of config.json's compressed data (right after the name in its local
    // header) with garbage; the central directory at the end stays intact.
    int data =
        new String(whole, java.nio.charset.StandardCharsets.ISO_8859_1).indexOf("config.json")
            + "config.json".length();
    for (int i = data; i < data + 24; i++) {
      copy[i] = (byte) 0xff;
    }
    Path file = dir.resolve("damaged.keras");
    Files.write(file, copy);
    ScanResult result = scanPath(file);
    assertThat(result.verdict()).isNotEqualTo(Verdict.PASS);
    assertThat(result.findings()).extracting(Finding::ruleId).containsAnyOf("CORE-001", "KER-005");
  }

  @Test
  void userBlockBeforeTheSignatureIsStillHdf5(@TempDir Path dir) throws IOException {
    // Only the probe is checked here: h5py cannot add a user block to an existing file.
    byte[] whole = Files.readAllBytes(FIXTURES.resolve("benign-sequential-dense.h5"));
    byte[] shifted = new byte[512 + whole.length];
    System.arraycopy(whole, 0, shifted, 512, whole.length);
    Path file = dir.resolve("user-block.bin");
    Files.write(file, shifted);
    assertThat(
            KerasH5Scanner.signatureOffset(
                io.sentrascan.scanner.Probe.of(io.sentrascan.scanner.Sources.file(file, "x"))))
        .isEqualTo(512);
  }
}
