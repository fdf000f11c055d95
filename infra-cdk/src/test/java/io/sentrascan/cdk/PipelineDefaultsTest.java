package io.sentrascan.cdk;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.assertions.Annotations;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

/** The construct with its defaults (no quarantine, no reserved concurrency) and a Slack secret. */
class PipelineDefaultsTest {
  private static final String SLACK =
      "arn:aws:secretsmanager:eu-west-1:111122223333:secret:slack-AbCdEf";

  @Test
  void defaultsAndTheSlackExtensionPoint() {
    App app = new App();
    Stack stack = new Stack(app, "Defaults");
    ModelScanPipeline pipeline =
        new ModelScanPipeline(
            stack, "P", ModelScanPipelineProps.builder().slackWebhookSecretArn(SLACK).build());
    Template template = Template.fromStack(stack);

    assertThat(pipeline.getSourceBucket()).isNotNull();
    assertThat(template.toJSON().toString()).doesNotContain("QuarantineUntilScannedPass");
    template.hasResourceProperties(
        "AWS::Lambda::Function",
        Map.of(
            "Handler",
            ScanFunction.HANDLER,
            "ReservedConcurrentExecutions",
            Match.absent(),
            "MemorySize",
            ModelScanPipelineProps.DEFAULT_SCAN_MEMORY_MB));
    // Nothing reads the secret until the Slack notifier exists, and synthesis says so.
    Annotations.fromStack(stack)
        .hasWarning("/Defaults/P", Match.stringLikeRegexp(".*Slack notifier is not built yet.*"));
  }
}
