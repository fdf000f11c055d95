package io.sentrascan.functions.largemodel;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import io.sentrascan.events.EventJson;
import io.sentrascan.events.LargeScanPlan;
import io.sentrascan.events.LargeScanRequest;
import io.sentrascan.events.PlanChunk;
import io.sentrascan.events.PlanChunk.ByteRange;
import io.sentrascan.functions.logging.JsonLog;
import io.sentrascan.functions.scan.AwsClients;
import io.sentrascan.scanner.Policy;
import io.sentrascan.scanner.ScanEngine;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.crac.Core;
import org.crac.Resource;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The workflow's first step: lists what the {@link LargeScanRequest} names, cuts it into chunks
 * ({@link ChunkPlanner}), writes the plan as JSON Lines to {@code large-scans/{scanId}/plan.jsonl}
 * in the results bucket and returns only a pointer to it ({@link LargeScanPlan}). A request that
 * can never be planned (the object is gone or was overwritten, the folder is empty) fails the task
 * with the reason, which the state machine hands to the aggregate step to record as ERROR; S3
 * throttling and 5xx throw {@link TransientScanError} for the retry.
 *
 * <p>SnapStart: the no-arg constructor registers a CRaC resource that primes the whole workflow in
 * memory before the snapshot ({@link LargeModelPriming}); no AWS call, nothing random.
 */
public final class PlanHandler implements RequestStreamHandler, Resource {
  private final S3Client s3;
  private final ScanEngine engine;
  private final LargeModelConfig config;
  private final Policy policy;

  /** The Lambda entry point: configuration from the environment, default SDK clients. */
  public PlanHandler() {
    this(LargeModelConfig.fromEnvironment(System.getenv()));
    Core.getGlobalContext().register(this);
  }

  private PlanHandler(LargeModelConfig config) {
    this(AwsClients.s3(config.scan().s3PathStyle()), ScanEngine.defaults(), config);
  }

  /** The test seam. */
  public PlanHandler(S3Client s3, ScanEngine engine, LargeModelConfig config) {
    this.s3 = s3;
    this.engine = engine;
    this.config = config;
    this.policy = config.policy();
  }

  @Override
  public void handleRequest(InputStream input, OutputStream output, Context context)
      throws IOException {
    JsonLog log = new JsonLog(context.getLogger());
    LargeScanRequest request =
        EventJson.read(
            new String(input.readAllBytes(), StandardCharsets.UTF_8), LargeScanRequest.class);
    LargeScanPlan plan = plan(request, log);
    output.write(EventJson.write(plan).getBytes(StandardCharsets.UTF_8));
    output.flush();
  }

  /** Plans one request and writes the plan. */
  LargeScanPlan plan(LargeScanRequest request, JsonLog log) {
    String problem = request.problem();
    if (problem != null) {
      throw new IllegalArgumentException(problem);
    }
    long t0 = System.nanoTime();
    List<ByteRange> objects = ModelListing.list(s3, request);
    StructureProbe probe = new StructureProbe(s3, engine.scanners());
    List<PlanChunk> chunks =
        new ChunkPlanner(config.batchFileBytes(), config.hashShardBytes())
            .plan(objects, probe::probe);
    StringBuilder jsonl = new StringBuilder();
    for (PlanChunk c : chunks) {
      jsonl.append(EventJson.write(c)).append('\n');
    }
    String bucket = config.scan().resultsBucket();
    String key = LargeScanPlan.planKey(request.scanId());
    try {
      s3.putObject(
          b -> b.bucket(bucket).key(key).contentType("application/jsonl"),
          RequestBody.fromString(jsonl.toString(), StandardCharsets.UTF_8));
    } catch (SdkException e) {
      throw S3Failures.of("cannot write the plan s3://" + bucket + "/" + key, e);
    }
    long total = objects.stream().mapToLong(ByteRange::size).sum();
    log.info(
        "planned large-model scan",
        "scanId",
        request.scanId(),
        "bucket",
        request.bucket(),
        "key",
        request.key(),
        "prefix",
        request.prefix(),
        "files",
        objects.size(),
        "bytes",
        total,
        "chunks",
        chunks.size(),
        "planBytes",
        jsonl.length(),
        "millis",
        (System.nanoTime() - t0) / 1_000_000);
    return new LargeScanPlan(
        LargeScanPlan.SCHEMA_VERSION,
        request.scanId(),
        bucket,
        key,
        chunks.size(),
        objects.size(),
        total);
  }

  /**
   * Runs the whole workflow once in memory ({@link LargeModelPriming}): class loading, rule
   * catalogs, JSON mappers and JIT warm-up land in the snapshot. No AWS call is made.
   */
  LargeModelPriming.Primed prime() {
    return LargeModelPriming.prime(engine, policy);
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
