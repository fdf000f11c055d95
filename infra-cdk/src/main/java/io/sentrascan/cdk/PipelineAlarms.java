package io.sentrascan.cdk;

import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.cloudwatch.Alarm;
import software.amazon.awscdk.services.cloudwatch.ComparisonOperator;
import software.amazon.awscdk.services.cloudwatch.MetricOptions;
import software.amazon.awscdk.services.cloudwatch.TreatMissingData;
import software.amazon.awscdk.services.cloudwatch.actions.SnsAction;
import software.amazon.awscdk.services.kms.IKey;
import software.amazon.awscdk.services.sns.Topic;
import software.constructs.Construct;

/**
 * The alarm topic (encrypted, TLS only) and the alarms that publish to it: any scan function error
 * in five minutes, and any message in the dead-letter queue. Subscribe people or a chat bridge to
 * the topic after deployment; the large-model workflow's failures will get an alarm here too.
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
        Alarm.Builder.create(scope, "ScanDeadLetters")
            .alarmDescription(
                "Upload events the scan function could not handle are waiting for replay")
            .metric(
                scan.deadLetterQueue()
                    .metricApproximateNumberOfMessagesVisible(
                        MetricOptions.builder()
                            .period(Duration.minutes(5))
                            .statistic("Maximum")
                            .build()))
            .threshold(1)
            .evaluationPeriods(1)
            .comparisonOperator(ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD)
            .treatMissingData(TreatMissingData.NOT_BREACHING)
            .build();
    functionErrors.addAlarmAction(toTopic);
    deadLetters.addAlarmAction(toTopic);
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
