package io.sentrascan.scanner.format.pytorch;

import static io.sentrascan.testing.FormatFixtures.only;
import static org.assertj.core.api.Assertions.assertThat;

import io.sentrascan.scanner.FileResult;
import io.sentrascan.scanner.Finding;
import io.sentrascan.scanner.Policy;
import io.sentrascan.scanner.ScanEngine;
import io.sentrascan.scanner.Severity;
import io.sentrascan.scanner.Source;
import io.sentrascan.scanner.Sources;
import io.sentrascan.scanner.container.ZipIndex;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PyTorchScannerTest {
  static final Path FIXTURES = Path.of("src/test/resources/fixtures/pytorch");

  private static List<FileResult> scan(Source source) {
    return ScanEngine.defaults().scanSources(List.of(source), Policy.defaults()).files();
  }

  private static FileResult scanFixture(String name) throws IOException {
    return scan(Sources.bytes(Files.readAllBytes(FIXTURES.resolve(name)), name)).get(0);
  }

  @Test
  void stateDictScansCleanAndRecordsItsImports() throws IOException {
    FileResult file = scanFixture("benign-state-dict.pt");
    assertThat(file.scanner()).isEqualTo("pytorch");
    assertThat(file.format()).isEqualTo("pytorch-zip");
    assertThat(file.findings()).isEmpty();
    assertThat(file.properties().get("pickle.imports"))
        .contains(
            "collections.OrderedDict", "torch._utils._rebuild_tensor_v2", "torch.FloatStorage");
  }

  @Test
  void findingOffsetsPointIntoTheCheckpointFile() throws IOException {
    byte[] data = Files.readAllBytes(FIXTURES.resolve("malicious-bad-crc-renamed.pt"));
    FileResult file = scan(Sources.bytes(data, "m.pt")).get(0);
    Finding f = only(file, "PKL-001");
    assertThat(f.severity()).isEqualTo(Severity.CRITICAL);
    assertThat(f.location().context()).isEqualTo("weights/data.pkl");
    assertThat((char) data[(int) f.location().offset()]).isEqualTo('c'); // the GLOBAL opcode
    assertThat(f.evidence()).startsWith("os.system called via REDUCE");
  }

  @Test
  void readsOnlyTheDirectoryAndThePicklesNeverTensorData() throws IOException {
    byte[] data = Files.readAllBytes(FIXTURES.resolve("benign-state-dict.pt"));
    Source plain = Sources.bytes(data, "x.pt");
    List<long[]> tensorRanges = new ArrayList<>();
    for (ZipIndex.Entry e : ZipIndex.read(plain).entries()) {
      if (e.name().contains("/data/")) {
        long start = ZipIndex.dataOffset(plain, e);
        tensorRanges.add(new long[] {start, start + e.compressedSize()});
      }
    }
    assertThat(tensorRanges).isNotEmpty();
    List<long[]> reads = new ArrayList<>();
    Source recording =
        new Source() {
          @Override
          public long size() {
            return data.length;
          }

          @Override
          public String displayPath() {
            return "x.pt";
          }

          @Override
          public int read(long position, byte[] buf, int off, int len) throws IOException {
            int n = plain.read(position, buf, off, len);
            if (n > 0) {
              synchronized (reads) {
                reads.add(new long[] {position, position + n});
              }
            }
            return n;
          }
        };
    // The scanner alone (the engine hashes the whole file, which is fine).
    ScanEngine engine =
        new ScanEngine(List.of(new PyTorchScanner()), io.sentrascan.scanner.Limits.defaults());
    io.sentrascan.scanner.Probe probe = io.sentrascan.scanner.Probe.of(recording);
    assertThat(new PyTorchScanner().supports(probe)).isTrue();
    reads.clear();
    FileResult file = engine.scanSources(List.of(recording), Policy.defaults()).files().get(0);
    assertThat(file.findings()).isEmpty();
    // Reads of the scan itself are small: bounded ranges, none of them only tensor bytes.
    long scanReads =
        reads.stream()
            .filter(r -> r[1] - r[0] < data.length) // the hash reads the whole file at once
            .filter(r -> tensorRanges.stream().anyMatch(t -> r[0] >= t[0] && r[1] <= t[1]))
            .count();
    assertThat(scanReads).isZero();
  }

  @Test
  void legacyCheckpointsScanTheirPicklesAndFindAnAppendedOne() throws IOException {
    FileResult benign = scanFixture("benign-legacy-state-dict.pt");
    assertThat(benign.format()).isEqualTo("pytorch-legacy");
    assertThat(benign.findings()).isEmpty();
    assertThat(benign.properties().get("pickle.imports"))
        .contains("torch._utils._rebuild_tensor_v2");
    FileResult appended = scanFixture("malicious-legacy-appended.pt");
    long size = Files.size(FIXTURES.resolve("malicious-legacy-appended.pt"));
    Finding hidden = only(appended, "PKL-005");
    assertThat(hidden.location().offset())
        .isEqualTo(Files.size(FIXTURES.resolve("benign-legacy-state-dict.pt")));
    assertThat(hidden.location().offset()).isLessThan(size);
    assertThat(only(appended, "PKL-001").description()).contains("os.system");
  }

  @Test
  void rawTensorBytesDoNotLookLikeHiddenPickles() throws IOException {
    byte[] legacy = Files.readAllBytes(FIXTURES.resolve("benign-legacy-state-dict.pt"));
    java.nio.ByteBuffer noise =
        java.nio.ByteBuffer.allocate(legacy.length + (8 << 20))
            .order(java.nio.ByteOrder.LITTLE_ENDIAN);
    noise.put(legacy);
    java.util.Random random = new java.util.Random(42);
    while (noise.remaining() >= 4) {
      noise.putFloat((float) random.nextGaussian());
    }
    FileResult file = scan(Sources.bytes(noise.array(), "big-legacy.pt")).get(0);
    assertThat(file.format()).isEqualTo("pytorch-legacy");
    assertThat(file.findings()).isEmpty();
  }

  @Test
  void torchScriptCodeIsChecked() throws IOException {
    FileResult benign = scanFixture("benign-torchscript.pt");
    assertThat(benign.format()).isEqualTo("torchscript");
    assertThat(benign.findings()).isEmpty();
    FileResult edited = scanFixture("malicious-torchscript-code.pt");
    Finding code = only(edited, "PT-002");
    assertThat(code.evidence()).contains("__import__(\"os\")");
    assertThat(code.location().context()).matches(".*/code/.*\\.py:\\d+");
    assertThat(only(edited, "PT-001").description()).contains("'evil_ns'");
  }

  @Test
  void everyPickleEntryIsScanned() throws IOException {
    FileResult file = scanFixture("malicious-extra-pkl-entry.pt");
    assertThat(only(file, "PKL-001").location().context()).isEqualTo("archive/extra/hook.pkl");
    FileResult deflated = scanFixture("malicious-deflated-data-pkl.pt");
    assertThat(only(deflated, "PKL-001").location().context()).isEqualTo("archive/data.pkl");
  }
}
