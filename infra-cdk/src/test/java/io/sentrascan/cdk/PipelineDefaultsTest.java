package io.sentrascan.cdk;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.assertions.Annotations;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

/** The construct with its defaults: no quarantine, no reserved concurrency, no Slack notifier. */
class PipelineDefaultsTest {
  @Test
  void defaults() {
    App app = new App();
    Stack stack = new Stack(app, "Defaults");
    ModelScanPipeline pipeline = new ModelScanPipeline(stack, "P");
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
    // Without a webhook secret there is no notifier: no rule, no notifier function, and the only
    // secret read is the query function's page-token key.
    assertThat(pipeline.getNotifierFunctionAlias()).isNull();
    // The scan and query functions, the three large-model functions, CDK's notifications handler.
    template.resourceCountIs("AWS::Lambda::Function", 6);
    template.resourceCountIs("AWS::Events::Rule", 0);
    template.resourceCountIs("AWS::SQS::Queue", 1);
    assertThat(template.toJSON().toString()).doesNotContain(NotifierFunction.HANDLER);
    String json = template.toJSON().toString();
    assertThat(json.split("secretsmanager:GetSecretValue", -1)).hasSize(2);
    // Scan errors, its dead letters, large-model workflow failures.
    template.resourceCountIs("AWS::CloudWatch::Alarm", 3);
    // The API takes no API key unless asked: IAM authorization, no usage plan.
    template.resourceCountIs("AWS::ApiGateway::UsagePlan", 0);
    template.resourceCountIs("AWS::ApiGateway::ApiKey", 0);
    Annotations.fromStack(stack).hasNoWarning("*", Match.anyValue());
  }
}
