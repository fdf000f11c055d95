package io.sentrascan.functions.largemodel;

import static org.assertj.core.api.Assertions.assertThat;

import io.sentrascan.events.ChunkSummary;
import io.sentrascan.events.EventJson;
import io.sentrascan.events.LargeScanPlan;
import io.sentrascan.events.LargeScanRequest;
import io.sentrascan.events.PlanChunk;
import io.sentrascan.events.PlanChunk.ByteRange;
import io.sentrascan.events.StepFailure;
import io.sentrascan.functions.scan.ScanRecorder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The plan's arithmetic and its size limits, on listings built in memory (a 10,000-file folder is
 * too slow to upload for every build): every byte of every object is covered exactly once per
 * purpose, and every input and output that travels through the execution state stays under Step
 * Functions' 256 KB.
 */
class ChunkPlannerTest {
  private static final int STATE_LIMIT_BYTES = 256 * 1024;
  private static final long GIB = 1L << 30;
  private static final String SCAN_ID = "8a2b7c1d-0e9f-3a4b-8c5d-6e7f8091a2b3";

  @Test
  void aTenThousandFilePlanKeepsEveryStatePayloadUnder256KB() throws Exception {
    List<ByteRange> listing = new ArrayList<>();
    for (int i = 0; i < 10_000; i++) {
      // Long keys (about 200 bytes) and non-ASCII names: the worst case for line sizes.
      String key =
          String.format(
              Locale.ROOT,
              "organisation-with-a-long-name/model-family-%s/checkpoints/step-%07d/"
                  + "shard-%05d-of-10000-modèle-ünïcode-%s.safetensors",
              "x".repeat(40),
              i * 100,
              i,
              "y".repeat(20));
      long size = i % 500 == 0 ? 3 * GIB + i : 1000L + (i * 7919L) % (40L << 20);
      listing.add(new ByteRange("sentrascan-models", key, null, "e" + i, size, 0, size));
    }
    ChunkPlanner planner =
        new ChunkPlanner(
            LargeModelConfig.DEFAULT_BATCH_FILE_BYTES, LargeModelConfig.DEFAULT_HASH_SHARD_BYTES);

    List<PlanChunk> plan = planner.plan(listing, o -> StructureHint.unknown(o.size()));

    assertCoversEveryByte(listing, plan, LargeModelConfig.DEFAULT_HASH_SHARD_BYTES);
    for (PlanChunk c : plan) {
      assertThat(ChunkPlanner.jsonBytes(c))
          .as(c.chunkId())
          .isLessThanOrEqualTo(ChunkPlanner.MAX_LINE_BYTES);
    }
    List<String> batches = ItemBatcher.batches(SCAN_ID, "sentrascan-results", plan);
    int largestBatch = 0;
    for (String batch : batches) {
      largestBatch = Math.max(largestBatch, batch.getBytes(StandardCharsets.UTF_8).length);
    }
    assertThat(largestBatch).isLessThan(STATE_LIMIT_BYTES);
    // ScanChunk's output for the largest batch: 16 chunk ids and four counts.
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < ItemBatcher.MAX_ITEMS_PER_BATCH; i++) {
      ids.add(ChunkPlanner.chunkId(999_999 - i));
    }
    String summary =
        EventJson.write(
            new ChunkSummary(ChunkSummary.SCHEMA_VERSION, SCAN_ID, ids, 64 * 16, 10_000, 16 * GIB));
    assertThat(summary.length()).isLessThan(1024);
    // Plan's output, and Aggregate's input (request + plan + the largest failure Step Functions
    // passes: a 32 KiB cause) and output (the outcome with the longest reason it writes).
    long total = listing.stream().mapToLong(ByteRange::size).sum();
    LargeScanPlan pointer =
        new LargeScanPlan(
            LargeScanPlan.SCHEMA_VERSION,
            SCAN_ID,
            "sentrascan-results",
            LargeScanPlan.planKey(SCAN_ID),
            plan.size(),
            listing.size(),
            total);
    assertThat(EventJson.write(pointer).length()).isLessThan(1024);
    String state =
        ItemBatcher.aggregateInput(
            EventJson.write(
                LargeScanRequest.forPrefix(SCAN_ID, "sentrascan-models", "p/".repeat(512))),
            EventJson.toTree(pointer),
            EventJson.toTree(new StepFailure("States.TaskFailed", "c".repeat(32_768))));
    assertThat(state.length()).isLessThan(STATE_LIMIT_BYTES);
    List<String> problems = new ArrayList<>();
    for (PlanChunk c : plan) {
      problems.add("chunk " + c.chunkId() + " (" + c.kind() + ") produced no result");
    }
    String reason = AggregateHandler.reason(problems);
    String outcome =
        EventJson.write(
            new ScanRecorder.Outcome(
                SCAN_ID, "sentrascan-models", "p/", null, "ERROR", reason, false));
    assertThat(outcome.length()).isLessThan(4096);
    assertThat(reason).endsWith("and " + (plan.size() - AggregateHandler.MAX_REASONS) + " more");
  }

  @Test
  void bigFilesComeFirstWithOneStructureChunkAndOpenSsfNamedShards() {
    List<ByteRange> listing =
        List.of(
            whole("m/config.json", 700),
            whole("m/model-00001-of-00002.safetensors", 5 * GIB / 2),
            whole("m/model-00002-of-00002.safetensors", GIB),
            whole("m/tokenizer.json", 9_000_000));
    ChunkPlanner planner = new ChunkPlanner(256L << 20, GIB);

    List<PlanChunk> plan =
        planner.plan(listing, o -> new StructureHint("safetensors", List.of(new long[] {0, 4096})));

    assertThat(plan)
        .extracting(PlanChunk::kind)
        .containsExactly(
            PlanChunk.Kind.STRUCTURE,
            PlanChunk.Kind.HASH_SHARD,
            PlanChunk.Kind.HASH_SHARD,
            PlanChunk.Kind.HASH_SHARD,
            PlanChunk.Kind.STRUCTURE,
            PlanChunk.Kind.HASH_SHARD,
            PlanChunk.Kind.FILES);
    assertThat(plan).extracting(PlanChunk::chunkId).startsWith("c000001", "c000002");
    assertThat(plan.get(0).ranges().get(0).key()).endsWith("00001-of-00002.safetensors");
    assertThat(plan.get(0).format()).isEqualTo("safetensors");
    assertThat(plan.get(0).ranges().get(0).end()).isEqualTo(4096);
    assertThat(plan.get(3).ranges().get(0).start()).isEqualTo(2 * GIB);
    assertThat(plan.get(3).ranges().get(0).end()).isEqualTo(5 * GIB / 2);
    assertThat(plan.get(5).ranges().get(0).whole()).isTrue(); // fits one shard: whole-file digests
    assertThat(plan.get(6).ranges())
        .extracting(ByteRange::key)
        .containsExactly("m/config.json", "m/tokenizer.json");
    LargeScanRequest folder = LargeScanRequest.forPrefix("id", "b", "m/");
    assertThat(ResultMerger.shardPath(folder, "m/model-00001-of-00002.safetensors"))
        .isEqualTo("model-00001-of-00002.safetensors");
    assertThat(ResultMerger.shardPath(LargeScanRequest.forPrefix("id", "b", "m"), "m/sub/x.bin"))
        .isEqualTo("sub/x.bin");
    assertCoversEveryByte(listing, plan, GIB);
  }

  @Test
  void smallFilesAreBatchedByBytesAndCount() {
    List<ByteRange> listing = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      listing.add(whole(String.format(Locale.ROOT, "f/%03d", i), 10));
    }
    listing.add(whole("f/zz-big-but-batched", 1000));

    List<PlanChunk> plan =
        new ChunkPlanner(1000, 1 << 20).plan(listing, o -> StructureHint.unknown(o.size()));

    assertThat(plan).allMatch(c -> c.kind() == PlanChunk.Kind.FILES);
    assertThat(plan).allMatch(c -> c.ranges().size() <= ChunkPlanner.MAX_FILES_PER_CHUNK);
    assertThat(plan).allMatch(c -> c.ranges().stream().mapToLong(ByteRange::size).sum() <= 1000);
    assertThat(plan.get(plan.size() - 1).ranges())
        .extracting(ByteRange::key)
        .containsExactly("f/zz-big-but-batched");
    assertCoversEveryByte(listing, plan, 1 << 20);
  }

  @Test
  void theEnvironmentSetsTheCutAndTheParallelismWithOpenSsfDefaults() {
    Map<String, String> env =
        Map.of("RESULTS_BUCKET", "r", "TABLE_NAME", "t", "EVENT_BUS_NAME", "b");
    Map<String, String> tuned = new HashMap<>(env);
    tuned.put("HASH_SHARD_BYTES", "536870912");
    tuned.put("BATCH_FILE_BYTES", "1048576");
    tuned.put("CHUNK_PARALLELISM", "8");

    LargeModelConfig defaults = LargeModelConfig.fromEnvironment(env);
    LargeModelConfig set = LargeModelConfig.fromEnvironment(tuned);

    assertThat(defaults.hashShardBytes()).isEqualTo(1_000_000_000L); // model_signing's shard size
    assertThat(defaults.batchFileBytes()).isEqualTo(256L << 20);
    assertThat(defaults.chunkParallelism()).isEqualTo(4);
    assertThat(defaults.scan().resultsBucket()).isEqualTo("r");
    assertThat(set.hashShardBytes()).isEqualTo(512L << 20);
    assertThat(set.batchFileBytes()).isEqualTo(1L << 20);
    assertThat(set.chunkParallelism()).isEqualTo(8);
  }

  @Test
  void mergingHintRangesJoinsOverlapsAndKeepsOrder() {
    List<long[]> merged =
        StructureProbe.merge(
            List.of(
                new long[] {100, 200},
                new long[] {0, 64},
                new long[] {150, 300},
                new long[] {64, 70}));

    assertThat(merged).hasSize(2);
    assertThat(merged.get(0)).containsExactly(0, 70);
    assertThat(merged.get(1)).containsExactly(100, 300);
  }

  /** Each object scanned exactly once; each big object's shards tile [0, size) in shard steps. */
  private static void assertCoversEveryByte(
      List<ByteRange> listing, List<PlanChunk> plan, long shard) {
    Map<String, Integer> scanned = new HashMap<>();
    Map<String, Long> hashedUpTo = new HashMap<>();
    for (PlanChunk c : plan) {
      switch (c.kind()) {
        case FILES ->
            c.ranges()
                .forEach(
                    r -> {
                      assertThat(r.whole()).isTrue();
                      scanned.merge(r.key(), 1, Integer::sum);
                    });
        case STRUCTURE -> scanned.merge(c.ranges().get(0).key(), 1, Integer::sum);
        case HASH_SHARD -> {
          ByteRange r = c.ranges().get(0);
          assertThat(r.start()).isEqualTo(hashedUpTo.getOrDefault(r.key(), 0L));
          assertThat(r.end() - r.start()).isLessThanOrEqualTo(shard);
          hashedUpTo.put(r.key(), r.end());
        }
      }
    }
    for (ByteRange o : listing) {
      assertThat(scanned.get(o.key())).as(o.key()).isEqualTo(1);
      if (hashedUpTo.containsKey(o.key())) {
        assertThat(hashedUpTo.get(o.key())).isEqualTo(o.size());
      }
    }
    assertThat(scanned).hasSize(listing.size());
  }

  private static ByteRange whole(String key, long size) {
    return new ByteRange("b", key, null, "etag", size, 0, size);
  }
}
