package io.sentrascan.functions.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sentrascan.events.EventJson;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Opaque page tokens: {@code base64url(json) "." base64url(HMAC-SHA256(json))}. The JSON holds the
 * query a page belongs to and where DynamoDB stopped (its {@code LastEvaluatedKey}); the MAC means
 * a client cannot make the API start a query at a key of its choosing. Tokens are not encrypted:
 * what they hold is the client's own query and the ids of scans it was already shown.
 */
final class PageTokens {
  private static final String ALGORITHM = "HmacSHA256";
  private static final int MAX_TOKEN_CHARS = 4096;

  private final SecretKeySpec key;

  PageTokens(byte[] key) {
    this.key = new SecretKeySpec(key, ALGORITHM);
  }

  String sign(ObjectNode state) {
    byte[] json = state.toString().getBytes(StandardCharsets.UTF_8);
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    return b64.encodeToString(json) + "." + b64.encodeToString(mac(json));
  }

  /**
   * The state a token holds.
   *
   * @throws ApiException 400 when the token was not issued by this API, or was altered
   */
  ObjectNode verify(String token) {
    if (token.length() > MAX_TOKEN_CHARS) {
      throw invalid();
    }
    int dot = token.indexOf('.');
    if (dot <= 0 || dot != token.lastIndexOf('.')) {
      throw invalid();
    }
    byte[] json;
    byte[] given;
    try {
      json = Base64.getUrlDecoder().decode(token.substring(0, dot));
      given = Base64.getUrlDecoder().decode(token.substring(dot + 1));
    } catch (IllegalArgumentException e) {
      throw invalid();
    }
    if (!MessageDigest.isEqual(mac(json), given)) {
      throw invalid();
    }
    try {
      JsonNode tree = EventJson.tree(new String(json, StandardCharsets.UTF_8));
      if (tree instanceof ObjectNode o) {
        return o;
      }
    } catch (IOException e) {
      // fall through: signed by us, so this does not happen, but never trust it
    }
    throw invalid();
  }

  private byte[] mac(byte[] data) {
    try {
      Mac mac = Mac.getInstance(ALGORITHM);
      mac.init(key);
      return mac.doFinal(data);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
    }
  }

  private static ApiException invalid() {
    return ApiException.badRequest(
        "invalid nextToken: pass back the nextToken of a previous page unchanged");
  }
}
