package io.sentrascan.cdk;

import java.util.Locale;

/** The lowest finding severity that fails a scan, as the CLI's {@code --fail-on} names it. */
public enum FailOn {
  CRITICAL,
  HIGH,
  MEDIUM,
  LOW;

  /**
   * Parses {@code critical}, {@code high}, {@code medium} or {@code low}, in any case.
   *
   * @throws IllegalArgumentException naming the accepted values
   */
  public static FailOn parse(String text) {
    try {
      return valueOf(text.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "failOn: expected critical, high, medium or low, got '" + text + "'", e);
    }
  }
}
