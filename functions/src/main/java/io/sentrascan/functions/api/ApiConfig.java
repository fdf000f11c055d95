package io.sentrascan.functions.api;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;

/**
 * What the query API needs from its environment.
 *
 * @param tableName the scan table ({@code TABLE_NAME})
 * @param resultsBucket where reports too large for the table are ({@code RESULTS_BUCKET}); the API
 *     reads reports only from here, whatever a record says
 * @param sbomBucket where the ML-BOMs are ({@code SBOM_BUCKET}; default the results bucket, as in
 *     the scan function)
 * @param pageTokenKey the HMAC key that signs page tokens ({@code PAGE_TOKEN_KEY}, at least 32
 *     bytes): a client can neither forge nor alter a token; every instance of the function must
 *     share it
 * @param s3PathStyle path-style S3 addressing ({@code S3_FORCE_PATH_STYLE})
 */
public record ApiConfig(
    String tableName,
    String resultsBucket,
    String sbomBucket,
    String pageTokenKey,
    boolean s3PathStyle) {

  static final int MIN_KEY_BYTES = 32;

  public ApiConfig {
    Objects.requireNonNull(tableName, "tableName");
    Objects.requireNonNull(resultsBucket, "resultsBucket");
    Objects.requireNonNull(sbomBucket, "sbomBucket");
    if (pageTokenKey.getBytes(StandardCharsets.UTF_8).length < MIN_KEY_BYTES) {
      throw new IllegalStateException(
          "PAGE_TOKEN_KEY must be at least " + MIN_KEY_BYTES + " bytes");
    }
  }

  /**
   * Reads the environment.
   *
   * @throws IllegalStateException naming every missing variable
   */
  public static ApiConfig fromEnvironment(Map<String, String> env) {
    StringBuilder missing = new StringBuilder();
    for (String name : new String[] {"TABLE_NAME", "RESULTS_BUCKET", "PAGE_TOKEN_KEY"}) {
      String v = env.get(name);
      if (v == null || v.isBlank()) {
        missing.append(missing.length() == 0 ? "" : ", ").append(name);
      }
    }
    if (missing.length() > 0) {
      throw new IllegalStateException("missing environment variables: " + missing);
    }
    String sbom = env.get("SBOM_BUCKET");
    return new ApiConfig(
        env.get("TABLE_NAME"),
        env.get("RESULTS_BUCKET"),
        sbom == null || sbom.isBlank() ? env.get("RESULTS_BUCKET") : sbom,
        env.get("PAGE_TOKEN_KEY"),
        Boolean.parseBoolean(env.getOrDefault("S3_FORCE_PATH_STYLE", "false")));
  }

  @Override
  public String toString() {
    // Never print the key.
    return "ApiConfig[tableName="
        + tableName
        + ", resultsBucket="
        + resultsBucket
        + ", sbomBucket="
        + sbomBucket
        + ", s3PathStyle="
        + s3PathStyle
        + "]";
  }
}
