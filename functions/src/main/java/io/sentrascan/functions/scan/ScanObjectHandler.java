package io.sentrascan.functions.scan;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import io.sentrascan.events.EventJson;
import io.sentrascan.events.ScanRequest;
import io.sentrascan.events.ScanRequests;
import io.sentrascan.functions.logging.JsonLog;
import io.sentrascan.scanner.Policy;
import io.sentrascan.scanner.ScanEngine;
import io.sentrascan.scanner.ScanResult;
import io.sentrascan.scanner.Sources;
import io.sentrascan.scanner.sbom.MlBomBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.crac.Core;
import org.crac.Resource;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sfn.SfnClient;

/**
 * Scans S3 objects on upload. Accepts an S3 event notification or an EventBridge event from S3 (the
 * raw JSON: both shapes, and malformed input, are read by {@link ScanRequests}, so nothing fails
 * before this code can log it). For every object the event names it writes one scan record, tags
 * the object and announces the result; see {@link ScanObjectWorkflow}.
 *
 * <p>Nothing is dropped silently: an object that cannot be scanned still gets an ERROR record; an
 * entry that names no object, or a record that could not be stored, fails the invocation after the
 * other entries are done, so that Lambda retries it and then sends it to the dead-letter queue.
 * Retries are safe because records are idempotent per object revision.
 *
 * <p>SnapStart: the no-arg constructor (run during init, before the snapshot) builds the SDK
 * clients and the scan engine and registers a CRaC resource that primes the engine on a bundled
 * model.
 */
public final class ScanObjectHandler implements RequestStreamHandler, Resource {

  private final ScanObjectWorkflow workflow;
  private final ScanEngine engine;

  /** The Lambda entry point: configuration from the environment, default SDK clients. */
  public ScanObjectHandler() {
    this(ScanConfig.fromEnvironment(System.getenv()));
    Core.getGlobalContext().register(this);
  }

  /** What the no-arg constructor builds, without registering for checkpoints. */
  ScanObjectHandler(ScanConfig config) {
    this(
        AwsClients.s3(config.s3PathStyle()),
        AwsClients.dynamoDb(),
        AwsClients.eventBridge(),
        config.largeModelStateMachineArn() == null ? null : AwsClients.sfn(),
        ScanEngine.defaults(),
        Clock.systemUTC(),
        config);
  }

  /** The test seam: every collaborator given, without the large-model workflow. */
  public ScanObjectHandler(
      S3Client s3,
      DynamoDbClient dynamoDb,
      EventBridgeClient eventBridge,
      ScanEngine engine,
      Clock clock,
      ScanConfig config) {
    this(s3, dynamoDb, eventBridge, null, engine, clock, config);
  }

  /**
   * The test seam: every collaborator given; {@code sfn} starts the large-model workflow when the
   * configuration names its state machine.
   */
  @SuppressWarnings("TooManyParameters") // the function's collaborators, wired once
  public ScanObjectHandler(
      S3Client s3,
      DynamoDbClient dynamoDb,
      EventBridgeClient eventBridge,
      @Nullable SfnClient sfn,
      ScanEngine engine,
      Clock clock,
      ScanConfig config) {
    // Every digest the ML-BOM lists, computed in the same pass as SHA-256.
    ScanEngine digesting = engine.withDigests(MlBomBuilder.DIGESTS);
    this.engine = digesting;
    ScanRecordStore store =
        new ScanRecordStore(dynamoDb, config.tableName(), Duration.ofMillis(200));
    this.workflow =
        new ScanObjectWorkflow(
            s3,
            new ScanRecorder(
                s3,
                store,
                new ObjectTagger(s3),
                new ScanEventPublisher(eventBridge, config.eventBusName()),
                new SupersededRecords(dynamoDb, config.tableName(), config.retentionDays(), clock),
                clock,
                config),
            digesting,
            config.policy(),
            config,
            sfn == null || config.largeModelStateMachineArn() == null
                ? null
                : new LargeModelHandOff(sfn, config.largeModelStateMachineArn()),
            new DigestReuse(
                dynamoDb, config.tableName(), store, ScanEngine.TOOL_VERSION, config.policy()),
            clock);
  }

  @Override
  public void handleRequest(InputStream input, OutputStream output, Context context)
      throws IOException {
    JsonLog log = new JsonLog(context.getLogger());
    String event = new String(input.readAllBytes(), StandardCharsets.UTF_8);
    List<ScanRecorder.Outcome> outcomes = new ArrayList<>();
    List<String> failures = new ArrayList<>();
    for (ScanRequest request : ScanRequests.parse(event)) {
      try {
        if (request instanceof ScanRequest.Scan s) {
          outcomes.add(workflow.scan(s.object(), log));
        } else if (request instanceof ScanRequest.Unscannable u) {
          log.error(
              "event names an object that cannot be scanned; recording it as ERROR",
              "bucket",
              u.object().bucket(),
              "key",
              u.object().key(),
              "reason",
              u.reason());
          outcomes.add(workflow.recordUnscannable(u.object(), u.reason(), log));
        } else if (request instanceof ScanRequest.Ignored i) {
          log.info("event ignored", "reason", i.reason());
        } else if (request instanceof ScanRequest.Malformed m) {
          log.error(
              "malformed event: no object to record; failing for the DLQ",
              "reason",
              m.reason(),
              "requestId",
              context.getAwsRequestId());
          failures.add(m.reason());
        }
      } catch (RuntimeException e) {
        // Keep going: the other objects of the event still get their records.
        var object = request.objectOrNull();
        log.error(
            "could not record the scan; failing so that Lambda retries",
            "bucket",
            object == null ? null : object.bucket(),
            "key",
            object == null ? null : object.key(),
            "error",
            e.toString());
        failures.add((object == null ? "" : object.uri() + ": ") + e.getMessage());
      }
    }
    output.write(EventJson.write(outcomes).getBytes(StandardCharsets.UTF_8));
    output.flush();
    if (!failures.isEmpty()) {
      throw new ScanFailedException(failures);
    }
  }

  /**
   * Runs the engine once over the bundled model: class loading, rule catalogs and JIT warm-up land
   * in the snapshot. No AWS call is made, and the result (with its random scan id and timestamps)
   * is discarded.
   */
  ScanResult prime() {
    byte[] model = PrimingWork.model();
    ScanResult result =
        engine.scanSources(List.of(Sources.bytes(model, "priming-model.pt")), Policy.defaults());
    // Exercise the event mapper, and the report, ML-BOM, record and event mappings: all local work
    // the first invocation would otherwise pay for. Nothing is sent anywhere.
    ScanRequests.parse(EventJson.sample("s3-notification-object-created.json"));
    PrimingWork.mapResult(result, "priming-model.pt", model.length);
    return result;
  }

  @Override
  public void beforeCheckpoint(org.crac.Context<? extends Resource> context) {
    prime();
  }

  @Override
  public void afterRestore(org.crac.Context<? extends Resource> context) {
    // Nothing to refresh: SDK clients resolve credentials on first use, after the restore.
  }

  /** The invocation failed for at least one entry; Lambda's retries and DLQ take over. */
  static final class ScanFailedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    ScanFailedException(List<String> failures) {
      super(
          failures.size()
              + " entr"
              + (failures.size() == 1 ? "y" : "ies")
              + " not recorded: "
              + String.join(" | ", failures));
    }
  }
}
