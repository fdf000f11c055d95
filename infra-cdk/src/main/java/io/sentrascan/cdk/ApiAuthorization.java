package io.sentrascan.cdk;

import java.util.Locale;

/** How callers of the query API authenticate. */
public enum ApiAuthorization {
  /**
   * Every method requires SigV4-signed requests ({@code AWS_IAM}); grant {@code
   * execute-api:Invoke}.
   */
  IAM,
  /** Every method requires an API key ({@code x-api-key}) of the stage's usage plan. */
  API_KEY;

  /**
   * Parses the context value {@code iam} or {@code apikey}, in any case.
   *
   * @throws IllegalArgumentException naming the accepted values
   */
  public static ApiAuthorization parse(String text) {
    return switch (text.trim().toLowerCase(Locale.ROOT)) {
      case "iam" -> IAM;
      case "apikey" -> API_KEY;
      default ->
          throw new IllegalArgumentException(
              "context apiAuthorization='" + text + "': expected iam or apikey");
    };
  }
}
