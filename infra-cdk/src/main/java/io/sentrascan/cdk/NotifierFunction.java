package io.sentrascan.cdk;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Annotations;
import software.amazon.awscdk.ArnComponents;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.events.EventPattern;
import software.amazon.awscdk.services.events.IEventBus;
import software.amazon.awscdk.services.events.Rule;
import software.amazon.awscdk.services.events.targets.LambdaFunction;
import software.amazon.awscdk.services.events.targets.LambdaFunctionProps;
import software.amazon.awscdk.services.iam.IRole;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.kms.IKey;
import software.amazon.awscdk.services.lambda.Alias;
import software.amazon.awscdk.services.lambda.ApplicationLogLevel;
import software.amazon.awscdk.services.lambda.Architecture;
import software.amazon.awscdk.services.lambda.Code;
import software.amazon.awscdk.services.lambda.Function;
import software.amazon.awscdk.services.lambda.LoggingFormat;
import software.amazon.awscdk.services.lambda.Runtime;
import software.amazon.awscdk.services.lambda.SnapStartConf;
import software.amazon.awscdk.services.lambda.SystemLogLevel;
import software.amazon.awscdk.services.lambda.Tracing;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.sqs.Queue;
import software.amazon.awscdk.services.sqs.QueueEncryption;
import software.constructs.Construct;

/**
 * The Slack notifier: an EventBridge rule on the pipeline's bus sends every {@code Model Scan
 * Completed} event whose verdict is {@code FAIL} or {@code ERROR} to the notifier function's
 * SnapStart alias. Events the rule cannot deliver, and invocations that still fail after Lambda's
 * retries, land in one encrypted dead-letter queue. The role reads exactly the webhook secret.
 *
 * <p>No {@code kms:Decrypt} is granted: a secret encrypted with the AWS-managed {@code
 * aws/secretsmanager} key needs none. A secret under a customer-managed key needs that key's policy
 * to allow this role (the key is the team's, outside this stack).
 */
final class NotifierFunction {
  static final String HANDLER =
      "io.sentrascan.functions.notify.SlackNotifierHandler::handleRequest";

  /**
   * The handler may spend 30 s posting to Slack (5 attempts with backoff) after reading the secret
   * and, on a cold start, restoring the snapshot: 90 s leaves room for all of it.
   */
  static final Duration TIMEOUT = Duration.seconds(90);

  static final String DETAIL_TYPE = "Model Scan Completed";
  static final String SOURCE = "io.sentrascan";
  static final List<String> NOTIFIED_VERDICTS = List.of("FAIL", "ERROR");

  private final Role role;
  private final Function function;
  private final Alias alias;
  private final Queue deadLetterQueue;
  private final Rule rule;

  NotifierFunction(
      Construct scope,
      ModelScanPipelineProps props,
      Path jar,
      IKey key,
      IEventBus bus,
      String webhookSecretArn) {
    LogGroup logGroup =
        LogGroup.Builder.create(scope, "NotifierFunctionLogs")
            .retention(props.logRetention())
            .encryptionKey(key)
            .removalPolicy(RemovalPolicy.DESTROY)
            .build();
    this.deadLetterQueue =
        Queue.Builder.create(scope, "NotifierDeadLetterQueue")
            .encryption(QueueEncryption.KMS)
            .encryptionMasterKey(key)
            .enforceSsl(true)
            .retentionPeriod(Duration.days(14))
            .build();
    this.role =
        Role.Builder.create(scope, "NotifierFunctionRole")
            .assumedBy(new ServicePrincipal("lambda.amazonaws.com"))
            .description("SentraScan Slack notifier")
            .build();
    role.addToPrincipalPolicy(
        PolicyStatement.Builder.create()
            .sid("WriteOwnLogs")
            .actions(List.of("logs:CreateLogStream", "logs:PutLogEvents"))
            .resources(List.of(logGroup.getLogGroupArn()))
            .build());
    role.addToPrincipalPolicy(
        PolicyStatement.Builder.create()
            .sid("ReadSlackWebhook")
            .actions(List.of("secretsmanager:GetSecretValue"))
            .resources(List.of(webhookSecretArn))
            .build());

    this.function =
        Function.Builder.create(scope, "NotifierFunction")
            .description("SentraScan: posts failed and errored scans to Slack")
            .runtime(Runtime.JAVA_21)
            .architecture(Architecture.ARM_64)
            .code(Code.fromAsset(jar.toString()))
            .handler(HANDLER)
            .memorySize(512)
            .timeout(TIMEOUT)
            .snapStart(SnapStartConf.ON_PUBLISHED_VERSIONS)
            .deadLetterQueue(deadLetterQueue)
            .tracing(Tracing.ACTIVE)
            .loggingFormat(LoggingFormat.JSON)
            .applicationLogLevelV2(ApplicationLogLevel.INFO)
            .systemLogLevelV2(SystemLogLevel.INFO)
            .logGroup(logGroup)
            .role(role)
            .environment(Map.of("SLACK_WEBHOOK_SECRET_ID", webhookSecretArn))
            .build();
    this.alias =
        Alias.Builder.create(scope, "NotifierFunctionAlias")
            .aliasName(ScanFunction.ALIAS)
            .version(function.getCurrentVersion())
            .build();
    Annotations.of(function)
        .acknowledgeWarning(
            "@aws-cdk/aws-lambda:snapStartRequirePublish",
            "the current version is published and the rule invokes its alias");

    this.rule =
        Rule.Builder.create(scope, "FailedScanRule")
            .description("SentraScan: FAIL and ERROR verdicts to the Slack notifier")
            .eventBus(bus)
            .eventPattern(
                EventPattern.builder()
                    .source(List.of(SOURCE))
                    .detailType(List.of(DETAIL_TYPE))
                    .detail(Map.of("verdict", NOTIFIED_VERDICTS))
                    .build())
            .build();
    rule.addTarget(
        new LambdaFunction(
            alias,
            LambdaFunctionProps.builder()
                .deadLetterQueue(deadLetterQueue)
                .retryAttempts(8)
                .maxEventAge(Duration.hours(2))
                .build()));
    // EventBridge writes undeliverable events into the KMS-encrypted queue itself: the key must
    // let the events service use it, for rules on the pipeline's bus only. (The rule's own ARN
    // would make a cycle: the key encrypts the function's logs, which the rule depends on.)
    String rulesOnBus =
        Stack.of(scope)
            .formatArn(
                ArnComponents.builder()
                    .service("events")
                    .resource("rule")
                    .resourceName(bus.getEventBusName() + "/*")
                    .build());
    key.addToResourcePolicy(
        PolicyStatement.Builder.create()
            .sid("NotifierRuleDeadLetters")
            .principals(List.of(new ServicePrincipal("events.amazonaws.com")))
            .actions(List.of("kms:Decrypt", "kms:GenerateDataKey"))
            .resources(List.of("*"))
            .conditions(Map.of("ArnLike", Map.of("aws:SourceArn", rulesOnBus)))
            .build());
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

  Rule rule() {
    return rule;
  }
}
