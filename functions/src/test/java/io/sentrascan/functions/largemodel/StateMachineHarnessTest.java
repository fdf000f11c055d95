package io.sentrascan.functions.largemodel;

import static org.assertj.core.api.Assertions.assertThat;

import com.adobe.testing.s3mock.junit5.S3MockExtension;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sentrascan.functions.scan.ScanTableDesign;
import io.sentrascan.functions.testing.AwsTestClients;
import io.sentrascan.functions.testing.Dynalite;
import io.sentrascan.functions.testing.LocalS3;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketAlreadyOwnedByYouException;

/**
 * The harness itself, proven with throwaway handlers ({@link StateMachineStubHandlers}): the
 * committed definition runs in aws-local-stepfunctions, its Task states reach the JVM, the emulated
 * Distributed Map reads the plan and batches it as the ItemBatcher says, and Retry and Catch act on
 * the error names a Java Lambda reports.
 */
@ExtendWith(Dynalite.class)
class StateMachineHarnessTest {
  @RegisterExtension static final S3MockExtension S3_MOCK = LocalS3.extension();

  private static final String MODELS = "sfn-stub-models";
  private static final String RESULTS = "sfn-stub-results";
  private static final AtomicLong TABLES = new AtomicLong();

  private static S3Client s3;
  private static DynamoDbClient dynamoDb;

  private StateMachineStubHandlers.Env env;
  private StateMachineHarness harness;

  @BeforeAll
  static void clients() {
    s3 = AwsTestClients.s3(LocalS3.endpoint(S3_MOCK));
    dynamoDb = AwsTestClients.dynamoDb(Dynalite.endpoint());
    for (String bucket : new String[] {MODELS, RESULTS}) {
      try {
        s3.createBucket(b -> b.bucket(bucket));
      } catch (BucketAlreadyOwnedByYouException e) {
        // S3Mock keeps its folder between classes
      }
    }
  }

  @BeforeEach
  void harness() throws IOException {
    String table = "sfn-stub-" + TABLES.incrementAndGet();
    dynamoDb.createTable(ScanTableDesign.createTableRequest(table));
    env = new StateMachineStubHandlers.Env(s3, dynamoDb, RESULTS, table);
    harness =
        new StateMachineHarness(s3)
            .function("PlanFunctionArn", () -> new StateMachineStubHandlers.Plan(env))
            .function("ScanChunkFunctionArn", () -> new StateMachineStubHandlers.ScanChunk(env))
            .function("AggregateFunctionArn", () -> new StateMachineStubHandlers.Aggregate(env));
  }

  @AfterEach
  void stop() {
    harness.close();
  }

  @Test
  void aFolderWithAMaliciousPickleRunsThroughEveryStateAndFails() throws Exception {
    String prefix = "stub-happy/";
    put(prefix + "model-00001-of-00003.pkl", resource("models/benign-model.pkl"));
    put(prefix + "model-00002-of-00003.pkl", resource("models/malicious-model.pkl"));
    put(prefix + "config.json", "{\"model_type\":\"test\"}".getBytes(UTF8));

    StateMachineHarness.Execution run = harness.run(request("stub-happy", prefix));

    assertThat(run.succeeded()).as("%s", run).isTrue();
    assertThat(harness.invocations("Plan")).hasSize(1);
    // three plan lines, one batch (MaxItemsPerBatch 16) with the shared BatchInput
    assertThat(harness.invocations("ScanChunk")).hasSize(1);
    assertThat(harness.invocations("ScanChunk").get(0).payload().path("Items")).hasSize(3);
    assertThat(harness.invocations("ScanChunk").get(0).payload().at("/BatchInput/scanId").asText())
        .isEqualTo("stub-happy");
    // the Map's ResultPath null: Aggregate sees the request and the plan, nothing else
    assertThat(harness.invocations("Aggregate").get(0).payload().fieldNames())
        .toIterable()
        .containsExactlyInAnyOrder("schemaVersion", "scanId", "bucket", "prefix", "plan");
    Map<String, AttributeValue> item = summary("stub-happy");
    assertThat(item.get("verdict").s()).isEqualTo("FAIL");
    assertThat(item.get("ruleIds").ss()).contains("PKL-001");
  }

  @Test
  void theItemBatcherCutsBatchesOfSixteen() throws Exception {
    String prefix = "stub-batches/";
    for (int i = 0; i < 20; i++) {
      put(prefix + "shard-" + i + ".txt", ("shard " + i).getBytes(UTF8));
    }

    StateMachineHarness.Execution run = harness.run(request("stub-batches", prefix));

    assertThat(run.succeeded()).as("%s", run).isTrue();
    assertThat(harness.invocations("ScanChunk"))
        .extracting(i -> i.payload().path("Items").size())
        .containsExactlyInAnyOrder(16, 4);
    assertThat(summary("stub-batches").get("verdict").s()).isEqualTo("PASS");
  }

  @Test
  void aChunkThatKeepsFailingIsRetriedThenTheScanIsRecordedAsError() throws Exception {
    String prefix = "stub-failing/";
    put(prefix + "a.txt", "a".getBytes(UTF8));
    env.transientFailures.put("c000001", new AtomicInteger(Integer.MAX_VALUE));

    StateMachineHarness.Execution run = harness.run(request("stub-failing", prefix));

    assertThat(run.succeeded()).as("%s", run).isTrue();
    // The stub's error is no retrier's by name: only the States.TaskFailed retrier (MaxAttempts 1)
    // applies, so one try and one retry.
    assertThat(harness.invocations("ScanChunk")).hasSize(2).allMatch(i -> i.failed());
    assertThat(run.retries("ScanChunk")).isEqualTo(1);
    Map<String, AttributeValue> item = summary("stub-failing");
    assertThat(item.get("verdict").s()).isEqualTo("ERROR");
    assertThat(item.get("error").s()).startsWith("States.ExceedToleratedFailureThreshold");
  }

  @Test
  void aReplayWritesNoSecondRecord() throws Exception {
    String prefix = "stub-replay/";
    put(prefix + "a.txt", "a".getBytes(UTF8));

    assertThat(harness.run(request("stub-replay", prefix)).output().path("written").asBoolean())
        .isTrue();
    StateMachineHarness.Execution replay = harness.run(request("stub-replay", prefix));

    assertThat(replay.output().path("written").asBoolean()).isFalse();
  }

  private static ObjectNode request(String scanId, String prefix) {
    ObjectNode r = JsonNodeFactory.instance.objectNode();
    r.put("schemaVersion", "1.0").put("scanId", scanId).put("bucket", MODELS);
    r.put("prefix", prefix);
    return r;
  }

  private Map<String, AttributeValue> summary(String scanId) {
    return dynamoDb
        .getItem(
            b ->
                b.tableName(env.table).key(ScanTableDesign.summaryKey(scanId)).consistentRead(true))
        .item();
  }

  private static void put(String key, byte[] data) {
    s3.putObject(b -> b.bucket(MODELS).key(key), RequestBody.fromBytes(data));
  }

  private static byte[] resource(String name) throws IOException {
    try (InputStream in = StateMachineHarnessTest.class.getResourceAsStream("/" + name)) {
      if (in == null) {
        throw new IllegalArgumentException("no test resource " + name);
      }
      return in.readAllBytes();
    }
  }

  private static final java.nio.charset.Charset UTF8 = java.nio.charset.StandardCharsets.UTF_8;
}
