package io.sentrascan.cdk;

import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Aws;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.kms.Key;
import software.constructs.Construct;

/**
 * The pipeline's customer-managed KMS key: buckets, table, queue, topic and log group are encrypted
 * with it. Rotation is on. Besides the account (CDK's default key policy), only the two services
 * that encrypt on the pipeline's behalf without a role of ours may use it: CloudWatch Logs for the
 * function's log group, and CloudWatch alarms publishing to the encrypted topic.
 */
final class PipelineKey {
  private PipelineKey() {}

  static Key create(Construct scope, RemovalPolicy removalPolicy) {
    Key key =
        Key.Builder.create(scope, "Key")
            .description("SentraScan pipeline: buckets, scan table, queue, topic and logs")
            .enableKeyRotation(true)
            .removalPolicy(removalPolicy)
            .build();
    key.addToResourcePolicy(
        PolicyStatement.Builder.create()
            .sid("CloudWatchLogsOfThisAccount")
            .principals(List.of(new ServicePrincipal("logs." + Aws.REGION + ".amazonaws.com")))
            .actions(
                List.of(
                    "kms:Encrypt*",
                    "kms:Decrypt*",
                    "kms:ReEncrypt*",
                    "kms:GenerateDataKey*",
                    "kms:Describe*"))
            .resources(List.of("*"))
            .conditions(
                Map.of(
                    "ArnLike",
                    Map.of(
                        "kms:EncryptionContext:aws:logs:arn",
                        "arn:"
                            + Aws.PARTITION
                            + ":logs:"
                            + Aws.REGION
                            + ":"
                            + Aws.ACCOUNT_ID
                            + ":log-group:*")))
            .build());
    key.addToResourcePolicy(
        PolicyStatement.Builder.create()
            .sid("CloudWatchAlarmsToTheEncryptedTopic")
            .principals(List.of(new ServicePrincipal("cloudwatch.amazonaws.com")))
            .actions(List.of("kms:Decrypt", "kms:GenerateDataKey*"))
            .resources(List.of("*"))
            .conditions(Map.of("StringEquals", Map.of("aws:SourceAccount", Aws.ACCOUNT_ID)))
            .build());
    return key;
  }
}
