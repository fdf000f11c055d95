package io.sentrascan.cdk;

import static io.sentrascan.cdk.PipelineTemplateTest.statements;
import static io.sentrascan.cdk.Synthesized.TEMPLATE;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Match;

/**
 * The Slack notifier the team stack gets with {@code -c slackSecretArn=...}: failed and errored
 * scans on the bus reach the notifier's SnapStart alias, and its role reads exactly that secret.
 */
class NotifierTemplateTest {
  private static String functionId() {
    return Synthesized.only("AWS::Lambda::Function", Map.of("Handler", NotifierFunction.HANDLER));
  }

  private static String aliasId() {
    return Synthesized.only(
        "AWS::Lambda::Alias",
        Map.of(
            "FunctionName",
            Map.of("Ref", functionId()),
            "FunctionVersion",
            Map.of(
                "Fn::GetAtt",
                List.of(
                    Synthesized.named("AWS::Lambda::Version", "NotifierFunctionCurrentVersion"),
                    "Version"))));
  }

  private static String queueId() {
    return Synthesized.named("AWS::SQS::Queue", "NotifierDeadLetterQueue");
  }

  private static String roleId() {
    return Synthesized.only("AWS::IAM::Role", Map.of("Description", "SentraScan Slack notifier"));
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> roleStatements() {
    List<Map<String, Object>> all = new ArrayList<>();
    for (String id : Synthesized.ids("AWS::IAM::Policy")) {
      Map<String, Object> p = Synthesized.properties(id);
      if (((List<Object>) p.get("Roles")).contains(Map.of("Ref", roleId()))) {
        all.addAll(statements(p));
      }
    }
    return all;
  }

  private static List<Object> list(Object actionOrResource) {
    return actionOrResource instanceof List<?> l ? List.copyOf(l) : List.of(actionOrResource);
  }

  @Test
  void functionIsJava21Arm64SnapStartTracedWithJsonLogsAndADeadLetterQueue() {
    TEMPLATE.hasResourceProperties(
        "AWS::Lambda::Function",
        Map.of(
            "Handler", NotifierFunction.HANDLER,
            "Runtime", "java21",
            "Architectures", List.of("arm64"),
            "Timeout", 90,
            "SnapStart", Map.of("ApplyOn", "PublishedVersions"),
            "TracingConfig", Map.of("Mode", "Active"),
            "DeadLetterConfig",
                Map.of("TargetArn", Map.of("Fn::GetAtt", List.of(queueId(), "Arn"))),
            "Environment",
                Map.of(
                    "Variables", Map.of("SLACK_WEBHOOK_SECRET_ID", Synthesized.SLACK_SECRET_ARN)),
            "LoggingConfig",
                Match.objectLike(
                    Map.of(
                        "LogFormat",
                        "JSON",
                        "LogGroup",
                        Map.of(
                            "Ref",
                            Synthesized.named("AWS::Logs::LogGroup", "NotifierFunctionLogs"))))));
    assertThat(
            Synthesized.properties(
                Synthesized.named("AWS::Logs::LogGroup", "NotifierFunctionLogs")))
        .containsEntry("RetentionInDays", 30)
        .containsKey("KmsKeyId");
    TEMPLATE.hasResourceProperties(
        "AWS::SQS::Queue", Map.of("KmsMasterKeyId", Match.anyValue())); // both queues encrypted
    assertThat(Synthesized.properties(queueId())).containsKey("KmsMasterKeyId");
  }

  @Test
  void ruleMatchesExactlyFailedAndErroredScansOnThePipelineBus() {
    String rule = Synthesized.only("AWS::Events::Rule", Map.of());
    Map<String, Object> p = Synthesized.properties(rule);
    assertThat(p.get("EventBusName"))
        .isEqualTo(Map.of("Ref", PipelineTemplateTest.onlyId("AWS::Events::EventBus")));
    assertThat(p.get("EventPattern"))
        .isEqualTo(
            Map.of(
                "source", List.of("io.sentrascan"),
                "detail-type", List.of("Model Scan Completed"),
                "detail", Map.of("verdict", List.of("FAIL", "ERROR"))));
    assertThat(p.get("State")).isEqualTo("ENABLED");
  }

  @Test
  @SuppressWarnings("unchecked")
  void ruleTargetsTheAliasWithRetriesAndADeadLetterQueue() {
    Map<String, Object> p = Synthesized.properties(Synthesized.only("AWS::Events::Rule", Map.of()));
    List<Map<String, Object>> targets = (List<Map<String, Object>>) p.get("Targets");
    assertThat(targets).hasSize(1);
    Map<String, Object> target = targets.get(0);
    assertThat(target.get("Arn")).isEqualTo(Map.of("Ref", aliasId()));
    assertThat(target.get("RetryPolicy"))
        .isEqualTo(Map.of("MaximumRetryAttempts", 8, "MaximumEventAgeInSeconds", 7200));
    assertThat(target.get("DeadLetterConfig"))
        .isEqualTo(Map.of("Arn", Map.of("Fn::GetAtt", List.of(queueId(), "Arn"))));
    // EventBridge may invoke the alias, from this rule only.
    TEMPLATE.hasResourceProperties(
        "AWS::Lambda::Permission",
        Map.of(
            "Action",
            "lambda:InvokeFunction",
            "Principal",
            "events.amazonaws.com",
            "FunctionName",
            Map.of("Ref", aliasId()),
            "SourceArn",
            Map.of("Fn::GetAtt", List.of(Synthesized.only("AWS::Events::Rule", Map.of()), "Arn"))));
  }

  @Test
  void roleReadsExactlyTheWebhookSecretAndNothingElseOfSecretsManager() {
    assertThat(Synthesized.properties(roleId())).doesNotContainKey("ManagedPolicyArns");
    List<Map<String, Object>> secrets =
        roleStatements().stream()
            .filter(
                s ->
                    list(s.get("Action")).stream()
                        .anyMatch(a -> a.toString().startsWith("secretsmanager:")))
            .toList();
    assertThat(secrets).hasSize(1);
    assertThat(list(secrets.get(0).get("Action"))).containsExactly("secretsmanager:GetSecretValue");
    assertThat(list(secrets.get(0).get("Resource"))).containsExactly(Synthesized.SLACK_SECRET_ARN);
    assertThat(secrets.get(0).get("Effect")).isEqualTo("Allow");
  }

  @Test
  void roleCanDoNothingBeyondLogsTracesItsQueueAndTheSecret() {
    for (Map<String, Object> s : roleStatements()) {
      assertThat(s.get("Effect")).isEqualTo("Allow");
      for (Object action : list(s.get("Action"))) {
        assertThat(action.toString())
            .matches("(logs|xray|sqs|kms|secretsmanager):[A-Za-z*]+")
            .doesNotEndWith(":*")
            .isNotIn("secretsmanager:PutSecretValue", "secretsmanager:ListSecrets");
      }
      if (list(s.get("Resource")).contains("*")) {
        assertThat(list(s.get("Action")))
            .containsExactlyInAnyOrder("xray:PutTelemetryRecords", "xray:PutTraceSegments");
      }
    }
    List<Object> all = new ArrayList<>();
    roleStatements().forEach(s -> all.addAll(list(s.get("Action"))));
    assertThat(all).doesNotContain("s3:GetObject", "dynamodb:GetItem", "events:PutEvents");
  }

  @Test
  @SuppressWarnings("unchecked")
  void eventBridgeMayUseTheKeyForRulesOnThePipelineBusOnly() {
    Map<String, Object> policy =
        (Map<String, Object>)
            Synthesized.properties(PipelineTemplateTest.onlyId("AWS::KMS::Key")).get("KeyPolicy");
    List<Map<String, Object>> forEvents =
        ((List<Map<String, Object>>) policy.get("Statement"))
            .stream()
                .filter(s -> Map.of("Service", "events.amazonaws.com").equals(s.get("Principal")))
                .toList();
    assertThat(forEvents).hasSize(1);
    assertThat(list(forEvents.get(0).get("Action")))
        .containsExactlyInAnyOrder("kms:Decrypt", "kms:GenerateDataKey");
    assertThat(forEvents.get(0).get("Condition").toString())
        .contains("ArnLike", "aws:SourceArn", ":rule/");
  }

  @Test
  void notifierErrorsRaiseAnAlarmOnTheTopic() {
    TEMPLATE.hasResourceProperties(
        "AWS::CloudWatch::Alarm",
        Map.of(
            "MetricName",
            "Errors",
            "Dimensions",
            List.of(Map.of("Name", "FunctionName", "Value", Map.of("Ref", functionId()))),
            "Threshold",
            1,
            "AlarmActions",
            List.of(Map.of("Ref", PipelineTemplateTest.onlyId("AWS::SNS::Topic")))));
  }

  @Test
  void theAliasIsAnOutputAndTheStackWarnsOfNothing() {
    TEMPLATE.hasOutput("*", Map.of("Value", Map.of("Ref", aliasId())));
    assertThat(Synthesized.STACK.getPipeline().getNotifierFunctionAlias()).isNotNull();
  }
}
