package io.sentrascan.cdk;

import io.github.cdklabs.cdknag.AwsSolutionsChecks;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Aspects;
import software.amazon.awscdk.Environment;
import software.amazon.awscdk.StackProps;

/**
 * The CDK app ({@code cdk.json} runs it): one {@link TeamStack} named and configured by context
 * (see {@link TeamConfig}), deployed to the account and region of the CLI's credentials, with the
 * cdk-nag {@code AwsSolutions} checks run at synthesis.
 */
public final class SentraScanApp {
  private SentraScanApp() {}

  /** Builds the app; {@code main} synthesizes it. */
  public static App build(App app) {
    TeamConfig config = TeamConfig.fromContext(key -> app.getNode().tryGetContext(key));
    new TeamStack(
        app,
        config,
        StackProps.builder()
            .description("SentraScan model-scanning pipeline for team " + config.team())
            .env(
                Environment.builder()
                    .account(System.getenv("CDK_DEFAULT_ACCOUNT"))
                    .region(System.getenv("CDK_DEFAULT_REGION"))
                    .build())
            .build());
    Aspects.of(app).add(new AwsSolutionsChecks());
    return app;
  }

  public static void main(String[] args) {
    build(new App()).synth();
  }
}
