package io.sentrascan.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The large-model workflow's contracts: the samples are exactly what the records read and write.
 */
class LargeScanContractsTest {

  @ParameterizedTest
  @CsvSource({
    "large-scan-request-object.json, io.sentrascan.events.LargeScanRequest",
    "large-scan-request-prefix.json, io.sentrascan.events.LargeScanRequest",
    "large-scan-plan.json, io.sentrascan.events.LargeScanPlan",
    "large-scan-chunk-batch.json, io.sentrascan.events.ChunkBatch",
    "large-scan-chunk-summary.json, io.sentrascan.events.ChunkSummary",
  })
  void aSampleIsExactlyWhatItsRecordWrites(String sample, Class<?> type) throws Exception {
    String json = EventJson.sample(sample);

    Object value = EventJson.read(json, type);

    // Every field of the sample is a field of the record and back: none lost, renamed or added.
    assertThat(EventJson.tree(EventJson.write(value))).isEqualTo(EventJson.tree(json));
  }

  @Test
  void everyPlanLineIsAChunkWhoseRangesLieInsideTheirObject() throws Exception {
    List<PlanChunk> chunks = new ArrayList<>();
    for (String line : EventJson.sample("large-scan-plan.jsonl").split("\n")) {
      PlanChunk chunk = EventJson.read(line, PlanChunk.class);
      assertThat(EventJson.tree(EventJson.write(chunk))).isEqualTo(EventJson.tree(line));
      chunks.add(chunk);
    }
    LargeScanPlan plan =
        EventJson.read(EventJson.sample("large-scan-plan.json"), LargeScanPlan.class);

    assertThat(chunks).hasSize(plan.chunkCount());
    assertThat(chunks)
        .extracting(PlanChunk::kind)
        .containsExactly(
            PlanChunk.Kind.STRUCTURE,
            PlanChunk.Kind.HASH_SHARD,
            PlanChunk.Kind.HASH_SHARD,
            PlanChunk.Kind.FILES);
    long files =
        chunks.stream()
            .filter(c -> c.kind() != PlanChunk.Kind.HASH_SHARD)
            .mapToLong(c -> c.kind() == PlanChunk.Kind.FILES ? c.ranges().size() : 1)
            .sum();
    assertThat(files).isEqualTo(plan.fileCount());
    assertThat(plan.planKey()).isEqualTo(LargeScanPlan.planKey(plan.scanId()));
  }

  @Test
  void theAggregateInputCarriesTheRequestThePlanPointerAndTheFailure() throws Exception {
    JsonNode state = EventJson.tree(EventJson.sample("large-scan-aggregate-input.json"));

    LargeScanRequest request = EventJson.convert(state, LargeScanRequest.class);
    LargeScanPlan plan = EventJson.convert(state.get("plan"), LargeScanPlan.class);
    StepFailure failure = EventJson.convert(state.get("failure"), StepFailure.class);

    assertThat(request.problem()).isNull();
    assertThat(request.isPrefix()).isTrue();
    assertThat(request.target().uri()).isEqualTo("s3://sentrascan-models/llama-3-70b-instruct/");
    assertThat(plan.scanId()).isEqualTo(request.scanId());
    assertThat(failure.error()).isEqualTo("States.ExceedToleratedFailureThreshold");
    assertThat(EventJson.tree(EventJson.write(failure))).isEqualTo(state.get("failure"));
  }

  @Test
  void aRequestNamesExactlyOneOfKeyAndPrefix() {
    ObjectRef object = new ObjectRef("b", "k", "v1", 10L, "e", "s");
    assertThat(LargeScanRequest.forObject("id", object, 10L).problem()).isNull();
    assertThat(LargeScanRequest.forPrefix("id", "b", "models/").problem()).isNull();
    assertThat(new LargeScanRequest("1.0", "id", "b", "k", "p/", null, null, null, null).problem())
        .contains("exactly one");
    assertThat(new LargeScanRequest("1.0", "id", "b", null, null, null, null, null, null).problem())
        .contains("exactly one");
    assertThat(new LargeScanRequest("1.0", "", "b", "k", null, null, null, null, null).problem())
        .contains("scanId");
  }

  @Test
  void theObjectRequestKeepsTheRevisionSoTheRecordIsTheSameAsTheScanFunctions() {
    ObjectRef object = new ObjectRef("b", "dir/m.gguf", "v1", 10L, "e", "s");

    LargeScanRequest request = LargeScanRequest.forObject("id", object, 10L);

    assertThat(request.target()).isEqualTo(object);
    assertThat(request.target().revision()).isEqualTo(object.revision());
  }

  @Test
  void aRangeOutsideItsObjectIsRefused() {
    assertThatThrownBy(() -> new PlanChunk.ByteRange("b", "k", null, null, 10, 5, 11))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new PlanChunk.ByteRange("b", "k", null, null, 10, 6, 5))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(new PlanChunk.ByteRange("b", "k", null, null, 10, 0, 10).whole()).isTrue();
  }

  @Test
  void theStateMachineKeepsTheContractsStateNamesPathsAndPlaceholders() throws IOException {
    JsonNode asl = EventJson.tree(statemachine());
    JsonNode states = asl.get("States");

    assertThat(asl.get("StartAt").asText()).isEqualTo("Plan");
    assertThat(states.fieldNames()).toIterable().containsExactly("Plan", "ScanChunks", "Aggregate");
    assertThat(states.at("/Plan/Resource").asText()).isEqualTo("${PlanFunctionArn}");
    assertThat(states.at("/Plan/ResultPath").asText()).isEqualTo("$.plan");
    assertThat(states.at("/ScanChunks/ItemProcessor/States/ScanChunk/Resource").asText())
        .isEqualTo("${ScanChunkFunctionArn}");
    assertThat(states.at("/ScanChunks/ItemReader/ReaderConfig/InputType").asText())
        .isEqualTo("JSONL");
    assertThat(states.at("/ScanChunks/ItemBatcher/BatchInput").fieldNames())
        .toIterable()
        .containsExactlyInAnyOrder("scanId.$", "planBucket.$");
    assertThat(states.at("/ScanChunks/ResultPath").isNull()).isTrue();
    assertThat(states.at("/Aggregate/Resource").asText()).isEqualTo("${AggregateFunctionArn}");
  }

  @Test
  void retriesNameTheTransientErrorAsTheJavaRuntimeReportsIt() throws IOException {
    // The Java runtime reports an exception's fully qualified class name as errorType; a bare
    // simple name would never match, and throttled chunks would fail instead of being retried.
    JsonNode states = EventJson.tree(statemachine()).get("States");
    List<JsonNode> retries =
        List.of(
            states.at("/Plan/Retry/0/ErrorEquals"),
            states.at("/ScanChunks/ItemProcessor/States/ScanChunk/Retry/0/ErrorEquals"),
            states.at("/Aggregate/Retry/0/ErrorEquals"));
    for (JsonNode errors : retries) {
      List<String> names = new ArrayList<>();
      errors.forEach(e -> names.add(e.asText()));
      assertThat(names)
          .contains("io.sentrascan.functions.largemodel.TransientScanError")
          .doesNotContain("TransientScanError");
    }
  }

  private static String statemachine() throws IOException {
    try (InputStream in =
        LargeScanContractsTest.class.getResourceAsStream(
            "/statemachine/large-model-scan.asl.json")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
