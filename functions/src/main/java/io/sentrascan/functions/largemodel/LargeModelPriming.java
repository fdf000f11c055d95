package io.sentrascan.functions.largemodel;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.sentrascan.events.ChunkBatch;
import io.sentrascan.events.ChunkSummary;
import io.sentrascan.events.EventJson;
import io.sentrascan.events.LargeScanPlan;
import io.sentrascan.events.LargeScanRequest;
import io.sentrascan.events.PlanChunk;
import io.sentrascan.events.PlanChunk.ByteRange;
import io.sentrascan.events.StepFailure;
import io.sentrascan.functions.scan.PrimingWork;
import io.sentrascan.scanner.Policy;
import io.sentrascan.scanner.ScanEngine;
import io.sentrascan.scanner.ScanResult;
import io.sentrascan.scanner.Verdict;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * SnapStart priming for the three large-model functions: one whole workflow, in memory, over a
 * two-file folder made of the bundled model ({@link PrimingWork#model()}, planned as a big file:
 * one STRUCTURE chunk and two HASH_SHARD chunks) and a small config file (one FILES chunk). The
 * planner and its structure probe, the chunk scanner (engine, digests, shard hashing), the merger,
 * every contract's JSON mapping and the record, report and ML-BOM mappings run once, reading the
 * objects through {@link PrimingS3} with the ranged GETs S3 would get. No network call; every value
 * is fixed (scan id, bucket, start time at the epoch), so nothing random, no credentials and no
 * timestamp end up in the snapshot.
 */
final class LargeModelPriming {
  static final String BUCKET = "priming-bucket";
  static final String PREFIX = "priming/";
  static final String MODEL_KEY = PREFIX + "pytorch_model.pt";
  static final String CONFIG_KEY = PREFIX + "config.json";
  private static final byte[] CONFIG =
      "{\"architectures\": [\"Priming\"], \"model_type\": \"priming\"}\n"
          .getBytes(StandardCharsets.UTF_8);

  /** What priming did, for the tests. */
  record Primed(List<PlanChunk> plan, ResultMerger.Merged merged, ScanResult result) {}

  private LargeModelPriming() {}

  static Primed prime(ScanEngine engine, Policy policy) {
    byte[] model = PrimingWork.model();
    PrimingS3 s3 = new PrimingS3(Map.of(MODEL_KEY, model, CONFIG_KEY, CONFIG));
    String scanId = PrimingWork.SCAN_ID;
    LargeScanRequest request =
        roundTrip(LargeScanRequest.forPrefix(scanId, BUCKET, PREFIX), LargeScanRequest.class);

    // Plan: the model is "big" (over the batch size) and cut into two hash shards.
    List<ByteRange> objects =
        List.of(
            new ByteRange(BUCKET, MODEL_KEY, "priming", null, model.length, 0, model.length),
            new ByteRange(BUCKET, CONFIG_KEY, "priming", null, CONFIG.length, 0, CONFIG.length));
    StructureProbe probe = new StructureProbe(s3, engine.scanners());
    List<PlanChunk> plan =
        new ChunkPlanner(model.length - 1L, model.length / 2 + 1L).plan(objects, probe::probe);
    List<PlanChunk> read = new ArrayList<>();
    for (PlanChunk chunk : plan) {
      read.add(roundTrip(chunk, PlanChunk.class));
    }
    roundTrip(
        new LargeScanPlan(
            LargeScanPlan.SCHEMA_VERSION,
            scanId,
            BUCKET,
            LargeScanPlan.planKey(scanId),
            plan.size(),
            objects.size(),
            model.length + (long) CONFIG.length),
        LargeScanPlan.class);

    // Scan every chunk as ScanChunk does, and read the partials back as Aggregate does.
    read(sample("large-scan-chunk-batch.json"), ChunkBatch.class);
    ChunkScanner scanner = new ChunkScanner(s3, engine);
    Map<String, ChunkPartial> partials = new LinkedHashMap<>();
    List<String> ids = new ArrayList<>();
    for (PlanChunk chunk : read) {
      partials.put(chunk.chunkId(), roundTrip(scanner.scan(scanId, chunk), ChunkPartial.class));
      ids.add(chunk.chunkId());
    }
    EventJson.write(new ChunkSummary(ChunkSummary.SCHEMA_VERSION, scanId, ids, 0, 0, model.length));

    // Merge and map as Aggregate does.
    readState(sample("large-scan-aggregate-input.json"));
    AggregateHandler.describe(new StepFailure("States.TaskFailed", "{\"errorMessage\":\"x\"}"));
    ResultMerger.Merged merged = ResultMerger.merge(request, read, partials);
    Verdict verdict = merged.problems().isEmpty() ? policy.verdict(merged.files()) : Verdict.ERROR;
    ScanResult result =
        new ScanResult(
            scanId,
            Instant.EPOCH,
            0,
            ScanEngine.TOOL_VERSION,
            engine.scannerVersions(),
            merged.targets(),
            merged.files(),
            policy,
            verdict);
    PrimingWork.mapResult(result, PREFIX, model.length + (long) CONFIG.length);
    return new Primed(plan, merged, result);
  }

  private static <T> T roundTrip(T value, Class<T> type) {
    return read(EventJson.write(value), type);
  }

  private static <T> T read(String json, Class<T> type) {
    try {
      return EventJson.read(json, type);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("priming could not read its own " + type.getSimpleName(), e);
    }
  }

  private static void readState(String json) {
    try {
      var state = EventJson.tree(json);
      EventJson.convert(state, LargeScanRequest.class);
      EventJson.convert(state.get("plan"), LargeScanPlan.class);
      EventJson.convert(state.get("failure"), StepFailure.class);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("priming could not read the aggregate sample", e);
    }
  }

  private static String sample(String name) {
    return EventJson.sample(name);
  }
}
