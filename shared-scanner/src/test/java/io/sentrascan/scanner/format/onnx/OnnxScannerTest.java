package io.sentrascan.scanner.format.onnx;

import static io.sentrascan.testing.FormatFixtures.only;
import static io.sentrascan.testing.FormatFixtures.scanFile;
import static org.assertj.core.api.Assertions.assertThat;

import io.sentrascan.scanner.FileResult;
import io.sentrascan.scanner.Finding;
import io.sentrascan.scanner.Probe;
import io.sentrascan.scanner.ScanEngine;
import io.sentrascan.scanner.Severity;
import io.sentrascan.scanner.Sources;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class OnnxScannerTest {
  static final Path FIXTURES = Path.of("src/test/resources/fixtures/onnx");

  private static FileResult scan(String name) throws IOException {
    return scanFile(FIXTURES.resolve(name));
  }

  private static FileResult scanBytes(byte[] data) {
    return ScanEngine.defaults().scanSource(Sources.bytes(data, "mem.onnx")).get(0);
  }

  @Test
  void benignModelIsCleanAndRecordsProducerAndOpsets() throws IOException {
    FileResult file = scan("benign-small-mlp.onnx");
    assertThat(file.scanner()).isEqualTo("onnx");
    assertThat(file.format()).isEqualTo("onnx");
    assertThat(file.findings()).isEmpty();
    assertThat(file.properties().get("onnx.producer")).containsExactly("sentrascan-fixtures 1.0");
    assertThat(file.properties().get("onnx.opset")).containsExactly("ai.onnx:13");
    assertThat(file.properties().get("onnx.ir_version")).containsExactly("8");
    assertThat(file.properties().get("onnx.nodes")).containsExactly("3");
    assertThat(scan("benign-if-subgraph.onnx").properties().get("onnx.nodes"))
        .containsExactly("3"); // the If and one node in each branch
  }

  @Test
  void relativeExternalDataIsRecordedNotFlagged() throws IOException {
    FileResult file = scan("benign-external-data.onnx");
    assertThat(file.findings()).isEmpty();
    assertThat(file.properties().get("onnx.external_data")).containsExactly("weights/mlp.bin");
  }

  @Test
  void externalDataOutsideTheModelFolderIsHigh() throws IOException {
    Finding up = only(scan("malicious-external-data-traversal.onnx"), "ONNX-002");
    assertThat(up.severity()).isEqualTo(Severity.HIGH);
    assertThat(up.evidence()).isEqualTo("../../etc/passwd");
    assertThat(up.location().context()).isEqualTo("graph/initializer w");
    assertThat(up.description()).contains("'..'");
    Finding abs = only(scan("malicious-external-data-absolute.onnx"), "ONNX-002");
    assertThat(abs.description()).contains("absolute path");
    assertThat(OnnxModelWalker.escapes("C:\\Windows\\win.ini")).contains("drive");
    assertThat(OnnxModelWalker.escapes("weights\\..\\..\\x")).contains("..");
    assertThat(OnnxModelWalker.escapes("file:///etc/passwd")).contains("URL");
    assertThat(OnnxModelWalker.escapes("weights/model..data.bin")).isNull();
  }

  @Test
  void customDomainOperatorsAreFlaggedAndPythonOnesAreHigh() throws IOException {
    Finding py = only(scan("malicious-custom-pyop.onnx"), "ONNX-001");
    assertThat(py.severity()).isEqualTo(Severity.HIGH);
    assertThat(py.evidence()).isEqualTo("ai.onnx.contrib.PyOp");
    assertThat(py.location().context()).isEqualTo("graph/node py");
    FileResult plain = scan("suspicious-custom-domain.onnx");
    assertThat(only(plain, "ONNX-001").severity()).isEqualTo(Severity.MEDIUM);
    assertThat(plain.properties().get("onnx.custom_op"))
        .containsExactly("com.example.ops.FastGelu");
    assertThat(plain.properties().get("onnx.opset"))
        .containsExactly("ai.onnx:13", "com.example.ops:1");
  }

  @Test
  void subgraphsAndFunctionBodiesAreWalked() throws IOException {
    Finding nested = only(scan("malicious-nested-custom-op.onnx"), "ONNX-001");
    assertThat(nested.location().context()).isEqualTo("graph/node if.then_branch/node then_op");
    assertThat(nested.severity()).isEqualTo(Severity.HIGH); // ShellExec
    FileResult fn = scan("malicious-function-hides-custom-op.onnx");
    assertThat(only(fn, "ONNX-001").location().context())
        .isEqualTo("function custom.fn.Innocent/node #1");
    assertThat(only(fn, "ONNX-003").severity()).isEqualTo(Severity.LOW);
    FileResult benignFn = scan("benign-local-function.onnx");
    assertThat(benignFn.findings()).extracting(Finding::ruleId).containsExactly("ONNX-003");
    assertThat(benignFn.properties().get("onnx.function")).containsExactly("custom.fn:DoubleRelu");
  }

  @Test
  void deepNestingStopsAtTheLimit() throws IOException {
    FileResult file = scan("malicious-deep-subgraphs.onnx");
    assertThat(only(file, "ONNX-005").severity()).isEqualTo(Severity.HIGH);
  }

  @Test
  void rawDataThatDisagreesWithDimsIsHigh() throws IOException {
    Finding f = only(scan("malicious-raw-data-size-mismatch.onnx"), "ONNX-004");
    assertThat(f.description()).contains("[1000, 1000]", "4000000 bytes", "holds 16 bytes");
  }

  @Test
  void truncatedAndMutatedModelsAreFindingsNotCrashes() throws IOException {
    FileResult cut = scan("malformed-truncated.onnx");
    assertThat(cut.scanner()).isEqualTo("onnx");
    assertThat(cut.findings()).extracting(Finding::ruleId).contains("CORE-001");
    byte[] good = Files.readAllBytes(FIXTURES.resolve("malicious-nested-custom-op.onnx"));
    Random random = new Random(42);
    for (int i = 0; i < 300; i++) {
      byte[] bad = good.clone();
      for (int j = 0; j < 3; j++) {
        bad[2 + random.nextInt(bad.length - 2)] = (byte) random.nextInt(256);
      }
      FileResult r = scanBytes(bad);
      assertThat(r.errors()).as("mutation %d", i).isEmpty();
    }
  }

  private static byte[] varint(long v) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    while ((v & ~0x7fL) != 0) {
      out.write((int) ((v & 0x7f) | 0x80));
      v >>>= 7;
    }
    out.write((int) v);
    return out.toByteArray();
  }

  private static byte[] concat(byte[]... parts) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  private static byte[] field(int number, byte[] value) {
    return concat(varint((long) number << 3 | 2), varint(value.length), value);
  }

  /** prefix, then {@code zeros} zero bytes, then suffix; counts the bytes handed out. */
  private static final class SparseModel implements io.sentrascan.scanner.Source {
    final byte[] prefix;
    final long zeros;
    final byte[] suffix;
    final java.util.concurrent.atomic.AtomicLong read =
        new java.util.concurrent.atomic.AtomicLong();

    SparseModel(byte[] prefix, long zeros, byte[] suffix) {
      this.prefix = prefix;
      this.zeros = zeros;
      this.suffix = suffix;
    }

    @Override
    public long size() {
      return prefix.length + zeros + suffix.length;
    }

    @Override
    public String displayPath() {
      return "big.onnx";
    }

    @Override
    public int read(long position, byte[] buf, int off, int len) {
      if (position >= size()) {
        return -1;
      }
      int n = (int) Math.min(len, size() - position);
      for (int i = 0; i < n; i++) {
        long p = position + i;
        buf[off + i] =
            p < prefix.length
                ? prefix[(int) p]
                : p < prefix.length + zeros ? 0 : suffix[(int) (p - prefix.length - zeros)];
      }
      read.addAndGet(n);
      return n;
    }
  }

  @Test
  void inlineTensorDataIsSkippedNotRead() {
    long raw = 200_000_000L; // 50 M floats
    byte[] tensorHead =
        concat(
            new byte[] {0x08},
            varint(raw / 4),
            new byte[] {0x10, 0x01},
            field(8, new byte[] {'w'}),
            varint(9 << 3 | 2),
            varint(raw));
    byte[] graphTail = field(2, "main".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    long tensorLength = tensorHead.length + raw;
    byte[] graphHead = concat(varint(5 << 3 | 2), varint(tensorLength), tensorHead);
    long graphLength = graphHead.length + raw + graphTail.length;
    byte[] prefix =
        concat(new byte[] {0x08, 0x08}, varint(7 << 3 | 2), varint(graphLength), graphHead);
    byte[] suffix = concat(graphTail, field(8, new byte[] {0x10, 0x0d}));
    SparseModel big = new SparseModel(prefix, raw, suffix);
    FileResult file = ScanEngine.defaults().withDigests(List.of()).scanSource(big).get(0);
    assertThat(file.scanner()).isEqualTo("onnx");
    assertThat(file.findings()).isEmpty();
    assertThat(file.properties().get("onnx.opset")).containsExactly("ai.onnx:13");
    assertThat(big.read.get()).isLessThan(1 << 20);
    System.out.printf("onnx: read %d of %d bytes%n", big.read.get(), big.size());
  }

  @Test
  void otherProtobufsAndRandomBytesAreNotClaimed() throws IOException {
    OnnxScanner scanner = new OnnxScanner();
    // A SavedModel: schema version 1, then meta_graphs (field 2) only.
    byte[] savedModel = {0x08, 0x01, 0x12, 0x03, 0x0a, 0x01, 0x41};
    assertThat(scanner.supports(Probe.of(Sources.bytes(savedModel, "saved_model.pb")))).isFalse();
    byte[] text = "hello world, not a model".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    assertThat(scanner.supports(Probe.of(Sources.bytes(text, "x.onnx")))).isFalse();
    Random random = new Random(7);
    for (int i = 0; i < 2000; i++) {
      byte[] noise = new byte[256];
      random.nextBytes(noise);
      assertThat(scanner.supports(Probe.of(Sources.bytes(noise, "n.onnx")))).isFalse();
    }
  }
}
