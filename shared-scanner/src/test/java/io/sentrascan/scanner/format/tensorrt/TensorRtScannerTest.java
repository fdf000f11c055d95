package io.sentrascan.scanner.format.tensorrt;

import static io.sentrascan.testing.FormatFixtures.only;
import static io.sentrascan.testing.FormatFixtures.scanFile;
import static org.assertj.core.api.Assertions.assertThat;

import io.sentrascan.scanner.FileResult;
import io.sentrascan.scanner.Finding;
import io.sentrascan.scanner.ScanEngine;
import io.sentrascan.scanner.Severity;
import io.sentrascan.scanner.Sources;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class TensorRtScannerTest {
  static final Path FIXTURES = Path.of("src/test/resources/fixtures/tensorrt");

  private static FileResult scan(String name) throws IOException {
    return scanFile(FIXTURES.resolve(name));
  }

  private static FileResult scanBytes(byte[] data) {
    return ScanEngine.defaults().scanSource(Sources.bytes(data, "m.engine")).get(0);
  }

  @Test
  void benignEngineIsCleanAndRecordsNvidiaPlugins() throws IOException {
    FileResult file = scan("benign-detector.engine");
    assertThat(file.scanner()).isEqualTo("tensorrt");
    assertThat(file.findings()).isEmpty();
    assertThat(file.properties().get("tensorrt.plugins")).containsExactly("EfficientNMS_TRT");
  }

  @Test
  void foreignPluginLibraryIsHighWithItsPath() throws IOException {
    Finding f = only(scan("malicious-plugin-library.plan"), "TRT-001");
    assertThat(f.severity()).isEqualTo(Severity.HIGH);
    assertThat(f.evidence()).isEqualTo("/tmp/.cache/libcustom_nms_plugin.so");
    assertThat(f.location().offset()).isPositive();
  }

  @Test
  void nvidiaPluginLibraryIsMedium() throws IOException {
    byte[] head = Files.readAllBytes(FIXTURES.resolve("benign-detector.engine"));
    byte[] lib = "\0libnvinfer_plugin.so.8\0".getBytes(StandardCharsets.ISO_8859_1);
    byte[] data = new byte[head.length + lib.length];
    System.arraycopy(head, 0, data, 0, head.length);
    System.arraycopy(lib, 0, data, head.length, lib.length);
    Finding f = only(scanBytes(data), "TRT-001");
    assertThat(f.severity()).isEqualTo(Severity.MEDIUM);
    assertThat(f.evidence()).isEqualTo("libnvinfer_plugin.so.8");
  }

  @Test
  void embeddedElfIsHighAtItsOffset() throws IOException {
    byte[] data = Files.readAllBytes(FIXTURES.resolve("malicious-embedded-elf.engine"));
    Finding f = only(scan("malicious-embedded-elf.engine"), "TRT-002");
    assertThat(f.severity()).isEqualTo(Severity.HIGH);
    assertThat(data[(int) f.location().offset()]).isEqualTo((byte) 0x7f);
  }

  @Test
  void elfSplitAcrossReadChunksIsFound() {
    byte[] data = new byte[200_000];
    System.arraycopy("ftrt".getBytes(StandardCharsets.ISO_8859_1), 0, data, 0, 4);
    byte[] elf = {0x7f, 'E', 'L', 'F', 2, 1, 1};
    System.arraycopy(elf, 0, data, 65536 - 3, elf.length);
    Finding f = only(scanBytes(data), "TRT-002");
    assertThat(f.location().offset()).isEqualTo(65536 - 3);
  }

  @Test
  void filesWithoutThePlanMagicAreNotClaimed() {
    byte[] data = "not an engine: libfoo.so\n".getBytes(StandardCharsets.US_ASCII);
    assertThat(scanBytes(data).scanner()).isNotEqualTo("tensorrt");
  }
}
