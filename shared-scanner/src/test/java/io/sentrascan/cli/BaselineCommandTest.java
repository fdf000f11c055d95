package io.sentrascan.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sentrascan.scanner.Scanners;
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

/**
 * {@code baseline create}, {@code scan --baseline} and {@code scan --fail-on-license}, through the
 * command line with every registered scanner, on a small model folder (card, config, LICENSE,
 * SafeTensors weights and a malicious pickle).
 */
class BaselineCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path FIXTURES = Path.of("src/test/resources/fixtures");
  private static final Path LICENSES = Path.of("src/test/resources/licenses");
  @TempDir Path dir;

  record Run(int code, String out, String err) {}

  private static Run run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        Main.run(
            args,
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8),
            new Main.Environment(Scanners.defaults(), false, false));
    return new Run(
        code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  private Path model(boolean malicious) throws IOException {
    Path model = Files.createDirectories(dir.resolve("model"));
    Files.writeString(
        model.resolve("README.md"),
        """
        ---
        license: apache-2.0
        base_model: org/base
        datasets: [squad]
        ---
        # Model

        ## Intended uses

        Questions.

        ## Limitations

        Some.
        """);
    Files.writeString(model.resolve("config.json"), "{\"model_type\": \"bert\"}");
    Files.copy(LICENSES.resolve("Apache-2.0--notice.txt"), model.resolve("LICENSE"));
    Files.copy(
        FIXTURES.resolve("safetensors/benign-linear.safetensors"),
        model.resolve("model.safetensors"));
    if (malicious) {
      Files.copy(
          FIXTURES.resolve("pickle/malicious-builtins-eval.ckpt"), model.resolve("extra.ckpt"));
    }
    return model;
  }

  private Path baseline(Path model, String... extra) throws IOException {
    Path file = dir.resolve("baseline.json");
    List<String> args = new ArrayList<>(List.of("baseline", "create", model.toString()));
    args.addAll(List.of("-o", file.toString()));
    args.addAll(List.of(extra));
    Run r = run(args.toArray(String[]::new));
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.err()).contains("baseline of ").contains(file.toString());
    return file;
  }

  private static JsonNode scanJson(Path model, Path baseline, String... extra) throws IOException {
    List<String> args = new ArrayList<>(List.of("scan", "--format", "json"));
    if (baseline != null) {
      args.addAll(List.of("--baseline", baseline.toString()));
    }
    args.addAll(List.of(extra));
    args.add(model.toString());
    Run r = run(args.toArray(String[]::new));
    JsonNode tree = JSON.readTree(r.out());
    ((com.fasterxml.jackson.databind.node.ObjectNode) tree).put("exitCode", r.code());
    return tree;
  }

  private static List<String> rules(JsonNode report, String prefix) {
    List<String> out = new ArrayList<>();
    for (JsonNode f : report.path("findings")) {
      if (f.path("ruleId").asText().startsWith(prefix)) {
        out.add(f.path("ruleId").asText() + " " + f.at("/location/path").asText());
      }
    }
    return out;
  }

  @Test
  void theBaselineRecordsFilesLicensesAndFindings() throws IOException {
    Path model = model(false);
    JsonNode b = JSON.readTree(baseline(model).toFile());
    assertThat(b.path("schemaVersion").asText()).isEqualTo("1.0");
    assertThat(b.path("kind").asText()).isEqualTo("sentrascan-baseline");
    assertThat(b.path("files").findValuesAsText("path"))
        .containsExactly("LICENSE", "README.md", "config.json", "model.safetensors");
    assertThat(b.at("/files/3/sha256").asText()).hasSize(64);
    assertThat(b.at("/files/3/format").asText()).isEqualTo("safetensors");
    assertThat(b.path("licenses").findValuesAsText("license"))
        .containsExactly("Apache-2.0", "Apache-2.0");
    assertThat(b.path("licenses").findValuesAsText("source"))
        .containsExactly("README.md", "LICENSE");
    assertThat(b.path("findings").findValuesAsText("ruleId")).contains("LIC-001");
    assertThat(b.path("accepted")).isEmpty();
  }

  @Test
  void scanningTheSameModelShowsNoDrift() throws IOException {
    Path model = model(false);
    Path baseline = baseline(model);
    JsonNode report = scanJson(model, baseline);
    assertThat(rules(report, "DRIFT-")).isEmpty();
    assertThat(report.path("verdict").asText()).isEqualTo("PASS");
    assertThat(report.path("exitCode").asInt()).isZero();
  }

  @Test
  void oneChangedByteIsAModifiedFile() throws IOException {
    Path model = model(false);
    Path baseline = baseline(model);
    Path weights = model.resolve("model.safetensors");
    byte[] bytes = Files.readAllBytes(weights);
    bytes[bytes.length - 1] ^= 1; // a tensor byte: still valid SafeTensors
    Files.write(weights, bytes);
    JsonNode report = scanJson(model, baseline);
    assertThat(rules(report, "DRIFT-")).containsExactly("DRIFT-FILE-MODIFIED " + weights);
    JsonNode drift =
        report.path("findings").findParents("ruleId").stream()
            .filter(f -> f.path("ruleId").asText().equals("DRIFT-FILE-MODIFIED"))
            .findFirst()
            .orElseThrow();
    assertThat(drift.path("severity").asText()).isEqualTo("MEDIUM");
    assertThat(drift.path("evidence").asText()).contains(" -> ");
    assertThat(report.path("exitCode").asInt()).as("MEDIUM does not fail by default").isZero();
    assertThat(scanJson(model, baseline, "--fail-on", "medium").path("exitCode").asInt())
        .isEqualTo(1);
  }

  @Test
  void anAddedFileAndItsNewFindingsAreDrift() throws IOException {
    Path model = model(false);
    Path baseline = baseline(model);
    Files.copy(
        FIXTURES.resolve("pickle/malicious-builtins-eval.ckpt"), model.resolve("extra.ckpt"));
    JsonNode report = scanJson(model, baseline);
    Path extra = model.resolve("extra.ckpt");
    assertThat(rules(report, "DRIFT-FILE")).containsExactly("DRIFT-FILE-ADDED " + extra);
    List<JsonNode> fresh =
        report.path("findings").findParents("ruleId").stream()
            .filter(f -> f.path("ruleId").asText().equals("DRIFT-FINDING-NEW"))
            .toList();
    assertThat(fresh).isNotEmpty();
    assertThat(fresh).anyMatch(f -> f.path("severity").asText().equals("CRITICAL"));
    assertThat(report.path("exitCode").asInt()).isEqualTo(1);
  }

  @Test
  void aRemovedFileIsDrift() throws IOException {
    Path model = model(false);
    Path baseline = baseline(model);
    Files.delete(model.resolve("config.json"));
    JsonNode report = scanJson(model, baseline);
    assertThat(rules(report, "DRIFT-"))
        .containsExactly("DRIFT-FILE-REMOVED " + model.resolve("config.json"));
  }

  @Test
  void anEmptiedFolderStillReportsEveryRemovedFile() throws IOException {
    Path model = model(false);
    Path baseline = baseline(model);
    try (var files = Files.list(model)) {
      for (Path p : files.toList()) {
        Files.delete(p);
      }
    }
    JsonNode report = scanJson(model, baseline);
    assertThat(rules(report, "DRIFT-FILE-REMOVED")).hasSize(4);
    assertThat(rules(report, "DRIFT-LICENSE-CHANGED")).hasSize(2);
  }

  @Test
  void aChangedLicenseIsLicenseDrift() throws IOException {
    Path model = model(false);
    Path baseline = baseline(model);
    Files.copy(
        LICENSES.resolve("Llama-3.1--head.txt"),
        model.resolve("LICENSE"),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    JsonNode report = scanJson(model, baseline);
    assertThat(rules(report, "DRIFT-"))
        .containsExactlyInAnyOrder(
            "DRIFT-FILE-MODIFIED " + model.resolve("LICENSE"),
            "DRIFT-LICENSE-CHANGED " + model.resolve("LICENSE"));
    String text = report.toString();
    assertThat(text)
        .contains(
            "Apache-2.0 (permissive) -> Llama 3.1 Community License Agreement (restricted-use)");
  }

  @Test
  void acceptedFindingsStayInTheReportButDoNotFail() throws IOException {
    Path model = model(true);
    assertThat(scanJson(model, null).path("exitCode").asInt()).isEqualTo(1);
    Path baseline = baseline(model, "--accept-all");
    JsonNode report = scanJson(model, baseline);
    assertThat(report.path("verdict").asText()).isEqualTo("PASS");
    assertThat(report.path("exitCode").asInt()).isZero();
    List<JsonNode> critical =
        report.path("findings").findParents("ruleId").stream()
            .filter(f -> f.path("severity").asText().equals("CRITICAL"))
            .toList();
    assertThat(critical)
        .isNotEmpty()
        .allMatch(f -> !f.path("failsPolicy").asBoolean() && f.path("accepted").asBoolean());
    assertThat(rules(report, "DRIFT-")).isEmpty();
    assertThat(scanJson(model, null).path("findings").findValues("accepted"))
        .isNotEmpty()
        .allMatch(a -> !a.asBoolean());

    Run text = run("scan", "--baseline", baseline.toString(), model.toString());
    assertThat(text.out()).contains("(accepted in the baseline)");
    Run sarif =
        run("scan", "--format", "sarif", "--baseline", baseline.toString(), model.toString());
    assertThat(sarif.out()).contains("\"suppressions\"");
    io.sentrascan.testing.JsonSchemas.assertValid(
        io.sentrascan.testing.JsonSchemas.sarif(), sarif.out());
    Run markdown =
        run("scan", "--format", "markdown", "--baseline", baseline.toString(), model.toString());
    assertThat(markdown.out()).contains("(accepted in the baseline)");
  }

  @Test
  void acceptingOneRuleLeavesTheOthersFailing() throws IOException {
    Path model = model(true);
    Path baseline = baseline(model, "--accept", "LIC-001@README.md", "--accept", "NOPE-1");
    JsonNode b = JSON.readTree(baseline.toFile());
    assertThat(b.path("accepted").findValuesAsText("ruleId")).containsExactly("LIC-001");
    JsonNode report = scanJson(model, baseline);
    assertThat(report.path("exitCode").asInt()).isEqualTo(1);
    assertThat(
            report.path("findings").findParents("ruleId").stream()
                .filter(f -> f.path("accepted").asBoolean())
                .map(f -> f.path("ruleId").asText()))
        .containsExactly("LIC-001");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{",
        "[]",
        "{\"kind\": \"sentrascan-baseline\"}",
        "{\"kind\": \"sentrascan-baseline\", \"schemaVersion\": \"2.0\", \"createdAt\": \"x\"}",
        "{\"kind\": \"sentrascan-baseline\", \"schemaVersion\": \"1.0\", \"createdAt\": \"x\"}",
        "{\"kind\": \"sentrascan-baseline\", \"schemaVersion\": \"1.0\","
            + " \"createdAt\": \"2026-01-01T00:00:00Z\", \"files\": {}}",
        "{\"kind\": \"sentrascan-baseline\", \"schemaVersion\": \"1.0\","
            + " \"createdAt\": \"2026-01-01T00:00:00Z\","
            + " \"files\": [{\"path\": \"a\", \"sha256\": \"zz\", \"format\": \"x\"}]}",
        "{\"bomFormat\": \"CycloneDX\", \"specVersion\": \"1.6\"}",
        "\u0000\u0001binary"
      })
  void aBadBaselineIsAOneLineErrorAndExitTwo(String content) throws IOException {
    Path model = model(false);
    Path bad = dir.resolve("bad.json");
    Files.writeString(bad, content);
    Run r = run("scan", "--baseline", bad.toString(), model.toString());
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.out()).isEmpty();
    assertThat(r.err()).startsWith("sentrascan: cannot use the baseline: ");
    assertThat(r.err().strip().lines()).hasSize(1);
    assertThat(r.err()).doesNotContain("\tat ").doesNotContain("Exception");
  }

  @Test
  void aMissingOrFolderBaselineIsExitTwo() throws IOException {
    Path model = model(false);
    Run missing = run("scan", "--baseline", dir.resolve("nope.json").toString(), model.toString());
    assertThat(missing.code()).isEqualTo(2);
    assertThat(missing.err()).contains("does not exist");
    Run folder = run("scan", "--baseline", dir.toString(), model.toString());
    assertThat(folder.code()).isEqualTo(2);
    assertThat(folder.err()).contains("is not a regular file");
  }

  @Test
  void baselineCreateNeedsAPathAndAnOutput() throws IOException {
    assertThat(run("baseline", "create", model(false).toString()).code()).isEqualTo(2);
    Run missing = run("baseline", "create", dir.resolve("nope").toString(), "-o", "x.json");
    assertThat(missing.code()).isEqualTo(2);
    assertThat(missing.err()).contains("no such file or folder");
    assertThat(run("baseline").code()).isEqualTo(2);
  }

  @Test
  void failOnLicenseFailsTheScanOnThatClass() throws IOException {
    Path model = model(false);
    Files.copy(
        LICENSES.resolve("CC-BY-NC-4.0--legalcode.txt"),
        model.resolve("LICENSE"),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    JsonNode pass = scanJson(model, null, "--fail-on-license", "copyleft,restricted-use");
    assertThat(pass.path("exitCode").asInt()).isZero();
    JsonNode fail = scanJson(model, null, "--fail-on-license", "non-commercial");
    assertThat(fail.path("exitCode").asInt()).isEqualTo(1);
    assertThat(fail.at("/policy/failOnLicense").findValuesAsText("x")).isEmpty();
    assertThat(fail.at("/policy/failOnLicense").get(0).asText()).isEqualTo("non-commercial");
    assertThat(rules(fail, "LIC-004")).containsExactly("LIC-004 " + model.resolve("LICENSE"));
    JsonNode low =
        scanJson(model, null, "--fail-on-license", "non-commercial", "--license-severity", "low");
    assertThat(low.path("exitCode").asInt()).isEqualTo(1);
    assertThat(low.toString()).contains("\"ruleId\":\"LIC-004\",\"severity\":\"LOW\"");

    Run bogus = run("scan", "--fail-on-license", "free-ish", model.toString());
    assertThat(bogus.code()).isEqualTo(2);
    assertThat(bogus.err()).contains("unknown license class 'free-ish'");
  }
}
