package io.sentrascan.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sentrascan.testing.FakeScanner;
import io.sentrascan.testing.JsonSchemas;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import org.cyclonedx.Version;
import org.cyclonedx.parsers.XmlParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code scan --sbom} and {@code sbom diff}, through the command line as a user runs them. */
class SbomCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();
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
            new Main.Environment(List.of(new FakeScanner()), false, false));
    return new Run(
        code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  private Path model() throws IOException {
    Path model = Files.createDirectories(dir.resolve("model"));
    Files.writeString(
        model.resolve("config.json"),
        "{\"_name_or_path\": \"acme/m\", \"model_type\": \"gpt2\","
            + " \"architectures\": [\"GPT2LMHeadModel\"]}");
    Files.writeString(
        model.resolve("weights.bin"), "FAKE\nproperty pickle.imports torch._utils._rebuild\n");
    return model;
  }

  private static void assertNoStackTrace(Run r) {
    assertThat(r.err()).doesNotContain("\tat ").doesNotContain("Exception in thread");
  }

  @Test
  void scanWithSbomWritesAValidBomWithAllFourDigests() throws Exception {
    Path model = model();
    Path bom = dir.resolve("bom.json");
    Run r = run("scan", "--sbom", bom.toString(), model.toString());
    assertThat(r.code()).isZero();
    assertThat(r.err()).isEqualTo("ML-BOM (CycloneDX 1.6 json) in " + bom + "\n");
    String text = Files.readString(bom);
    JsonSchemas.assertValid(JsonSchemas.cycloneDx16(), text);

    JsonNode tree = JSON.readTree(text);
    assertThat(tree.at("/metadata/component/name").asText()).isEqualTo("acme/m");
    assertThat(tree.at("/metadata/component/modelCard/modelParameters/task").asText())
        .isEqualTo("text-generation");
    JsonNode weights = tree.path("components").get(1);
    assertThat(weights.path("name").asText()).isEqualTo("weights.bin");
    byte[] bytes = Files.readAllBytes(model.resolve("weights.bin"));
    assertThat(weights.path("hashes")).hasSize(4);
    for (JsonNode h : weights.path("hashes")) {
      String expected =
          HexFormat.of().formatHex(MessageDigest.getInstance(h.path("alg").asText()).digest(bytes));
      assertThat(h.path("content").asText()).as(h.path("alg").asText()).isEqualTo(expected);
    }
    assertThat(tree.toString()).contains("pkg:pypi/torch");
  }

  @Test
  void sbomNameAndVersionFlagsNameTheModel() throws Exception {
    Path bom = dir.resolve("bom.json");
    Run r =
        run(
            "scan",
            "--format",
            "json",
            "--sbom",
            bom.toString(),
            "--sbom-name",
            "chat-model",
            "--sbom-version",
            "3.0",
            model().toString());
    assertThat(r.code()).isZero();
    JsonNode tree = JSON.readTree(bom.toFile());
    assertThat(tree.at("/metadata/component/name").asText()).isEqualTo("chat-model");
    assertThat(tree.at("/metadata/component/version").asText()).isEqualTo("3.0");
    assertThat(JSON.readTree(r.out()).path("verdict").asText())
        .as("the report still goes to stdout")
        .isEqualTo("PASS");
  }

  @Test
  void anXmlFileNameWritesXml() throws Exception {
    Path bom = dir.resolve("bom.XML");
    Run r = run("scan", "--sbom", bom.toString(), model().toString());
    assertThat(r.code()).isZero();
    byte[] xml = Files.readAllBytes(bom);
    assertThat(new String(xml, StandardCharsets.UTF_8)).startsWith("<?xml");
    assertThat(new XmlParser().validate(xml, Version.VERSION_16)).isEmpty();
  }

  @Test
  void aFailingScanStillWritesTheBomAndKeepsItsExitCode() throws Exception {
    Path model = model();
    Files.writeString(model.resolve("bad.bin"), "FAKE\nrule CORE-001 4 broken\n");
    Path bom = dir.resolve("bom.json");
    Run r = run("scan", "--sbom", bom.toString(), model.toString());
    assertThat(r.code()).isEqualTo(1);
    JsonNode tree = JSON.readTree(bom.toFile());
    assertThat(tree.at("/vulnerabilities/0/id").asText()).isEqualTo("CORE-001@bad.bin@4");
    assertThat(tree.at("/vulnerabilities/0/affects/0/ref").asText()).isEqualTo("file:bad.bin");
  }

  @Test
  void sbomProblemsExitTwoBeforeScanning() throws Exception {
    Path model = model();
    Run noFolder = run("scan", "--sbom", dir.resolve("nope/bom.json").toString(), model.toString());
    assertThat(noFolder.code()).isEqualTo(2);
    assertThat(noFolder.err())
        .startsWith("sentrascan: cannot write the ML-BOM to " + dir.resolve("nope/bom.json"))
        .contains("does not exist");
    assertThat(noFolder.out()).isEmpty();

    Run nameAlone = run("scan", "--sbom-name", "x", model.toString());
    assertThat(nameAlone.code()).isEqualTo(2);
    assertThat(nameAlone.err()).contains("--sbom-name needs --sbom FILE");
    Path same = dir.resolve("same.json");
    Run clash = run("scan", "-o", same.toString(), "--sbom", same.toString(), model.toString());
    assertThat(clash.code()).isEqualTo(2);
    assertThat(clash.err()).contains("--sbom and --output name the same file");
    assertThat(same).doesNotExist();
    assertNoStackTrace(noFolder);
    assertNoStackTrace(nameAlone);
    assertNoStackTrace(clash);
  }

  @Test
  void diffOfTwoScansOfTheSameModelFindsNothing() throws Exception {
    Path model = model();
    Path a = dir.resolve("a.json");
    Path b = dir.resolve("b.xml");
    assertThat(run("scan", "--sbom", a.toString(), model.toString()).code()).isZero();
    assertThat(run("scan", "--sbom", b.toString(), model.toString()).code()).isZero();
    Run r = run("sbom", "diff", a.toString(), b.toString());
    assertThat(r.code()).isZero();
    assertThat(r.out()).endsWith("No differences.\n");
    assertThat(r.err()).isEmpty();
    Run j = run("sbom", "diff", "--format", "json", a.toString(), b.toString());
    assertThat(j.code()).isZero();
    assertThat(JSON.readTree(j.out()).path("identical").asBoolean()).isTrue();
  }

  @Test
  void diffListsChangesAndExitsOne() throws Exception {
    Path model = model();
    Path a = dir.resolve("a.json");
    Path b = dir.resolve("b.json");
    run("scan", "--sbom", a.toString(), model.toString());
    Files.writeString(model.resolve("weights.bin"), "FAKE\nrule CORE-001 4 broken\n");
    Files.writeString(model.resolve("extra.bin"), "FAKE\n");
    run("scan", "--sbom", b.toString(), model.toString());

    Run r = run("sbom", "diff", a.toString(), b.toString());
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.out())
        .contains("+ file extra.bin")
        .contains("- library pkg:pypi/torch")
        .contains("~ file weights.bin")
        .contains("    hash SHA-256: ")
        .contains("+ vulnerability CORE-001@weights.bin@4 (high) affects file:weights.bin");

    Run j = run("sbom", "diff", "--format", "JSON", a.toString(), b.toString());
    assertThat(j.code()).isEqualTo(1);
    JsonNode tree = JSON.readTree(j.out());
    assertThat(tree.path("identical").asBoolean()).isFalse();
    assertThat(tree.at("/vulnerabilities/added/0/id").asText()).isEqualTo("CORE-001@weights.bin@4");
  }

  @Test
  void unreadableOrInvalidInputExitsTwoWithOneLineAndNoStackTrace() throws Exception {
    Path good = dir.resolve("good.json");
    run("scan", "--sbom", good.toString(), model().toString());
    Path garbage = Files.writeString(dir.resolve("garbage.json"), "{\"bomFormat\": \"CycloneDX\",");
    Path notBom = Files.writeString(dir.resolve("report.json"), "{\"verdict\": \"PASS\"}");
    Path missing = dir.resolve("missing.json");
    for (Path bad : List.of(garbage, notBom, missing, dir)) {
      for (List<String> order :
          List.of(
              List.of(bad.toString(), good.toString()), List.of(good.toString(), bad.toString()))) {
        Run r = run("sbom", "diff", order.get(0), order.get(1));
        assertThat(r.code()).as(bad + " " + r.err()).isEqualTo(2);
        assertThat(r.out()).as("never a result, let alone 'No differences'").isEmpty();
        assertThat(r.err().lines().count()).as(r.err()).isEqualTo(1);
        assertThat(r.err()).startsWith("sentrascan: cannot compare: ").contains(bad.toString());
        assertNoStackTrace(r);
      }
    }
    Run oneArg = run("sbom", "diff", good.toString());
    assertThat(oneArg.code()).isEqualTo(2);
    assertThat(oneArg.err()).contains("Try 'sentrascan sbom diff --help'");
    Run badFormat = run("sbom", "diff", "--format", "yaml", good.toString(), good.toString());
    assertThat(badFormat.code()).isEqualTo(2);
    Run bare = run("sbom");
    assertThat(bare.code()).isEqualTo(2);
    assertThat(bare.err()).contains("Usage: sentrascan sbom").contains("diff");
  }

  @Test
  void helpDescribesTheSbomOptions() {
    Run scanHelp = run("scan", "--help");
    assertThat(scanHelp.out()).contains("--sbom=FILE").contains("--sbom-name").contains(".xml");
    Run diffHelp = run("sbom", "diff", "--help");
    assertThat(diffHelp.code()).isZero();
    assertThat(diffHelp.out()).contains("Usage: sentrascan sbom diff").contains("OLD NEW");
  }
}
