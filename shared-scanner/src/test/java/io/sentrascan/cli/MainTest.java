package io.sentrascan.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.SpecificationVersion;
import io.sentrascan.scanner.Probe;
import io.sentrascan.scanner.ScanContext;
import io.sentrascan.scanner.Scanner;
import io.sentrascan.scanner.Source;
import io.sentrascan.scanner.report.JsonReportWriter;
import io.sentrascan.testing.FakeScanner;
import io.sentrascan.testing.JsonSchemas;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MainTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path dir;

  record Run(int code, String out, String err) {}

  private Run run(Main.Environment env, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        Main.run(
            args,
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8),
            env);
    return new Run(
        code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  private Run run(String... args) {
    return run(new Main.Environment(List.of(new FakeScanner()), false, false), args);
  }

  private String file(String name, String... lines) throws IOException {
    Path p = dir.resolve(name);
    Files.createDirectories(p.getParent());
    Files.writeString(p, "FAKE\n" + String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
    return p.toString();
  }

  private static String[] args(String... a) {
    return a;
  }

  private static List<String> with(List<String> base, String... more) {
    List<String> out = new ArrayList<>(base);
    out.addAll(List.of(more));
    return out;
  }

  private static void assertNoStackTrace(Run r) {
    assertThat(r.err()).doesNotContain("\tat ").doesNotContain("Exception in thread");
  }

  @Test
  void cleanFilesPassWithExitZero() throws IOException {
    file("models/clean.fake", "property framework torch");
    Run r = run("scan", dir.toString());
    assertThat(r.code()).isZero();
    assertThat(r.out()).contains("PASS: nothing fails the policy");
    assertThat(r.err()).as("no progress line when stderr is not a terminal").isEmpty();
  }

  @Test
  void aFailingFindingExitsOne() throws IOException {
    String bad = file("bad.fake", "rule CORE-001 4 broken");
    Run r = run("scan", bad);
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.out()).contains("HIGH      CORE-001").contains("FAIL: 1 finding fail");
  }

  @Test
  void aFileThatCouldNotBeScannedExitsTwo() throws IOException {
    String broken = file("broken.fake", "error read failed: disk on fire");
    Run r = run("scan", broken);
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.out()).contains("read failed: disk on fire").contains("ERROR: 1 file could not");
  }

  @Test
  void aMissingPathExitsTwoWithAClearMessage() throws IOException {
    String ok = file("ok.fake");
    Path missing = dir.resolve("nope.pkl");
    Run r = run("scan", ok, missing.toString());
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).isEqualTo("sentrascan: no such file or folder: " + missing + "\n");
    assertThat(r.out()).isEmpty();
  }

  @Test
  void usageErrorsExitTwoWithAHint() {
    Run none = run();
    assertThat(none.code()).isEqualTo(2);
    assertThat(none.err()).contains("Usage: sentrascan");

    Run noPath = run("scan");
    assertThat(noPath.code()).isEqualTo(2);
    assertThat(noPath.err()).contains("Missing required parameter").contains("scan --help");

    Run badOption = run("scan", "--frobnicate", dir.toString());
    assertThat(badOption.code()).isEqualTo(2);
    assertThat(badOption.err()).contains("Unknown option: '--frobnicate'");

    Run badFailOn = run("scan", "--fail-on", "severe", dir.toString());
    assertThat(badFailOn.code()).isEqualTo(2);
    assertThat(badFailOn.err()).contains("expected critical, high, medium or low");

    Run badFormat = run("scan", "--format", "pdf", dir.toString());
    assertThat(badFormat.code()).isEqualTo(2);
    assertThat(badFormat.err()).contains("--format");

    Run badLimit = run("scan", "--time-limit", "0", dir.toString());
    assertThat(badLimit.code()).isEqualTo(2);
    assertThat(badLimit.err()).contains("--time-limit must be positive");

    Run badSize = run("scan", "--max-total-bytes", "lots", dir.toString());
    assertThat(badSize.code()).isEqualTo(2);
    assertThat(badSize.err()).contains("expected a byte count");

    for (Run r : List.of(none, noPath, badOption, badFailOn, badFormat, badLimit, badSize)) {
      assertNoStackTrace(r);
    }
  }

  @Test
  void helpAndVersionExitZero() {
    Run help = run("scan", "--help");
    assertThat(help.code()).isZero();
    assertThat(help.out()).contains("Usage: sentrascan scan").contains("--fail-on");
    Run version = run("--version");
    assertThat(version.code()).isZero();
    assertThat(version.out()).startsWith("sentrascan ");
    assertThat(run("help", "scan").code()).isZero();
  }

  @ParameterizedTest
  @ValueSource(strings = {"text", "json", "markdown", "sarif", "JSON"})
  void everyFormatWritesAParseableReport(String format) throws Exception {
    String bad = file("bad.fake", "rule CORE-001 4 broken", "import os.system");
    Run r = run("scan", "--format", format, bad);
    assertThat(r.code()).isEqualTo(1);
    switch (format.toLowerCase(java.util.Locale.ROOT)) {
      case "text" -> assertThat(r.out()).contains("CORE-001").endsWith("\n");
      case "json" -> {
        JsonSchemas.assertValid(
            JsonSchemas.fromClasspath(
                JsonReportWriter.SCHEMA_RESOURCE, SpecificationVersion.DRAFT_2020_12),
            r.out());
        assertThat(JSON.readTree(r.out()).path("verdict").asText()).isEqualTo("FAIL");
      }
      case "sarif" -> {
        JsonSchemas.assertValid(JsonSchemas.sarif(), r.out());
        assertThat(JSON.readTree(r.out()).at("/runs/0/results/0/ruleId").asText())
            .isEqualTo("CORE-001");
      }
      case "markdown" ->
          assertThat(r.out()).startsWith("# SentraScan scan report").contains("**Verdict: FAIL**");
      default -> throw new AssertionError(format);
    }
    if (!format.equals("text")) {
      assertThat(r.err()).isEqualTo("FAIL: 1 file, 2 findings (1 HIGH, 1 MEDIUM)\n");
    }
  }

  @Test
  void outputWritesTheReportToAFileAndASummaryToStderr() throws Exception {
    String bad = file("bad.fake", "rule CORE-001 4 broken");
    Path report = dir.resolve("out/report.json");
    Files.createDirectories(report.getParent());
    Run r = run("scan", "--format", "json", "--output", report.toString(), bad);
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.out()).isEmpty();
    assertThat(r.err())
        .isEqualTo("FAIL: 1 file, 1 finding (1 HIGH) (json report in " + report + ")\n");
    JsonNode tree = JSON.readTree(report.toFile());
    assertThat(tree.path("findings").get(0).path("ruleId").asText()).isEqualTo("CORE-001");
  }

  @Test
  void anUnwritableOutputLocationExitsTwoBeforeScanning() throws IOException {
    String ok = file("ok.fake");
    Path report = dir.resolve("no-such-folder/report.json");
    Run r = run("scan", "--output", report.toString(), ok);
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).startsWith("sentrascan: cannot write the report to " + report + ": ");
    assertThat(r.err()).contains("does not exist");
    assertNoStackTrace(r);

    Run folder = run("scan", "--output", dir.toString(), ok);
    assertThat(folder.code()).isEqualTo(2);
    assertThat(folder.err()).contains("it is a folder");
  }

  @Test
  void failOnMovesTheThreshold() throws IOException {
    String medium = file("medium.fake", "finding TEST-MED MEDIUM hygiene 0 x");
    assertThat(run("scan", medium).code()).isZero();
    assertThat(run("scan", "--fail-on", "medium", medium).code()).isEqualTo(1);
    assertThat(run("scan", "--fail-on", "LOW", medium).code()).isEqualTo(1);
    String high = file("high.fake", "rule CORE-001 0 x");
    assertThat(run("scan", "--fail-on", "critical", high).code()).isZero();
  }

  @Test
  void strictFailsOnUnknownImportsWhateverTheThreshold() throws Exception {
    String imports = file("imports.fake", "import somepkg.helper");
    assertThat(run("scan", imports).code()).isZero();
    Run strict = run("scan", "--strict", "--format", "json", imports);
    assertThat(strict.code()).isEqualTo(1);
    JsonNode tree = JSON.readTree(strict.out());
    assertThat(tree.at("/policy/strict").asBoolean()).isTrue();
    assertThat(tree.at("/findings/0/category").asText()).isEqualTo("unknown-import");
    assertThat(tree.at("/findings/0/failsPolicy").asBoolean()).isTrue();
    assertThat(run("scan", "--strict", "--fail-on", "critical", imports).code()).isEqualTo(1);
  }

  @Test
  void limitOptionsReachTheEngine() throws Exception {
    String nested = file("outer.fake", "nested inner.fake FAKE;property k v");
    assertThat(run("scan", nested).code()).isZero();
    Run shallow = run("scan", "--max-depth", "0", "--format", "json", nested);
    assertThat(shallow.code()).isEqualTo(1);
    assertThat(JSON.readTree(shallow.out()).at("/findings/0/ruleId").asText())
        .isEqualTo("CORE-002");
    List<String> all =
        with(
            List.of("scan"),
            "--max-depth",
            "3",
            "--max-total-bytes",
            "1G",
            "--max-entries",
            "10",
            "--max-ratio",
            "50",
            "--time-limit",
            "60",
            nested);
    assertThat(run(all.toArray(String[]::new)).code()).isZero();
  }

  @Test
  void sizesAcceptBinarySuffixes() {
    ScanCommand.SizeConverter c = new ScanCommand.SizeConverter();
    assertThat(c.convert("512")).isEqualTo(512L);
    assertThat(c.convert("64k")).isEqualTo(64L << 10);
    assertThat(c.convert("16G")).isEqualTo(16L << 30);
  }

  @Test
  void onATerminalAProgressLineAndColourAppear() throws IOException {
    String bad = file("bad.fake", "rule CORE-001 4 broken");
    Run r = run(new Main.Environment(List.of(new FakeScanner()), true, false), "scan", bad);
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err()).startsWith("\rscanning 1 file… ").contains(bad).endsWith("\r");
    assertThat(r.out()).contains("\u001b[");
    Run noColour = run(new Main.Environment(List.of(new FakeScanner()), true, true), "scan", bad);
    assertThat(noColour.out()).doesNotContain("\u001b[");
    Run toFile =
        run(
            new Main.Environment(List.of(new FakeScanner()), true, false),
            args("scan", "--output", dir.resolve("r.txt").toString(), bad));
    assertThat(Files.readString(dir.resolve("r.txt"))).doesNotContain("\u001b[");
    assertThat(toFile.code()).isEqualTo(1);
  }

  @Test
  void anInternalErrorIsOneLineAndExitTwo() throws IOException {
    Scanner broken =
        new Scanner() {
          @Override
          public String name() {
            return "broken";
          }

          @Override
          public String version() {
            throw new IllegalStateException("version table corrupt");
          }

          @Override
          public boolean supports(Probe probe) {
            return false;
          }

          @Override
          public void scan(Source source, ScanContext context) {}
        };
    String ok = file("ok.fake");
    Run r = run(new Main.Environment(List.of(broken), false, false), "scan", ok);
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err())
        .isEqualTo("sentrascan: internal error: IllegalStateException: version table corrupt\n");
  }
}
