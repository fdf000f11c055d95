package io.sentrascan.functions.notify;

import com.fasterxml.jackson.databind.JsonNode;
import io.sentrascan.events.EventJson;
import java.net.URI;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * The Slack webhook URL, read from Secrets Manager on first use and kept for the life of the
 * container. Never read during init, so it never lands in a SnapStart snapshot; {@link #forget()}
 * drops it (before a checkpoint, or when Slack says the webhook is gone, so that a rotated secret
 * is read again).
 *
 * <p>The secret's value is the URL itself, or a JSON object with a {@code webhookUrl} field. Error
 * messages name the secret, never its value.
 */
final class WebhookUrlSource {
  private final SecretsManagerClient secrets;
  private final String secretId;
  private @Nullable URI cached;

  WebhookUrlSource(SecretsManagerClient secrets, String secretId) {
    this.secrets = secrets;
    this.secretId = secretId;
  }

  synchronized URI get() {
    URI url = cached;
    if (url == null) {
      url = parse(secrets.getSecretValue(b -> b.secretId(secretId)).secretString());
      cached = url;
    }
    return url;
  }

  synchronized void forget() {
    cached = null;
  }

  String secretId() {
    return secretId;
  }

  private URI parse(@Nullable String value) {
    if (value == null || value.isBlank()) {
      throw new IllegalStateException(
          "secret " + secretId + " has no SecretString; expected the Slack webhook URL");
    }
    String text = value.strip();
    if (text.startsWith("{")) {
      JsonNode url;
      try {
        url = EventJson.tree(text).get("webhookUrl");
      } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
        // The parser's message quotes the secret: do not pass it on.
        throw new IllegalStateException("secret " + secretId + " is neither a URL nor JSON");
      }
      if (url == null || !url.isTextual()) {
        throw new IllegalStateException(
            "secret " + secretId + " is JSON without a string field webhookUrl");
      }
      text = url.asText().strip();
    }
    URI uri;
    try {
      uri = URI.create(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException("secret " + secretId + " does not hold a valid URL");
    }
    if (uri.getHost() == null
        || !("https".equals(uri.getScheme()) || "http".equals(uri.getScheme()))) {
      throw new IllegalStateException(
          "secret " + secretId + " does not hold an http(s) URL with a host");
    }
    return uri;
  }
}
