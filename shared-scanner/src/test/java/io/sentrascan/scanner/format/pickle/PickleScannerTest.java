package io.sentrascan.scanner.format.pickle;

import static org.assertj.core.api.Assertions.assertThat;

import io.sentrascan.scanner.FileResult;
import io.sentrascan.scanner.Finding;
import io.sentrascan.scanner.Limits;
import io.sentrascan.scanner.Policy;
import io.sentrascan.scanner.Probe;
import io.sentrascan.scanner.ScanEngine;
import io.sentrascan.scanner.ScanResult;
import io.sentrascan.scanner.Severity;
import io.sentrascan.scanner.Sources;
import io.sentrascan.scanner.Verdict;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class PickleScannerTest {
  static final Path FIXTURES = Path.of("src/test/resources/fixtures/pickle");

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  /** os.system('id') at protocol 2: GLOBAL at offset 2, REDUCE at offset 22. */
  static final byte[] OS_SYSTEM = bytes("\u0080\u0002cos\nsystem\n(X\u0002\0\0\0idtR.");

  static FileResult scan(byte[] data, String name) {
    ScanResult r =
        ScanEngine.defaults().scanSources(List.of(Sources.bytes(data, name)), Policy.defaults());
    return r.files().get(0);
  }

  static Finding only(FileResult file, String ruleId) {
    List<Finding> found = file.findings().stream().filter(f -> f.ruleId().equals(ruleId)).toList();
    assertThat(found).as(file.findings().toString()).hasSize(1);
    return found.get(0);
  }

  @Test
  void reportsADeniedCallWithModuleNameOpcodeAndOffsets() {
    FileResult file = scan(OS_SYSTEM, "model.bin");
    assertThat(file.scanner()).isEqualTo("pickle");
    assertThat(file.format()).isEqualTo("pickle");
    Finding f = only(file, "PKL-001");
    assertThat(f.severity()).isEqualTo(Severity.CRITICAL);
    assertThat(f.category()).isEqualTo("code-execution");
    assertThat(f.location().offset()).isEqualTo(2);
    assertThat(f.evidence()).isEqualTo("os.system called via REDUCE at offset 22");
    assertThat(f.description()).contains("os.system", "GLOBAL at offset 2", "REDUCE at offset 22");
    assertThat(file.properties().get("pickle.imports")).containsExactly("os.system");
    assertThat(file.properties().get("pickle.protocol")).containsExactly("2");
  }

  @Test
  void unknownImportsAreMediumUnlessCalledAndFailOnlyUnderStrict() {
    byte[] imported = bytes("\u0080\u0002cmylib.models\nNet\n0N.");
    FileResult file = scan(imported, "m.pkl");
    Finding f = only(file, "PKL-002");
    assertThat(f.severity()).isEqualTo(Severity.MEDIUM);
    assertThat(f.category()).isEqualTo("unknown-import");
    assertThat(new Policy(Severity.HIGH, false).verdict(List.of(file))).isEqualTo(Verdict.PASS);
    assertThat(new Policy(Severity.HIGH, true).verdict(List.of(file))).isEqualTo(Verdict.FAIL);

    byte[] called = bytes("\u0080\u0002cmylib.models\nNet\n)R.");
    assertThat(only(scan(called, "m.pkl"), "PKL-002").severity()).isEqualTo(Severity.HIGH);
  }

  @Test
  void allowedImportsAreRecordedButNotReported() {
    byte[] data = bytes("\u0080\u0002ccollections\nOrderedDict\n)R.");
    FileResult file = scan(data, "m.pkl");
    assertThat(file.findings()).isEmpty();
    assertThat(file.properties().get("pickle.imports")).containsExactly("collections.OrderedDict");
  }

  @Test
  void scansTheStreamAfterAValidOne() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(bytes("\u0080\u0002}q\u0000."));
    int second = out.size();
    out.write(OS_SYSTEM);
    FileResult file = scan(out.toByteArray(), "two.pkl");
    assertThat(only(file, "PKL-004").location().offset()).isEqualTo(second);
    assertThat(only(file, "PKL-001").location().offset()).isEqualTo(second + 2);
    assertThat(only(file, "PKL-001").description()).contains("stream 2");
  }

  @Test
  void findsAPickleAfterAGarbagePrefix() throws IOException {
    byte[] garbage = new byte[3000];
    for (int i = 0; i < garbage.length; i++) {
      garbage[i] = (byte) ((i * 31) % 0x7f);
    }
    garbage[0] = 0;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(garbage);
    out.write(OS_SYSTEM);
    FileResult file = scan(out.toByteArray(), "weights.bin");
    assertThat(file.scanner()).isEqualTo("pickle");
    assertThat(only(file, "PKL-005").location().offset()).isEqualTo(garbage.length);
    assertThat(only(file, "PKL-001").location().offset()).isEqualTo(garbage.length + 2);
  }

  @Test
  void truncatedStreamsStillReportTheirImports() {
    byte[] cut = java.util.Arrays.copyOf(OS_SYSTEM, 16);
    FileResult file = scan(cut, "cut.pkl");
    assertThat(only(file, "PKL-003").description()).contains("truncated");
    assertThat(only(file, "PKL-001").evidence())
        .isEqualTo("os.system imported via GLOBAL at offset 2");
    assertThat(file.errors()).isEmpty();
  }

  @Test
  void pickleByteLimitIsAFindingNotAnEndlessScan() {
    Limits d = Limits.defaults();
    Limits tiny =
        new Limits(
            d.maxDepth(),
            d.maxTotalBytes(),
            d.maxEntries(),
            d.maxCompressionRatio(),
            d.ratioGraceBytes(),
            d.timePerFile(),
            d.maxSpoolInMemory(),
            70_000);
    StringBuilder sb = new StringBuilder("\u0080\u0002]q\u0000(");
    for (int i = 0; i < 300_000; i++) {
      sb.append('N');
    }
    sb.append("e.");
    ScanResult r =
        ScanEngine.defaults()
            .withLimits(tiny)
            .scanSources(
                List.of(Sources.bytes(bytes(sb.toString()), "big.pkl")), Policy.defaults());
    assertThat(r.findings()).extracting(Finding::ruleId).contains("PKL-007");
  }

  @Test
  void aPickleNamedLikeADataFormatIsDisguised() {
    Finding f = only(scan(OS_SYSTEM, "notes.txt"), "CORE-008");
    assertThat(f.severity()).isEqualTo(Severity.MEDIUM);
    assertThat(f.description()).contains(".txt");
    assertThat(scan(OS_SYSTEM, "model.ckpt").findings())
        .extracting(Finding::ruleId)
        .doesNotContain("CORE-008");
  }

  @Test
  void detectsByContentNotByName() throws IOException {
    PickleScanner scanner = new PickleScanner();
    assertThat(scanner.supports(Probe.of(Sources.bytes(OS_SYSTEM, "notes.txt")))).isTrue();
    assertThat(scanner.supports(Probe.of(Sources.bytes(bytes("cos\nsystem\n(S'id'\ntR."), "x"))))
        .isTrue();
    assertThat(scanner.supports(Probe.of(Sources.bytes(bytes("(hello world)\n"), "a.pkl"))))
        .isFalse();
    assertThat(scanner.supports(Probe.of(Sources.bytes(bytes("Some text\n"), "a.pkl")))).isFalse();
    assertThat(scanner.supports(Probe.of(Sources.bytes(bytes("{\"a\": 1}"), "a.pkl")))).isFalse();
    byte[] tarLike = new byte[1024];
    tarLike[0] = 'P';
    tarLike[1] = 'K';
    System.arraycopy(OS_SYSTEM, 0, tarLike, 512, OS_SYSTEM.length);
    assertThat(scanner.supports(Probe.of(Sources.bytes(tarLike, "a.zip")))).isFalse();
  }

  @Test
  void namesJoblibDillAndCloudpickleFormats() throws IOException {
    assertThat(scan(read("malicious-dill-function.dill"), "f.dill").format()).isEqualTo("dill");
    assertThat(scan(read("malicious-cloudpickle-function.pkl"), "f.pkl").format())
        .isEqualTo("cloudpickle");
    byte[] joblib =
        Files.readAllBytes(
            Path.of("src/test/resources/fixtures/joblib/benign-joblib-arrays.joblib"));
    FileResult file = scan(joblib, "model.joblib");
    assertThat(file.format()).isEqualTo("joblib");
    assertThat(file.findings()).isEmpty();
    assertThat(file.properties().get("pickle.imports"))
        .contains("joblib.numpy_pickle.NumpyArrayWrapper", "numpy.dtype");
  }

  @Test
  void joblibArrayBytesDoNotHideWhatFollowsThem() throws IOException {
    FileResult file = scan(read("../joblib/malicious-joblib-after-array.joblib"), "m.joblib");
    assertThat(file.format()).isEqualTo("joblib");
    assertThat(only(file, "PKL-001").description()).contains("os.system");
    assertThat(file.findings()).extracting(Finding::ruleId).doesNotContain("PKL-003");
  }

  private static byte[] read(String name) throws IOException {
    return Files.readAllBytes(FIXTURES.resolve(name));
  }
}
