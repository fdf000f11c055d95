package io.sentrascan.scanner.format.tensorflow;

import static io.sentrascan.testing.FormatFixtures.rule;
import static io.sentrascan.testing.FormatFixtures.scanPath;
import static org.assertj.core.api.Assertions.assertThat;

import io.sentrascan.scanner.FileResult;
import io.sentrascan.scanner.Finding;
import io.sentrascan.scanner.Probe;
import io.sentrascan.scanner.ScanResult;
import io.sentrascan.scanner.Severity;
import io.sentrascan.scanner.Sources;
import io.sentrascan.scanner.Verdict;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TensorFlowScannerTest {
  static final Path FIXTURES = Path.of("src/test/resources/fixtures/tensorflow");

  private static FileResult scan(String name) throws IOException {
    return scanPath(FIXTURES.resolve(name)).files().get(0);
  }

  @Test
  void benignGraphsAreCleanAndCheckpointOpsAreNotReported() throws IOException {
    FileResult frozen = scan("benign-frozen-graph.pb");
    assertThat(frozen.scanner()).isEqualTo("tensorflow");
    assertThat(frozen.format()).isEqualTo("tensorflow-graphdef");
    assertThat(frozen.findings()).isEmpty();
    assertThat(frozen.properties().get("tensorflow.nodes")).containsExactly("4");
    FileResult saved = scan("benign-saved_model.pb"); // holds SaveV2 and RestoreV2
    assertThat(saved.format()).isEqualTo("tensorflow-savedmodel");
    assertThat(saved.findings()).isEmpty();
    assertThat(saved.properties().get("tensorflow.tags")).containsExactly("serve");
    assertThat(saved.properties().get("tensorflow.functions")).containsExactly("1");
    FileResult meta = scan("benign-model.meta");
    assertThat(meta.format()).isEqualTo("tensorflow-metagraph");
    assertThat(meta.properties().get("tensorflow.version")).containsExactly("1.15.0");
    assertThat(scan("benign-print-stderr.pb").findings()).isEmpty();
  }

  @Test
  void everyListedOpReportsACatalogRuleOfItsFamily() {
    assertThat(RiskyOps.defaults().all()).hasSizeGreaterThan(40);
    for (RiskyOps.Op op : RiskyOps.defaults().all()) {
      assertThat(io.sentrascan.scanner.rules.RuleCatalog.defaults().rule(op.rule()).id())
          .startsWith("TF-");
      assertThat(op.why()).as(op.op()).isNotBlank();
    }
    assertThat(RiskyOps.defaults().get("SaveV2")).isNull();
    assertThat(RiskyOps.defaults().get("RestoreV2")).isNull();
    assertThat(RiskyOps.defaults().get("PyFunc").severity()).isEqualTo(Severity.CRITICAL);
  }

  @Test
  void pythonOpsAreCriticalAndNameTheirNode() throws IOException {
    Finding py = rule(scan("malicious-pyfunc.pb"), "TF-001").get(0);
    assertThat(py.severity()).isEqualTo(Severity.CRITICAL);
    assertThat(py.location().context()).isEqualTo("graph node \"run_python\" (PyFunc)");
    assertThat(py.evidence()).isEqualTo("op PyFunc, node \"run_python\", token pyfunc_0");
    assertThat(py.location().offset()).isPositive();
    Finding eager = rule(scan("malicious-saved_model-eagerpyfunc.pb"), "TF-001").get(0);
    assertThat(eager.location().context())
        .isEqualTo("function __inference_call_99 node \"EagerPyFunc\" (EagerPyFunc)");
  }

  @Test
  void kerasLambdaLayersInTheObjectGraphAreCritical() throws IOException {
    assertThat(scan("benign-keras-saved_model.pb").findings()).isEmpty();
    Finding f = rule(scan("malicious-keras-lambda-saved_model.pb"), "TF-006").get(0);
    assertThat(f.severity()).isEqualTo(Severity.CRITICAL);
    assertThat(f.location().context()).isEqualTo("object graph node 2 _tf_keras_layer \"lambda\"");
    assertThat(f.evidence()).startsWith("\"class_name\": \"Lambda\"");
  }

  @Test
  void fileOpsAreHigh() throws IOException {
    FileResult file = scan("malicious-read-write-file.pb");
    assertThat(rule(file, "TF-003"))
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.severity()).isEqualTo(Severity.HIGH);
              assertThat(f.evidence()).isEqualTo("op ReadFile, node \"steal\"");
            });
    assertThat(rule(file, "TF-002"))
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.evidence()).isEqualTo("op WriteFile, node \"drop\"");
            });
  }

  @Test
  void printAndDebugOpsAreReportedOnlyWhenTheyWriteOrSendSomewhere() throws IOException {
    Finding print = rule(scan("malicious-print-to-file.pb"), "TF-004").get(0);
    assertThat(print.evidence()).contains("output_stream file:///tmp/exfil.txt");
    Finding debug = rule(scan("malicious-debug-identity-grpc.pb"), "TF-004").get(0);
    assertThat(debug.evidence()).contains("debug_urls grpc://203.0.113.7:6064 | file:///tmp/dump");
  }

  @Test
  void cutOrLyingFilesAreMalformedAfterReportingWhatCameBefore() throws IOException {
    ScanResult truncated = scanPath(FIXTURES.resolve("malformed-truncated-saved_model.pb"));
    assertThat(truncated.findings()).extracting(Finding::ruleId).containsExactly("CORE-001");
    assertThat(truncated.verdict()).isEqualTo(Verdict.FAIL);
    Finding lying = rule(scan("malformed-lying-length.pb"), "CORE-001").get(0);
    assertThat(lying.location().offset()).isPositive();
  }

  @Test
  void pyFuncBeforeACutIsStillReported(@TempDir Path dir) throws IOException {
    byte[] whole = Files.readAllBytes(FIXTURES.resolve("malicious-pyfunc.pb"));
    byte[] cut = Arrays.copyOf(whole, whole.length - 3);
    Path file = dir.resolve("cut.pb");
    Files.write(file, cut);
    FileResult result = scanPath(file).files().get(0);
    assertThat(result.findings()).extracting(Finding::ruleId).contains("TF-001", "CORE-001");
  }

  @Test
  void renamedGraphsAreRecognisedByTheirStructure() throws IOException {
    FileResult saved = scan("benign-renamed-saved-model.bin");
    assertThat(saved.scanner()).isEqualTo("tensorflow");
    assertThat(saved.format()).isEqualTo("tensorflow-savedmodel");
    assertThat(saved.findings()).isEmpty();
    assertThat(scan("benign-renamed-keras-saved-model").format())
        .isEqualTo("tensorflow-savedmodel");
    assertThat(scan("benign-renamed-frozen-graph.dat").format()).isEqualTo("tensorflow-graphdef");
    Finding eager = rule(scan("malicious-renamed-saved-model-eagerpyfunc.bin"), "TF-001").get(0);
    assertThat(eager.location().context())
        .isEqualTo("function __inference_call_99 node \"EagerPyFunc\" (EagerPyFunc)");
    FileResult pyfunc = scan("malicious-renamed-pyfunc-graph.bin");
    assertThat(pyfunc.format()).isEqualTo("tensorflow-graphdef");
    assertThat(rule(pyfunc, "TF-001")).isNotEmpty();
  }

  /**
   * Every other fixture, protobufs (ONNX, Core ML, Paddle) included, is left to its scanner when
   * only its content speaks ({@code keras_metadata.pb} has the name hint; the Keras scanner comes
   * first in the registry).
   */
  @Test
  void noOtherFormatsFixtureIsTakenForAGraph() throws IOException {
    Path root = FIXTURES.getParent();
    List<Path> others;
    try (var walk = Files.walk(root)) {
      others =
          walk.filter(Files::isRegularFile)
              .filter(p -> !p.startsWith(FIXTURES))
              .filter(p -> !p.getFileName().toString().endsWith(".json"))
              .filter(p -> !p.getFileName().toString().endsWith(".pb"))
              .sorted()
              .toList();
    }
    assertThat(others).hasSizeGreaterThan(300);
    for (Path p : others) {
      try (var src = Sources.file(p, p.toString())) {
        assertThat(new TensorFlowScanner().supports(Probe.of(src))).as(p.toString()).isFalse();
      }
    }
  }

  @Test
  void detectionNeedsTheStructure(@TempDir Path dir) throws IOException {
    byte[] graph = Files.readAllBytes(FIXTURES.resolve("malicious-pyfunc.pb"));
    assertThat(claims(dir, "model.bin", graph)).isTrue();
    assertThat(claims(dir, "frozen.pb", graph)).isTrue();
    assertThat(claims(dir, "notes.pb", "just some text\n".getBytes(StandardCharsets.UTF_8)))
        .isFalse();
    assertThat(claims(dir, "saved_model.pb", new byte[] {0x08, 0x01})).isFalse();
    // An ONNX ModelProto also opens with a small varint (ir_version) and field 2 (producer_name).
    byte[] onnx = {
      0x08, 0x07, 0x12, 0x07, 'p', 'y', 't', 'o', 'r', 'c', 'h', 0x1a, 0x03, '1', '.', '0'
    };
    assertThat(claims(dir, "model.pb", onnx)).isFalse();
    assertThat(claims(dir, "saved_model.pb", onnx)).isFalse();
    assertThat(claims(dir, "model.bin", onnx)).isFalse();
    // A Core ML Model: specificationVersion 1, description 2 with input 1 and output 10.
    byte[] coreMl = {0x08, 0x01, 0x12, 0x06, 0x0a, 0x01, 'x', 0x52, 0x01, 'y'};
    assertThat(claims(dir, "model.bin", coreMl)).isFalse();
  }

  private static boolean claims(Path dir, String name, byte[] content) throws IOException {
    Path file = dir.resolve(name);
    Files.write(file, content);
    try (var src = Sources.file(file, file.toString())) {
      return new TensorFlowScanner().supports(Probe.of(src));
    }
  }

  @Test
  void manyNodesOfOneOpAreSummarised(@TempDir Path dir) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int i = 0; i < 50; i++) {
      byte[] node = nodeDef("read" + i, "ReadFile");
      out.write(0x0a);
      out.write(node.length);
      out.write(node, 0, node.length);
    }
    Path file = dir.resolve("many.pb");
    Files.write(file, out.toByteArray());
    FileResult result = scanPath(file).files().get(0);
    assertThat(rule(result, "TF-003")).hasSize(GraphWalker.MAX_FINDINGS_PER_OP + 1);
    assertThat(rule(result, "TF-003")).anyMatch(f -> f.evidence().equals("op ReadFile x50"));
  }

  @Test
  void randomDamageNeverEscapesTheScanner(@TempDir Path dir) throws IOException {
    byte[] whole = Files.readAllBytes(FIXTURES.resolve("malicious-saved_model-eagerpyfunc.pb"));
    Random random = new Random(7);
    for (int i = 0; i < 300; i++) {
      byte[] copy = whole.clone();
      for (int j = 0; j < 4; j++) {
        copy[2 + random.nextInt(copy.length - 2)] = (byte) random.nextInt(256);
      }
      Path file = dir.resolve("saved_model.pb");
      Files.write(file, copy);
      assertThat(scanPath(file).files()).isNotEmpty();
    }
  }

  private static byte[] nodeDef(String name, String op) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] n = name.getBytes(StandardCharsets.UTF_8);
    byte[] o = op.getBytes(StandardCharsets.UTF_8);
    out.write(0x0a);
    out.write(n.length);
    out.write(n, 0, n.length);
    out.write(0x12);
    out.write(o.length);
    out.write(o, 0, o.length);
    return out.toByteArray();
  }
}
