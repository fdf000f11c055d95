package io.sentrascan.cdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TeamConfigTest {
  private static TeamConfig parse(Map<String, Object> context) {
    return TeamConfig.fromContext(context::get);
  }

  @Test
  void teamAloneGivesTheDefaults() {
    TeamConfig c = parse(Map.of("team", "fraud-ml"));
    assertThat(c).isEqualTo(TeamConfig.defaults("fraud-ml"));
    assertThat(c)
        .isEqualTo(
            new TeamConfig(
                "fraud-ml", FailOn.HIGH, null, false, null, ApiAuthorization.IAM, 10, 20, null));
    assertThat(c.stackName()).isEqualTo("SentraScan-fraud-ml");
  }

  @Test
  void readsEveryKey() {
    String arn = "arn:aws:secretsmanager:eu-west-1:111122223333:secret:slack/fraud-ml-AbCdEf";
    TeamConfig c =
        parse(
            Map.of(
                "team", "fraud-ml",
                "failOn", "HIGH",
                "slackSecretArn", arn,
                "quarantine", "true",
                "reservedConcurrency", "10",
                "apiAuthorization", "apikey",
                "apiRateLimit", "50",
                "apiBurstLimit", "100",
                "recordRetentionDays", "365"));
    assertThat(c)
        .isEqualTo(
            new TeamConfig(
                "fraud-ml", FailOn.HIGH, arn, true, 10, ApiAuthorization.API_KEY, 50, 100, 365));
  }

  @Test
  void failOnAcceptsEverySeverityInAnyCase() {
    Map<String, FailOn> expected =
        Map.of(
            "critical", FailOn.CRITICAL,
            "High", FailOn.HIGH,
            "MEDIUM", FailOn.MEDIUM,
            "low", FailOn.LOW,
            " info ", FailOn.INFO);
    expected.forEach(
        (text, severity) ->
            assertThat(parse(Map.of("team", "t", "failOn", text)).failOn())
                .as(text)
                .isEqualTo(severity));
    // The functions get the value as FAIL_ON, spelled as the context spells it.
    assertThat(FailOn.INFO.contextValue()).isEqualTo("info");
  }

  @Test
  void apiAuthorizationIsIamOrApikey() {
    assertThat(parse(Map.of("team", "t", "apiAuthorization", "IAM")).apiAuthorization())
        .isEqualTo(ApiAuthorization.IAM);
    assertThat(parse(Map.of("team", "t", "apiAuthorization", "ApiKey")).apiAuthorization())
        .isEqualTo(ApiAuthorization.API_KEY);
    assertThatThrownBy(() -> parse(Map.of("team", "t", "apiAuthorization", "cognito")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("context apiAuthorization='cognito': expected iam or apikey");
  }

  @Test
  void apiLimitsAreWholeNumbersWithinTheAccountQuota() {
    assertThatThrownBy(() -> parse(Map.of("team", "t", "apiRateLimit", "fast")))
        .hasMessage("context apiRateLimit='fast': expected a whole number");
    assertThatThrownBy(() -> parse(Map.of("team", "t", "apiRateLimit", "0")))
        .hasMessage("context apiRateLimit='0': expected at least 1");
    assertThatThrownBy(() -> parse(Map.of("team", "t", "apiRateLimit", "10001")))
        .hasMessage("context apiRateLimit='10001': expected at most 10000");
    assertThatThrownBy(() -> parse(Map.of("team", "t", "apiBurstLimit", "-1")))
        .hasMessage("context apiBurstLimit='-1': expected at least 0");
    assertThatThrownBy(() -> parse(Map.of("team", "t", "apiBurstLimit", "5001")))
        .hasMessage("context apiBurstLimit='5001': expected at most 5000");
    assertThatThrownBy(() -> parse(Map.of("team", "t", "recordRetentionDays", "0")))
        .hasMessage("context recordRetentionDays='0': expected at least 1");
  }

  @Test
  void blankValuesAreAbsent() {
    assertThat(parse(Map.of("team", "ml", "slackSecretArn", " ")).slackSecretArn()).isNull();
  }

  @Test
  void teamIsRequiredAndMustBeAUsableName() {
    assertThatThrownBy(() -> parse(Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("missing context: team");
    for (String bad : new String[] {"Fraud", "1team", "fraud_ml", "a".repeat(33)}) {
      assertThatThrownBy(() -> parse(Map.of("team", bad)))
          .as(bad)
          .hasMessageContaining("context team='" + bad + "'");
    }
  }

  @Test
  void badValuesNameTheirKey() {
    assertThatThrownBy(() -> parse(Map.of("team", "t", "failOn", "severe")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("context failOn='severe': expected critical, high, medium, low or info");
    assertThatThrownBy(() -> parse(Map.of("team", "t", "slackSecretArn", "https://hooks")))
        .hasMessageContaining("context slackSecretArn=");
    assertThatThrownBy(() -> parse(Map.of("team", "t", "quarantine", "yes")))
        .hasMessageContaining("context quarantine=");
    assertThatThrownBy(() -> parse(Map.of("team", "t", "reservedConcurrency", "many")))
        .hasMessageContaining("context reservedConcurrency=");
    assertThatThrownBy(() -> parse(Map.of("team", "t", "reservedConcurrency", "0")))
        .hasMessageContaining("at least 1");
  }

  @Test
  void propsRejectValuesLambdaWouldRefuse() {
    ModelScanPipelineProps.Builder b = ModelScanPipelineProps.builder();
    assertThatThrownBy(() -> b.scanTimeout(software.amazon.awscdk.Duration.minutes(16)))
        .hasMessageContaining("15 minutes");
    assertThatThrownBy(() -> b.scanMemoryMb(64)).hasMessageContaining("scanMemoryMb");
    assertThatThrownBy(() -> b.reservedConcurrency(-1)).hasMessageContaining("reservedConcurrency");
  }

  @Test
  void everyThresholdReachesTheFunctionsAsFailOn() {
    software.amazon.awscdk.Stack stack = new software.amazon.awscdk.Stack();
    new ModelScanPipeline(stack, "P", ModelScanPipelineProps.builder().failOn(FailOn.INFO).build());
    software.amazon.awscdk.assertions.Template t =
        software.amazon.awscdk.assertions.Template.fromStack(stack);
    for (String handler : List.of(ScanFunction.HANDLER, LargeModelFunctions.AGGREGATE_HANDLER)) {
      t.hasResourceProperties(
          "AWS::Lambda::Function",
          Map.of(
              "Handler",
              handler,
              "Environment",
              Map.of(
                  "Variables",
                  software.amazon.awscdk.assertions.Match.objectLike(Map.of("FAIL_ON", "info")))));
    }
  }
}
