package io.sentrascan.functions.scan;

import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.sfn.SfnClient;

/**
 * SDK clients as the function builds them from its environment: region, credentials and endpoint
 * come from the SDK's default chains ({@code AWS_REGION}, the Lambda role, {@code AWS_ENDPOINT_URL}
 * for LocalStack), the HTTP client is always url-connection (the only one in the Lambda jar), and
 * retries use the SDK's standard mode. Nothing here contacts AWS: clients resolve credentials on
 * their first call, so they can be built before a SnapStart checkpoint.
 */
public final class AwsClients {
  private AwsClients() {}

  private static ClientOverrideConfiguration overrides() {
    return ClientOverrideConfiguration.builder().retryStrategy(RetryMode.STANDARD).build();
  }

  public static S3Client s3(boolean pathStyle) {
    return S3Client.builder()
        .httpClientBuilder(UrlConnectionHttpClient.builder())
        .overrideConfiguration(overrides())
        .forcePathStyle(pathStyle)
        .build();
  }

  public static DynamoDbClient dynamoDb() {
    return DynamoDbClient.builder()
        .httpClientBuilder(UrlConnectionHttpClient.builder())
        .overrideConfiguration(overrides())
        .build();
  }

  /** Step Functions, for the scan function's hand-off to the large-model workflow. */
  public static SfnClient sfn() {
    return SfnClient.builder()
        .httpClientBuilder(UrlConnectionHttpClient.builder())
        .overrideConfiguration(overrides())
        .build();
  }

  /** Secrets Manager, for the query API's page-token key. */
  public static SecretsManagerClient secretsManager() {
    return SecretsManagerClient.builder()
        .httpClientBuilder(UrlConnectionHttpClient.builder())
        .overrideConfiguration(overrides())
        .build();
  }

  public static EventBridgeClient eventBridge() {
    return EventBridgeClient.builder()
        .httpClientBuilder(UrlConnectionHttpClient.builder())
        .overrideConfiguration(overrides())
        .build();
  }
}
