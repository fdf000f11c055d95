package io.sentrascan.cdk;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.services.dynamodb.Table;
import software.amazon.awscdk.services.events.EventBus;
import software.amazon.awscdk.services.iam.IRole;
import software.amazon.awscdk.services.kms.Key;
import software.amazon.awscdk.services.lambda.Alias;
import software.amazon.awscdk.services.s3.Bucket;
import software.amazon.awscdk.services.s3.EventType;
import software.amazon.awscdk.services.s3.IBucket;
import software.amazon.awscdk.services.s3.notifications.LambdaDestination;
import software.amazon.awscdk.services.sns.ITopic;
import software.amazon.awscdk.services.sqs.IQueue;
import software.amazon.awscdk.services.stepfunctions.IStateMachine;
import software.constructs.Construct;

/**
 * A team's model-scanning pipeline: every object created in a watched bucket is scanned by the
 * scan-object function (through its SnapStart alias); the verdict lands in the scan table, large
 * reports in the results bucket, the verdict as a tag on the object, and a {@code Model Scan
 * Completed} event on the pipeline's bus. Failures go to a dead-letter queue; function errors and
 * dead letters raise alarms on an SNS topic.
 *
 * <p>Each concern lives in its own class: {@link PipelineKey}, {@link PipelineBuckets}, {@link
 * ScanTable}, {@link ScanFunction}, {@link PipelineAlarms}, and {@link NagSuppressionsForPipeline}
 * for the cdk-nag findings accepted with their reasons.
 *
 * <p>With {@link ModelScanPipelineProps#slackWebhookSecretArn()}, a {@link NotifierFunction} posts
 * FAIL and ERROR verdicts from the bus to Slack.
 *
 * <p>The {@link QueryApi} serves the records, reports and ML-BOMs ({@link #getApiUrl()}).
 *
 * <p>Objects over the scan function's size limit go to the {@link LargeModelWorkflow} (a Step
 * Functions Distributed Map over {@link LargeModelFunctions}), which writes the same record,
 * report, ML-BOM, tags and event; its failures alarm on the same topic.
 */
public final class ModelScanPipeline extends Construct {
  private final Key key;
  private final PipelineBuckets buckets;
  private final @Nullable Bucket sourceBucket;
  private final Bucket sbomBucket;
  private final Bucket resultsBucket;
  private final Table table;
  private final EventBus eventBus;
  private final ScanFunction scan;
  private final PipelineAlarms alarms;
  private final @Nullable NotifierFunction notifier;
  private final QueryApi queryApi;
  private final LargeModelFunctions largeModelFunctions;
  private final LargeModelWorkflow largeModel;
  private final List<IBucket> watched = new ArrayList<>();

  public ModelScanPipeline(Construct scope, String id) {
    this(scope, id, ModelScanPipelineProps.builder().build());
  }

  public ModelScanPipeline(Construct scope, String id, ModelScanPipelineProps props) {
    super(scope, id);
    // Access logs are delivered under a bucket policy, not the LogDeliveryWrite ACL: ACLs stay off.
    getNode().setContext("@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy", true);
    Path jar =
        props.functionsJar() == null
            ? FunctionsJar.locate()
            : FunctionsJar.require(props.functionsJar());

    this.key = PipelineKey.create(this, props.removalPolicy());
    this.buckets = new PipelineBuckets(this, key, props.removalPolicy());
    this.sbomBucket = buckets.reports("SbomBucket", props.reportRetentionDays());
    this.resultsBucket = buckets.reports("ResultsBucket", props.reportRetentionDays());
    this.table = ScanTable.create(this, key, props.ttlAttribute(), props.removalPolicy());
    this.eventBus =
        EventBus.Builder.create(this, "EventBus")
            .description("SentraScan: Model Scan Completed events")
            .build();
    this.scan = new ScanFunction(this, props, jar, key, resultsBucket, sbomBucket, table, eventBus);
    this.alarms = new PipelineAlarms(this, key, scan);
    this.largeModelFunctions =
        new LargeModelFunctions(this, props, jar, key, resultsBucket, sbomBucket, table, eventBus);
    this.largeModel = new LargeModelWorkflow(this, props, key, resultsBucket, largeModelFunctions);
    PipelineBuckets.expireWork(resultsBucket, LargeModelFunctions.WORK_PREFIX);
    scan.handOffTo(largeModel);
    alarms.workflowFailures(this, largeModel.stateMachine());

    if (props.createSourceBucket()) {
      Bucket source = buckets.source("SourceBucket");
      if (props.quarantine()) {
        List<IRole> readers = new ArrayList<>();
        readers.add(scan.role());
        readers.addAll(largeModelFunctions.readers());
        PipelineBuckets.quarantine(source, readers);
      }
      addSourceBucket(source);
      this.sourceBucket = source;
    } else {
      this.sourceBucket = null;
    }
    this.queryApi = new QueryApi(this, props, jar, key, table, resultsBucket, sbomBucket);
    String slackSecret = props.slackWebhookSecretArn();
    if (slackSecret != null) {
      this.notifier = new NotifierFunction(this, props, jar, key, eventBus, slackSecret);
      alarms.notifierErrors(this, notifier);
      alarms.deadLetterDepth(
          this,
          "NotifierDeadLetters",
          "Failed-scan events the Slack notifier could not deliver are waiting for replay",
          notifier.deadLetterQueue());
    } else {
      this.notifier = null;
    }

    output("SbomBucketName", sbomBucket.getBucketName(), "SBOM bucket");
    output("ResultsBucketName", resultsBucket.getBucketName(), "Reports too large for the table");
    output("ScanTableName", table.getTableName(), "Scan records (DynamoDB)");
    output("EventBusName", eventBus.getEventBusName(), "Model Scan Completed events");
    output("ScanFunctionAliasArn", scan.alias().getFunctionArn(), "What the triggers invoke");
    output("AlarmTopicArn", alarms.topic().getTopicArn(), "Subscribe to receive alarms");
    output("DeadLetterQueueUrl", scan.deadLetterQueue().getQueueUrl(), "Failed events to replay");
    output("QueryApiUrl", queryApi.api().getUrl(), "Query API (stage " + QueryApi.STAGE + ")");
    software.amazon.awscdk.services.apigateway.ApiKey apiKey = queryApi.apiKey();
    if (apiKey != null) {
      output(
          "QueryApiKeyId",
          apiKey.getKeyId(),
          "API key id: aws apigateway get-api-key --include-value --api-key <id>");
    }
    output(
        "LargeModelStateMachineArn",
        largeModel.stateMachine().getStateMachineArn(),
        "Large-model workflow (objects over the scan function's size limit)");
    if (notifier != null) {
      output(
          "NotifierFunctionAliasArn",
          notifier.alias().getFunctionArn(),
          "Slack notifier (FAIL and ERROR verdicts)");
    }
    if (sourceBucket != null) {
      output("SourceBucketName", sourceBucket.getBucketName(), "Upload models here");
    }
    NagSuppressionsForPipeline.apply(this);
  }

  /**
   * Watches one more bucket, such as a team's existing one: objects created in it are scanned, and
   * the scan function and the large-model functions may read and tag them (and decrypt them, when
   * the bucket was imported with its KMS key). CDK cannot add a policy to an imported bucket, so
   * quarantine does not apply to it.
   */
  public void addSourceBucket(IBucket bucket) {
    scan.grantSource(bucket);
    largeModelFunctions.grantSource(bucket);
    bucket.addEventNotification(EventType.OBJECT_CREATED, new LambdaDestination(scan.alias()));
    watched.add(bucket);
    NagSuppressionsForPipeline.notificationsHandler(this);
  }

  private void output(String id, String value, String description) {
    CfnOutput.Builder.create(this, id).value(value).description(description).build();
  }

  /** The watched bucket the pipeline created, or null with {@code createSourceBucket(false)}. */
  public @Nullable IBucket getSourceBucket() {
    return sourceBucket;
  }

  /** Every watched bucket, the created one first. */
  public List<IBucket> getWatchedBuckets() {
    return List.copyOf(watched);
  }

  public IBucket getSbomBucket() {
    return sbomBucket;
  }

  public IBucket getResultsBucket() {
    return resultsBucket;
  }

  public IBucket getAccessLogBucket() {
    return buckets.logBucket();
  }

  public Table getTable() {
    return table;
  }

  public EventBus getEventBus() {
    return eventBus;
  }

  /** The alias every trigger invokes (SnapStart applies to published versions only). */
  public Alias getScanFunctionAlias() {
    return scan.alias();
  }

  public ITopic getAlarmTopic() {
    return alarms.topic();
  }

  public IQueue getDeadLetterQueue() {
    return scan.deadLetterQueue();
  }

  public Key getKey() {
    return key;
  }

  /** The query API's base URL, ending in the stage ({@code .../v1/}). */
  public String getApiUrl() {
    return queryApi.api().getUrl();
  }

  QueryApi queryApi() {
    return queryApi;
  }

  /** The Slack notifier's alias, or null without {@code slackWebhookSecretArn}. */
  public @Nullable Alias getNotifierFunctionAlias() {
    return notifier == null ? null : notifier.alias();
  }

  @Nullable NotifierFunction notifierFunction() {
    return notifier;
  }

  ScanFunction scanFunction() {
    return scan;
  }

  /** The large-model state machine (Distributed Map); the scan function starts it. */
  public IStateMachine getLargeModelStateMachine() {
    return largeModel.stateMachine();
  }

  LargeModelWorkflow largeModelWorkflow() {
    return largeModel;
  }

  LargeModelFunctions largeModelFunctions() {
    return largeModelFunctions;
  }
}
