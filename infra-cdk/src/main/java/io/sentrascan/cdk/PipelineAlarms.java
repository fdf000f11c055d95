package io.sentrascan.cdk;

import java.util.Map;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.cloudwatch.Alarm;
import software.amazon.awscdk.services.cloudwatch.ComparisonOperator;
import software.amazon.awscdk.services.cloudwatch.MathExpression;
import software.amazon.awscdk.services.cloudwatch.MetricOptions;
import software.amazon.awscdk.services.cloudwatch.TreatMissingData;
import software.amazon.awscdk.services.cloudwatch.actions.SnsAction;
import software.amazon.awscdk.services.kms.IKey;
import software.amazon.awscdk.services.sns.Topic;
import software.amazon.awscdk.services.sqs.IQueue;
import software.amazon.awscdk.services.stepfunctions.IStateMachine;
import software.constructs.Construct;

/**
 * The alarm topic (encrypted, TLS only) and the alarms that publish to it: any scan function error
 * in five minutes, and any message in the dead-letter queue. Subscribe people or a chat bridge to
 * the topic after deployment. The notifier's errors and dead letters and the large-model workflow's
 * failed, timed-out and aborted executions alarm here too.
 */
final class PipelineAlarms {
  private final Topic topic;
  private final Alarm functionErrors;
  private final Alarm deadLetters;

  PipelineAlarms(Construct scope, IKey key, ScanFunction scan) {
    this.topic =
        Topic.Builder.create(scope, "AlarmTopic")
            .displayName("SentraScan alarms")
            .masterKey(key)
            .enforceSsl(true)
            .build();
    SnsAction toTopic = new SnsAction(topic);
    MetricOptions fiveMinuteSum =
        MetricOptions.builder().period(Duration.minutes(5)).statistic("Sum").build();
    this.functionErrors =
        Alarm.Builder.create(scope, "ScanFunctionErrors")
            .alarmDescription(
                "The scan function failed an invocation: Lambda retries it, then dead-letters it")
            .metric(scan.function().metricErrors(fiveMinuteSum))
            .threshold(1)
            .evaluationPeriods(1)
            .comparisonOperator(ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD)
            .treatMissingData(TreatMissingData.NOT_BREACHING)
            .build();
    this.deadLetters =
        deadLetterDepth(
            scope,
            "ScanDeadLetters",
            "Upload events the scan function could not handle are waiting for replay",
            scan.deadLetterQueue());
    functionErrors.addAlarmAction(toTopic);
  }

  /** Alarms as soon as one message waits in {@code queue}; publishes to the topic. */
  Alarm deadLetterDepth(Construct scope, String id, String description, IQueue queue) {
    Alarm alarm =
        Alarm.Builder.create(scope, id)
            .alarmDescription(description)
            .metric(
                queue.metricApproximateNumberOfMessagesVisible(
                    MetricOptions.builder()
                        .period(Duration.minutes(5))
                        .statistic("Maximum")
                        .build()))
            .threshold(1)
            .evaluationPeriods(1)
            .comparisonOperator(ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD)
            .treatMissingData(TreatMissingData.NOT_BREACHING)
            .build();
    alarm.addAlarmAction(new SnsAction(topic));
    return alarm;
  }

  /**
   * Alarms on any large-model execution that failed, timed out or was aborted in five minutes (one
   * alarm on their sum). Aggregate records an ERROR verdict for a failed plan or chunk, so an
   * execution that still fails means a model may have no scan record at all.
   */
  Alarm workflowFailures(Construct scope, IStateMachine stateMachine) {
    MetricOptions fiveMinuteSum =
        MetricOptions.builder().period(Duration.minutes(5)).statistic("Sum").build();
    Alarm alarm =
        Alarm.Builder.create(scope, "LargeModelWorkflowFailures")
            .alarmDescription(
                "A large-model scan execution failed, timed out or was aborted: the model may have"
                    + " no scan record")
            .metric(
                MathExpression.Builder.create()
                    .expression("failed + timedOut + aborted")
                    .usingMetrics(
                        Map.of(
                            "failed", stateMachine.metricFailed(fiveMinuteSum),
                            "timedOut", stateMachine.metricTimedOut(fiveMinuteSum),
                            "aborted", stateMachine.metricAborted(fiveMinuteSum)))
                    .period(Duration.minutes(5))
                    .label("Failed, timed-out and aborted executions")
                    .build())
            .threshold(1)
            .evaluationPeriods(1)
            .comparisonOperator(ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD)
            .treatMissingData(TreatMissingData.NOT_BREACHING)
            .build();
    alarm.addAlarmAction(new SnsAction(topic));
    return alarm;
  }

  /**
   * Alarms on any error of the notifier function in five minutes: a Slack alert did not go out
   * (yet); Lambda retries it, then dead-letters the event.
   */
  Alarm notifierErrors(Construct scope, NotifierFunction notifier) {
    Alarm alarm =
        Alarm.Builder.create(scope, "NotifierFunctionErrors")
            .alarmDescription(
                "The Slack notifier failed an invocation: Lambda retries it, then dead-letters it")
            .metric(
                notifier
                    .function()
                    .metricErrors(
                        MetricOptions.builder()
                            .period(Duration.minutes(5))
                            .statistic("Sum")
                            .build()))
            .threshold(1)
            .evaluationPeriods(1)
            .comparisonOperator(ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD)
            .treatMissingData(TreatMissingData.NOT_BREACHING)
            .build();
    alarm.addAlarmAction(new SnsAction(topic));
    return alarm;
  }

  Topic topic() {
    return topic;
  }

  Alarm functionErrors() {
    return functionErrors;
  }

  Alarm deadLetters() {
    return deadLetters;
  }
}
