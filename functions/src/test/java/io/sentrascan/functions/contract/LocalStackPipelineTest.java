package io.sentrascan.functions.contract;

import java.net.URI;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.localstack.LocalStackContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * The pipeline contract on LocalStack in Docker (S3 and DynamoDB; EventBridge stays the recording
 * server so the events can be checked). Without a Docker engine JUnit disables the class and
 * Surefire reports its tests as skipped: never as passed.
 */
@Testcontainers(disabledWithoutDocker = true)
class LocalStackPipelineTest extends PipelineContractTest {
  /** A pinned community image: the same LocalStack on every machine that runs this. */
  static final DockerImageName IMAGE = DockerImageName.parse("localstack/localstack:4.4.0");

  @Container
  static final LocalStackContainer LOCALSTACK =
      new LocalStackContainer(IMAGE).withServices("s3", "dynamodb");

  @Override
  protected URI s3Endpoint() {
    return LOCALSTACK.getEndpoint();
  }

  @Override
  protected URI dynamoDbEndpoint() {
    return LOCALSTACK.getEndpoint();
  }
}
