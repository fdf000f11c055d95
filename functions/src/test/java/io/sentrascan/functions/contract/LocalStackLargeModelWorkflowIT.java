package io.sentrascan.functions.contract;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.sentrascan.events.EventJson;
import io.sentrascan.events.LargeScanRequest;
import io.sentrascan.functions.scan.ScanConfig;
import io.sentrascan.functions.scan.ScanTableDesign;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.Container.ExecResult;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.localstack.LocalStackContainer;
import org.testcontainers.utility.MountableFile;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionListItem;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;

/**
 * The large-model state machine executed by LocalStack's Step Functions (issue #7), over the three
 * large-model functions running the built jar ({@code functions/target/sentrascan-functions.jar})
 * in LocalStack's Lambda. Everything is deployed by {@code localstack/setup.sh} itself, run inside
 * the LocalStack container with the {@code awslocal} the image ships (the script, the jar and the
 * committed definition {@code events/.../statemachine/large-model-scan.asl.json} are copied in; the
 * script substitutes the three function ARNs as the CDK app does), so the test also proves the
 * script. Small {@code HASH_SHARD_BYTES} and {@code BATCH_FILE_BYTES} turn a small folder into many
 * chunks and batches of the distributed Map.
 *
 * <p><b>Skipped here, never run by us.</b> It needs a Docker engine (LocalStack, and the Lambda
 * containers LocalStack starts through the Docker socket Testcontainers mounts); the build machines
 * have none, so {@code @Testcontainers(disabledWithoutDocker = true)} disables the class and
 * Failsafe reports its tests as skipped, never as passed. It runs in the {@code integration-test}
 * phase (Failsafe: {@code *IT}) because it needs the packaged jar. The engine that executes the
 * state machine in every build is aws-local-stepfunctions ({@code LargeModelStateMachineTest});
 * this class is where LocalStack's own interpreter, with its real distributed Map, ItemReader and
 * ItemBatcher, would run it. Written against LocalStack 4.4.0's documented APIs but never executed:
 * expect to adjust waits or settings on its first run.
 */
@Testcontainers(disabledWithoutDocker = true)
class LocalStackLargeModelWorkflowIT {
  private static final Path REPO = Path.of(System.getProperty("sentrascan.repoRoot", ".."));
  private static final Path JAR =
      Path.of(
          System.getProperty(
              "sentrascan.functionsJar",
              REPO.resolve("functions/target/sentrascan-functions.jar").toString()));
  private static final String DEFINITION =
      "events/src/main/resources/statemachine/large-model-scan.asl.json";
  private static final String ROOT = "/opt/sentrascan/";

  /** setup.sh's defaults (localstack/env.sh). */
  private static final String MODELS = "sentrascan-models";

  private static final String TABLE = "sentrascan-scans";
  private static final String STATE_MACHINE = "sentrascan-large-model-scan";

  /** Lambda cold starts in containers are slow; an execution that takes longer has hung. */
  private static final long EXECUTION_WAIT_MILLIS = 10 * 60 * 1000L;

  /** The folder of LargeModelStateMachineTest: model-00002 is a zip with a malicious pickle. */
  private static final Map<String, String> FILES = new LinkedHashMap<>();

  static {
    FILES.put("config.json", "hfconfig/benign-llama3-config.json");
    FILES.put("README.md", "modelcard/benign-complete-README.md");
    FILES.put("model-00001-of-00003.safetensors", "safetensors/benign-linear.safetensors");
    FILES.put("model-00002-of-00003.bin", "pytorch/malicious-extra-pkl-entry.pt");
    FILES.put("model-00003-of-00003.bin", "pytorch/benign-state-dict.pt");
  }

  @Container
  static final LocalStackContainer LOCALSTACK =
      new LocalStackContainer(LocalStackPipelineTest.IMAGE)
          .withServices(
              "s3", "dynamodb", "lambda", "stepfunctions", "events", "secretsmanager", "iam")
          .withCopyFileToContainer(
              MountableFile.forHostPath(JAR), ROOT + "functions/target/sentrascan-functions.jar")
          .withCopyFileToContainer(
              MountableFile.forHostPath(REPO.resolve("localstack")), ROOT + "localstack")
          .withCopyFileToContainer(
              MountableFile.forHostPath(REPO.resolve(DEFINITION)), ROOT + DEFINITION);

  private static S3Client s3;
  private static DynamoDbClient dynamoDb;
  private static SfnClient sfn;
  private static String stateMachineArn;

  @BeforeAll
  static void deployWithTheSetupScript() throws Exception {
    ExecResult setup =
        LOCALSTACK.execInContainer(
            "bash",
            "-c",
            "cd "
                + ROOT
                + " && AWS_DEFAULT_REGION="
                + LOCALSTACK.getRegion()
                + " HASH_SHARD_BYTES=250 BATCH_FILE_BYTES=700 CHUNK_PARALLELISM=2"
                + " bash localstack/setup.sh");
    assertThat(setup.getExitCode())
        .as("setup.sh: %s%n%s", setup.getStdout(), setup.getStderr())
        .isZero();
    Region region = Region.of(LOCALSTACK.getRegion());
    StaticCredentialsProvider credentials =
        StaticCredentialsProvider.create(
            AwsBasicCredentials.create(LOCALSTACK.getAccessKey(), LOCALSTACK.getSecretKey()));
    s3 =
        S3Client.builder()
            .endpointOverride(LOCALSTACK.getEndpoint())
            .forcePathStyle(true)
            .region(region)
            .credentialsProvider(credentials)
            .build();
    dynamoDb =
        DynamoDbClient.builder()
            .endpointOverride(LOCALSTACK.getEndpoint())
            .region(region)
            .credentialsProvider(credentials)
            .build();
    sfn =
        SfnClient.builder()
            .endpointOverride(LOCALSTACK.getEndpoint())
            .region(region)
            .credentialsProvider(credentials)
            .build();
    stateMachineArn =
        sfn.listStateMachines().stateMachines().stream()
            .filter(m -> m.name().equals(STATE_MACHINE))
            .findFirst()
            .orElseThrow(() -> new AssertionError("setup.sh created no " + STATE_MACHINE))
            .stateMachineArn();
  }

  @Test
  void aShardedFolderWithAMaliciousPickleIsRecordedAsFail() throws Exception {
    String prefix = "lm-it-direct/";
    uploadFolder(prefix);
    String scanId =
        UUID.nameUUIDFromBytes(prefix.getBytes(java.nio.charset.StandardCharsets.UTF_8)).toString();

    String executionArn =
        sfn.startExecution(
                b ->
                    b.stateMachineArn(stateMachineArn)
                        .name(scanId)
                        .input(EventJson.write(LargeScanRequest.forPrefix(scanId, MODELS, prefix))))
            .executionArn();
    DescribeExecutionResponse done = awaitEnd(executionArn);

    assertThat(done.status()).as("%s", done).isEqualTo(ExecutionStatus.SUCCEEDED);
    assertThat(EventJson.tree(done.output()).path("verdict").asText()).isEqualTo("FAIL");
    assertFolderRecordIsFail(scanId, prefix);
  }

  @Test
  void theFolderMarkerUploadStartsTheWorkflowThroughTheScanFunction() throws Exception {
    String prefix = "lm-it-marker/";
    uploadFolder(prefix);
    s3.putObject(
        b -> b.bucket(MODELS).key(prefix + ScanConfig.DEFAULT_FOLDER_MARKER), RequestBody.empty());

    // The S3 notification invokes the scan function, which starts the execution: find it.
    ExecutionListItem execution = awaitExecutionFor(prefix);
    DescribeExecutionResponse done = awaitEnd(execution.executionArn());

    assertThat(done.status()).as("%s", done).isEqualTo(ExecutionStatus.SUCCEEDED);
    JsonNode output = EventJson.tree(done.output());
    assertThat(output.path("verdict").asText()).isEqualTo("FAIL");
    assertFolderRecordIsFail(execution.name(), prefix);
  }

  private static void uploadFolder(String prefix) {
    FILES.forEach(
        (name, fixture) ->
            s3.putObject(
                b -> b.bucket(MODELS).key(prefix + name), RequestBody.fromBytes(fixture(fixture))));
  }

  private static void assertFolderRecordIsFail(String scanId, String prefix) {
    Map<String, AttributeValue> item =
        dynamoDb
            .getItem(
                b ->
                    b.tableName(TABLE).key(ScanTableDesign.summaryKey(scanId)).consistentRead(true))
            .item();
    assertThat(item).as("the folder's scan record").isNotEmpty();
    assertThat(item.get("verdict").s()).isEqualTo("FAIL");
    assertThat(item.get("key").s()).isEqualTo(prefix);
    assertThat(item).doesNotContainKey("reason");
  }

  private static DescribeExecutionResponse awaitEnd(String executionArn)
      throws InterruptedException {
    long deadline = System.currentTimeMillis() + EXECUTION_WAIT_MILLIS;
    DescribeExecutionResponse d = sfn.describeExecution(b -> b.executionArn(executionArn));
    while (d.status() == ExecutionStatus.RUNNING && System.currentTimeMillis() < deadline) {
      Thread.sleep(2000);
      d = sfn.describeExecution(b -> b.executionArn(executionArn));
    }
    return d;
  }

  private static ExecutionListItem awaitExecutionFor(String prefix) throws Exception {
    long deadline = System.currentTimeMillis() + EXECUTION_WAIT_MILLIS;
    while (System.currentTimeMillis() < deadline) {
      for (ExecutionListItem e :
          sfn.listExecutions(b -> b.stateMachineArn(stateMachineArn)).executions()) {
        Optional<String> input =
            Optional.ofNullable(
                sfn.describeExecution(b -> b.executionArn(e.executionArn())).input());
        if (input.isPresent()
            && prefix.equals(EventJson.tree(input.get()).path("prefix").asText(null))) {
          return e;
        }
      }
      Thread.sleep(2000);
    }
    throw new AssertionError("the scan function started no execution for " + prefix);
  }

  private static byte[] fixture(String path) {
    try {
      return Files.readAllBytes(REPO.resolve("shared-scanner/src/test/resources/fixtures/" + path));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
