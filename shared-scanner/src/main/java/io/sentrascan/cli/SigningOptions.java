package io.sentrascan.cli;

import io.sentrascan.scanner.signing.PemFiles;
import io.sentrascan.scanner.signing.SignatureCheck;
import io.sentrascan.scanner.signing.SigningException;
import io.sentrascan.scanner.signing.Trust;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;

/** The model-signature options of {@code scan}, as a picocli mixin. */
final class SigningOptions {
  @Option(
      names = "--signature",
      paramLabel = "FILE",
      description = "The model's signature bundle (default: model.sig in each folder scanned).")
  private @Nullable Path signature;

  @Option(
      names = "--verify-key",
      paramLabel = "PUBLIC.pem",
      description =
          "Verify model signatures against this EC public key; without it a signature's files are"
              + " checked but its signer is not.")
  private @Nullable Path verifyKey;

  @Option(
      names = "--sigstore-trusted-root",
      paramLabel = "trusted_root.json",
      description =
          "Verify Sigstore keyless model signatures against this trusted root, offline; needs"
              + " --signer-identity and --signer-issuer.")
  private @Nullable Path sigstoreTrustedRoot;

  @Option(
      names = "--signer-identity",
      paramLabel = "ID",
      description = "With --sigstore-trusted-root: the OIDC identity (email or URI) that signed.")
  private @Nullable String signerIdentity;

  @Option(
      names = "--signer-issuer",
      paramLabel = "OIDC_ISSUER",
      description = "With --sigstore-trusted-root: the OIDC issuer of that identity.")
  private @Nullable String signerIssuer;

  @Option(
      names = "--require-signature",
      description = "Fail when a model is unsigned or its signer is not verified (HIGH, not LOW).")
  private boolean requireSignature;

  /** A usage problem with these options, or null. */
  @Nullable String usageProblem(List<Path> paths) {
    if (signature != null && paths.size() != 1) {
      return "--signature needs exactly one PATH to scan";
    }
    if (verifyKey != null && sigstoreTrustedRoot != null) {
      return "give --verify-key or --sigstore-trusted-root, not both";
    }
    if ((sigstoreTrustedRoot != null) != (signerIdentity != null && signerIssuer != null)
        || (sigstoreTrustedRoot == null && (signerIdentity != null || signerIssuer != null))) {
      return "--sigstore-trusted-root, --signer-identity and --signer-issuer go together";
    }
    return null;
  }

  /** The check to run after the scan; reads the key now, so a bad key fails before scanning. */
  SignatureCheck.Options options() throws SigningException {
    if (signature != null && !Files.isRegularFile(signature)) {
      throw new SigningException("cannot read the signature " + signature + ": no such file");
    }
    Trust trust;
    if (sigstoreTrustedRoot != null && signerIdentity != null && signerIssuer != null) {
      trust = Trust.Keyless.of(sigstoreTrustedRoot, signerIdentity, signerIssuer);
    } else if (verifyKey != null) {
      trust = new Trust.Key(PemFiles.publicKey(verifyKey));
    } else {
      trust = new Trust.None();
    }
    return new SignatureCheck.Options(signature, trust, requireSignature);
  }
}
