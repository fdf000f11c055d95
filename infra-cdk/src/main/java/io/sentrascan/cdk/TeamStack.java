package io.sentrascan.cdk;

import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.Tags;
import software.constructs.Construct;

/**
 * One team's stack, {@code SentraScan-<team>}: a {@link ModelScanPipeline} configured by context.
 */
public final class TeamStack extends Stack {
  private final ModelScanPipeline pipeline;

  public TeamStack(Construct scope, TeamConfig config, StackProps props) {
    super(scope, config.stackName(), props);
    this.pipeline =
        new ModelScanPipeline(
            this,
            "Pipeline",
            ModelScanPipelineProps.builder()
                .failOn(config.failOn())
                .slackWebhookSecretArn(config.slackSecretArn())
                .quarantine(config.quarantine())
                .reservedConcurrency(config.reservedConcurrency())
                .apiAuthorization(config.apiAuthorization())
                .apiRateLimit(config.apiRateLimit())
                .apiBurstLimit(config.apiBurstLimit())
                .recordRetentionDays(config.recordRetentionDays())
                .build());
    Tags.of(this).add("sentrascan:team", config.team());
  }

  public ModelScanPipeline getPipeline() {
    return pipeline;
  }
}
