package io.sentrascan.functions.api;

import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * Where the page-token HMAC key comes from: a Secrets Manager secret ({@code
 * PAGE_TOKEN_SECRET_ARN}, as deployed), read on the first request that signs or verifies a token
 * and kept for the container's life; or a key given directly ({@code PAGE_TOKEN_KEY}, for local
 * runs). The secret is never read during init, so it never lands in a SnapStart snapshot, and
 * {@link #forget()} drops it before a checkpoint all the same. Error messages name the secret,
 * never its value.
 */
final class PageTokenKey {
  private final @Nullable SecretsManagerClient secrets;
  private final @Nullable String secretId;
  private final byte @Nullable [] fixed;
  private @Nullable PageTokens tokens;

  private PageTokenKey(
      @Nullable SecretsManagerClient secrets, @Nullable String secretId, byte @Nullable [] fixed) {
    this.secrets = secrets;
    this.secretId = secretId;
    this.fixed = fixed;
  }

  /** A key given in the configuration. */
  static PageTokenKey fixed(String key) {
    return new PageTokenKey(
        null, null, check(key.getBytes(StandardCharsets.UTF_8), "PAGE_TOKEN_KEY"));
  }

  /** A key read from a Secrets Manager secret whose value is the key (at least 32 bytes). */
  static PageTokenKey fromSecret(SecretsManagerClient secrets, String secretId) {
    return new PageTokenKey(secrets, secretId, null);
  }

  /** The token signer, built on first use. */
  synchronized PageTokens tokens() {
    PageTokens t = tokens;
    if (t == null) {
      t = new PageTokens(fixed != null ? fixed : read());
      tokens = t;
    }
    return t;
  }

  /** Whether the key has been read (tests and the checkpoint hook look). */
  synchronized boolean loaded() {
    return tokens != null;
  }

  /** Drops a key read from the secret; it is read again when next needed. */
  synchronized void forget() {
    if (fixed == null) {
      tokens = null;
    }
  }

  private byte[] read() {
    String value =
        java.util.Objects.requireNonNull(secrets)
            .getSecretValue(b -> b.secretId(secretId))
            .secretString();
    if (value == null || value.isBlank()) {
      throw new IllegalStateException("secret " + secretId + " has no SecretString");
    }
    return check(value.strip().getBytes(StandardCharsets.UTF_8), "secret " + secretId);
  }

  private static byte[] check(byte[] key, String what) {
    if (key.length < ApiConfig.MIN_KEY_BYTES) {
      throw new IllegalStateException(
          what + " must hold a key of at least " + ApiConfig.MIN_KEY_BYTES + " bytes");
    }
    return key;
  }
}
