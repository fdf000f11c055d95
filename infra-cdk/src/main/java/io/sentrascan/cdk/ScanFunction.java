package io.sentrascan.cdk;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.dynamodb.ITable;
import software.amazon.awscdk.services.events.IEventBus;
import software.amazon.awscdk.services.iam.IRole;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.kms.IKey;
import software.amazon.awscdk.services.lambda.Alias;
import software.amazon.awscdk.services.lambda.Function;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.s3.IBucket;
import software.amazon.awscdk.services.sqs.Queue;
import software.amazon.awscdk.services.sqs.QueueEncryption;
import software.constructs.Construct;

/**
 * The scan-object function: Java 21 on arm64 from the functions jar, SnapStart on published
 * versions and an alias ({@value #ALIAS}) that every trigger invokes, X-Ray, JSON logs to a log
 * group of its own, and an encrypted dead-letter queue for asynchronous invocations that still fail
 * after Lambda's two retries. Its role starts empty (no managed policies) and gets each permission
 * from the methods here.
 */
final class ScanFunction {
  static final String HANDLER = "io.sentrascan.functions.scan.ScanObjectHandler::handleRequest";
  static final String ALIAS = "live";

  /** What the function does to the objects of a watched bucket, and nothing more. */
  static final List<String> SOURCE_OBJECT_ACTIONS =
      List.of(
          "s3:GetObject",
          "s3:GetObjectVersion",
          "s3:GetObjectTagging",
          "s3:GetObjectVersionTagging",
          "s3:PutObjectTagging",
          "s3:PutObjectVersionTagging");

  /** The DynamoDB calls of {@code ScanRecordStore}: it reads, writes and updates by key only. */
  static final List<String> TABLE_ACTIONS =
      List.of("dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem");

  /**
   * The indexes a record writer queries (issue 6, branch {@code pipeline}): {@code byObject} to
   * find the object's earlier records and give them their expiry when a newer one supersedes them
   * ({@code SupersededRecords}); {@code byDigest} to reuse the result of content already scanned
   * ({@code DigestReuse}, scan function only). Query on those index ARNs only.
   */
  static final String SUPERSEDE_INDEX = "byObject";

  static final String REUSE_INDEX = "byDigest";

  /** Where the function writes reports too large for the table ({@code ScanObjectWorkflow}). */
  static final String REPORTS_PREFIX = "reports/";

  /**
   * Where the function writes each scan's ML-BOM in the SBOM bucket ({@code ScanObjectWorkflow}).
   */
  static final String SBOMS_PREFIX = "sboms/";

  private final IKey key;
  private final Role role;
  private final Function function;
  private final Alias alias;
  private final Queue deadLetterQueue;
  private final LogGroup logGroup;

  ScanFunction(
      Construct scope,
      ModelScanPipelineProps props,
      Path jar,
      IKey key,
      IBucket results,
      IBucket sboms,
      ITable table,
      IEventBus bus) {
    this.key = key;
    this.deadLetterQueue =
        Queue.Builder.create(scope, "ScanDeadLetterQueue")
            .encryption(QueueEncryption.KMS)
            .encryptionMasterKey(key)
            .enforceSsl(true)
            .retentionPeriod(Duration.days(14))
            .build();
    Map<String, String> env = new LinkedHashMap<>();
    env.put("RESULTS_BUCKET", results.getBucketName());
    env.put("SBOM_BUCKET", sboms.getBucketName());
    env.put("TABLE_NAME", table.getTableName());
    env.put("EVENT_BUS_NAME", bus.getEventBusName());
    env.put("FAIL_ON", props.failOn().contextValue());
    if (props.recordRetentionDays() != null) {
      env.put("RETENTION_DAYS", String.valueOf(props.recordRetentionDays()));
    }
    if (props.reportInlineMaxBytes() != null) {
      env.put("REPORT_INLINE_MAX_BYTES", String.valueOf(props.reportInlineMaxBytes()));
    }
    if (props.maxObjectBytes() != null) {
      env.put("MAX_OBJECT_BYTES", String.valueOf(props.maxObjectBytes()));
    }

    SnapStartJavaFunction parts =
        new SnapStartJavaFunction(
            scope,
            "Scan",
            props,
            jar,
            key,
            "SentraScan scan-object function",
            f ->
                f.description("SentraScan: scans each model uploaded to a watched bucket")
                    .handler(HANDLER)
                    .memorySize(props.scanMemoryMb())
                    .timeout(props.scanTimeout())
                    .reservedConcurrentExecutions(props.reservedConcurrency())
                    .deadLetterQueue(deadLetterQueue)
                    .environment(env),
            "the triggers invoke");
    this.logGroup = parts.logGroup();
    this.role = parts.role();
    this.function = parts.function();
    this.alias = parts.alias();

    role.addToPrincipalPolicy(
        PolicyStatement.Builder.create()
            .sid("ScanRecords")
            .actions(TABLE_ACTIONS)
            .resources(List.of(table.getTableArn()))
            .build());
    role.addToPrincipalPolicy(
        PolicyStatement.Builder.create()
            .sid("FindEarlierScans")
            .actions(List.of("dynamodb:Query"))
            .resources(
                List.of(
                    table.getTableArn() + "/index/" + SUPERSEDE_INDEX,
                    table.getTableArn() + "/index/" + REUSE_INDEX))
            .build());
    role.addToPrincipalPolicy(
        PolicyStatement.Builder.create()
            .sid("LargeReportsAndSboms")
            .actions(List.of("s3:PutObject"))
            .resources(
                List.of(
                    results.arnForObjects(REPORTS_PREFIX + "*"),
                    sboms.arnForObjects(SBOMS_PREFIX + "*")))
            .build());
    bus.grantPutEventsTo(role);
    key.grantEncryptDecrypt(role);
  }

  /** Lets the function read and tag the objects of {@code bucket} (and decrypt them). */
  void grantSource(IBucket bucket) {
    role.addToPrincipalPolicy(
        PolicyStatement.Builder.create()
            .actions(SOURCE_OBJECT_ACTIONS)
            .resources(List.of(bucket.arnForObjects("*")))
            .build());
    IKey bucketKey = bucket.getEncryptionKey();
    if (bucketKey != null && !bucketKey.equals(key)) {
      bucketKey.grantDecrypt(role);
    }
  }

  /**
   * Objects over the function's size limit go to the large-model workflow: the function gets its
   * ARN as {@code LARGE_MODEL_STATE_MACHINE_ARN} and may start executions of it, and only of it.
   */
  void handOffTo(LargeModelWorkflow workflow) {
    function.addEnvironment(
        "LARGE_MODEL_STATE_MACHINE_ARN", workflow.stateMachine().getStateMachineArn());
    workflow.grantStart(role);
  }

  IRole role() {
    return role;
  }

  Function function() {
    return function;
  }

  Alias alias() {
    return alias;
  }

  Queue deadLetterQueue() {
    return deadLetterQueue;
  }

  LogGroup logGroup() {
    return logGroup;
  }
}
