package io.sentrascan.scanner;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The engine's contract, with small scanners written for the test. */
class ScanEngineTest {
  @TempDir Path dir;

  /** "NEST" files contain one nested copy of the rest of their bytes; "BAD" files report. */
  private static final class NestingScanner implements Scanner {
    @Override
    public String name() {
      return "nest";
    }

    @Override
    public String version() {
      return "1";
    }

    @Override
    public boolean supports(Probe probe) {
      return probe.startsWith("NEST") || probe.startsWith("BAD") || probe.startsWith("BOOM");
    }

    @Override
    public void scan(Source source, ScanContext ctx) throws IOException {
      byte[] all = source.readFully(0, (int) source.size());
      String text = new String(all, UTF_8);
      if (text.startsWith("NEST")) {
        ctx.countEntry();
        Source inner =
            ctx.spool("inner", new ByteArrayInputStream(all, 4, all.length - 4), all.length - 4);
        ctx.scanNested("inner", inner);
      } else if (text.startsWith("BAD")) {
        ctx.report("CORE-008", ctx.at(0), "test finding", "BAD");
        throw new MalformedFileException("broken after the finding", 3);
      } else {
        throw new IllegalStateException("parser defect");
      }
    }
  }

  private final ScanEngine engine =
      new ScanEngine(List.of(new NestingScanner()), Limits.defaults());

  private Path write(String name, String content) throws IOException {
    Path p = dir.resolve(name);
    Files.createDirectories(p.getParent());
    Files.writeString(p, content, UTF_8);
    return p;
  }

  @Test
  void unknownContentIsSkippedWithAReasonButStillHashed() throws Exception {
    Path p = write("notes.txt", "hello");
    ScanResult r = engine.scan(List.of(p), Policy.defaults(), x -> {});
    FileResult f = r.files().get(0);
    assertThat(f.skipped()).contains("no scanner");
    assertThat(f.format()).isEqualTo("unknown");
    String expected =
        HexFormat.of()
            .formatHex(MessageDigest.getInstance("SHA-256").digest("hello".getBytes(UTF_8)));
    assertThat(f.sha256()).isEqualTo(expected);
    assertThat(r.verdict()).isEqualTo(Verdict.PASS);
  }

  @Test
  void nestedContentGetsItsOwnResultWithAPathThroughTheContainer() throws Exception {
    Path p = write("outer.bin", "NESTBAD!");
    ScanResult r = engine.scan(List.of(p), Policy.defaults(), x -> {});
    assertThat(r.files()).extracting(FileResult::path).containsExactly(p + "", p + "!/inner");
    FileResult inner = r.files().get(1);
    assertThat(inner.depth()).isEqualTo(1);
    assertThat(inner.findings())
        .extracting(Finding::ruleId)
        .containsExactly("CORE-008", "CORE-001");
    assertThat(inner.findings().get(1).location().offset()).isEqualTo(3);
    assertThat(r.verdict()).isEqualTo(Verdict.FAIL);
  }

  @Test
  void findingsBeforeAMalformedErrorAreKept() throws Exception {
    ScanResult r = engine.scan(List.of(write("x", "BAD")), Policy.defaults(), x -> {});
    assertThat(r.findings()).extracting(Finding::ruleId).containsExactly("CORE-008", "CORE-001");
  }

  @Test
  void depthLimitIsAHighFindingNotACrash() throws Exception {
    Path p = write("deep", "NEST".repeat(20) + "BAD");
    ScanEngine shallow = engine.withLimits(Limits.defaults().withMaxDepth(3));
    ScanResult r = shallow.scan(List.of(p), Policy.defaults(), x -> {});
    assertThat(r.findings())
        .anySatisfy(
            f -> {
              assertThat(f.ruleId()).isEqualTo("CORE-002");
              assertThat(f.severity()).isEqualTo(Severity.HIGH);
            });
    assertThat(r.files()).hasSize(4);
    assertThat(r.verdict()).isEqualTo(Verdict.FAIL);
  }

  @Test
  void totalBytesAndEntryLimitsAreFindings() throws Exception {
    Path p = write("big", "NEST".repeat(5) + "x".repeat(1000));
    ScanResult bytes =
        engine
            .withLimits(Limits.defaults().withMaxTotalBytes(2000))
            .scan(List.of(p), Policy.defaults(), x -> {});
    assertThat(bytes.findings()).extracting(Finding::ruleId).contains("CORE-003");
    ScanResult entries =
        engine
            .withLimits(Limits.defaults().withMaxEntries(2))
            .scan(List.of(p), Policy.defaults(), x -> {});
    assertThat(entries.findings()).extracting(Finding::ruleId).contains("CORE-004");
  }

  @Test
  void compressionRatioLimitStopsABomb() throws Exception {
    Path p = write("bomb", "NEST" + "x".repeat(100));
    Limits strict =
        new Limits(10, 1L << 30, 1000, 0.5, 10, Duration.ofMinutes(1), 1 << 20, 1 << 20);
    ScanResult r = engine.withLimits(strict).scan(List.of(p), Policy.defaults(), x -> {});
    assertThat(r.findings()).extracting(Finding::ruleId).contains("CORE-005");
  }

  @Test
  void timeLimitIsAFinding() throws Exception {
    Path p = write("slow", "NEST" + "NEST" + "BAD");
    ScanResult r =
        engine
            .withLimits(Limits.defaults().withTimePerFile(Duration.ofNanos(1)))
            .scan(List.of(p), Policy.defaults(), x -> {});
    assertThat(r.findings()).extracting(Finding::ruleId).contains("CORE-006");
    assertThat(r.verdict()).isEqualTo(Verdict.FAIL);
  }

  @Test
  void aParserDefectFailsClosedAndIsRecordedAsAnError() throws Exception {
    ScanResult r = engine.scan(List.of(write("boom", "BOOM")), Policy.defaults(), x -> {});
    FileResult f = r.files().get(0);
    assertThat(f.findings()).extracting(Finding::ruleId).containsExactly("CORE-001");
    assertThat(f.errors()).singleElement().asString().contains("parser defect");
    assertThat(r.verdict()).isEqualTo(Verdict.FAIL);
  }

  @Test
  void largeNestedEntriesSpillToATemporaryFileThatIsRemoved() throws Exception {
    Path p = write("spill", "NEST" + "y".repeat(5000));
    Limits tiny =
        new Limits(10, 1L << 30, 1000, 250, 1 << 20, Duration.ofMinutes(1), 1024, 1 << 20);
    long before = countSpools();
    ScanResult r = engine.withLimits(tiny).scan(List.of(p), Policy.defaults(), x -> {});
    assertThat(r.files()).hasSize(2);
    assertThat(r.files().get(1).size()).isEqualTo(5000);
    assertThat(countSpools()).isEqualTo(before);
  }

  private static long countSpools() throws IOException {
    try (var s = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
      return s.filter(x -> x.getFileName().toString().startsWith("sentrascan-")).count();
    }
  }

  @Test
  void foldersAreWalkedSortedAndLinksOutsideAreNotFollowed() throws Exception {
    Path root = dir.resolve("model");
    write("model/b.txt", "b");
    write("model/a/c.txt", "c");
    Path secret = write("secret.txt", "outside");
    Files.createSymbolicLink(root.resolve("link"), secret);
    Files.createSymbolicLink(root.resolve("inside-link"), root.resolve("b.txt"));
    ScanResult r = engine.scan(List.of(root), Policy.defaults(), x -> {});
    assertThat(r.files())
        .extracting(FileResult::path)
        .containsExactly(root + "/a/c.txt", root + "/b.txt", root + "/inside-link", root + "/link");
    FileResult link = r.files().get(3);
    assertThat(link.findings()).extracting(Finding::ruleId).containsExactly("CORE-007");
    assertThat(link.sha256()).isNull();
  }

  @Test
  void policyThresholdAndStrictMode() {
    Rule unknown = new Rule("X-1", Severity.MEDIUM, "unknown-import", "t", "r", null);
    Finding f = unknown.finding(Location.of("p"), "d", "e");
    FileResult file =
        new FileResult(
            "p",
            "pickle",
            "pickle",
            0,
            1,
            new java.util.TreeMap<>(),
            List.of(f),
            List.of(),
            null,
            new java.util.TreeMap<>());
    assertThat(Policy.defaults().verdict(List.of(file))).isEqualTo(Verdict.PASS);
    assertThat(new Policy(Severity.HIGH, true).verdict(List.of(file))).isEqualTo(Verdict.FAIL);
    assertThat(new Policy(Severity.MEDIUM, false).verdict(List.of(file))).isEqualTo(Verdict.FAIL);
  }

  @Test
  void largeFilesAreHashedCorrectlyWhileScanned() throws Exception {
    byte[] data = new byte[9 << 20];
    for (int i = 0; i < data.length; i++) {
      data[i] = (byte) (i * 31);
    }
    data[0] = 'N';
    data[1] = 'E';
    data[2] = 'S';
    data[3] = 'T';
    Path p = dir.resolve("large");
    Files.write(p, data);
    ScanResult r = engine.scan(List.of(p), Policy.defaults(), x -> {});
    String expected = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    assertThat(r.files().get(0).sha256()).isEqualTo(expected);
    assertThat(r.files().get(0).size()).isEqualTo(data.length);
  }

  @Test
  void severalDigestsInOnePassOrNoneAtAll() throws Exception {
    Path p = write("d.txt", "abc");
    ScanResult both =
        engine.withDigests(List.of("SHA-256", "MD5")).scan(List.of(p), Policy.defaults(), x -> {});
    assertThat(both.files().get(0).digests())
        .containsEntry("MD5", "900150983cd24fb0d6963f7d28e17f72")
        .containsKey("SHA-256");
    ScanResult none = engine.withDigests(List.of()).scan(List.of(p), Policy.defaults(), x -> {});
    assertThat(none.files().get(0).digests()).isEmpty();
  }
}
