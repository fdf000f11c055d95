package io.sentrascan.functions.largemodel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sentrascan.events.PlanChunk;
import io.sentrascan.functions.scan.PrimingWork;
import io.sentrascan.functions.scan.ScanConfig;
import io.sentrascan.functions.testing.AwsTestClients;
import io.sentrascan.scanner.FileResult;
import io.sentrascan.scanner.ScanEngine;
import io.sentrascan.scanner.Verdict;
import java.net.URI;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * SnapStart priming of PlanHandler, ScanChunkHandler and AggregateHandler: the whole workflow runs
 * in memory on the bundled model (planner and probe, chunk scanner, merger, record and BOM
 * mappings) with every AWS client pointed at a port nothing listens on, so any AWS call would fail
 * the test; the result is fixed (no random id, no clock) and the same on every run.
 */
class LargeModelSnapStartTest {
  /** Nothing listens here: any AWS call during priming would fail the test. */
  private static final URI NOWHERE = URI.create("http://127.0.0.1:9");

  private static final LargeModelConfig CONFIG =
      LargeModelConfig.of(new ScanConfig("results", "table", "bus", 1000, true, 1000, "sboms"));

  @Test
  void everyHandlerPrimesTheWholeWorkflowWithoutCallingAws() {
    PlanHandler plan = new PlanHandler(AwsTestClients.s3(NOWHERE), ScanEngine.defaults(), CONFIG);
    ScanChunkHandler chunk =
        new ScanChunkHandler(AwsTestClients.s3(NOWHERE), ScanEngine.defaults());
    AggregateHandler aggregate =
        new AggregateHandler(
            AwsTestClients.s3(NOWHERE),
            AwsTestClients.dynamoDb(NOWHERE),
            AwsTestClients.eventBridge(NOWHERE),
            ScanEngine.defaults(),
            Clock.systemUTC(),
            CONFIG);

    for (var primed : List.of(plan.prime(), chunk.prime(), aggregate.prime())) {
      assertPrimedTheWholeWorkflow(primed);
    }
    plan.beforeCheckpoint(null);
    chunk.beforeCheckpoint(null);
    aggregate.beforeCheckpoint(null);
    plan.afterRestore(null);
    chunk.afterRestore(null);
    aggregate.afterRestore(null);
  }

  private static void assertPrimedTheWholeWorkflow(LargeModelPriming.Primed primed) {
    // The planner cut the model as a big file and batched the config file.
    assertThat(primed.plan())
        .extracting(PlanChunk::kind)
        .containsExactly(
            PlanChunk.Kind.STRUCTURE,
            PlanChunk.Kind.HASH_SHARD,
            PlanChunk.Kind.HASH_SHARD,
            PlanChunk.Kind.FILES);
    assertThat(primed.merged().problems()).isEmpty();
    assertThat(primed.result().targets())
        .containsExactly(
            "s3://priming-bucket/priming/config.json",
            "s3://priming-bucket/priming/pytorch_model.pt");
    FileResult model = file(primed, "pytorch_model.pt");
    assertThat(model.properties().get(ResultMerger.SHARD_PROPERTY)).hasSize(2);
    // The shard manifest's digests are the real ones: the ranged reads returned the right bytes.
    byte[] bytes = PrimingWork.model();
    int half = bytes.length / 2 + 1;
    assertThat(model.properties().get(ResultMerger.SHARD_PROPERTY).first())
        .endsWith("=" + sha256(java.util.Arrays.copyOfRange(bytes, 0, half)));
    assertThat(file(primed, "config.json").sha256()).hasSize(64);
    // Fixed values only: nothing per-sandbox is frozen into the snapshot.
    assertThat(primed.result().scanId()).isEqualTo(PrimingWork.SCAN_ID);
    assertThat(primed.result().startedAt()).isEqualTo(Instant.EPOCH);
    // The bundled model is benign: priming must not look like an attack.
    assertThat(primed.result().verdict()).isNotIn(Verdict.FAIL, Verdict.ERROR);
  }

  @Test
  void primingGivesTheSameResultEveryTime() {
    var first = LargeModelPriming.prime(ScanEngine.defaults(), CONFIG.policy());
    var second = LargeModelPriming.prime(ScanEngine.defaults(), CONFIG.policy());

    assertThat(second.plan()).isEqualTo(first.plan());
    assertThat(second.result().files()).isEqualTo(first.result().files());
    assertThat(second.result().verdict()).isEqualTo(first.result().verdict());
  }

  @Test
  void thePrimingClientServesOnlyReadsOfItsOwnObjects() {
    PrimingS3 s3 = new PrimingS3(Map.of("k", new byte[] {1, 2, 3}));

    assertThat(s3.getObjectAsBytes(b -> b.bucket("b").key("k").range("bytes=1-1")).asByteArray())
        .containsExactly(2);
    assertThatThrownBy(() -> s3.getObjectAsBytes(b -> b.bucket("b").key("other")))
        .hasMessageContaining("other");
    assertThatThrownBy(() -> s3.listBuckets()).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> s3.deleteObject(b -> b.bucket("b").key("k")))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  private static FileResult file(LargeModelPriming.Primed primed, String name) {
    return primed.result().files().stream()
        .filter(f -> f.depth() == 0 && f.path().endsWith(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no file " + name + " in " + primed.result()));
  }

  private static String sha256(byte[] data) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }
}
