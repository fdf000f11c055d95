package io.sentrascan.functions.largemodel;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import io.sentrascan.events.ChunkBatch;
import io.sentrascan.events.ChunkSummary;
import io.sentrascan.events.EventJson;
import io.sentrascan.events.LargeScanPlan;
import io.sentrascan.events.PlanChunk;
import io.sentrascan.functions.logging.JsonLog;
import io.sentrascan.functions.scan.AwsClients;
import io.sentrascan.scanner.FileResult;
import io.sentrascan.scanner.Policy;
import io.sentrascan.scanner.ScanEngine;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.crac.Core;
import org.crac.Resource;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The distributed Map's worker: scans a batch of plan lines ({@link ChunkBatch}, as the item
 * batcher builds it) and writes one partial result per chunk to {@code
 * large-scans/{scanId}/partials/{chunkId}.json}; returns a few counts ({@link ChunkSummary}).
 * Writing the same chunk again (a retried batch) overwrites the same key with the same result, so
 * retries are safe. A transient read failure throws {@link TransientScanError} for the state
 * machine's retry; what cannot be read at all is recorded in the partial as an error.
 *
 * <p>SnapStart: the no-arg constructor registers a CRaC resource that primes the whole workflow in
 * memory before the snapshot ({@link LargeModelPriming}); no AWS call, nothing random.
 */
public final class ScanChunkHandler implements RequestStreamHandler, Resource {
  private final S3Client s3;
  private final ChunkScanner scanner;
  private final ScanEngine engine;
  private final int parallelism;

  /** The Lambda entry point: configuration from the environment, default SDK clients. */
  public ScanChunkHandler() {
    this(LargeModelConfig.fromEnvironment(System.getenv()));
    Core.getGlobalContext().register(this);
  }

  private ScanChunkHandler(LargeModelConfig config) {
    this(
        AwsClients.s3(config.scan().s3PathStyle()),
        ScanEngine.defaults(),
        config.chunkParallelism());
  }

  /** The test seam, with the default parallelism. */
  public ScanChunkHandler(S3Client s3, ScanEngine engine) {
    this(s3, engine, LargeModelConfig.DEFAULT_CHUNK_PARALLELISM);
  }

  /** The test seam: {@code parallelism} chunks of a batch at once. */
  public ScanChunkHandler(S3Client s3, ScanEngine engine, int parallelism) {
    this.s3 = s3;
    this.scanner = new ChunkScanner(s3, engine);
    this.engine = engine;
    this.parallelism = parallelism;
  }

  @Override
  public void handleRequest(InputStream input, OutputStream output, Context context)
      throws IOException {
    JsonLog log = new JsonLog(context.getLogger());
    ChunkBatch batch =
        EventJson.read(new String(input.readAllBytes(), StandardCharsets.UTF_8), ChunkBatch.class);
    output.write(EventJson.write(scan(batch, log)).getBytes(StandardCharsets.UTF_8));
    output.flush();
  }

  ChunkSummary scan(ChunkBatch batch, JsonLog log) {
    if (batch.batchInput() == null) {
      throw new IllegalArgumentException("batch has no BatchInput (scanId, planBucket)");
    }
    String scanId = batch.batchInput().scanId();
    String bucket = batch.batchInput().planBucket();
    List<String> ids = new ArrayList<>();
    int files = 0;
    int findings = 0;
    long hashed = 0;
    List<ChunkPartial> partials = scanAll(scanId, bucket, batch.items(), log);
    for (ChunkPartial partial : partials) {
      ids.add(partial.chunkId());
      files += partial.files().size();
      for (FileResult f : partial.files()) {
        findings += f.findings().size();
      }
      for (ChunkPartial.ShardDigest s : partial.shards()) {
        hashed += s.end() - s.start();
      }
    }
    return new ChunkSummary(ChunkSummary.SCHEMA_VERSION, scanId, ids, files, findings, hashed);
  }

  /**
   * Scans and writes every chunk, {@code parallelism} at a time, in batch order. The first failure
   * (a {@link TransientScanError} first of all, so the retry applies) fails the batch once every
   * chunk has ended; partials already written are rewritten identically by the retry.
   */
  private List<ChunkPartial> scanAll(
      String scanId, String bucket, List<PlanChunk> items, JsonLog log) {
    int threads = Math.max(1, Math.min(parallelism, items.size()));
    ExecutorService pool =
        Executors.newFixedThreadPool(
            threads,
            r -> {
              Thread t = new Thread(r, "sentrascan-chunk");
              t.setDaemon(true);
              return t;
            });
    try {
      List<Future<ChunkPartial>> futures = new ArrayList<>();
      for (PlanChunk chunk : items) {
        futures.add(pool.submit(() -> scanAndWrite(scanId, bucket, chunk, log)));
      }
      List<ChunkPartial> out = new ArrayList<>();
      RuntimeException failure = null;
      for (Future<ChunkPartial> f : futures) {
        try {
          out.add(f.get());
        } catch (ExecutionException e) {
          RuntimeException cause =
              e.getCause() instanceof RuntimeException r
                  ? r
                  : new IllegalStateException(e.getCause());
          if (failure == null
              || (cause instanceof TransientScanError
                  && !(failure instanceof TransientScanError))) {
            failure = cause;
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted while scanning chunks", e);
        }
      }
      if (failure != null) {
        throw failure;
      }
      return out;
    } finally {
      pool.shutdownNow();
    }
  }

  private ChunkPartial scanAndWrite(String scanId, String bucket, PlanChunk chunk, JsonLog log) {
    ChunkPartial partial = scanner.scan(scanId, chunk);
    String key = LargeScanPlan.partialKey(scanId, chunk.chunkId());
    try {
      s3.putObject(
          b -> b.bucket(bucket).key(key).contentType("application/json"),
          RequestBody.fromString(EventJson.write(partial), StandardCharsets.UTF_8));
    } catch (SdkException e) {
      throw S3Failures.of("cannot write s3://" + bucket + "/" + key, e);
    }
    log.info(
        "scanned chunk",
        "scanId",
        scanId,
        "chunkId",
        chunk.chunkId(),
        "kind",
        chunk.kind(),
        "ranges",
        chunk.ranges().size(),
        "millis",
        partial.durationMillis());
    return partial;
  }

  /**
   * Runs the whole workflow once in memory ({@link LargeModelPriming}): class loading, rule
   * catalogs, JSON mappers and JIT warm-up land in the snapshot. No AWS call is made.
   */
  LargeModelPriming.Primed prime() {
    return LargeModelPriming.prime(engine, Policy.defaults());
  }

  @Override
  public void beforeCheckpoint(org.crac.Context<? extends Resource> context) {
    prime();
  }

  @Override
  public void afterRestore(org.crac.Context<? extends Resource> context) {
    // Nothing to refresh: SDK clients resolve credentials on first use, after the restore.
  }
}
