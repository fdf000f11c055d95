package io.sentrascan.events;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * S3 writes object keys into its events URL-encoded the way HTML forms are: a space is {@code +}, a
 * plus is {@code %2B}, non-ASCII is percent-encoded UTF-8. Using the raw value as a key reads the
 * wrong object or none.
 */
public final class ObjectKeys {
  private ObjectKeys() {}

  /**
   * The real key of an event's encoded key.
   *
   * @throws IllegalArgumentException when the value is not valid form encoding (a stray {@code %})
   */
  public static String decode(String encoded) {
    return URLDecoder.decode(encoded, StandardCharsets.UTF_8);
  }
}
