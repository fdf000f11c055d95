package io.sentrascan.scanner.signing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Signs a model folder (or one file) in the OpenSSF Model Signing format with an EC private key:
 * the bundle names the public key by its hint, or carries the signing certificate and its chain.
 */
public final class ModelSigner {
  private ModelSigner() {}

  /** What signing produced. */
  public record Signed(ModelManifest manifest, SigstoreBundle bundle, Path signatureFile) {}

  /**
   * Hashes {@code model}, signs the statement and writes the bundle to {@code signatureFile}
   * (replacing it atomically). The signature file and the git metadata are left out of the manifest
   * and recorded as ignored.
   *
   * @param shardSize bytes per shard, or 0 to hash whole files
   * @param chain the signing certificate then its chain, or empty to sign with the bare key
   */
  public static Signed sign(
      Path model, KeyPair keys, List<X509Certificate> chain, Path signatureFile, long shardSize)
      throws SigningException, IOException {
    if (shardSize < 0) {
      throw new SigningException("the shard size must be positive, not " + shardSize);
    }
    try {
      // Refuse a private key that does not belong to its public key or certificate before any
      // hashing: a signature that can never verify is worse than none.
      PublicKey named = chain.isEmpty() ? keys.getPublic() : chain.get(0).getPublicKey();
      byte[] probe = "sentrascan key check".getBytes(StandardCharsets.UTF_8);
      if (!Dsse.verify(named, "x", probe, Dsse.sign(keys.getPrivate(), "x", probe))) {
        throw new SigningException(
            chain.isEmpty()
                ? "the private key does not match its public key"
                : "the private key does not match the signing certificate's public key");
      }
    } catch (GeneralSecurityException e) {
      throw new SigningException("cannot sign with this key: " + PemFiles.describe(e), e);
    }
    List<String> ignore = new ArrayList<>();
    String sigRel = relativeInside(model, signatureFile);
    if (sigRel != null) {
      ignore.add(sigRel);
    }
    ignore.addAll(Serialization.GIT_PATHS);
    Serialization s =
        shardSize > 0 ? Serialization.shards(shardSize, ignore) : Serialization.files(ignore);
    ModelManifest manifest = ModelManifest.hash(model, s, List.of());
    byte[] payload = InTotoStatement.toJson(manifest);
    byte[] signature;
    try {
      signature = Dsse.sign(keys.getPrivate(), InTotoStatement.PAYLOAD_TYPE, payload);
    } catch (GeneralSecurityException e) {
      throw new SigningException("signing failed: " + PemFiles.describe(e), e);
    }
    SigstoreBundle bundle =
        new SigstoreBundle(
            SigstoreBundle.MEDIA_TYPE,
            chain.isEmpty() ? keyHint(keys.getPublic()) : null,
            chain,
            0,
            InTotoStatement.PAYLOAD_TYPE,
            payload,
            signature);
    write(signatureFile, bundle.toJson());
    return new Signed(manifest, bundle, signatureFile);
  }

  /** The reference tool's key hint: hex SHA-256 of the PEM SubjectPublicKeyInfo text. */
  public static String keyHint(PublicKey key) {
    MessageDigest sha = ModelManifest.sha256();
    return HexFormat.of()
        .formatHex(sha.digest(PemFiles.publicKeyPem(key).getBytes(StandardCharsets.US_ASCII)));
  }

  /** {@code file}'s path relative to the folder {@code model}, POSIX style, when inside it. */
  static @Nullable String relativeInside(Path model, Path file) {
    Path root = model.toAbsolutePath().normalize();
    Path f = file.toAbsolutePath().normalize();
    if (!Files.isDirectory(root) || !f.startsWith(root) || f.equals(root)) {
      return null;
    }
    return root.relativize(f).toString().replace(f.getFileSystem().getSeparator(), "/");
  }

  private static void write(Path target, byte[] bytes) throws IOException {
    Path abs = target.toAbsolutePath();
    Path dir = abs.getParent();
    Path tmp = Files.createTempFile(dir, ".sentrascan-sign", ".tmp");
    try {
      Files.write(tmp, bytes);
      try {
        Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }
}
