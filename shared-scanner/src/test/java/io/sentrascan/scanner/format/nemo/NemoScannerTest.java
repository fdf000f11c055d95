package io.sentrascan.scanner.format.nemo;

import static io.sentrascan.testing.FormatFixtures.scanFiles;
import static org.assertj.core.api.Assertions.assertThat;

import io.sentrascan.scanner.FileResult;
import io.sentrascan.scanner.Finding;
import io.sentrascan.scanner.ScanEngine;
import io.sentrascan.scanner.Severity;
import io.sentrascan.scanner.Sources;
import io.sentrascan.testing.CountingSource;
import io.sentrascan.testing.TarFiles;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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

  /** The checkpoint zip with {@code extra} bytes of tensor data added as a stored entry. */
  static byte[] withStoredTensor(Path dir, byte[] checkpoint, int extra) throws IOException {
    Path original = Files.write(dir.resolve("original.ckpt"), checkpoint);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(extra + checkpoint.length + 4096);
    try (ZipFile in = new ZipFile(original.toFile());
        ZipOutputStream out = new ZipOutputStream(bytes)) {
      for (ZipEntry e : java.util.Collections.list(in.entries())) {
        try (var data = in.getInputStream(e)) {
          stored(out, e.getName(), data.readAllBytes());
        }
      }
      byte[] tensor = new byte[extra];
      for (int i = 0; i < tensor.length; i++) {
        tensor[i] = (byte) (i * 31);
      }
      stored(out, "archive/data/big", tensor);
    }
    return bytes.toByteArray();
  }

  private static void stored(ZipOutputStream out, String name, byte[] data) throws IOException {
    ZipEntry e = new ZipEntry(name);
    e.setMethod(ZipEntry.STORED);
    e.setSize(data.length);
    CRC32 crc = new CRC32();
    crc.update(data);
    e.setCrc(crc.getValue());
    out.putNextEntry(e);
    out.write(data);
    out.closeEntry();
  }

  @Test
  void aStoredCheckpointInTheTarIsReadAsASliceNotWhole(@TempDir Path dir) throws IOException {
    Map<String, byte[]> members = TarFiles.untar(FIXTURES.resolve("benign-asr.nemo"));
    byte[] checkpoint = withStoredTensor(dir, members.get("./model_weights.ckpt"), 32 << 20);
    members.put("./model_weights.ckpt", checkpoint);
    Path nemo = dir.resolve("big.nemo");
    TarFiles.tar(nemo, members);
    List<FileResult> files;
    CountingSource counted;
    try (Sources.FileSource src = Sources.file(nemo, nemo.toString())) {
      counted = new CountingSource(src);
      files = ScanEngine.defaults().withDigests(List.of()).scanSource(counted);
    }
    assertThat(files.get(0).scanner()).isEqualTo("nemo");
    assertThat(files)
        .anySatisfy(
            f -> {
              assertThat(f.path()).endsWith("!/./model_weights.ckpt");
              assertThat(f.scanner()).isEqualTo("pytorch");
            });
    assertThat(files).allSatisfy(f -> assertThat(f.errors()).isEmpty());
    assertThat(all(files)).noneMatch(f -> f.severity().atLeast(Severity.MEDIUM));
    // The config, the tar headers, the zip's directory and pickle, the probes: not the tensors.
    assertThat(counted.read()).isLessThan(checkpoint.length / 50);
  }
}
