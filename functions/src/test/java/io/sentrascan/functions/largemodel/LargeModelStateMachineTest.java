package io.sentrascan.functions.largemodel;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.sentrascan.events.EventJson;
import io.sentrascan.events.LargeScanRequest;
import io.sentrascan.scanner.ScanResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The committed state machine executed by aws-local-stepfunctions with the real Plan, ScanChunk and
 * Aggregate handlers behind its Task states (see {@link StateMachineHarness}; the Distributed Map's
 * ItemReader and ItemBatcher are emulated by the runner, its ItemProcessor, every Retry, Catch and
 * data path are interpreted). Against S3Mock, dynalite and the recording EventBridge.
 *
 * <p>How often a failing task is tried is not written into these tests: it is read from the
 * definition's Retry fields for the error name the Java runtime reports ({@link #attempts}), so the
 * tests keep proving "retried as the definition says" when the definition changes.
 */
class LargeModelStateMachineTest extends LargeModelTestBase {
  private static final String MALICIOUS_SHARD = "model-00002-of-00003.bin";

  /** A sharded model folder: one shard (model-00002) is a PyTorch zip with a malicious pickle. */
  private static final Map<String, String> FILES =
      Map.of(
          "config.json",
          "hfconfig/benign-llama3-config.json",
          "README.md",
          "modelcard/benign-complete-README.md",
          "model-00001-of-00003.safetensors",
          "safetensors/benign-linear.safetensors",
          MALICIOUS_SHARD,
          "pytorch/malicious-extra-pkl-entry.pt",
          "model-00003-of-00003.bin",
          "pytorch/benign-state-dict.pt",
          "model.gguf",
          "gguf/benign-llama3-chat.gguf");

  private StateMachineS3Faults faults;
  private StateMachineHarness harness;
  private String prefix;
  private LargeScanRequest request;

  @BeforeEach
  void harness() throws IOException {
    faults = new StateMachineS3Faults();
    S3Client chunkS3 = faults.client(s3.serviceClientConfiguration().endpointOverride().get());
    // Small limits, so that the folder becomes many chunks (whole files, structure scans and hash
    // shards) in several batches, as a multi-gigabyte model does.
    LargeModelConfig cfg = largeConfig(700, 250);
    harness =
        new StateMachineHarness(s3)
            .function("PlanFunctionArn", () -> planHandler(cfg))
            .function("ScanChunkFunctionArn", () -> new ScanChunkHandler(chunkS3, testEngine()))
            .function("AggregateFunctionArn", () -> aggregateHandler(cfg));
    prefix = "sfn-" + table + "/";
    FILES.forEach((name, fixture) -> upload(prefix + name, fixture(fixture)));
    request = LargeScanRequest.forPrefix("scan-" + table, MODELS, prefix);
  }

  @AfterEach
  void stop() {
    harness.close();
  }

  @Test
  void aShardedFolderWithAMaliciousPickleIsRecordedOnceAsFail() throws Exception {
    StateMachineHarness.Execution run = harness.run(input());

    assertThat(run.succeeded()).as("%s", run).isTrue();
    assertThat(run.output().path("verdict").asText()).isEqualTo("FAIL");
    assertThat(harness.invocations("Plan")).hasSize(1);
    assertThat(harness.invocations("ScanChunk")).hasSizeGreaterThan(1).noneMatch(i -> i.failed());
    assertThat(harness.invocations("Aggregate")).hasSize(1);
    // The batches the ItemBatcher cut hold every plan line once.
    int maxItems = definition().at("/States/ScanChunks/ItemBatcher/MaxItemsPerBatch").asInt();
    List<String> chunkIds = new ArrayList<>();
    for (StateMachineHarness.Invocation i : harness.invocations("ScanChunk")) {
      assertThat(i.payload().path("Items").size()).isBetween(1, maxItems);
      assertThat(i.payload().at("/BatchInput/scanId").asText()).isEqualTo(request.scanId());
      i.payload().path("Items").forEach(c -> chunkIds.add(c.path("chunkId").asText()));
    }
    JsonNode aggregateInput = harness.invocations("Aggregate").get(0).payload();
    JsonNode plan = aggregateInput.path("plan");
    assertThat(chunkIds).doesNotHaveDuplicates().hasSize(plan.path("chunkCount").asInt());
    assertThat(harness.invocations("ScanChunk"))
        .extracting(i -> i.payload().path("Items").size())
        .filteredOn(n -> n < maxItems)
        .hasSizeLessThanOrEqualTo(1); // only the last batch is not full
    // Plan's ResultPath $.plan and the Map's ResultPath null: Aggregate sees the request and the
    // plan pointer, nothing of the chunks.
    List<String> fields = new ArrayList<>();
    input().fieldNames().forEachRemaining(fields::add);
    fields.add("plan");
    assertThat(aggregateInput.fieldNames())
        .toIterable()
        .containsExactlyInAnyOrderElementsOf(fields);

    Map<String, AttributeValue> item = item(request.scanId());
    assertThat(summaries()).hasSize(1);
    assertThat(item.get("verdict").s()).isEqualTo("FAIL");
    assertThat(item).doesNotContainKey("reason");
    assertThat(item.get("key").s()).isEqualTo(prefix);
    // The counts and the top finding are those of one invocation over the same objects.
    ScanResult single = singleInvocation(prefix);
    assertThat(counts(item)).isEqualTo(counts(single));
    String top = item.get("topFindings").l().get(0).toString();
    assertThat(top).contains(MALICIOUS_SHARD, "PKL-");
    assertThat(eventBus.entries()).hasSize(1);
  }

  @Test
  void aChunkThatKeepsFailingIsRetriedThenTheScanIsRecordedAsErrorWithTheReason() throws Exception {
    faults.throttle(prefix + MALICIOUS_SHARD, Integer.MAX_VALUE);

    StateMachineHarness.Execution run = harness.run(input());

    // The execution itself ends well: the Map's Catch sent the failure to Aggregate.
    assertThat(run.succeeded()).as("%s", run).isTrue();
    Map<List<String>, List<StateMachineHarness.Invocation>> byBatch = byBatch();
    int attempts = attempts("ScanChunk", TransientScanError.ERROR_NAME);
    int failing = 0;
    for (List<StateMachineHarness.Invocation> tries : byBatch.values()) {
      if (tries.get(0).failed()) {
        failing++;
        assertThat(tries).hasSize(attempts).allMatch(i -> i.failed());
        assertThat(tries.get(0).errorType()).isEqualTo(TransientScanError.ERROR_NAME);
      } else {
        assertThat(tries).hasSize(1);
      }
    }
    assertThat(failing).isPositive();
    assertThat(run.retries("ScanChunk")).isEqualTo((long) failing * (attempts - 1));
    assertThat(faults.throttled()).isGreaterThanOrEqualTo(failing * attempts);

    JsonNode aggregateInput = harness.invocations("Aggregate").get(0).payload();
    assertThat(aggregateInput.at("/failure/Error").asText())
        .isEqualTo("States.ExceedToleratedFailureThreshold");
    Map<String, AttributeValue> item = item(request.scanId());
    assertThat(summaries()).hasSize(1);
    assertThat(item.get("verdict").s()).isEqualTo("ERROR");
    assertThat(item.get("reason").s())
        .contains("States.ExceedToleratedFailureThreshold")
        .contains("produced no result");
    // Findings of the chunks that did finish are still reported; never a PASS.
    assertThat(run.output().path("verdict").asText()).isEqualTo("ERROR");
  }

  @Test
  void aChunkThrottledOnceIsRetriedAndTheScanEndsAsNormal() throws Exception {
    faults.throttle(prefix + MALICIOUS_SHARD, 1);

    StateMachineHarness.Execution run = harness.run(input());

    assertThat(run.succeeded()).as("%s", run).isTrue();
    List<StateMachineHarness.Invocation> failed =
        harness.invocations("ScanChunk").stream().filter(i -> i.failed()).toList();
    assertThat(failed).hasSize(1);
    assertThat(failed.get(0).errorType()).isEqualTo(TransientScanError.ERROR_NAME);
    assertThat(byBatch().get(chunkIds(failed.get(0)))).hasSize(2);
    assertThat(run.retries("ScanChunk")).isEqualTo(1);
    assertThat(harness.invocations("Aggregate").get(0).payload().has("failure")).isFalse();
    Map<String, AttributeValue> item = item(request.scanId());
    assertThat(item.get("verdict").s()).isEqualTo("FAIL");
    assertThat(item).doesNotContainKey("reason");
    assertThat(counts(item)).isEqualTo(counts(singleInvocation(prefix)));
  }

  @Test
  void aReplayOfTheSameRequestWritesNoSecondRecord() throws Exception {
    StateMachineHarness.Execution first = harness.run(input());
    StateMachineHarness.Execution replay = harness.run(input());

    assertThat(first.succeeded()).as("%s", first).isTrue();
    assertThat(replay.succeeded()).as("%s", replay).isTrue();
    assertThat(first.output().path("duplicate").asBoolean()).isFalse();
    assertThat(replay.output().path("duplicate").asBoolean()).isTrue();
    assertThat(replay.output().path("verdict").asText()).isEqualTo("FAIL");
    assertThat(summaries()).hasSize(1);
    assertThat(eventBus.entries()).hasSize(1);
  }

  @Test
  void aShardOverwrittenBetweenPlanAndChunkIsAnErrorNeverAPass() throws Exception {
    // Right after Plan, the malicious shard is replaced by a harmless file of the same name: the
    // chunks must not scan the new bytes as if they were the planned revision.
    LargeModelConfig cfg = largeConfig(700, 250);
    harness.function(
        "PlanFunctionArn",
        () ->
            (com.amazonaws.services.lambda.runtime.RequestStreamHandler)
                (in, out, context) -> {
                  planHandler(cfg).handleRequest(in, out, context);
                  upload(prefix + MALICIOUS_SHARD, fixture("pytorch/benign-state-dict.pt"));
                });

    StateMachineHarness.Execution run = harness.run(input());

    assertThat(run.succeeded()).as("%s", run).isTrue();
    Map<String, AttributeValue> item = item(request.scanId());
    assertThat(summaries()).hasSize(1);
    assertThat(item.get("verdict").s()).isNotEqualTo("PASS");
    assertThat(item.get("verdict").s()).isEqualTo("ERROR");
  }

  /**
   * The Java runtime reports an uncaught exception's fully qualified class name as the Lambda
   * {@code errorType}, and Step Functions matches {@code ErrorEquals} on it exactly: a Retry naming
   * the bare {@code TransientScanError} (as the first contract did) never matches, and a throttled
   * chunk then gets only the single retry of the {@code States.TaskFailed} retrier instead of five
   * with backoff. The tests above would still pass (they read the attempts from the definition);
   * this one pins the name.
   */
  @Test
  void theRetriesNameTheErrorTheJavaRuntimeReports() throws Exception {
    for (String state : List.of("Plan", "ScanChunk", "Aggregate")) {
      JsonNode retrier = retrier(state, TransientScanError.ERROR_NAME);
      assertThat(retrier).as(state).isNotNull();
      assertThat(retrier.path("ErrorEquals").toString())
          .as(state)
          .contains("\"" + TransientScanError.ERROR_NAME + "\"");
    }
  }

  private JsonNode input() {
    return EventJson.toTree(request);
  }

  /** ScanChunk invocations grouped by the chunks of their batch, in arrival order. */
  private Map<List<String>, List<StateMachineHarness.Invocation>> byBatch() {
    Map<List<String>, List<StateMachineHarness.Invocation>> out = new LinkedHashMap<>();
    for (StateMachineHarness.Invocation i : harness.invocations("ScanChunk")) {
      out.computeIfAbsent(chunkIds(i), k -> new ArrayList<>()).add(i);
    }
    return out;
  }

  private static List<String> chunkIds(StateMachineHarness.Invocation i) {
    List<String> ids = new ArrayList<>();
    i.payload().path("Items").forEach(c -> ids.add(c.path("chunkId").asText()));
    return ids;
  }

  private static Map<String, String> counts(Map<String, AttributeValue> item) {
    Map<String, String> out = new TreeMap<>();
    item.get("counts").m().forEach((k, v) -> out.put(k, v.n()));
    return out;
  }

  private static Map<String, String> counts(ScanResult result) {
    Map<String, String> out = new TreeMap<>();
    result.countsBySeverity().forEach((k, v) -> out.put(k.name(), String.valueOf(v)));
    return out;
  }

  /**
   * How many times the definition tries a Task state that keeps failing with {@code error}: once,
   * plus MaxAttempts (default 3) of the first retrier that matches it, as the States Language
   * specifies (a retrier whose attempts are spent ends the retries; later retriers are not asked).
   */
  static int attempts(String state, String error) throws IOException {
    JsonNode retrier = retrier(state, error);
    return retrier == null ? 1 : 1 + retrier.path("MaxAttempts").asInt(3);
  }

  private static JsonNode definition() throws IOException {
    return EventJson.tree(
        Files.readString(
            StateMachineHarness.definition(
                Paths.get(System.getProperty("sentrascan.repoRoot", "..")).toAbsolutePath())));
  }

  private static JsonNode retrier(String state, String error) throws IOException {
    JsonNode definition = definition();
    JsonNode found = find(definition.path("States"), state);
    assertThat(found).as("state %s in the definition", state).isNotNull();
    for (JsonNode r : found.path("Retry")) {
      TreeSet<String> names = new TreeSet<>();
      r.path("ErrorEquals").forEach(n -> names.add(n.asText()));
      if (names.contains(error) || names.contains("States.ALL")) {
        return r;
      }
      if (names.contains("States.TaskFailed") && found.path("Type").asText().equals("Task")) {
        return r;
      }
    }
    return null;
  }

  private static JsonNode find(JsonNode states, String name) {
    if (states.has(name)) {
      return states.get(name);
    }
    for (JsonNode s : states) {
      JsonNode inner = s.has("ItemProcessor") ? s.get("ItemProcessor") : s.get("Iterator");
      if (inner != null) {
        JsonNode hit = find(inner.path("States"), name);
        if (hit != null) {
          return hit;
        }
      }
    }
    return null;
  }
}
