package io.sentrascan.cdk;

import java.util.Locale;

/**
 * The lowest finding severity that fails a scan, as the CLI's {@code --fail-on} names it (the
 * scanner's {@code Severity} values). The functions receive it as {@code FAIL_ON}.
 */
public enum FailOn {
  CRITICAL,
  HIGH,
  MEDIUM,
  LOW,
  INFO;

  /**
   * Parses {@code critical}, {@code high}, {@code medium}, {@code low} or {@code info}, in any
   * case.
   *
   * @throws IllegalArgumentException naming the accepted values
   */
  public static FailOn parse(String text) {
    try {
      return valueOf(text.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "context failOn='" + text + "': expected critical, high, medium, low or info", e);
    }
  }

  /** The value as context and {@code FAIL_ON} spell it: lower case. */
  public String contextValue() {
    return name().toLowerCase(Locale.ROOT);
  }
}
