package io.sentrascan.cdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class TeamConfigTest {
  private static TeamConfig parse(Map<String, Object> context) {
    return TeamConfig.fromContext(context::get);
  }

  @Test
  void teamAloneGivesTheDefaults() {
    TeamConfig c = parse(Map.of("team", "fraud-ml"));
    assertThat(c).isEqualTo(new TeamConfig("fraud-ml", FailOn.HIGH, null, false, null));
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
                "reservedConcurrency", "10"));
    assertThat(c).isEqualTo(new TeamConfig("fraud-ml", FailOn.HIGH, arn, true, 10));
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
        .hasMessageContaining("expected critical, high, medium or low");
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
  void aThresholdTheFunctionCannotApplyIsRefusedAtSynthesis() {
    assertThat(parse(Map.of("team", "t", "failOn", "critical")).failOn())
        .isEqualTo(FailOn.CRITICAL);
    assertThatThrownBy(
            () ->
                new ModelScanPipeline(
                    new software.amazon.awscdk.Stack(),
                    "P",
                    ModelScanPipelineProps.builder().failOn(FailOn.CRITICAL).build()))
        .hasMessageContaining("failOn=critical cannot be applied yet");
  }
}
