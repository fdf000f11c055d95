package io.sentrascan.scanner.signing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.SocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sigstore keyless verification against a real signature: {@code fixtures/signing-keyless} holds
 * the bundle sigstore/model-transparency signed with public-good Sigstore (Fulcio, CT log, Rekor)
 * for its v1.0.0 compatibility test, the two files it signs, and the public-good trusted root (see
 * SOURCE.md there). Everything runs offline.
 */
class KeylessVerificationTest {
  static final Path FIXTURES = ModelSigningTest.FIXTURES.resolveSibling("signing-keyless");
  static final Path MODEL = FIXTURES.resolve("model");
  static final Path SIG = FIXTURES.resolve("model.sig");
  static final Path ROOT = FIXTURES.resolve("trusted_root.json");
  static final String IDENTITY = "stefanb@us.ibm.com";
  static final String ISSUER = "https://sigstore.verify.ibm.com/oauth2";
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  private ProxySelector previous;
  private final List<URI> connections = new ArrayList<>();

  /** Records any attempt to open a URL connection: verification must make none. */
  @BeforeEach
  void watchTheNetwork() {
    previous = ProxySelector.getDefault();
    ProxySelector.setDefault(
        new ProxySelector() {
          @Override
          public List<Proxy> select(URI uri) {
            synchronized (connections) {
              connections.add(uri);
            }
            return List.of(Proxy.NO_PROXY);
          }

          @Override
          public void connectFailed(URI uri, SocketAddress sa, IOException ioe) {}
        });
  }

  @AfterEach
  void noConnectionWasAttempted() {
    ProxySelector.setDefault(previous);
    assertThat(connections).isEmpty();
  }

  private static VerificationResult verify(Path sig, Path root, String identity, String issuer)
      throws SigningException {
    return ModelVerifier.verify(MODEL, sig, Trust.Keyless.of(root, identity, issuer));
  }

  @Test
  void theRealKeylessSignatureVerifiesOffline() throws Exception {
    VerificationResult r = verify(SIG, ROOT, IDENTITY, ISSUER);
    assertThat(r.problemLines()).isEmpty();
    assertThat(r.verified()).isTrue();
    assertThat(r.files()).isEqualTo(2);
    assertThat(r.signer())
        .contains("keyless " + IDENTITY)
        .contains(ISSUER)
        .contains("Rekor log index 206344181");
    assertThat(r.notes()).noneMatch(n -> n.contains("not checked"));
  }

  @Test
  void aWrongIdentityFails() throws Exception {
    VerificationResult r = verify(SIG, ROOT, "someone@example.com", ISSUER);
    assertThat(r.verified()).isFalse();
    assertThat(r.signatureProblems())
        .singleElement()
        .asString()
        .contains("is for " + IDENTITY)
        .contains("not someone@example.com");
    assertThat(r.diff().isEmpty()).isTrue();
  }

  @Test
  void aWrongIssuerFails() throws Exception {
    VerificationResult r = verify(SIG, ROOT, IDENTITY, "https://accounts.google.com");
    assertThat(r.verified()).isFalse();
    assertThat(r.signatureProblems())
        .singleElement()
        .asString()
        .contains("OIDC issuer is " + ISSUER)
        .contains("not https://accounts.google.com");
  }

  @Test
  void aTrustedRootWithoutTheIssuingCaFails() throws Exception {
    Path root = editRoot(r -> ((ArrayNode) r.get("certificateAuthorities")).remove(1));
    VerificationResult r = verify(SIG, root, IDENTITY, ISSUER);
    assertThat(r.verified()).isFalse();
    assertThat(r.signatureProblems())
        .singleElement()
        .asString()
        .contains("Fulcio certificate was not valid");
  }

  @Test
  void aTrustedRootWithoutTheCtLogFailsOnTheSct() throws Exception {
    Path root = editRoot(r -> ((ArrayNode) r.get("ctlogs")).remove(1));
    VerificationResult r = verify(SIG, root, IDENTITY, ISSUER);
    assertThat(r.verified()).isFalse();
    assertThat(r.signatureProblems()).singleElement().asString().contains("SCT");
  }

  @Test
  void aTrustedRootWithAnotherRekorKeyFailsOnTheLogEntry() throws Exception {
    Path root =
        editRoot(
            r -> {
              ObjectNode tlog = (ObjectNode) r.get("tlogs").get(0);
              // The CT log's key in the Rekor log's place: same log id, wrong key.
              ((ObjectNode) tlog.get("publicKey"))
                  .put(
                      "rawBytes", r.get("ctlogs").get(1).get("publicKey").get("rawBytes").asText());
            });
    VerificationResult r = verify(SIG, root, IDENTITY, ISSUER);
    assertThat(r.verified()).isFalse();
    assertThat(r.signatureProblems())
        .singleElement()
        .asString()
        .contains("Transparency log entry could not be verified");
  }

  @Test
  void aTamperedPayloadFails() throws Exception {
    // Another digest for signme-2 in the signed manifest, and the subject digest to match it: a
    // self-consistent manifest that only the signature and the log entry can tell apart.
    Path sig =
        editBundle(
            b -> {
              ObjectNode env = (ObjectNode) b.get("dsseEnvelope");
              String payload =
                  new String(
                      Base64.getDecoder().decode(env.get("payload").asText()),
                      StandardCharsets.UTF_8);
              env.put(
                  "payload",
                  Base64.getEncoder()
                      .encodeToString(
                          payload
                              .replace("32dcb1f8e1ae52d5", "32dcb1f8e1ae52d6")
                              .replace(
                                  "61d4849d9d90076d6215f4d525f13d6574af8e3f67aef3e6f36fc40a14fdd226",
                                  "f83c61136c4a1f1c9d236dfdda804786ec569ed946cac138abef8694987d19c5")
                              .getBytes(StandardCharsets.UTF_8)));
            });
    VerificationResult r = verify(sig, ROOT, IDENTITY, ISSUER);
    assertThat(r.verified()).isFalse();
    assertThat(r.signatureProblems()).singleElement().asString().contains("DSSE signature");
  }

  @Test
  void aTamperedSignatureFails() throws Exception {
    Path sig =
        editBundle(
            b -> {
              ObjectNode s = (ObjectNode) b.get("dsseEnvelope").get("signatures").get(0);
              byte[] der = Base64.getDecoder().decode(s.get("sig").asText());
              der[der.length - 1] ^= 1;
              s.put("sig", Base64.getEncoder().encodeToString(der));
            });
    VerificationResult r = verify(sig, ROOT, IDENTITY, ISSUER);
    assertThat(r.verified()).isFalse();
    assertThat(r.signatureProblems()).singleElement().asString().contains("DSSE signature");
  }

  @Test
  void aTamperedInclusionProofFails() throws Exception {
    Path sig =
        editBundle(
            b -> {
              ArrayNode hashes =
                  (ArrayNode)
                      b.get("verificationMaterial")
                          .get("tlogEntries")
                          .get(0)
                          .get("inclusionProof")
                          .get("hashes");
              hashes.set(0, JSON.getNodeFactory().textNode(hashes.get(1).asText()));
            });
    VerificationResult r = verify(sig, ROOT, IDENTITY, ISSUER);
    assertThat(r.verified()).isFalse();
    assertThat(r.signatureProblems())
        .singleElement()
        .asString()
        .contains("Transparency log entry could not be verified");
  }

  @Test
  void aTamperedIntegrationTimeFailsOnTheSignedEntryTimestamp() throws Exception {
    Path sig =
        editBundle(
            b ->
                ((ObjectNode) b.get("verificationMaterial").get("tlogEntries").get(0))
                    .put("integratedTime", "1746236087"));
    VerificationResult r = verify(sig, ROOT, IDENTITY, ISSUER);
    assertThat(r.verified()).isFalse();
    assertThat(r.signatureProblems())
        .singleElement()
        .asString()
        .contains("Transparency log entry could not be verified");
  }

  @Test
  void aBundleWithoutItsLogEntryFails() throws Exception {
    Path sig =
        editBundle(
            b -> ((ObjectNode) b.get("verificationMaterial")).putArray("tlogEntries").removeAll());
    VerificationResult r = verify(sig, ROOT, IDENTITY, ISSUER);
    assertThat(r.verified()).isFalse();
    assertThat(r.signatureProblems())
        .singleElement()
        .asString()
        .contains("not a Sigstore keyless bundle")
        .contains("tlog entries");
  }

  @Test
  void aKeyBundleIsRefusedAsKeyless() {
    Path keyBundle = ModelSigningTest.FIXTURES.resolve("model/model.sig");
    assertThatThrownBy(
            () ->
                ModelVerifier.verify(
                    ModelSigningTest.FIXTURES.resolve("model"),
                    keyBundle,
                    Trust.Keyless.of(ROOT, IDENTITY, ISSUER)))
        .isInstanceOf(SigningException.class)
        .hasMessageContaining("no certificate");
  }

  @Test
  void aChangedFileIsNamedAfterTheSignatureVerified() throws Exception {
    Path model = dir.resolve("model");
    Files.createDirectories(model);
    Files.writeString(model.resolve("signme-1"), "signme-1");
    Files.writeString(model.resolve("signme-2"), "signme-X");
    VerificationResult r =
        ModelVerifier.verify(model, SIG, Trust.Keyless.of(ROOT, IDENTITY, ISSUER));
    assertThat(r.signatureProblems()).isEmpty();
    assertThat(r.verified()).isFalse();
    assertThat(r.diff().changed()).containsExactly("signme-2");
  }

  @Test
  void aFileThatIsNotATrustedRootIsRefusedUpFront() {
    assertThatThrownBy(() -> Trust.Keyless.of(SIG, IDENTITY, ISSUER))
        .isInstanceOf(SigningException.class)
        .hasMessageContaining("trusted root");
  }

  private Path editRoot(Consumer<ObjectNode> edit) throws IOException {
    ObjectNode root = (ObjectNode) JSON.readTree(ROOT.toFile());
    edit.accept(root);
    Path out = dir.resolve("trusted_root.json");
    JSON.writeValue(out.toFile(), root);
    return out;
  }

  private Path editBundle(Consumer<ObjectNode> edit) throws IOException {
    JsonNode bundle = JSON.readTree(SIG.toFile());
    edit.accept((ObjectNode) bundle);
    Path out = dir.resolve("model.sig");
    JSON.writeValue(out.toFile(), bundle);
    return out;
  }
}
