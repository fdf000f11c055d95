package io.sentrascan.scanner.signing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Signing and verifying a model folder: what passes, and every way a change is caught. */
class ModelSigningTest {
  static final Path FIXTURES = Path.of("src/test/resources/fixtures/signing");

  @TempDir Path dir;
  private Path model;
  private KeyPair keys;

  @BeforeEach
  void setUp() throws Exception {
    model = dir.resolve("bert-tiny");
    Files.createDirectories(model.resolve("sub"));
    Files.writeString(model.resolve("config.json"), "{\"hidden_size\": 4}\n");
    Files.write(model.resolve("model.safetensors"), bytes(1000, 7));
    Files.writeString(model.resolve("sub/vocab.txt"), "a\nb\n");
    Files.createDirectories(model.resolve(".git"));
    Files.writeString(model.resolve(".git/HEAD"), "ref: refs/heads/main\n");
    keys = newKey();
  }

  static KeyPair newKey() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    return g.generateKeyPair();
  }

  private static byte[] bytes(int n, int seed) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) (i * 31 + seed);
    }
    return b;
  }

  private Path sign(long shardSize) throws Exception {
    Path sig = model.resolve("model.sig");
    ModelSigner.sign(model, keys, List.of(), sig, shardSize);
    return sig;
  }

  private VerificationResult verify(Path sig) throws SigningException {
    return ModelVerifier.verify(model, sig, new Trust.Key(publicKey(keys)));
  }

  static java.security.interfaces.ECPublicKey publicKey(KeyPair k) {
    return (java.security.interfaces.ECPublicKey) k.getPublic();
  }

  @Test
  void aSignedModelVerifies() throws Exception {
    VerificationResult r = verify(sign(0));
    assertThat(r.problemLines()).isEmpty();
    assertThat(r.verified()).isTrue();
    assertThat(r.files()).as("config, weights, vocab; not .git, not model.sig").isEqualTo(3);
    assertThat(r.signer()).isEqualTo("key sha256:" + ModelSigner.keyHint(keys.getPublic()));
  }

  @Test
  void oneFlippedByteFailsNamingTheFile() throws Exception {
    Path sig = sign(0);
    Path weights = model.resolve("model.safetensors");
    byte[] b = Files.readAllBytes(weights);
    b[500] ^= 1;
    Files.write(weights, b);
    VerificationResult r = verify(sig);
    assertThat(r.verified()).isFalse();
    assertThat(r.problemLines()).containsExactly("changed: model.safetensors");
  }

  @Test
  void anAddedFileFailsNamingIt() throws Exception {
    Path sig = sign(0);
    Files.writeString(model.resolve("sub/evil.py"), "import os\n");
    assertThat(verify(sig).problemLines()).containsExactly("extra: sub/evil.py");
  }

  @Test
  void aRemovedFileFailsNamingIt() throws Exception {
    Path sig = sign(0);
    Files.delete(model.resolve("sub/vocab.txt"));
    assertThat(verify(sig).problemLines()).containsExactly("missing: sub/vocab.txt");
  }

  @Test
  void gitMetadataAndTheSignatureItselfAreNotPartOfTheModel() throws Exception {
    Path sig = sign(0);
    Files.writeString(model.resolve(".git/HEAD"), "ref: refs/heads/other\n");
    Files.writeString(model.resolve(".gitattributes"), "* text\n");
    assertThat(verify(sig).verified()).isTrue();
  }

  @Test
  void anotherKeyFailsAndTheFilesAreNotTrusted() throws Exception {
    Path sig = sign(0);
    VerificationResult r = ModelVerifier.verify(model, sig, new Trust.Key(publicKey(newKey())));
    assertThat(r.verified()).isFalse();
    assertThat(r.signatureProblems()).singleElement().asString().contains("different key");
  }

  @Test
  void aForgedSignatureWithoutHintFailsTheCryptoCheck() throws Exception {
    Path sig = sign(0);
    // Drop the hint, so that only the ECDSA check can tell the keys apart.
    String json = Files.readString(sig).replaceAll("\"hint\" : \"[0-9a-f]+\"", "\"hint\" : \"\"");
    Files.writeString(sig, json);
    VerificationResult r = ModelVerifier.verify(model, sig, new Trust.Key(publicKey(newKey())));
    assertThat(r.signatureProblems())
        .containsExactly("the DSSE signature does not verify with this public key");
    assertThat(verify(sig).verified()).as("the right key still verifies").isTrue();
  }

  @Test
  void shardsOfAFileLargerThanTheShardSizeAreSignedAndChecked() throws Exception {
    Path sig = sign(64);
    SigstoreBundle bundle = SigstoreBundle.parse(Files.readAllBytes(sig));
    ModelManifest m = InTotoStatement.parse(bundle.payload()).manifest();
    assertThat(m.serialization().sharded()).isTrue();
    assertThat(m.serialization().shardSize()).isEqualTo(64);
    assertThat(m.resources().stream().map(Resource::name))
        .contains("model.safetensors:0:64", "model.safetensors:960:1000")
        .hasSize(16 + 1 + 1); // 1000 bytes in 64-byte shards, plus config and vocab
    assertThat(verify(sig).verified()).isTrue();

    Path weights = model.resolve("model.safetensors");
    byte[] b = Files.readAllBytes(weights);
    b[999] ^= (byte) 0x80; // last byte, last (short) shard
    Files.write(weights, b);
    assertThat(verify(sig).problemLines()).containsExactly("changed: model.safetensors");

    Files.write(weights, bytes(1001, 7)); // one byte longer: a new shard boundary
    assertThat(verify(sig).problemLines()).containsExactly("changed: model.safetensors");
  }

  @Test
  void resourcesAreSortedLikePythonPaths() throws Exception {
    Files.writeString(model.resolve("sub-x"), "1");
    Path sig = sign(0);
    ModelManifest m =
        InTotoStatement.parse(SigstoreBundle.parse(Files.readAllBytes(sig)).payload()).manifest();
    assertThat(m.resources().stream().map(Resource::name))
        .containsExactly("config.json", "model.safetensors", "sub/vocab.txt", "sub-x");
  }

  @Test
  void aSymbolicLinkInTheModelIsRefused() throws Exception {
    Path sig = sign(0);
    try {
      Files.createSymbolicLink(model.resolve("link"), model.resolve("config.json"));
    } catch (UnsupportedOperationException | IOException e) {
      org.junit.jupiter.api.Assumptions.abort("no symbolic links on this file system");
    }
    assertThatThrownBy(() -> verify(sig))
        .isInstanceOf(SigningException.class)
        .hasMessageContaining("symbolic link")
        .hasMessageContaining("link");
  }

  @Test
  void theSubjectDigestMustMatchTheResources() throws Exception {
    ModelManifest m = ModelManifest.hash(model, Serialization.files(List.of()), List.of(".git"));
    String json = new String(InTotoStatement.toJson(m), StandardCharsets.UTF_8);
    byte[] lying = json.replace(m.rootDigest(), "0".repeat(64)).getBytes(StandardCharsets.UTF_8);
    byte[] sig = Dsse.sign(keys.getPrivate(), InTotoStatement.PAYLOAD_TYPE, lying);
    SigstoreBundle b =
        new SigstoreBundle(
            SigstoreBundle.MEDIA_TYPE,
            ModelSigner.keyHint(keys.getPublic()),
            List.of(),
            0,
            InTotoStatement.PAYLOAD_TYPE,
            lying,
            sig);
    Path file = dir.resolve("lying.sig");
    Files.write(file, b.toJson());
    assertThat(verify(file).signatureProblems())
        .singleElement()
        .asString()
        .contains("manifest is inconsistent");
  }

  @Test
  void withoutATrustedKeyTheFilesAreCheckedButNothingIsVerified() throws Exception {
    Path sig = sign(0);
    VerificationResult r = ModelVerifier.verify(model, sig, new Trust.None());
    assertThat(r.authenticated()).isFalse();
    assertThat(r.diff().isEmpty()).isTrue();
    assertThat(r.verified()).isFalse();
  }

  @Test
  void malformedBundlesAreBadInputNotFailedVerification() throws Exception {
    Path sig = sign(0);
    String good = Files.readString(sig);
    String payload = InTotoStatement.PAYLOAD_TYPE;
    Stream<String[]> cases =
        Stream.of(
            new String[] {good.substring(0, good.length() / 2), "not valid JSON"},
            new String[] {"[]", "not a Sigstore bundle"},
            new String[] {"{}", "no mediaType"},
            new String[] {good.replace(payload, "text/plain"), "payloadType is 'text/plain'"},
            new String[] {
              good.replace(
                  SigstoreBundle.MEDIA_TYPE,
                  "application/vnd.dev.sigstore.bundle+json;version=0.1"),
              "unsupported Sigstore bundle media type"
            },
            new String[] {good.replace("dsseEnvelope", "messageSignature"), "not a DSSE envelope"},
            new String[] {
              good.replaceAll("\"payload\" : \"[^\"]+\"", "\"payload\" : \"@@@\""), "not base64"
            },
            new String[] {
              good.replaceAll(
                  "\"payload\" : \"[^\"]+\"",
                  "\"payload\" : \""
                      + Base64.getEncoder()
                          .encodeToString("{\"_type\": 1}".getBytes(StandardCharsets.UTF_8))
                      + "\""),
              "_type"
            },
            new String[] {
              good.replaceAll("\"signatures\" : \\[[^]]*]", "\"signatures\" : []"), "no signatures"
            });
    for (String[] c : cases.toList()) {
      Files.writeString(sig, c[0]);
      assertThatThrownBy(() -> verify(sig))
          .as(c[1])
          .isInstanceOf(SigningException.class)
          .hasMessageContaining(c[1]);
    }
    assertThatThrownBy(() -> verify(dir.resolve("absent.sig")))
        .isInstanceOf(SigningException.class)
        .hasMessageContaining("cannot read the signature");
  }

  @Test
  void aDifferentPredicateTypeIsNotAModelSignature() throws Exception {
    byte[] statement =
        ("{\"_type\":\"https://in-toto.io/Statement/v1\",\"subject\":[],"
                + "\"predicateType\":\"https://slsa.dev/provenance/v1\",\"predicate\":{}}")
            .getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> InTotoStatement.parse(statement))
        .isInstanceOf(SigningException.class)
        .hasMessageContaining("not a model signature");
  }

  @Test
  void pemKeysLoadInBothPrivateFormatsAndRejectOtherKeyTypes() throws Exception {
    Path keysDir = FIXTURES.resolve("keys");
    KeyPair sec1 = PemFiles.keyPair(keysDir.resolve("signer.pem"));
    KeyPair pkcs8 = PemFiles.keyPair(keysDir.resolve("signer-pkcs8.pem"));
    var pub = PemFiles.publicKey(keysDir.resolve("signer.pub"));
    assertThat(sec1.getPublic().getEncoded()).isEqualTo(pub.getEncoded());
    assertThat(pkcs8.getPublic().getEncoded()).isEqualTo(pub.getEncoded());
    assertThat(PemFiles.publicKeyPem(pub))
        .isEqualTo(Files.readString(keysDir.resolve("signer.pub")));
    assertThatThrownBy(() -> PemFiles.publicKey(keysDir.resolve("rsa.pub")))
        .isInstanceOf(SigningException.class)
        .hasMessageContaining("wrong key type");
    assertThatThrownBy(() -> PemFiles.publicKey(keysDir.resolve("signer.pem")))
        .isInstanceOf(SigningException.class)
        .hasMessageContaining("no PEM public key");
    assertThatThrownBy(() -> PemFiles.keyPair(FIXTURES.resolve("model/config.json")))
        .isInstanceOf(SigningException.class)
        .hasMessageContaining("not a PEM file");
  }
}
