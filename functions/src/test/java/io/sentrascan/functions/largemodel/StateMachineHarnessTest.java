package io.sentrascan.functions.largemodel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.adobe.testing.s3mock.junit5.S3MockExtension;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sentrascan.events.EventJson;
import io.sentrascan.functions.testing.AwsTestClients;
import io.sentrascan.functions.testing.LocalS3;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketAlreadyOwnedByYouException;

/**
 * The harness and the runner's emulation of what aws-local-stepfunctions lacks, on a test-only
 * definition ({@code statemachine/emulated-distributed-map.asl.json}): the ItemReader reads the
 * JSON Lines from the local S3 server, the ItemBatcher cuts batches with the shared BatchInput, the
 * Map's results keep the item order, and failures surface under the names a Map Run gives them, for
 * the interpreted Catch. Without the interpreter or node, the tests fail with the fix.
 */
class StateMachineHarnessTest {
  @RegisterExtension static final S3MockExtension S3_MOCK = LocalS3.extension();

  private static final String BUCKET = "sfn-harness";
  private static final Path DEFINITION =
      Paths.get(System.getProperty("sentrascan.repoRoot", ".."))
          .resolve("functions/src/test/resources/statemachine/emulated-distributed-map.asl.json");

  private static S3Client s3;

  @BeforeAll
  static void bucket() {
    s3 = AwsTestClients.s3(LocalS3.endpoint(S3_MOCK));
    try {
      s3.createBucket(b -> b.bucket(BUCKET));
    } catch (BucketAlreadyOwnedByYouException e) {
      // S3Mock keeps its folder between classes
    }
  }

  /** A function that answers each batch with its tag and item numbers; item 4 fails if asked. */
  static final class Echo implements RequestHandler<Map<String, Object>, Map<String, Object>> {
    private final boolean failOnFour;

    Echo(boolean failOnFour) {
      this.failOnFour = failOnFour;
    }

    @Override
    @SuppressWarnings("unchecked") // the batch as the runtime maps JSON: maps and lists
    public Map<String, Object> handleRequest(Map<String, Object> batch, Context context) {
      List<Map<String, Object>> items = (List<Map<String, Object>>) batch.get("Items");
      List<Object> numbers = items.stream().map(i -> i.get("n")).toList();
      if (failOnFour && numbers.contains(4)) {
        throw new IllegalStateException("item 4 is broken");
      }
      Map<String, Object> input = (Map<String, Object>) batch.get("BatchInput");
      return Map.of("tag", input.get("tag"), "items", numbers);
    }
  }

  @Test
  void theItemReaderAndItemBatcherFeedTheProcessorInOrder() throws Exception {
    putLines("five.jsonl", 5);
    try (StateMachineHarness harness = harness(false)) {
      StateMachineHarness.Execution run = harness.run(DEFINITION, input("five.jsonl"));

      assertThat(run.succeeded()).as("%s", run).isTrue();
      assertThat(run.output().path("results"))
          .isEqualTo(
              EventJson.tree(
                  "[{\"tag\":\"t\",\"items\":[1,2]},{\"tag\":\"t\",\"items\":[3,4]},"
                      + "{\"tag\":\"t\",\"items\":[5]}]"));
      assertThat(harness.invocations("Work")).hasSize(3);
      assertThat(run.events())
          .anyMatch(e -> e.path("type").asText().equals("MapRunStarted"))
          .anyMatch(e -> e.path("batches").asInt() == 3);
    }
  }

  @Test
  void aFailedBatchFailsTheMapWithTheMapRunErrorForTheCatch() throws Exception {
    putLines("failing.jsonl", 5);
    try (StateMachineHarness harness = harness(true)) {
      StateMachineHarness.Execution run = harness.run(DEFINITION, input("failing.jsonl"));

      assertThat(run.succeeded()).as("%s", run).isTrue();
      assertThat(run.output().at("/failure/Error").asText())
          .isEqualTo("States.ExceedToleratedFailureThreshold");
      assertThat(run.output().has("results")).isFalse();
      // The batch's own error, as the Java runtime reports it, is on the invocation.
      assertThat(harness.invocations("Work"))
          .anyMatch(i -> "java.lang.IllegalStateException".equals(i.errorType()));
    }
  }

  @Test
  void aMissingItemSourceIsAnItemReaderFailure() throws Exception {
    try (StateMachineHarness harness = harness(false)) {
      StateMachineHarness.Execution run = harness.run(DEFINITION, input("no-such-plan.jsonl"));

      assertThat(run.output().at("/failure/Error").asText()).isEqualTo("States.ItemReaderFailed");
      assertThat(harness.invocations()).isEmpty();
    }
  }

  @Test
  void aMissingInterpreterFailsWithTheInstallCommand(@TempDir Path emptyRepo) throws Exception {
    try (StateMachineHarness harness = new StateMachineHarness(emptyRepo, "node", s3)) {
      assertThatThrownBy(() -> harness.run(input("x")))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("aws-local-stepfunctions is not installed at")
          .hasMessageContaining("npm ci --prefix .ci/node");
    }
  }

  @Test
  void aMissingNodeFailsSayingNodeIsNeeded(@TempDir Path repo) throws Exception {
    Files.createDirectories(repo.resolve(StateMachineHarness.INTERPRETER));
    try (StateMachineHarness harness =
        new StateMachineHarness(repo, "node-that-does-not-exist", s3)) {
      assertThatThrownBy(() -> harness.run(input("x")))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("cannot run node-that-does-not-exist")
          .hasMessageContaining("Node.js (20 or newer) must be on the PATH");
    }
  }

  private static StateMachineHarness harness(boolean failOnFour) throws Exception {
    return new StateMachineHarness(s3).function("ScanChunkFunctionArn", () -> new Echo(failOnFour));
  }

  private static JsonNode input(String key) {
    ObjectNode input = JsonNodeFactory.instance.objectNode();
    return input.put("bucket", BUCKET).put("key", key).put("tag", "t");
  }

  private static void putLines(String key, int n) {
    StringBuilder lines = new StringBuilder();
    for (int i = 1; i <= n; i++) {
      lines.append("{\"n\":").append(i).append("}\n");
    }
    s3.putObject(b -> b.bucket(BUCKET).key(key), RequestBody.fromString(lines.toString()));
  }
}
