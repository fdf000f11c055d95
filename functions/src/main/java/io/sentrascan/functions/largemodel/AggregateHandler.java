package io.sentrascan.functions.largemodel;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.sentrascan.events.EventJson;
import io.sentrascan.events.LargeScanPlan;
import io.sentrascan.events.LargeScanRequest;
import io.sentrascan.events.ObjectRef;
import io.sentrascan.events.PlanChunk;
import io.sentrascan.events.StepFailure;
import io.sentrascan.functions.logging.JsonLog;
import io.sentrascan.functions.scan.AwsClients;
import io.sentrascan.functions.scan.ScanRecorder;
import io.sentrascan.scanner.Policy;
import io.sentrascan.scanner.ScanEngine;
import io.sentrascan.scanner.ScanResult;
import io.sentrascan.scanner.Verdict;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.crac.Core;
import org.crac.Resource;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * The workflow's last step: merges every chunk's partial result into one scan ({@link
 * ResultMerger}) and records it with the {@link ScanRecorder} the scan function uses, so the
 * record, report, ML-BOM, tags and {@code Model Scan Completed} event have the same shape whichever
 * path scanned the model. Input: the execution state (the {@link LargeScanRequest} fields, {@code
 * plan}, and {@code failure} when a step failed).
 *
 * <p>Fails closed: a failed step, a missing plan or a missing partial result gives verdict ERROR
 * with the reason (the findings that were found are still reported), never a PASS. Idempotent: a
 * scan that already has a record is only finished (tags, event), never overwritten.
 *
 * <p>SnapStart: the no-arg constructor registers a CRaC resource that primes the whole workflow in
 * memory before the snapshot ({@link LargeModelPriming}); no AWS call, nothing random.
 */
public final class AggregateHandler implements RequestStreamHandler, Resource {
  /** A failure's cause is cut to this many characters in the record's reason. */
  static final int MAX_CAUSE_CHARS = 1000;

  /** At most this many problems are named in the reason. */
  static final int MAX_REASONS = 10;

  private final S3Client s3;
  private final ScanRecorder recorder;
  private final ScanEngine engine;
  private final Policy policy;
  private final Clock clock;

  /** The Lambda entry point: configuration from the environment, default SDK clients. */
  public AggregateHandler() {
    this(LargeModelConfig.fromEnvironment(System.getenv()));
    Core.getGlobalContext().register(this);
  }

  private AggregateHandler(LargeModelConfig config) {
    this(
        AwsClients.s3(config.scan().s3PathStyle()),
        AwsClients.dynamoDb(),
        AwsClients.eventBridge(),
        ScanEngine.defaults(),
        Clock.systemUTC(),
        config);
  }

  /** The test seam. */
  @SuppressWarnings("TooManyParameters") // the function's collaborators, wired once
  public AggregateHandler(
      S3Client s3,
      DynamoDbClient dynamoDb,
      EventBridgeClient eventBridge,
      ScanEngine engine,
      Clock clock,
      LargeModelConfig config) {
    this.s3 = s3;
    this.recorder = new ScanRecorder(s3, dynamoDb, eventBridge, clock, config.scan());
    this.engine = engine;
    this.policy = config.policy();
    this.clock = clock;
  }

  @Override
  public void handleRequest(InputStream input, OutputStream output, Context context)
      throws IOException {
    JsonLog log = new JsonLog(context.getLogger());
    JsonNode state = EventJson.tree(new String(input.readAllBytes(), StandardCharsets.UTF_8));
    ScanRecorder.Outcome outcome = aggregate(state, log);
    output.write(EventJson.write(outcome).getBytes(StandardCharsets.UTF_8));
    output.flush();
  }

  ScanRecorder.Outcome aggregate(JsonNode state, JsonLog log) throws JsonProcessingException {
    long t0 = System.nanoTime();
    LargeScanRequest request = EventJson.convert(state, LargeScanRequest.class);
    if (request.scanId() == null || request.bucket() == null) {
      // Nothing to record against: fail the execution, which alarms and keeps its input.
      throw new IllegalArgumentException("execution input names no scanId and bucket");
    }
    String scanId = request.scanId();
    ObjectRef target =
        request.key() == null && request.prefix() == null
            ? new ObjectRef(request.bucket(), "", request.versionId(), null, null, null)
            : request.target();
    if (request.isPrefix()) {
      // A folder record is keyed by its prefix, which no S3 event orders: an input's sequencer
      // would belong to some other key, so the folder's records are ordered by scan time alone.
      target =
          new ObjectRef(
              target.bucket(),
              target.key(),
              target.versionId(),
              target.size(),
              target.eTag(),
              null);
    }
    JsonNode planNode = state.get("plan");
    JsonNode failureNode = state.get("failure");
    LargeScanPlan plan =
        planNode == null || planNode.isNull()
            ? null
            : EventJson.convert(planNode, LargeScanPlan.class);
    StepFailure failure =
        failureNode == null || failureNode.isNull()
            ? null
            : EventJson.convert(failureNode, StepFailure.class);

    PlanRead read = plan == null ? null : readPlan(plan);
    List<ObjectRef> tagged =
        read == null || !request.isPrefix()
            ? List.of(target)
            : pinned(ResultMerger.merge(request, read.chunks(), Map.of()).objects(), log);
    Optional<ScanRecorder.Outcome> existing = recorder.finishExisting(scanId, tagged, log);
    if (existing.isPresent()) {
      return existing.get();
    }

    List<String> problems = new ArrayList<>();
    if (request.problem() != null) {
      problems.add(request.problem());
    }
    if (failure != null) {
      problems.add(describe(failure));
    }
    if (read == null) {
      if (problems.isEmpty()) {
        problems.add(plan == null ? "the workflow produced no plan" : "the plan is missing");
      }
      return recorder.recordError(scanId, target, reason(problems), millisSince(t0), tagged, log);
    }
    Map<String, ChunkPartial> partials = new LinkedHashMap<>();
    for (PlanChunk chunk : read.chunks()) {
      ChunkPartial p = readPartial(plan.planBucket(), scanId, chunk.chunkId());
      if (p != null) {
        partials.put(chunk.chunkId(), p);
      }
    }
    ResultMerger.Merged merged = ResultMerger.merge(request, read.chunks(), partials);
    problems.addAll(merged.problems());
    Verdict verdict = problems.isEmpty() ? policy.verdict(merged.files()) : Verdict.ERROR;
    Instant startedAt = read.planWrittenAt() == null ? clock.instant() : read.planWrittenAt();
    long durationMillis = Math.max(0, Duration.between(startedAt, clock.instant()).toMillis());
    ScanResult result =
        new ScanResult(
            scanId,
            startedAt,
            durationMillis,
            ScanEngine.TOOL_VERSION,
            engine.scannerVersions(),
            merged.targets(),
            merged.files(),
            policy,
            verdict);
    log.info(
        "merged large-model scan",
        "scanId",
        scanId,
        "chunks",
        read.chunks().size(),
        "partials",
        partials.size(),
        "files",
        merged.files().size(),
        "verdict",
        verdict,
        "millis",
        millisSince(t0));
    return recorder.recordResult(
        scanId,
        target,
        result,
        problems.isEmpty() ? null : reason(problems),
        merged.sha256(),
        plan.totalBytes(),
        durationMillis,
        tagged,
        log);
  }

  /**
   * The files of a folder scan as the versions to tag: the folder was listed without version ids
   * and read with {@code If-Match} on each ETag, so each file is tagged only while its current
   * version still has that ETag, and then that exact version (a file overwritten since has its own
   * upload event and its own scan, whose tags must not be overwritten by this verdict).
   */
  private List<ObjectRef> pinned(List<ObjectRef> objects, JsonLog log) {
    List<ObjectRef> out = new ArrayList<>();
    for (ObjectRef o : objects) {
      if (o.versionId() != null || o.eTag() == null) {
        out.add(o);
        continue;
      }
      try {
        var head = s3.headObject(b -> b.bucket(o.bucket()).key(o.key()));
        if (o.eTag().equals(ModelListing.unquote(head.eTag()))) {
          out.add(new ObjectRef(o.bucket(), o.key(), head.versionId(), o.size(), o.eTag(), null));
        } else {
          log.warn(
              "file changed since it was scanned; not tagged",
              "bucket",
              o.bucket(),
              "key",
              o.key());
        }
      } catch (S3Exception e) {
        if (e.statusCode() != 404) {
          throw S3Failures.of(
              "cannot read object metadata of s3://" + o.bucket() + "/" + o.key(), e);
        }
      } catch (SdkException e) {
        throw S3Failures.of("cannot read object metadata of s3://" + o.bucket() + "/" + o.key(), e);
      }
    }
    return out;
  }

  /** A plan as read back, with when it was written (the scan's start). */
  private record PlanRead(List<PlanChunk> chunks, @Nullable Instant planWrittenAt) {}

  private @Nullable PlanRead readPlan(LargeScanPlan plan) {
    ResponseBytes<GetObjectResponse> bytes;
    try {
      bytes = s3.getObjectAsBytes(b -> b.bucket(plan.planBucket()).key(plan.planKey()));
    } catch (S3Exception e) {
      if (e.statusCode() == 404) {
        return null;
      }
      throw S3Failures.of("cannot read the plan", e);
    } catch (SdkException e) {
      throw S3Failures.of("cannot read the plan", e);
    }
    List<PlanChunk> chunks = new ArrayList<>();
    for (String line : bytes.asUtf8String().split("\n", -1)) {
      if (!line.isBlank()) {
        try {
          chunks.add(EventJson.read(line, PlanChunk.class));
        } catch (JsonProcessingException e) {
          throw new IllegalStateException("plan line is not a chunk: " + e.getOriginalMessage(), e);
        }
      }
    }
    return new PlanRead(chunks, bytes.response().lastModified());
  }

  private @Nullable ChunkPartial readPartial(String bucket, String scanId, String chunkId) {
    String key = LargeScanPlan.partialKey(scanId, chunkId);
    try {
      return EventJson.read(
          s3.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asUtf8String(), ChunkPartial.class);
    } catch (S3Exception e) {
      if (e.statusCode() == 404) {
        return null;
      }
      throw S3Failures.of("cannot read s3://" + bucket + "/" + key, e);
    } catch (SdkException e) {
      throw S3Failures.of("cannot read s3://" + bucket + "/" + key, e);
    } catch (JsonProcessingException e) {
      return null; // unreadable counts as missing: the merge names the chunk, the verdict is ERROR
    }
  }

  /**
   * The problems as one reason, the first {@link #MAX_REASONS} named: the record, the event and the
   * task output stay small however many chunks failed.
   */
  static String reason(List<String> problems) {
    if (problems.size() <= MAX_REASONS) {
      return String.join("; ", problems);
    }
    return String.join("; ", problems.subList(0, MAX_REASONS))
        + "; and "
        + (problems.size() - MAX_REASONS)
        + " more";
  }

  /**
   * A failed step, as a reason: Lambda's error name and message (Step Functions puts the function's
   * error document, JSON, into {@code Cause}).
   */
  static String describe(StepFailure failure) {
    String cause = failure.cause();
    String message = cause;
    if (cause != null) {
      try {
        JsonNode doc = EventJson.tree(cause);
        if (doc != null && doc.hasNonNull("errorMessage")) {
          message = doc.get("errorMessage").asText();
        }
      } catch (JsonProcessingException e) {
        message = cause; // plain text
      }
    }
    String text =
        "workflow step failed: "
            + failure.error()
            + (message == null || message.isBlank() ? "" : ": " + message);
    return text.length() > MAX_CAUSE_CHARS ? text.substring(0, MAX_CAUSE_CHARS) + "…" : text;
  }

  private static long millisSince(long t0) {
    return (System.nanoTime() - t0) / 1_000_000;
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
