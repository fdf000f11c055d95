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
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code sign}, {@code verify} and the signature step of {@code scan}, through the CLI. */
class SignVerifyCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path FIXTURES = Path.of("src/test/resources/fixtures/signing");
  private static final String KEY = FIXTURES.resolve("keys/signer.pem").toString();
  private static final String PUB = FIXTURES.resolve("keys/signer.pub").toString();
  private static final String OTHER_PUB = FIXTURES.resolve("keys/other.pub").toString();

  @TempDir Path dir;
  private Path model;

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

  /** Exit 2 with exactly one line on stderr and no stack trace. */
  private static void assertBadInput(Run r, String contains) {
    assertThat(r.code()).as(r.toString()).isEqualTo(2);
    assertThat(r.err()).startsWith("sentrascan: ").contains(contains).endsWith("\n");
    assertThat(r.err().strip().lines().count()).as(r.err()).isEqualTo(1);
    assertThat(r.err()).doesNotContain("\tat ").doesNotContain("Exception in thread");
    assertThat(r.out()).doesNotContain("VERIFIED");
  }

  @BeforeEach
  void copyModel() throws IOException {
    model = dir.resolve("model");
    Path src = FIXTURES.resolve("model");
    try (var walk = Files.walk(src)) {
      for (Path p : walk.toList()) {
        Path target = model.resolve(src.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else if (!p.getFileName().toString().equals("model.sig")) {
          Files.copy(p, target);
        }
      }
    }
  }

  private String m() {
    return model.toString();
  }

  @Test
  void signThenVerifyPasses() {
    Run sign = run("sign", m(), "--key", KEY);
    assertThat(sign.code()).as(sign.err()).isZero();
    assertThat(sign.out()).startsWith("signed 3 files of " + m() + " into ");
    assertThat(model.resolve("model.sig")).exists();

    Run verify = run("verify", m(), "--key", PUB);
    assertThat(verify.code()).as(verify.out()).isZero();
    assertThat(verify.out()).startsWith("VERIFIED " + m() + ": 3 files match");
  }

  @Test
  void verifyNamesEveryChangedMissingAndAddedFileOnItsOwnLine() throws IOException {
    assertThat(run("sign", m(), "--key", KEY).code()).isZero();
    Path weights = model.resolve("model.safetensors");
    byte[] b = Files.readAllBytes(weights);
    b[b.length - 1] ^= 1;
    Files.write(weights, b);
    Files.delete(model.resolve("config.json"));
    Files.writeString(model.resolve("tokenizer/added.txt"), "new\n");

    Run r = run("verify", m(), "--key", PUB);
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.out().lines())
        .contains(
            "changed: model.safetensors", "missing: config.json", "extra: tokenizer/added.txt");

    Run json = run("verify", m(), "--key", PUB, "--format", "json");
    assertThat(json.code()).isEqualTo(1);
    JsonNode tree = JSON.readTree(json.out());
    assertThat(tree.path("verified").asBoolean(true)).isFalse();
    assertThat(tree.path("problems").findValuesAsText("path"))
        .containsExactly("model.safetensors", "config.json", "tokenizer/added.txt");
  }

  @Test
  void aWrongKeyFailsWithExitOne() {
    assertThat(run("sign", m(), "--key", KEY).code()).isZero();
    Run r = run("verify", m(), "--key", OTHER_PUB);
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.out()).contains("FAILED").contains("different key");
  }

  @Test
  void shardedSigningOfAFileLargerThanTheShardSize() throws IOException {
    Run sign = run("sign", m(), "--key", KEY, "--shard-size", "16");
    assertThat(sign.code()).as(sign.err()).isZero();
    assertThat(sign.out()).contains("shards)");
    assertThat(run("verify", m(), "--key", PUB).code()).isZero();
    Path vocab = model.resolve("tokenizer/vocab.txt");
    byte[] b = Files.readAllBytes(vocab);
    b[40] ^= 1;
    Files.write(vocab, b);
    Run r = run("verify", m(), "--key", PUB);
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.out().lines()).contains("changed: tokenizer/vocab.txt");
  }

  @Test
  void badInputExitsTwoWithOneLine() throws IOException {
    assertThat(run("sign", m(), "--key", KEY).code()).isZero();
    Path sig = model.resolve("model.sig");
    String good = Files.readString(sig);

    Files.writeString(sig, good.substring(0, 200));
    assertBadInput(run("verify", m(), "--key", PUB), "not valid JSON");

    Files.writeString(sig, good.replace("application/vnd.in-toto+json", "text/plain"));
    assertBadInput(run("verify", m(), "--key", PUB), "payloadType");

    Files.writeString(sig, "{\"mediaType\": \"application/vnd.dev.sigstore.bundle.v0.3+json\"}");
    assertBadInput(run("verify", m(), "--key", PUB), "verificationMaterial");

    Files.writeString(sig, good);
    assertBadInput(
        run("verify", m(), "--key", FIXTURES.resolve("keys/rsa.pub").toString()), "wrong key type");
    assertBadInput(
        run("verify", m(), "--key", dir.resolve("absent.pub").toString()), "cannot read");
    assertBadInput(
        run("verify", m(), "--key", PUB, "--signature", dir.resolve("absent.sig").toString()),
        "cannot read the signature");
    assertBadInput(run("sign", m(), "--key", PUB), "no PEM private key");
    assertBadInput(run("sign", m(), "--key", FIXTURES.resolve("keys/rsa.pub").toString()), "key");
    assertBadInput(run("verify", dir.resolve("nothing").toString(), "--key", PUB), "no such");
  }

  @Test
  void verifyNeedsExactlyOneTrustSource() {
    Run none = run("verify", m());
    assertThat(none.code()).isEqualTo(2);
    assertThat(none.err()).contains("give one of --key");
  }

  @Test
  void certificateVerificationOfAReferenceBundle() {
    Path src = FIXTURES.resolve("model");
    String sig = FIXTURES.resolve("model-cert.sig").toString();
    Run ok =
        run(
            "verify",
            src.toString(),
            "--signature",
            sig,
            "--trust-anchor",
            FIXTURES.resolve("pki/root.pem").toString(),
            "--identity",
            "publisher@example.com");
    assertThat(ok.code()).as(ok.out()).isZero();
    Run bad =
        run(
            "verify",
            src.toString(),
            "--signature",
            sig,
            "--trust-anchor",
            FIXTURES.resolve("pki/other-root.pem").toString());
    assertThat(bad.code()).isEqualTo(1);
    assertThat(bad.out()).contains("trust anchor");
  }

  private static final Path KEYLESS = Path.of("src/test/resources/fixtures/signing-keyless");
  private static final String KEYLESS_ROOT = KEYLESS.resolve("trusted_root.json").toString();
  private static final String KEYLESS_ID = "stefanb@us.ibm.com";
  private static final String KEYLESS_ISSUER = "https://sigstore.verify.ibm.com/oauth2";

  private static Run verifyKeyless(String identity, String issuer, String... more) {
    java.util.List<String> args =
        new java.util.ArrayList<>(
            java.util.List.of(
                "verify",
                KEYLESS.resolve("model").toString(),
                "--signature",
                KEYLESS.resolve("model.sig").toString(),
                "--sigstore-trusted-root",
                KEYLESS_ROOT,
                "--identity",
                identity,
                "--issuer",
                issuer));
    args.addAll(java.util.List.of(more));
    return run(args.toArray(String[]::new));
  }

  @Test
  void keylessVerificationOfARealSigstoreBundle() throws IOException {
    Run ok = verifyKeyless(KEYLESS_ID, KEYLESS_ISSUER);
    assertThat(ok.code()).as(ok.out() + ok.err()).isZero();
    assertThat(ok.out())
        .startsWith("VERIFIED ")
        .contains("2 files match")
        .contains("keyless " + KEYLESS_ID)
        .contains("Rekor log index 206344181");

    Run json = verifyKeyless(KEYLESS_ID, KEYLESS_ISSUER, "--format", "json");
    assertThat(JSON.readTree(json.out()).path("verified").asBoolean()).isTrue();

    Run wrongId = verifyKeyless("mallory@example.com", KEYLESS_ISSUER);
    assertThat(wrongId.code()).isEqualTo(1);
    assertThat(wrongId.out()).contains("FAILED").contains("not mallory@example.com");

    Run wrongIssuer = verifyKeyless(KEYLESS_ID, "https://accounts.google.com");
    assertThat(wrongIssuer.code()).isEqualTo(1);
    assertThat(wrongIssuer.out()).contains("not https://accounts.google.com");
  }

  @Test
  void keylessOptionsAreCheckedBeforeVerifying() {
    Run noIssuer =
        run(
            "verify",
            KEYLESS.resolve("model").toString(),
            "--sigstore-trusted-root",
            KEYLESS_ROOT,
            "--identity",
            KEYLESS_ID);
    assertThat(noIssuer.code()).isEqualTo(2);
    assertThat(noIssuer.err()).contains("needs --identity and --issuer");

    Run both = verifyKeyless(KEYLESS_ID, KEYLESS_ISSUER, "--key", PUB);
    assertThat(both.code()).isEqualTo(2);
    assertThat(both.err()).contains("give one of");

    assertBadInput(
        run(
            "verify",
            KEYLESS.resolve("model").toString(),
            "--signature",
            KEYLESS.resolve("model.sig").toString(),
            "--sigstore-trusted-root",
            KEYLESS.resolve("model.sig").toString(),
            "--identity",
            KEYLESS_ID,
            "--issuer",
            KEYLESS_ISSUER),
        "cannot read the Sigstore trusted root");
  }

  @Test
  void scanVerifiesAKeylessSignature() throws IOException {
    String[] base = {
      "scan",
      "--format",
      "json",
      "--signature",
      KEYLESS.resolve("model.sig").toString(),
      "--sigstore-trusted-root",
      KEYLESS_ROOT,
      "--signer-issuer",
      KEYLESS_ISSUER,
      "--signer-identity"
    };
    java.util.List<String> ok = new java.util.ArrayList<>(java.util.List.of(base));
    ok.add(KEYLESS_ID);
    ok.add(KEYLESS.resolve("model").toString());
    Run verified = run(ok.toArray(String[]::new));
    assertThat(verified.code()).as(verified.out() + verified.err()).isZero();
    assertThat(ruleIds(verified)).contains("SIGN-004").doesNotContain("SIGN-002", "SIGN-005");
    assertThat(finding(verified, "SIGN-004").path("evidence").asText())
        .contains("keyless " + KEYLESS_ID);

    java.util.List<String> bad = new java.util.ArrayList<>(java.util.List.of(base));
    bad.add("mallory@example.com");
    bad.add(KEYLESS.resolve("model").toString());
    Run wrong = run(bad.toArray(String[]::new));
    assertThat(wrong.code()).isEqualTo(1);
    assertThat(ruleIds(wrong)).contains("SIGN-002").doesNotContain("SIGN-004");

    Run half =
        run("scan", "--sigstore-trusted-root", KEYLESS_ROOT, KEYLESS.resolve("model").toString());
    assertThat(half.code()).isEqualTo(2);
    assertThat(half.err()).contains("go together");
  }

  @Test
  void scanReportsAnUnsignedModelAsLowAndRequireSignatureFails() throws IOException {
    Run r = run("scan", "--format", "json", m());
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(ruleIds(r)).contains("SIGN-001");
    assertThat(severityOf(r, "SIGN-001")).isEqualTo("LOW");

    Run required = run("scan", "--format", "json", "--require-signature", m());
    assertThat(required.code()).isEqualTo(1);
    assertThat(severityOf(required, "SIGN-001")).isEqualTo("HIGH");
  }

  @Test
  void aFolderWithoutModelFilesIsNotCalledUnsigned() throws IOException {
    Path code = dir.resolve("scripts");
    Files.createDirectories(code);
    Files.writeString(code.resolve("train.py"), "print('hi')\n");
    assertThat(ruleIds(run("scan", "--format", "json", code.toString())))
        .doesNotContain("SIGN-001");
  }

  @Test
  void scanVerifiesModelSigAndReportsTamperingAsHigh() throws IOException {
    assertThat(run("sign", m(), "--key", KEY).code()).isZero();

    Run verified = run("scan", "--format", "json", "--verify-key", PUB, m());
    assertThat(verified.code()).as(verified.out()).isZero();
    assertThat(ruleIds(verified)).contains("SIGN-004").doesNotContain("SIGN-001", "SIGN-005");
    assertThat(severityOf(verified, "SIGN-004")).isEqualTo("INFO");

    Run noKey = run("scan", "--format", "json", m());
    assertThat(ruleIds(noKey)).contains("SIGN-005");
    assertThat(run("scan", "--require-signature", m()).code()).isEqualTo(1);

    Files.writeString(model.resolve("config.json"), "{\"model_type\": \"evil\"}\n");
    Run tampered = run("scan", "--format", "json", "--verify-key", PUB, m());
    assertThat(tampered.code()).isEqualTo(1);
    JsonNode finding = finding(tampered, "SIGN-003");
    assertThat(finding.path("severity").asText()).isEqualTo("HIGH");
    assertThat(finding.path("location").path("path").asText())
        .isEqualTo(model.resolve("config.json").toString());

    Run wrongKey = run("scan", "--format", "json", "--verify-key", OTHER_PUB, m());
    assertThat(wrongKey.code()).isEqualTo(1);
    assertThat(ruleIds(wrongKey)).contains("SIGN-002");

    assertBadInput(
        run("scan", "--verify-key", FIXTURES.resolve("keys/rsa.pub").toString(), m()),
        "wrong key type");
  }

  @Test
  void aMalformedModelSigInAScanIsAHighFindingNotACrash() throws IOException {
    Files.writeString(model.resolve("model.sig"), "{\"mediaType\": ");
    Run r = run("scan", "--format", "json", "--verify-key", PUB, m());
    assertThat(r.code()).isEqualTo(1);
    assertThat(severityOf(r, "SIGN-002")).isEqualTo("HIGH");
  }

  @Test
  void theBomRecordsTheSignatureOnTheModelComponent() throws IOException {
    assertThat(run("sign", m(), "--key", KEY).code()).isZero();
    Path bom = dir.resolve("bom.json");
    Run r = run("scan", "--verify-key", PUB, "--sbom", bom.toString(), m());
    assertThat(r.code()).as(r.err()).isZero();
    JsonNode props = JSON.readTree(bom.toFile()).at("/metadata/component/properties");
    assertThat(props.findValuesAsText("name")).contains("sentrascan:signature");
    String status = "";
    for (JsonNode p : props) {
      if (p.path("name").asText().equals("sentrascan:signature")) {
        status = p.path("value").asText();
      }
    }
    assertThat(status).isEqualTo("verified");
  }

  private static java.util.List<String> ruleIds(Run r) throws IOException {
    return JSON.readTree(r.out()).path("findings").findValuesAsText("ruleId");
  }

  private static JsonNode finding(Run r, String rule) throws IOException {
    for (JsonNode f : JSON.readTree(r.out()).path("findings")) {
      if (f.path("ruleId").asText().equals(rule)) {
        return f;
      }
    }
    throw new AssertionError("no " + rule + " in " + r.out());
  }

  private static String severityOf(Run r, String rule) throws IOException {
    return finding(r, rule).path("severity").asText();
  }
}
