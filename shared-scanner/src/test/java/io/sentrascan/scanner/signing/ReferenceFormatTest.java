package io.sentrascan.scanner.signing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Interoperability with the reference format: bundles written by gen_signing.py (an independent
 * Python implementation of sigstore/model-transparency's key and certificate signing, since the
 * reference package cannot be installed offline) verify here, and ours verify there.
 */
class ReferenceFormatTest {
  static final Path FIXTURES = ModelSigningTest.FIXTURES;
  static final Path MODEL = FIXTURES.resolve("model");

  @TempDir Path dir;

  private static Trust.Key signerKey() throws SigningException {
    return new Trust.Key(PemFiles.publicKey(FIXTURES.resolve("keys/signer.pub")));
  }

  private static Trust.Certificates anchors(String root, String identity) throws SigningException {
    return new Trust.Certificates(
        PemFiles.certificates(FIXTURES.resolve("pki").resolve(root)), List.of(), identity);
  }

  @Test
  void aReferenceKeyBundleVerifies() throws Exception {
    VerificationResult r = ModelVerifier.verify(MODEL, MODEL.resolve("model.sig"), signerKey());
    assertThat(r.problemLines()).isEmpty();
    assertThat(r.verified()).isTrue();
    assertThat(r.files()).isEqualTo(3);
  }

  @Test
  void aReferenceShardBundleWithADoubleShardSizeVerifies() throws Exception {
    VerificationResult r =
        ModelVerifier.verify(MODEL, FIXTURES.resolve("model-shards.sig"), signerKey());
    assertThat(r.verified()).isTrue();
    assertThat(r.resources()).isGreaterThan(r.files());
  }

  @Test
  void aCertificateBundleVerifiesAgainstItsRootOnly() throws Exception {
    Path sig = FIXTURES.resolve("model-cert.sig");
    VerificationResult ok =
        ModelVerifier.verify(MODEL, sig, anchors("root.pem", "publisher@example.com"));
    assertThat(ok.problemLines()).isEmpty();
    assertThat(ok.verified()).isTrue();
    assertThat(ok.signer()).contains("publisher@example.com").contains("Intermediate");

    VerificationResult otherRoot =
        ModelVerifier.verify(MODEL, sig, anchors("other-root.pem", null));
    assertThat(otherRoot.verified()).isFalse();
    assertThat(otherRoot.signatureProblems()).singleElement().asString().contains("trust anchor");

    VerificationResult wrongIdentity =
        ModelVerifier.verify(MODEL, sig, anchors("root.pem", "someone@example.com"));
    assertThat(wrongIdentity.signatureProblems())
        .singleElement()
        .asString()
        .contains("not someone@example.com");
  }

  @Test
  void ourCertificateSignatureVerifiesWithTheChain() throws Exception {
    Path model = copyModel();
    var keys = PemFiles.keyPair(FIXTURES.resolve("pki/leaf-key.pem"));
    var chain = new java.util.ArrayList<java.security.cert.X509Certificate>();
    chain.addAll(PemFiles.certificates(FIXTURES.resolve("pki/leaf.pem")));
    chain.addAll(PemFiles.certificates(FIXTURES.resolve("pki/intermediate.pem")));
    Path sig = model.resolve("model.sig");
    ModelSigner.sign(model, keys, chain, sig, 0);
    assertThat(ModelVerifier.verify(model, sig, anchors("root.pem", "model-publisher")).verified())
        .isTrue();
    assertThat(SigstoreBundle.parse(Files.readAllBytes(sig)).publicKeyHint()).isNull();
  }

  @Test
  void ourBundlesVerifyWithTheIndependentPythonVerifier() throws Exception {
    Path model = copyModel();
    Files.createDirectories(model.resolve("a"));
    Files.writeString(model.resolve("a/b"), "1");
    Files.writeString(model.resolve("a-c"), "2"); // Python orders a/b before a-c
    var keys = PemFiles.keyPair(FIXTURES.resolve("keys/signer.pem"));
    ModelSigner.sign(model, keys, List.of(), model.resolve("model.sig"), 0);
    ModelSigner.sign(model, keys, List.of(), dir.resolve("shards.sig"), 5);
    assertThat(python(model, model.resolve("model.sig"))).isEqualTo("VERIFIED");
    assertThat(python(model, dir.resolve("shards.sig"))).isEqualTo("VERIFIED");
    Files.writeString(model.resolve("a/b"), "tampered");
    assertThat(python(model, model.resolve("model.sig"))).isEqualTo("FAILED files differ: a/b");
  }

  private Path copyModel() throws IOException {
    Path model = dir.resolve("model");
    try (var walk = Files.walk(MODEL)) {
      for (Path p : walk.toList()) {
        Path target = model.resolve(MODEL.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else if (!p.getFileName().toString().equals("model.sig")) {
          Files.copy(p, target);
        }
      }
    }
    return model;
  }

  /** Runs gen_signing.py's verifier; skips the test when Python or pyca/cryptography is absent. */
  private static String python(Path model, Path sig) throws Exception {
    Path script = Path.of("src/test/generate/gen_signing.py");
    Process p;
    try {
      p =
          new ProcessBuilder(
                  "python3",
                  script.toString(),
                  "verify",
                  model.toString(),
                  sig.toString(),
                  FIXTURES.resolve("keys/signer.pub").toString())
              .redirectErrorStream(true)
              .start();
    } catch (IOException e) {
      Assumptions.abort("python3 is not installed: " + e.getMessage());
      throw e;
    }
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    p.waitFor(60, TimeUnit.SECONDS);
    Assumptions.assumeFalse(
        out.contains("No module named 'cryptography'"), "pyca/cryptography is not installed");
    return out;
  }
}
