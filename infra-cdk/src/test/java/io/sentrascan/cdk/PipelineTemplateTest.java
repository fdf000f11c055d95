package io.sentrascan.cdk;

import static io.sentrascan.cdk.Synthesized.TEMPLATE;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Match;

/** The synthesized team stack: the resources and properties issue 4 asks for. */
class PipelineTemplateTest {
  private static final Map<String, Object> SCAN_FUNCTION = Map.of("Handler", ScanFunction.HANDLER);

  private static String scanFunctionId() {
    return Synthesized.only("AWS::Lambda::Function", SCAN_FUNCTION);
  }

  @Test
  void scanFunctionRunsJava21OnArmWithSnapStartTracingAndJsonLogs() {
    TEMPLATE.hasResourceProperties(
        "AWS::Lambda::Function",
        Map.of(
            "Handler",
            ScanFunction.HANDLER,
            "Runtime",
            "java21",
            "Architectures",
            List.of("arm64"),
            "MemorySize",
            1024,
            "Timeout",
            300,
            "ReservedConcurrentExecutions",
            5,
            "SnapStart",
            Map.of("ApplyOn", "PublishedVersions"),
            "TracingConfig",
            Map.of("Mode", "Active"),
            "LoggingConfig",
            Match.objectLike(
                Map.of(
                    "LogFormat",
                    "JSON",
                    "LogGroup",
                    Map.of("Ref", Synthesized.named("AWS::Logs::LogGroup", "ScanFunctionLogs"))))));
  }

  @Test
  @SuppressWarnings("unchecked")
  void scanFunctionCodeIsTheFunctionsJar() {
    Map<String, Object> code =
        (Map<String, Object>) Synthesized.properties(scanFunctionId()).get("Code");
    // A file asset keeps its extension in the object key: the code is the jar itself.
    assertThat(code.get("S3Key").toString()).endsWith(".jar");
  }

  @Test
  void environmentIsExactlyWhatScanConfigReads() {
    @SuppressWarnings("unchecked")
    Map<String, Object> env =
        (Map<String, Object>)
            ((Map<String, Object>) Synthesized.properties(scanFunctionId()).get("Environment"))
                .get("Variables");
    assertThat(env)
        .containsOnlyKeys(
            "RESULTS_BUCKET",
            "SBOM_BUCKET",
            "TABLE_NAME",
            "EVENT_BUS_NAME",
            "FAIL_ON",
            "LARGE_MODEL_STATE_MACHINE_ARN");
    assertThat(env.get("FAIL_ON")).isEqualTo("high");
    assertThat(env.get("LARGE_MODEL_STATE_MACHINE_ARN"))
        .isEqualTo(Map.of("Ref", onlyId("AWS::StepFunctions::StateMachine")));
    assertThat(env.get("TABLE_NAME")).isEqualTo(Map.of("Ref", onlyId("AWS::DynamoDB::Table")));
    assertThat(env.get("EVENT_BUS_NAME")).isEqualTo(Map.of("Ref", onlyId("AWS::Events::EventBus")));
  }

  @Test
  void failedAsyncInvocationsGoToAnEncryptedDeadLetterQueue() {
    String queue = Synthesized.named("AWS::SQS::Queue", "ScanDeadLetterQueue");
    TEMPLATE.hasResourceProperties(
        "AWS::Lambda::Function",
        Map.of(
            "Handler",
            ScanFunction.HANDLER,
            "DeadLetterConfig",
            Map.of("TargetArn", Map.of("Fn::GetAtt", List.of(queue, "Arn")))));
    TEMPLATE.hasResourceProperties(
        "AWS::SQS::Queue",
        Map.of("KmsMasterKeyId", Map.of("Fn::GetAtt", List.of(onlyId("AWS::KMS::Key"), "Arn"))));
  }

  @Test
  void theAliasPointsAtThePublishedVersionAndEveryS3TriggerInvokesIt() {
    String version = Synthesized.named("AWS::Lambda::Version", "ScanFunctionCurrentVersion");
    String alias =
        Synthesized.only(
            "AWS::Lambda::Alias",
            Map.of(
                "Name",
                ScanFunction.ALIAS,
                "FunctionVersion",
                Map.of("Fn::GetAtt", List.of(version, "Version"))));
    Map<String, Map<String, Object>> notifications =
        TEMPLATE.findResources("Custom::S3BucketNotifications");
    assertThat(notifications).hasSize(2);
    for (String id : notifications.keySet()) {
      assertThat(Synthesized.properties(id).get("NotificationConfiguration"))
          .isEqualTo(
              Map.of(
                  "LambdaFunctionConfigurations",
                  List.of(
                      Map.of(
                          "Events", List.of("s3:ObjectCreated:*"),
                          "LambdaFunctionArn", Map.of("Ref", alias)))));
    }
    // S3 may invoke the alias, and only from the watched buckets of this account.
    Map<String, Map<String, Object>> permissions =
        TEMPLATE.findResources(
            "AWS::Lambda::Permission",
            Map.of(
                "Properties",
                Match.objectLike(
                    Map.of(
                        "Principal", "s3.amazonaws.com", "FunctionName", Map.of("Ref", alias)))));
    assertThat(permissions).hasSize(2);
    for (String id : permissions.keySet()) {
      assertThat(Synthesized.properties(id)).containsKeys("SourceArn", "SourceAccount");
    }
  }

  @Test
  void everyBucketIsVersionedPrivateOwnerEnforcedAndEncrypted() {
    List<String> buckets = Synthesized.ids("AWS::S3::Bucket");
    assertThat(buckets).hasSize(4); // access logs, SBOMs, results, watched
    int kms = 0;
    for (String id : buckets) {
      Map<String, Object> p = Synthesized.properties(id);
      assertThat(p.get("VersioningConfiguration")).isEqualTo(Map.of("Status", "Enabled"));
      assertThat(p.get("PublicAccessBlockConfiguration"))
          .isEqualTo(
              Map.of(
                  "BlockPublicAcls", true,
                  "BlockPublicPolicy", true,
                  "IgnorePublicAcls", true,
                  "RestrictPublicBuckets", true));
      assertThat(p.get("OwnershipControls"))
          .isEqualTo(Map.of("Rules", List.of(Map.of("ObjectOwnership", "BucketOwnerEnforced"))));
      assertThat(p).containsKey("BucketEncryption");
      if (p.get("BucketEncryption").toString().contains("aws:kms")) {
        kms++;
        assertThat(p).containsKey("LoggingConfiguration");
      }
    }
    // The access-log bucket uses SSE-S3: server access logging cannot deliver to SSE-KMS.
    assertThat(kms).isEqualTo(3);
  }

  @Test
  void reportBucketsExpireReports() {
    Map<String, Map<String, Object>> expiring =
        TEMPLATE.findResources(
            "AWS::S3::Bucket",
            Map.of(
                "Properties",
                Match.objectLike(
                    Map.of(
                        "LifecycleConfiguration",
                        Map.of(
                            "Rules",
                            Match.arrayWith(
                                List.of(
                                    Match.objectLike(
                                        Map.of(
                                            "Id",
                                            "expire-reports",
                                            "ExpirationInDays",
                                            ModelScanPipelineProps
                                                .DEFAULT_REPORT_RETENTION_DAYS)))))))));
    assertThat(expiring).hasSize(2);
  }

  @Test
  void everyBucketPolicyDeniesPlainHttpAndOldTls() {
    List<String> policies = Synthesized.ids("AWS::S3::BucketPolicy");
    assertThat(policies).hasSize(4);
    for (String id : policies) {
      List<Map<String, Object>> statements = statements(Synthesized.properties(id));
      assertThat(statements)
          .anySatisfy(
              s -> {
                assertThat(s.get("Effect")).isEqualTo("Deny");
                assertThat(s.get("Condition"))
                    .isEqualTo(Map.of("Bool", Map.of("aws:SecureTransport", "false")));
              })
          .anySatisfy(
              s -> {
                assertThat(s.get("Effect")).isEqualTo("Deny");
                assertThat(s.get("Condition"))
                    .isEqualTo(Map.of("NumericLessThan", Map.of("s3:TlsVersion", 1.2)));
              });
    }
  }

  @Test
  void quarantineDeniesReadingAnythingNotTaggedPassExceptToTheScanners() {
    List<Map<String, Object>> quarantine = new ArrayList<>();
    for (String id : Synthesized.ids("AWS::S3::BucketPolicy")) {
      for (Map<String, Object> s : statements(Synthesized.properties(id))) {
        if ("QuarantineUntilScannedPass".equals(s.get("Sid"))) {
          quarantine.add(s);
        }
      }
    }
    assertThat(quarantine).hasSize(1);
    Map<String, Object> s = quarantine.get(0);
    assertThat(s.get("Effect")).isEqualTo("Deny");
    assertThat(s.get("Principal")).isEqualTo(Map.of("AWS", "*"));
    assertThat(s.get("Action")).isEqualTo(List.of("s3:GetObject", "s3:GetObjectVersion"));
    assertThat(s.get("Condition"))
        .isEqualTo(
            Map.of(
                "StringNotEquals",
                Map.of("s3:ExistingObjectTag/sentrascan:verdict", "PASS"),
                "ArnNotEquals",
                Map.of(
                    "aws:PrincipalArn",
                    List.of(
                        Map.of("Fn::GetAtt", List.of(scanRoleId(), "Arn")),
                        Map.of(
                            "Fn::GetAtt",
                            List.of(
                                LargeModelTemplateTest.roleId(
                                    "SentraScan large-model plan function"),
                                "Arn")),
                        Map.of(
                            "Fn::GetAtt",
                            List.of(
                                LargeModelTemplateTest.roleId(
                                    "SentraScan large-model chunk function"),
                                "Arn"))))));
  }

  @Test
  void scanTableHasItsKeysIndexesPitrTtlAndKmsEncryption() {
    TEMPLATE.hasResourceProperties(
        "AWS::DynamoDB::Table",
        Map.of(
            "BillingMode", "PAY_PER_REQUEST",
            "KeySchema",
                List.of(
                    Map.of("AttributeName", "pk", "KeyType", "HASH"),
                    Map.of("AttributeName", "sk", "KeyType", "RANGE")),
            "PointInTimeRecoverySpecification", Map.of("PointInTimeRecoveryEnabled", true),
            "TimeToLiveSpecification",
                Map.of(
                    "AttributeName", ModelScanPipelineProps.DEFAULT_TTL_ATTRIBUTE, "Enabled", true),
            "SSESpecification",
                Map.of(
                    "SSEEnabled",
                    true,
                    "SSEType",
                    "KMS",
                    "KMSMasterKeyId",
                    Map.of("Fn::GetAtt", List.of(onlyId("AWS::KMS::Key"), "Arn")))));
  }

  @Test
  void keyRotatesAndTopicAndLogsAreEncrypted() {
    TEMPLATE.hasResourceProperties("AWS::KMS::Key", Map.of("EnableKeyRotation", true));
    TEMPLATE.hasResourceProperties("AWS::SNS::Topic", Map.of("KmsMasterKeyId", Match.anyValue()));
    TEMPLATE.hasResourceProperties(
        "AWS::Logs::LogGroup", Map.of("RetentionInDays", 30, "KmsKeyId", Match.anyValue()));
    TEMPLATE.resourceCountIs("AWS::Events::EventBus", 1);
  }

  @Test
  void alarmsOnFunctionErrorsAndDeadLettersNotifyTheTopic() {
    String topic = onlyId("AWS::SNS::Topic");
    // Scan errors and dead letters, notifier errors and dead letters, workflow failures.
    TEMPLATE.resourceCountIs("AWS::CloudWatch::Alarm", 5);
    TEMPLATE.allResourcesProperties(
        "AWS::CloudWatch::Alarm",
        Map.of(
            "Threshold",
            1,
            "ComparisonOperator",
            "GreaterThanOrEqualToThreshold",
            "AlarmActions",
            List.of(Map.of("Ref", topic))));
    for (String fn : List.of(ScanFunction.HANDLER, NotifierFunction.HANDLER)) {
      TEMPLATE.hasResourceProperties(
          "AWS::CloudWatch::Alarm",
          Map.of(
              "MetricName",
              "Errors",
              "Dimensions",
              Match.arrayWith(
                  List.of(
                      Map.of(
                          "Name",
                          "FunctionName",
                          "Value",
                          Map.of(
                              "Ref",
                              Synthesized.only(
                                  "AWS::Lambda::Function", Map.of("Handler", fn))))))));
    }
    // Every dead-letter queue has a depth alarm.
    List<String> queues = Synthesized.ids("AWS::SQS::Queue");
    assertThat(queues).hasSize(2);
    for (String queue : queues) {
      TEMPLATE.hasResourceProperties(
          "AWS::CloudWatch::Alarm",
          Map.of(
              "MetricName",
              "ApproximateNumberOfMessagesVisible",
              "Statistic",
              "Maximum",
              "Dimensions",
              List.of(
                  Map.of(
                      "Name",
                      "QueueName",
                      "Value",
                      Map.of("Fn::GetAtt", List.of(queue, "QueueName"))))));
    }
  }

  @Test
  void outputsNameEveryPublicResource() {
    Map<String, Map<String, Object>> outputs = TEMPLATE.findOutputs("*");
    for (String name :
        List.of(
            "SourceBucketName",
            "SbomBucketName",
            "ResultsBucketName",
            "ScanTableName",
            "EventBusName",
            "ScanFunctionAliasArn",
            "AlarmTopicArn",
            "DeadLetterQueueUrl",
            "QueryApiUrl",
            "LargeModelStateMachineArn",
            "NotifierFunctionAliasArn")) {
      assertThat(outputs.keySet()).anyMatch(id -> id.contains(name));
    }
    ModelScanPipeline pipeline = Synthesized.STACK.getPipeline();
    assertThat(pipeline.getWatchedBuckets()).hasSize(2).startsWith(pipeline.getSourceBucket());
  }

  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> statements(Map<String, Object> policyProperties) {
    return (List<Map<String, Object>>)
        ((Map<String, Object>) policyProperties.get("PolicyDocument")).get("Statement");
  }

  static String onlyIdIn(software.amazon.awscdk.assertions.Template template, String type) {
    List<String> ids = List.copyOf(template.findResources(type).keySet());
    assertThat(ids).as(type).hasSize(1);
    return ids.get(0);
  }

  static String onlyId(String type) {
    List<String> ids = Synthesized.ids(type);
    assertThat(ids).as(type).hasSize(1);
    return ids.get(0);
  }

  static String scanRoleId() {
    return Synthesized.only(
        "AWS::IAM::Role", Map.of("Description", "SentraScan scan-object function"));
  }
}
