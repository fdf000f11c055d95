package io.sentrascan.scanner.signing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sentrascan.scanner.Finding;
import io.sentrascan.scanner.Policy;
import io.sentrascan.scanner.ScanEngine;
import io.sentrascan.scanner.ScanResult;
import io.sentrascan.scanner.Severity;
import io.sentrascan.scanner.Verdict;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Signatures written to hurt the verifier: they must fail closed, never crash or exhaust it. */
class HostileSignatureTest {
  @TempDir Path dir;

  private static Path signed(Path file, KeyPair keys, ModelManifest manifest) throws Exception {
    byte[] payload = InTotoStatement.toJson(manifest);
    SigstoreBundle b =
        new SigstoreBundle(
            SigstoreBundle.MEDIA_TYPE,
            ModelSigner.keyHint(keys.getPublic()),
            List.of(),
            0,
            InTotoStatement.PAYLOAD_TYPE,
            payload,
            Dsse.sign(keys.getPrivate(), InTotoStatement.PAYLOAD_TYPE, payload));
    Files.write(file, b.toJson());
    return file;
  }

  @Test
  void aTinyShardSizeCannotMakeTheVerifierHoldADigestPerByte() throws Exception {
    Path model = dir.resolve("m");
    Files.createDirectories(model);
    Files.write(model.resolve("w.bin"), new byte[(int) ModelManifest.MAX_RESOURCES + 1]);
    assertThatThrownBy(
            () -> ModelManifest.hash(model, Serialization.shards(1, List.of()), List.of()))
        .isInstanceOf(SigningException.class)
        .hasMessageContaining("more than " + ModelManifest.MAX_RESOURCES + " resources");
  }

  @Test
  void hostileResourceNamesAreReportedNotOpened() throws Exception {
    Path model = dir.resolve("m");
    Files.createDirectories(model);
    Files.write(model.resolve("model.safetensors"), new byte[] {1, 2, 3});
    KeyPair keys = ModelSigningTest.newKey();
    ModelManifest real =
        ModelManifest.hash(model, Serialization.files(List.of("model.sig")), List.of());
    List<Resource> resources = new ArrayList<>(real.resources());
    String zero = "0".repeat(64);
    resources.add(new Resource("../../etc/passwd", "sha256", zero));
    resources.add(new Resource("/abs\u0000olute\nname", "sha256", zero));
    signed(
        model.resolve("model.sig"), keys, new ModelManifest("m", real.serialization(), resources));

    ScanResult scanned = ScanEngine.defaults().scan(List.of(model), Policy.defaults(), p -> {});
    ScanResult r =
        SignatureCheck.apply(
            scanned,
            new SignatureCheck.Options(
                null, new Trust.Key(ModelSigningTest.publicKey(keys)), false));
    List<Finding> missing =
        r.findings().stream().filter(f -> f.ruleId().equals("SIGN-003")).toList();
    assertThat(missing).hasSize(2);
    assertThat(missing).allMatch(f -> f.severity() == Severity.HIGH);
    assertThat(missing).allMatch(f -> !f.description().contains("\n"));
    assertThat(missing).allMatch(f -> !f.location().path().contains("\n"));
    assertThat(r.verdict()).isEqualTo(Verdict.FAIL);
    assertThat(SignatureCheck.status(r))
        .get()
        .extracting(SignatureCheck.Status::status)
        .isEqualTo("modified");
  }
}
