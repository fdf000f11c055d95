package io.sentrascan.cdk;

import static io.sentrascan.cdk.PipelineTemplateTest.onlyId;
import static io.sentrascan.cdk.Synthesized.TEMPLATE;
import static io.sentrascan.cdk.Synthesized.list;
import static io.sentrascan.cdk.Synthesized.roleStatements;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Match;

/**
 * The large-model workflow in the team stack: three SnapStart functions, the Distributed Map state
 * machine whose tasks invoke their aliases, each role scoped to its own prefixes, logging, tracing
 * and an alarm on failed executions.
 */
class LargeModelTemplateTest {
  private static final String WORK = "/" + LargeModelFunctions.WORK_PREFIX + "*";

  static String roleId(String description) {
    return Synthesized.only("AWS::IAM::Role", Map.of("Description", description));
  }

  private static String planRole() {
    return roleId("SentraScan large-model plan function");
  }

  private static String chunkRole() {
    return roleId("SentraScan large-model chunk function");
  }

  private static String aggregateRole() {
    return roleId("SentraScan large-model aggregate function");
  }

  private static String stateMachine() {
    return onlyId("AWS::StepFunctions::StateMachine");
  }

  private static String stateMachineRole() {
    @SuppressWarnings("unchecked")
    Map<String, Object> arn =
        (Map<String, Object>) Synthesized.properties(stateMachine()).get("RoleArn");
    return ((List<?>) arn.get("Fn::GetAtt")).get(0).toString();
  }

  private static String bucket(String construct) {
    return Synthesized.named("AWS::S3::Bucket", construct);
  }

  /** All actions of a role, flattened. */
  private static List<Object> actions(String role) {
    List<Object> actions = new ArrayList<>();
    roleStatements(role).forEach(s -> actions.addAll(list(s.get("Action"))));
    return actions;
  }

  /** The statements of {@code role} that allow {@code action}. */
  private static List<Map<String, Object>> allowing(String role, String action) {
    return roleStatements(role).stream()
        .filter(s -> list(s.get("Action")).contains(action))
        .toList();
  }

  /** Every resource of {@code role}'s statements that allow {@code action}, as text. */
  private static List<String> resourcesOf(String role, String action) {
    List<String> resources = new ArrayList<>();
    allowing(role, action)
        .forEach(s -> list(s.get("Resource")).forEach(r -> resources.add(r.toString())));
    return resources;
  }

  @Test
  void threeFunctionsRunJava21OnArmWithSnapStartSizedForTheirWork() {
    Map<String, List<Integer>> sizes =
        Map.of(
            LargeModelFunctions.PLAN_HANDLER, List.of(1024, 300),
            LargeModelFunctions.CHUNK_HANDLER, List.of(1769, 900),
            LargeModelFunctions.AGGREGATE_HANDLER, List.of(1024, 300));
    sizes.forEach(
        (handler, size) -> {
          String fn = Synthesized.only("AWS::Lambda::Function", Map.of("Handler", handler));
          TEMPLATE.hasResourceProperties(
              "AWS::Lambda::Function",
              Map.of(
                  "Handler", handler,
                  "Runtime", "java21",
                  "Architectures", List.of("arm64"),
                  "MemorySize", size.get(0),
                  "Timeout", size.get(1),
                  "SnapStart", Map.of("ApplyOn", "PublishedVersions"),
                  "TracingConfig", Map.of("Mode", "Active"),
                  "LoggingConfig", Match.objectLike(Map.of("LogFormat", "JSON"))));
          @SuppressWarnings("unchecked")
          Map<String, Object> env =
              (Map<String, Object>)
                  ((Map<String, Object>) Synthesized.properties(fn).get("Environment"))
                      .get("Variables");
          // What ScanConfig reads, plus the threshold; HASH_SHARD_BYTES only when set.
          assertThat(env)
              .as(handler)
              .containsOnlyKeys(
                  "RESULTS_BUCKET", "SBOM_BUCKET", "TABLE_NAME", "EVENT_BUS_NAME", "FAIL_ON");
          assertThat(env.get("RESULTS_BUCKET")).isEqualTo(Map.of("Ref", bucket("ResultsBucket")));
          // The alias the state machine invokes points at the function's published version.
          String alias =
              Synthesized.only(
                  "AWS::Lambda::Alias",
                  Map.of("Name", ScanFunction.ALIAS, "FunctionName", Map.of("Ref", fn)));
          assertThat(Synthesized.properties(alias).get("FunctionVersion").toString())
              .contains("CurrentVersion", "Version]");
        });
  }

  @Test
  void theStateMachineMayInvokeExactlyTheThreeAliases() {
    List<String> aliases =
        List.of(
            Synthesized.named("AWS::Lambda::Alias", "LargeModelPlanFunctionAlias"),
            Synthesized.named("AWS::Lambda::Alias", "LargeModelChunkFunctionAlias"),
            Synthesized.named("AWS::Lambda::Alias", "LargeModelAggregateFunctionAlias"));
    List<Object> invoked = new ArrayList<>();
    allowing(stateMachineRole(), "lambda:InvokeFunction")
        .forEach(
            s -> {
              assertThat(list(s.get("Action"))).containsExactly("lambda:InvokeFunction");
              invoked.addAll(list(s.get("Resource")));
            });
    assertThat(invoked)
        .containsExactlyInAnyOrderElementsOf(
            aliases.stream().map(a -> (Object) Map.of("Ref", a)).toList());
    // The definition names them (the ASL test maps each to its placeholder).
    String definition = Synthesized.properties(stateMachine()).get("DefinitionString").toString();
    aliases.forEach(a -> assertThat(definition).contains("Ref=" + a));
  }

  @Test
  void theStateMachineRoleReadsOnlyThePlanAndRunsOnlyItsOwnChildExecutions() {
    String role = stateMachineRole();
    assertThat(Synthesized.properties(role)).doesNotContainKey("ManagedPolicyArns");
    assertThat(actions(role))
        .containsExactlyInAnyOrder(
            "lambda:InvokeFunction",
            "lambda:InvokeFunction",
            "lambda:InvokeFunction",
            "s3:GetObject",
            "kms:Decrypt",
            "logs:CreateLogDelivery",
            "logs:GetLogDelivery",
            "logs:UpdateLogDelivery",
            "logs:DeleteLogDelivery",
            "logs:ListLogDeliveries",
            "logs:PutResourcePolicy",
            "logs:DescribeResourcePolicies",
            "logs:DescribeLogGroups",
            "xray:PutTraceSegments",
            "xray:PutTelemetryRecords",
            "xray:GetSamplingRules",
            "xray:GetSamplingTargets",
            "states:StartExecution",
            "states:DescribeExecution",
            "states:StopExecution",
            "states:RedriveExecution");
    assertThat(resourcesOf(role, "s3:GetObject"))
        .singleElement()
        .asString()
        .contains(bucket("ResultsBucket"))
        .endsWith(WORK + "]]}");
    assertThat(resourcesOf(role, "kms:Decrypt"))
        .containsExactly(Map.of("Fn::GetAtt", List.of(onlyId("AWS::KMS::Key"), "Arn")).toString());
    // StartExecution on itself; describe/stop on its own executions.
    assertThat(resourcesOf(role, "states:StartExecution"))
        .containsExactly(Map.of("Ref", stateMachine()).toString());
    for (String action : List.of("states:DescribeExecution", "states:StopExecution")) {
      assertThat(resourcesOf(role, action))
          .isNotEmpty()
          .allSatisfy(r -> assertThat(r).contains(":execution:", stateMachine()));
    }
  }

  @Test
  void logsEverythingToAnEncryptedLogGroupAndTraces() {
    String logs = Synthesized.named("AWS::Logs::LogGroup", "LargeModelStateMachineLogs");
    TEMPLATE.hasResourceProperties(
        "AWS::StepFunctions::StateMachine",
        Map.of(
            "StateMachineType",
            "STANDARD",
            "TracingConfiguration",
            Map.of("Enabled", true),
            "LoggingConfiguration",
            Map.of(
                "Level",
                "ALL",
                "IncludeExecutionData",
                true,
                "Destinations",
                List.of(
                    Map.of(
                        "CloudWatchLogsLogGroup",
                        Map.of("LogGroupArn", Map.of("Fn::GetAtt", List.of(logs, "Arn"))))))));
    assertThat(Synthesized.properties(logs))
        .containsEntry("KmsKeyId", Map.of("Fn::GetAtt", List.of(onlyId("AWS::KMS::Key"), "Arn")));
  }

  @Test
  void planListsAndReadsTheWatchedBucketsAndWritesOnlyTheWorkPrefix() {
    String role = planRole();
    assertThat(Synthesized.properties(role)).doesNotContainKey("ManagedPolicyArns");
    assertThat(actions(role))
        .doesNotContain(
            "dynamodb:PutItem", "events:PutEvents", "s3:PutObjectTagging", "s3:DeleteObject");
    assertThat(resourcesOf(role, "s3:PutObject")).singleElement().asString().endsWith(WORK + "]]}");
    // ListBucket on the two watched buckets themselves (the created one and the team's).
    assertThat(resourcesOf(role, "s3:ListBucket"))
        .hasSize(2)
        .anySatisfy(r -> assertThat(r).contains(bucket("SourceBucket")))
        .anySatisfy(r -> assertThat(r).contains(Synthesized.TEAM_BUCKET).doesNotContain("/*"));
    assertThat(resourcesOf(role, "s3:GetObject"))
        .hasSize(2)
        .allSatisfy(r -> assertThat(r).endsWith("/*]]}").doesNotContain(bucket("ResultsBucket")));
    assertThat(resourcesOf(role, "kms:Decrypt")).contains(Synthesized.TEAM_KEY_ARN);
  }

  @Test
  void chunkReadsWatchedObjectsAndWritesOnlyTheWorkPrefix() {
    String role = chunkRole();
    assertThat(actions(role))
        .doesNotContain(
            "s3:ListBucket",
            "dynamodb:PutItem",
            "events:PutEvents",
            "s3:PutObjectTagging",
            "s3:DeleteObject");
    assertThat(resourcesOf(role, "s3:PutObject")).singleElement().asString().endsWith(WORK + "]]}");
    List<Map<String, Object>> reads = allowing(role, "s3:GetObject");
    assertThat(reads).hasSize(2);
    for (Map<String, Object> s : reads) {
      assertThat(list(s.get("Action"))).containsExactly("s3:GetObject", "s3:GetObjectVersion");
    }
    assertThat(resourcesOf(role, "s3:GetObject").toString())
        .contains(Synthesized.TEAM_BUCKET + "/*");
    assertThat(resourcesOf(role, "kms:Decrypt")).contains(Synthesized.TEAM_KEY_ARN);
  }

  @Test
  void aggregateReadsTheWorkAndWritesWhatTheScanFunctionWrites() {
    String role = aggregateRole();
    // Reads (and lists, so a missing partial is a 404) the work prefix only.
    assertThat(resourcesOf(role, "s3:GetObject")).singleElement().asString().endsWith(WORK + "]]}");
    Map<String, Object> list = allowing(role, "s3:ListBucket").get(0);
    assertThat(list.get("Resource"))
        .isEqualTo(Map.of("Fn::GetAtt", List.of(bucket("ResultsBucket"), "Arn")));
    assertThat(list.get("Condition"))
        .isEqualTo(
            Map.of("StringLike", Map.of("s3:prefix", LargeModelFunctions.WORK_PREFIX + "*")));
    // The record, the report, the ML-BOM, the tags and the event, as the scan function.
    Map<String, Object> records = allowing(role, "dynamodb:PutItem").get(0);
    assertThat(list(records.get("Action"))).containsExactlyElementsOf(ScanFunction.TABLE_ACTIONS);
    assertThat(records.get("Resource"))
        .isEqualTo(Map.of("Fn::GetAtt", List.of(onlyId("AWS::DynamoDB::Table"), "Arn")));
    assertThat(resourcesOf(role, "dynamodb:Query"))
        .singleElement()
        .asString()
        .endsWith("/index/" + ScanFunction.SUPERSEDE_INDEX + "]]}");
    assertThat(resourcesOf(role, "s3:PutObject").toString()).contains("/reports/*", "/sboms/*");
    assertThat(resourcesOf(role, "s3:PutObject")).hasSize(2);
    List<Map<String, Object>> tagging = allowing(role, "s3:PutObjectVersionTagging");
    assertThat(tagging).hasSize(2);
    for (Map<String, Object> s : tagging) {
      assertThat(list(s.get("Action")))
          .containsExactlyElementsOf(LargeModelFunctions.AGGREGATE_SOURCE_OBJECT_ACTIONS);
    }
    assertThat(resourcesOf(role, "events:PutEvents"))
        .containsExactly(
            Map.of("Fn::GetAtt", List.of(onlyId("AWS::Events::EventBus"), "Arn")).toString());
    // It never reads model bytes.
    assertThat(resourcesOf(role, "s3:GetObject").toString())
        .doesNotContain(Synthesized.TEAM_BUCKET);
  }

  @Test
  void theScanFunctionMayStartThisStateMachineAndNothingElse() {
    String scanRole = PipelineTemplateTest.scanRoleId();
    List<Map<String, Object>> states =
        roleStatements(scanRole).stream()
            .filter(
                s ->
                    list(s.get("Action")).stream()
                        .anyMatch(a -> a.toString().startsWith("states:")))
            .toList();
    assertThat(states).hasSize(1);
    assertThat(list(states.get(0).get("Action"))).containsExactly("states:StartExecution");
    assertThat(states.get(0).get("Resource")).isEqualTo(Map.of("Ref", stateMachine()));
  }

  @Test
  void failedTimedOutAndAbortedExecutionsAlarmTheTopic() {
    Map<String, Map<String, Object>> alarms =
        TEMPLATE.findResources(
            "AWS::CloudWatch::Alarm",
            Map.of("Properties", Match.objectLike(Map.of("Metrics", Match.anyValue()))));
    assertThat(alarms).hasSize(1);
    String alarm = alarms.keySet().iterator().next();
    Map<String, Object> p = Synthesized.properties(alarm);
    assertThat(p.get("AlarmActions")).isEqualTo(List.of(Map.of("Ref", onlyId("AWS::SNS::Topic"))));
    String metrics = p.get("Metrics").toString();
    assertThat(metrics)
        .contains("ExecutionsFailed", "ExecutionsTimedOut", "ExecutionsAborted", "AWS/States")
        .contains("StateMachineArn", "Ref=" + stateMachine());
  }

  @Test
  void theWorkExpiresAfterAWeek() {
    TEMPLATE.hasResourceProperties(
        "AWS::S3::Bucket",
        Map.of(
            "LifecycleConfiguration",
            Map.of(
                "Rules",
                Match.arrayWith(
                    List.of(
                        Match.objectLike(
                            Map.of(
                                "Id", "expire-large-scan-work",
                                "Prefix", LargeModelFunctions.WORK_PREFIX,
                                "ExpirationInDays", PipelineBuckets.WORK_DAYS)))))));
  }

  @Test
  void hashShardBytesAndRetentionReachTheFunctionsOnlyWhenSet() {
    software.amazon.awscdk.Stack stack = new software.amazon.awscdk.Stack();
    new ModelScanPipeline(
        stack,
        "P",
        ModelScanPipelineProps.builder()
            .hashShardBytes(256L << 20)
            .recordRetentionDays(90)
            .build());
    software.amazon.awscdk.assertions.Template t =
        software.amazon.awscdk.assertions.Template.fromStack(stack);
    for (String handler :
        List.of(
            LargeModelFunctions.PLAN_HANDLER,
            LargeModelFunctions.CHUNK_HANDLER,
            LargeModelFunctions.AGGREGATE_HANDLER)) {
      t.hasResourceProperties(
          "AWS::Lambda::Function",
          Map.of(
              "Handler",
              handler,
              "Environment",
              Map.of("Variables", Match.objectLike(Map.of("HASH_SHARD_BYTES", "268435456")))));
    }
    t.hasResourceProperties(
        "AWS::Lambda::Function",
        Map.of(
            "Handler",
            ScanFunction.HANDLER,
            "Environment",
            Map.of(
                "Variables",
                Match.objectLike(
                    Map.of("HASH_SHARD_BYTES", Match.absent(), "RETENTION_DAYS", "90")))));
    // Both record writers expire superseded records after the same number of days.
    t.hasResourceProperties(
        "AWS::Lambda::Function",
        Map.of(
            "Handler",
            LargeModelFunctions.AGGREGATE_HANDLER,
            "Environment",
            Map.of("Variables", Match.objectLike(Map.of("RETENTION_DAYS", "90")))));
  }
}
