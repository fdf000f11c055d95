package io.sentrascan.cdk;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.ArnComponents;
import software.amazon.awscdk.Duration;
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
import software.amazon.awscdk.services.lambda.Function;
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
    this.deadLetterQueue =
        Queue.Builder.create(scope, "NotifierDeadLetterQueue")
            .encryption(QueueEncryption.KMS)
            .encryptionMasterKey(key)
            .enforceSsl(true)
            .retentionPeriod(Duration.days(14))
            .build();
    SnapStartJavaFunction parts =
        new SnapStartJavaFunction(
            scope,
            "Notifier",
            props,
            jar,
            key,
            "SentraScan Slack notifier",
            f ->
                f.description("SentraScan: posts failed and errored scans to Slack")
                    .handler(HANDLER)
                    .memorySize(512)
                    .timeout(TIMEOUT)
                    .deadLetterQueue(deadLetterQueue)
                    .environment(Map.of("SLACK_WEBHOOK_SECRET_ID", webhookSecretArn)),
            "the rule invokes");
    this.role = parts.role();
    this.function = parts.function();
    this.alias = parts.alias();
    role.addToPrincipalPolicy(
        PolicyStatement.Builder.create()
            .sid("ReadSlackWebhook")
            .actions(List.of("secretsmanager:GetSecretValue"))
            .resources(List.of(webhookSecretArn))
            .build());

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
