package io.sentrascan.cdk;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.App;
import software.amazon.awscdk.AppProps;
import software.amazon.awscdk.assertions.Annotations;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;
import software.amazon.awscdk.cxapi.SynthesisMessage;

/**
 * The team stack as {@code cdk synth -c team=ml-ops -c apiAuthorization=apikey -c apiRateLimit=5 -c
 * apiBurstLimit=7 -c failOn=medium} builds it: every method needs an API key of the usage plan,
 * both the stage and the plan throttle at the context's limits, the key's id is an output, the
 * threshold reaches the functions, and cdk-nag finds nothing unsuppressed (every suppression with
 * its reason).
 *
 * <p>{@code Annotations.findError} returns the deprecated {@code cxapi.SynthesisMessage} (no
 * replacement in the assertions API): hence the suppression.
 */
@SuppressWarnings("deprecation")
class ApiKeyModeTest {
  private static final TeamStack STACK;
  private static final Template TEMPLATE;
  private static final Annotations ANNOTATIONS;

  static {
    App app =
        new App(
            AppProps.builder()
                .context(
                    Map.of(
                        "team", "ml-ops",
                        "apiAuthorization", "apikey",
                        "apiRateLimit", "5",
                        "apiBurstLimit", "7",
                        "failOn", "medium",
                        "recordRetentionDays", "30"))
                .build());
    SentraScanApp.build(app);
    STACK = (TeamStack) app.getNode().findChild("SentraScan-ml-ops");
    TEMPLATE = Template.fromStack(STACK);
    ANNOTATIONS = Annotations.fromStack(STACK);
  }

  @Test
  void everyMethodRequiresAKeyOfTheThrottledUsagePlan() {
    TEMPLATE.allResourcesProperties(
        "AWS::ApiGateway::Method", Map.of("AuthorizationType", "NONE", "ApiKeyRequired", true));
    TEMPLATE.resourceCountIs("AWS::ApiGateway::ApiKey", 1);
    TEMPLATE.resourceCountIs("AWS::ApiGateway::UsagePlanKey", 1);
    TEMPLATE.hasResourceProperties(
        "AWS::ApiGateway::UsagePlan",
        Map.of(
            "Throttle",
            Map.of("RateLimit", 5, "BurstLimit", 7),
            "ApiStages",
            List.of(Match.objectLike(Map.of("Stage", Match.anyValue())))));
    TEMPLATE.hasResourceProperties(
        "AWS::ApiGateway::Stage",
        Map.of(
            "MethodSettings",
            Match.arrayWith(
                List.of(
                    Match.objectLike(
                        Map.of("ThrottlingRateLimit", 5, "ThrottlingBurstLimit", 7))))));
    TEMPLATE.hasOutput(
        "*",
        Map.of(
            "Value",
            Map.of("Ref", PipelineTemplateTest.onlyIdIn(TEMPLATE, "AWS::ApiGateway::ApiKey")),
            "Description",
            Match.stringLikeRegexp("API key id.*")));
  }

  @Test
  void theThresholdAndRetentionReachTheScanAndAggregateFunctions() {
    for (String handler : List.of(ScanFunction.HANDLER, LargeModelFunctions.AGGREGATE_HANDLER)) {
      TEMPLATE.hasResourceProperties(
          "AWS::Lambda::Function",
          Map.of(
              "Handler",
              handler,
              "Environment",
              Map.of(
                  "Variables",
                  Match.objectLike(Map.of("FAIL_ON", "medium", "RETENTION_DAYS", "30")))));
    }
  }

  @Test
  void cdkNagFindsNothingUnsuppressed() {
    List<SynthesisMessage> findings = new java.util.ArrayList<>();
    findings.addAll(ANNOTATIONS.findError("*", Match.stringLikeRegexp("AwsSolutions-.*")));
    findings.addAll(ANNOTATIONS.findWarning("*", Match.anyValue()));
    StringBuilder sb = new StringBuilder();
    for (SynthesisMessage m : findings) {
      sb.append('\n').append(m.getId()).append(": ").append(m.getEntry().getData());
    }
    assertThat(findings).as(sb.toString()).isEmpty();
  }

  @Test
  @SuppressWarnings("unchecked")
  void everySuppressionHasAReasonAndTheApiKeyFindingIsAcceptedOnlyHere() {
    int suppressions = 0;
    boolean apig4 = false;
    Map<String, Map<String, Object>> resources =
        (Map<String, Map<String, Object>>) TEMPLATE.toJSON().get("Resources");
    for (Map<String, Object> resource : resources.values()) {
      if (!(resource.get("Metadata") instanceof Map<?, ?> m)
          || !(m.get("cdk_nag") instanceof Map<?, ?> nag)) {
        continue;
      }
      for (Map<String, Object> rule : (List<Map<String, Object>>) nag.get("rules_to_suppress")) {
        suppressions++;
        assertThat(rule.get("reason")).as(rule.toString()).asString().hasSizeGreaterThan(40);
        apig4 |= "AwsSolutions-APIG4".equals(rule.get("id"));
      }
    }
    assertThat(suppressions).isPositive();
    assertThat(apig4).as("APIG4 (no authorizer) is accepted because API keys were chosen").isTrue();
    assertThat(Synthesized.TEMPLATE.toJSON().toString()).doesNotContain("AwsSolutions-APIG4");
  }
}
