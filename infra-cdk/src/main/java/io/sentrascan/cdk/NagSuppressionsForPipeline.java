package io.sentrascan.cdk;

import io.github.cdklabs.cdknag.NagPackSuppression;
import io.github.cdklabs.cdknag.NagSuppressions;
import io.github.cdklabs.cdknag.RegexAppliesTo;
import java.util.List;
import software.amazon.awscdk.Stack;
import software.constructs.IConstruct;

/**
 * The cdk-nag {@code AwsSolutions} findings the pipeline accepts, each on the one resource it
 * concerns, narrowed with {@code appliesTo} where the rule allows, and with its reason. Anything
 * else that cdk-nag reports fails {@code NagTest}.
 */
final class NagSuppressionsForPipeline {
  /** The id CDK gives the stack-wide function that writes S3 bucket notifications. */
  static final String NOTIFICATIONS_HANDLER =
      "BucketNotificationsHandler050a0587b7544547bf325f094a3db834";

  private NagSuppressionsForPipeline() {}

  static void apply(ModelScanPipeline pipeline) {
    ScanFunction scan = scanFunction(pipeline);
    NagSuppressions.addResourceSuppressions(
        scan.role(),
        List.of(
            suppress(
                "AwsSolutions-IAM5",
                "(1) Object-level S3 actions (read and tag a scanned model, write a large report)"
                    + " need object ARNs: they are scoped to each bucket (and to reports/ in the"
                    + " results bucket, sboms/ in the SBOM bucket), never to all buckets. (2) X-Ray PutTraceSegments and"
                    + " PutTelemetryRecords support no resource-level permissions: AWS requires"
                    + " Resource *. (3) CDK's KMS grants for the pipeline key (SSE-KMS objects,"
                    + " table, dead-letter queue) use the GenerateDataKey*/ReEncrypt* action"
                    + " families; their resource is the one key.",
                List.of(
                    regex("/^Resource::.*\\/\\*$/g"),
                    "Resource::*",
                    "Action::kms:GenerateDataKey*",
                    "Action::kms:ReEncrypt*"))),
        true);
    NagSuppressions.addResourceSuppressions(
        scan.function(),
        List.of(
            suppress(
                "AwsSolutions-L1",
                "Java 21 is the runtime issue 4 chose: the scan function is built and tested as"
                    + " Java 17 bytecode with SnapStart priming on Java 21; moving to Java 25 is a"
                    + " separate, benchmarked change.",
                List.of())),
        false);
    NagSuppressions.addResourceSuppressions(
        scan.deadLetterQueue(),
        List.of(
            suppress(
                "AwsSolutions-SQS3",
                "This queue is itself the scan function's dead-letter queue; messages are replayed"
                    + " by hand after the DLQ alarm.",
                List.of())),
        false);
    NagSuppressions.addResourceSuppressions(
        pipeline.getAccessLogBucket(),
        List.of(
            suppress(
                "AwsSolutions-S1",
                "This is the access-log bucket of the other buckets; logging its own access would"
                    + " log into itself.",
                List.of())),
        false);
    queryApi(pipeline.queryApi());
    largeModel(pipeline.largeModelFunctions(), pipeline.largeModelWorkflow());
    NotifierFunction notifier = pipeline.notifierFunction();
    if (notifier != null) {
      notifier(notifier);
    }
  }

  /** The query API's findings. */
  static void queryApi(QueryApi api) {
    NagSuppressions.addResourceSuppressions(
        api.role(),
        List.of(
            suppress(
                "AwsSolutions-IAM5",
                "(1) Query on the table's indexes needs the index ARNs (table/index/*): the"
                    + " API reads byObject, byDigest and byVerdict; the actions are GetItem and"
                    + " Query only. (2) GetObject is scoped to reports/ in the results bucket and"
                    + " sboms/ in the SBOM bucket. (3) X-Ray PutTraceSegments and"
                    + " PutTelemetryRecords support no resource-level permissions.",
                List.of(regex("/^Resource::.*\\/\\*$/g"), "Resource::*"))),
        true);
    NagSuppressions.addResourceSuppressions(
        api.function(),
        List.of(
            suppress(
                "AwsSolutions-L1",
                "Java 21 is the runtime issue 4 chose for every function (SnapStart priming is"
                    + " tested on it); moving to Java 25 is a separate, benchmarked change.",
                List.of())),
        false);
    NagSuppressions.addResourceSuppressions(
        api.pageTokenKey(),
        List.of(
            suppress(
                "AwsSolutions-SMG4",
                "The page-token HMAC key is read by the function on its first request and"
                    + " cached; rotating it only invalidates outstanding page tokens, so it is"
                    + " done by putting a new value (taken up as functions start), not by a"
                    + " rotation Lambda.",
                List.of())),
        false);
    List<NagPackSuppression> apiFindings = new java.util.ArrayList<>();
    apiFindings.add(
        suppress(
            "AwsSolutions-APIG3",
            "A regional API behind IAM (or API-key) authorization with stage throttling; WAF is"
                + " an account-level choice left to the team (a web ACL costs at rest).",
            List.of()));
    apiFindings.add(
        suppress(
            "AwsSolutions-APIG6",
            "Every request is in the JSON access log; execution logging needs the account-wide"
                + " API Gateway CloudWatch role, which this stack must not own or replace.",
            List.of()));
    apiFindings.add(
        suppress(
            "AwsSolutions-COG4",
            "Callers are AWS principals (SigV4, AWS_IAM) or holders of a usage-plan API key, not"
                + " Cognito users.",
            List.of()));
    if (api.usagePlan() != null) {
      apiFindings.add(
          suppress(
              "AwsSolutions-APIG4",
              "apiAuthorization=API_KEY was chosen: every method requires an API key of the usage"
                  + " plan, which throttles it.",
              List.of()));
    }
    NagSuppressions.addResourceSuppressions(api.api(), apiFindings, true);
  }

  /** The large-model workflow's findings: its three functions and the state machine. */
  static void largeModel(LargeModelFunctions functions, LargeModelWorkflow workflow) {
    String xrayAndKms =
        " X-Ray PutTraceSegments and PutTelemetryRecords support no resource-level permissions"
            + " (AWS requires Resource *). CDK's KMS grant for the pipeline key uses the"
            + " GenerateDataKey*/ReEncrypt* action families; their resource is the one key.";
    NagSuppressions.addResourceSuppressions(
        functions.plan().role(),
        List.of(
            suppress(
                "AwsSolutions-IAM5",
                "Plan lists a watched bucket (ListBucket on the bucket itself) and reads its"
                    + " objects' headers (GetObject/GetObjectVersion need object ARNs: each"
                    + " watched bucket's /*); it writes only large-scans/* in the results bucket."
                    + xrayAndKms,
                List.of(
                    regex("/^Resource::.*\\/\\*$/g"),
                    "Resource::*",
                    "Action::kms:GenerateDataKey*",
                    "Action::kms:ReEncrypt*"))),
        true);
    NagSuppressions.addResourceSuppressions(
        functions.chunk().role(),
        List.of(
            suppress(
                "AwsSolutions-IAM5",
                "A chunk reads byte ranges of watched objects (GetObject/GetObjectVersion need"
                    + " object ARNs: each watched bucket's /*) and writes its partial result"
                    + " under large-scans/* only."
                    + xrayAndKms,
                List.of(
                    regex("/^Resource::.*\\/\\*$/g"),
                    "Resource::*",
                    "Action::kms:GenerateDataKey*",
                    "Action::kms:ReEncrypt*"))),
        true);
    NagSuppressions.addResourceSuppressions(
        functions.aggregate().role(),
        List.of(
            suppress(
                "AwsSolutions-IAM5",
                "Aggregate reads large-scans/* (plan and partials), writes reports/* and sboms/*"
                    + " as the scan function does, and tags watched objects (the tagging actions"
                    + " need object ARNs: each watched bucket's /*)."
                    + xrayAndKms,
                List.of(
                    regex("/^Resource::.*\\/\\*$/g"),
                    "Resource::*",
                    "Action::kms:GenerateDataKey*",
                    "Action::kms:ReEncrypt*"))),
        true);
    for (SnapStartJavaFunction f :
        List.of(functions.plan(), functions.chunk(), functions.aggregate())) {
      NagSuppressions.addResourceSuppressions(
          f.function(),
          List.of(
              suppress(
                  "AwsSolutions-L1",
                  "Java 21 is the runtime issue 4 chose for every function (SnapStart priming is"
                      + " tested on it); moving to Java 25 is a separate, benchmarked change.",
                  List.of())),
          false);
    }
    NagSuppressions.addResourceSuppressions(
        workflow.stateMachine(),
        List.of(
            suppress(
                "AwsSolutions-IAM5",
                "(1) The Distributed Map starts child executions of this state machine and"
                    + " describes, stops and redrives them: CDK scopes those to this state"
                    + " machine's executions (execution:<name>:* and <name>/*:*), whose ids are"
                    + " only known at run time. (2) The item reader reads the JSONL plan under"
                    + " large-scans/* in the results bucket, nothing else. (3) Vended log delivery"
                    + " (logs:CreateLogDelivery and friends) and X-Ray support no resource-level"
                    + " permissions: AWS requires Resource *.",
                List.of(
                    regex("/^Resource::.*:execution:.*:\\*$/g"),
                    regex("/^Resource::.*\\/large-scans\\/\\*$/g"),
                    "Resource::*"))),
        true);
  }

  /** The Slack notifier's findings, when it exists. */
  static void notifier(NotifierFunction notifier) {
    NagSuppressions.addResourceSuppressions(
        notifier.role(),
        List.of(
            suppress(
                "AwsSolutions-IAM5",
                "(1) X-Ray PutTraceSegments and PutTelemetryRecords support no resource-level"
                    + " permissions: AWS requires Resource *. (2) CDK's KMS grant for the"
                    + " encrypted dead-letter queue uses the GenerateDataKey*/ReEncrypt* action"
                    + " families; their resource is the one pipeline key.",
                List.of("Resource::*", "Action::kms:GenerateDataKey*", "Action::kms:ReEncrypt*"))),
        true);
    NagSuppressions.addResourceSuppressions(
        notifier.function(),
        List.of(
            suppress(
                "AwsSolutions-L1",
                "Java 21 is the runtime issue 4 chose for every function (SnapStart priming is"
                    + " tested on it); moving to Java 25 is a separate, benchmarked change.",
                List.of())),
        false);
    NagSuppressions.addResourceSuppressions(
        notifier.deadLetterQueue(),
        List.of(
            suppress(
                "AwsSolutions-SQS3",
                "This queue is itself the notifier's dead-letter queue (for the rule's target and"
                    + " for failed invocations); it is replayed by hand after the alarm.",
                List.of())),
        false);
  }

  /** The notifications handler exists once a bucket notification was added. */
  static void notificationsHandler(ModelScanPipeline pipeline) {
    IConstruct handler = Stack.of(pipeline).getNode().tryFindChild(NOTIFICATIONS_HANDLER);
    if (handler == null) {
      return;
    }
    NagSuppressions.addResourceSuppressions(
        handler,
        List.of(
            suppress(
                "AwsSolutions-IAM4",
                "CDK's own bucket-notifications function (a deploy-time custom resource) uses the"
                    + " AWSLambdaBasicExecutionRole managed policy; it only writes its logs.",
                List.of(
                    "Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/"
                        + "AWSLambdaBasicExecutionRole")),
            suppress(
                "AwsSolutions-IAM5",
                "CDK's bucket-notifications function needs s3:PutBucketNotification on buckets it"
                    + " learns at deploy time (including a team's imported ones); it runs only"
                    + " while CloudFormation deploys.",
                List.of("Resource::*"))),
        true);
  }

  private static ScanFunction scanFunction(ModelScanPipeline pipeline) {
    return pipeline.scanFunction();
  }

  private static RegexAppliesTo regex(String pattern) {
    return RegexAppliesTo.builder().regex(pattern).build();
  }

  private static NagPackSuppression suppress(String id, String reason, List<?> appliesTo) {
    NagPackSuppression.Builder b = NagPackSuppression.builder().id(id).reason(reason);
    if (!appliesTo.isEmpty()) {
      b.appliesTo(appliesTo);
    }
    return b.build();
  }
}
