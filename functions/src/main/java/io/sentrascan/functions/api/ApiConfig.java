package io.sentrascan.functions.api;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What the query API needs from its environment.
 *
 * @param tableName the scan table ({@code TABLE_NAME})
 * @param resultsBucket where reports too large for the table are ({@code RESULTS_BUCKET}); the API
 *     reads reports only from here, whatever a record says
 * @param sbomBucket where the ML-BOMs are ({@code SBOM_BUCKET}; default the results bucket, as in
 *     the scan function)
 * @param pageTokenKey the HMAC key that signs page tokens ({@code PAGE_TOKEN_KEY}, at least 32
 *     bytes), for local runs: a client can neither forge nor alter a token; every instance of the
 *     function must share it. Null when the key is in Secrets Manager
 * @param s3PathStyle path-style S3 addressing ({@code S3_FORCE_PATH_STYLE})
 * @param pageTokenSecretArn the Secrets Manager secret whose value is that key ({@code
 *     PAGE_TOKEN_SECRET_ARN}, as deployed; read on the first request that needs it); when set it is
 *     used and {@code PAGE_TOKEN_KEY} is ignored
 */
public record ApiConfig(
    String tableName,
    String resultsBucket,
    String sbomBucket,
    @Nullable String pageTokenKey,
    boolean s3PathStyle,
    @Nullable String pageTokenSecretArn) {

  static final int MIN_KEY_BYTES = 32;

  public ApiConfig {
    Objects.requireNonNull(tableName, "tableName");
    Objects.requireNonNull(resultsBucket, "resultsBucket");
    Objects.requireNonNull(sbomBucket, "sbomBucket");
    if (pageTokenSecretArn == null) {
      if (pageTokenKey == null) {
        throw new IllegalStateException("PAGE_TOKEN_SECRET_ARN or PAGE_TOKEN_KEY must be set");
      }
      if (pageTokenKey.getBytes(StandardCharsets.UTF_8).length < MIN_KEY_BYTES) {
        throw new IllegalStateException(
            "PAGE_TOKEN_KEY must be at least " + MIN_KEY_BYTES + " bytes");
      }
    }
  }

  /** A configuration with the page-token key given directly (local runs, tests). */
  public ApiConfig(
      String tableName,
      String resultsBucket,
      String sbomBucket,
      String pageTokenKey,
      boolean s3PathStyle) {
    this(tableName, resultsBucket, sbomBucket, pageTokenKey, s3PathStyle, null);
  }

  /**
   * Reads the environment.
   *
   * @throws IllegalStateException naming every missing variable
   */
  public static ApiConfig fromEnvironment(Map<String, String> env) {
    StringBuilder missing = new StringBuilder();
    for (String name : new String[] {"TABLE_NAME", "RESULTS_BUCKET"}) {
      String v = env.get(name);
      if (v == null || v.isBlank()) {
        missing.append(missing.length() == 0 ? "" : ", ").append(name);
      }
    }
    String arn = blankToNull(env.get("PAGE_TOKEN_SECRET_ARN"));
    String key = blankToNull(env.get("PAGE_TOKEN_KEY"));
    if (arn == null && key == null) {
      missing
          .append(missing.length() == 0 ? "" : ", ")
          .append("PAGE_TOKEN_SECRET_ARN (or PAGE_TOKEN_KEY)");
    }
    if (missing.length() > 0) {
      throw new IllegalStateException("missing environment variables: " + missing);
    }
    String sbom = env.get("SBOM_BUCKET");
    return new ApiConfig(
        env.get("TABLE_NAME"),
        env.get("RESULTS_BUCKET"),
        sbom == null || sbom.isBlank() ? env.get("RESULTS_BUCKET") : sbom,
        arn == null ? key : null,
        Boolean.parseBoolean(env.getOrDefault("S3_FORCE_PATH_STYLE", "false")),
        arn);
  }

  private static @Nullable String blankToNull(@Nullable String v) {
    return v == null || v.isBlank() ? null : v.strip();
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
        + ", pageTokenSecretArn="
        + pageTokenSecretArn
        + "]";
  }
}
