package io.sentrascan.cdk;

import java.util.Objects;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A team's deployment as CDK context gives it: {@code -c team=fraud-ml} (required: lower-case
 * letters, digits and hyphens, at most 32, starting with a letter; it names the stack {@code
 * SentraScan-<team>}), {@code -c failOn=high} (optional, default high), {@code -c
 * slackSecretArn=arn:aws:secretsmanager:...} (optional), {@code -c quarantine=true} (optional,
 * default false), {@code -c reservedConcurrency=10} (optional, default none), {@code -c
 * apiAuthorization=iam|apikey} (optional, default iam), {@code -c apiRateLimit=10} and {@code -c
 * apiBurstLimit=20} (optional: the query API stage's requests per second and burst) and {@code -c
 * recordRetentionDays=365} (optional, default none: scan records are kept forever).
 *
 * @param team the team's name
 * @param failOn lowest severity that fails a scan
 * @param slackSecretArn Secrets Manager secret of the Slack webhook, or null
 * @param quarantine whether the watched bucket denies reading objects not tagged PASS
 * @param reservedConcurrency reserved concurrency of the scan function, or null
 * @param apiAuthorization how callers of the query API authenticate
 * @param apiRateLimit steady requests per second of the query API stage
 * @param apiBurstLimit burst of the query API stage
 * @param recordRetentionDays days a superseded scan record is kept, or null for ever
 */
public record TeamConfig(
    String team,
    FailOn failOn,
    @Nullable String slackSecretArn,
    boolean quarantine,
    @Nullable Integer reservedConcurrency,
    ApiAuthorization apiAuthorization,
    double apiRateLimit,
    int apiBurstLimit,
    @Nullable Integer recordRetentionDays) {
  private static final Pattern TEAM = Pattern.compile("[a-z][a-z0-9-]{0,31}");
  private static final Pattern SECRET_ARN =
      Pattern.compile(
          "arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\\d{12}:secret:[A-Za-z0-9/_+=.@-]+");

  public TeamConfig {
    Objects.requireNonNull(team, "team");
    Objects.requireNonNull(failOn, "failOn");
    Objects.requireNonNull(apiAuthorization, "apiAuthorization");
  }

  /** The defaults for {@code team}: what {@code -c team=<team>} alone gives. */
  public static TeamConfig defaults(String team) {
    return new TeamConfig(
        team,
        FailOn.HIGH,
        null,
        false,
        null,
        ApiAuthorization.IAM,
        ModelScanPipelineProps.DEFAULT_API_RATE_LIMIT,
        ModelScanPipelineProps.DEFAULT_API_BURST_LIMIT,
        null);
  }

  /** The stack's name. */
  public String stackName() {
    return "SentraScan-" + team;
  }

  /**
   * Reads the context through {@code context} (a key to its value, or null when absent).
   *
   * @throws IllegalArgumentException naming the context key that is missing or wrong
   */
  public static TeamConfig fromContext(Function<String, @Nullable Object> context) {
    String team = text(context, "team");
    if (team == null) {
      throw new IllegalArgumentException(
          "missing context: team (cdk synth -c team=<name>, e.g. -c team=fraud-ml)");
    }
    if (!TEAM.matcher(team).matches()) {
      throw new IllegalArgumentException(
          "context team='"
              + team
              + "': expected lower-case letters, digits and hyphens, starting with a letter, at"
              + " most 32 characters");
    }
    String failOn = text(context, "failOn");
    String slack = text(context, "slackSecretArn");
    if (slack != null && !SECRET_ARN.matcher(slack).matches()) {
      throw new IllegalArgumentException(
          "context slackSecretArn='" + slack + "': expected a Secrets Manager secret ARN");
    }
    String quarantine = text(context, "quarantine");
    if (quarantine != null && !quarantine.equals("true") && !quarantine.equals("false")) {
      throw new IllegalArgumentException(
          "context quarantine='" + quarantine + "': expected true or false");
    }
    Integer reservedConcurrency = wholeNumber(context, "reservedConcurrency", 1, Integer.MAX_VALUE);
    String auth = text(context, "apiAuthorization");
    Integer rate = wholeNumber(context, "apiRateLimit", 1, 10_000);
    Integer burst = wholeNumber(context, "apiBurstLimit", 0, 5_000);
    Integer retention = wholeNumber(context, "recordRetentionDays", 1, Integer.MAX_VALUE);
    return new TeamConfig(
        team,
        failOn == null ? FailOn.HIGH : FailOn.parse(failOn),
        slack,
        Boolean.parseBoolean(quarantine),
        reservedConcurrency,
        auth == null ? ApiAuthorization.IAM : ApiAuthorization.parse(auth),
        rate == null ? ModelScanPipelineProps.DEFAULT_API_RATE_LIMIT : rate,
        burst == null ? ModelScanPipelineProps.DEFAULT_API_BURST_LIMIT : burst,
        retention);
  }

  /**
   * A whole number in [min, max], or null when the key is absent. The API limits stop at API
   * Gateway's default account quota (10,000 requests per second, burst 5,000): a stage cannot serve
   * more than its account.
   */
  private static @Nullable Integer wholeNumber(
      Function<String, @Nullable Object> context, String key, int min, int max) {
    String text = text(context, key);
    if (text == null) {
      return null;
    }
    int value;
    try {
      value = Integer.parseInt(text);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "context " + key + "='" + text + "': expected a whole number", e);
    }
    if (value < min) {
      throw new IllegalArgumentException(
          "context " + key + "='" + text + "': expected at least " + min);
    }
    if (value > max) {
      throw new IllegalArgumentException(
          "context " + key + "='" + text + "': expected at most " + max);
    }
    return value;
  }

  private static @Nullable String text(Function<String, @Nullable Object> context, String key) {
    Object value = context.apply(key);
    if (value == null) {
      return null;
    }
    String s = value.toString().trim();
    return s.isEmpty() ? null : s;
  }
}
