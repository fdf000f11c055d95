package io.sentrascan.scanner.format.nemo;

import static io.sentrascan.testing.FormatFixtures.scanFiles;
import static org.assertj.core.api.Assertions.assertThat;

import io.sentrascan.scanner.FileResult;
import io.sentrascan.scanner.Finding;
import io.sentrascan.scanner.Severity;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class NemoScannerTest {
  static final Path FIXTURES = Path.of("src/test/resources/fixtures/nemo");

  private static List<FileResult> scan(String name) throws IOException {
    return scanFiles(FIXTURES.resolve(name));
  }

  private static List<Finding> all(List<FileResult> files) {
    return files.stream().flatMap(f -> f.findings().stream()).toList();
  }

  @Test
  void benignArchiveIsNemoAndItsCheckpointIsScannedAsPyTorch() throws IOException {
    List<FileResult> files = scan("benign-asr.nemo");
    assertThat(files.get(0).scanner()).isEqualTo("nemo");
    assertThat(files.get(0).format()).isEqualTo("nemo");
    assertThat(files.get(0).properties().get("nemo.target"))
        .contains("nemo.collections.asr.modules.ConvASREncoder");
    assertThat(files)
        .anySatisfy(
            f -> {
              assertThat(f.path()).endsWith("!/./model_weights.ckpt");
              assertThat(f.scanner()).isEqualTo("pytorch");
            });
    assertThat(all(files)).noneMatch(f -> f.severity().atLeast(Severity.MEDIUM));
  }

  @Test
  void osSystemTargetIsCriticalWithItsLine() throws IOException {
    FileResult file = scan("malicious-target-os-system.nemo").get(0);
    Finding f =
        file.findings().stream()
            .filter(x -> x.ruleId().equals("NEMO-001"))
            .findFirst()
            .orElseThrow();
    assertThat(f.severity()).isEqualTo(Severity.CRITICAL);
    assertThat(f.evidence()).isEqualTo("_target_: os.system");
    assertThat(f.location().context()).isEqualTo("./model_config.yaml:line 11");
    assertThat(f.location().offset()).isGreaterThan(512);
  }

  @Test
  void gzippedArchiveIsRecognisedInsideTheCompressedStream() throws IOException {
    List<FileResult> files = scan("malicious-target-gzipped.nemo");
    assertThat(files).anySatisfy(f -> assertThat(f.scanner()).isEqualTo("nemo"));
    assertThat(all(files)).extracting(Finding::ruleId).contains("NEMO-001");
  }

  @Test
  void unknownModuleIsMediumAndTheCheckpointPickleIsCaught() throws IOException {
    List<FileResult> files = scan("malicious-pickle-checkpoint.nemo");
    Finding custom =
        all(files).stream().filter(x -> x.ruleId().equals("NEMO-002")).findFirst().orElseThrow();
    assertThat(custom.severity()).isEqualTo(Severity.MEDIUM);
    assertThat(custom.evidence()).contains("my_plugins.decoders.FancyDecoder");
    assertThat(all(files)).extracting(Finding::ruleId).contains("PKL-001");
  }

  @Test
  void targetsAreFoundInFlowStyleAndQuoted() {
    List<HydraTargets.Target> targets =
        HydraTargets.find(
            "a: {_target_: \"subprocess.Popen\", x: 1}\nb:\n  '_target_': builtins.eval\n", 10);
    assertThat(targets)
        .extracting(HydraTargets.Target::name)
        .containsExactly("subprocess.Popen", "builtins.eval");
    assertThat(targets).allMatch(HydraTargets.Target::dangerous);
    assertThat(HydraTargets.isDangerous("osmosis.Thing")).isFalse();
  }
}
