package io.sentrascan.cdk;

/** How callers of the query API authenticate. */
public enum ApiAuthorization {
  /**
   * Every method requires SigV4-signed requests ({@code AWS_IAM}); grant {@code
   * execute-api:Invoke}.
   */
  IAM,
  /** Every method requires an API key ({@code x-api-key}) of the stage's usage plan. */
  API_KEY
}
