package io.sentrascan.functions.scan;

import io.sentrascan.events.ModelScanCompleted;
import io.sentrascan.events.ObjectRef;
import io.sentrascan.functions.logging.JsonLog;
import io.sentrascan.scanner.FileResult;
import io.sentrascan.scanner.Finding;
import io.sentrascan.scanner.ScanEngine;
import io.sentrascan.scanner.ScanResult;
import io.sentrascan.scanner.Severity;
import io.sentrascan.scanner.Verdict;
import io.sentrascan.scanner.report.JsonReportWriter;
import io.sentrascan.scanner.sbom.BomFormat;
import io.sentrascan.scanner.sbom.MlBomBuilder;
import io.sentrascan.scanner.sbom.MlBomWriter;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;

/**
 * Makes a finished scan durable and visible, the same way whichever path scanned it (one scan
 * invocation, or the large-model workflow): the report (to S3 when too large for the table) and the
 * ML-BOM first, then the record (conditional: one per object revision), then the tags and the
 * completion event, then the record's {@code notified} flag. A retry finds the record and only
 * finishes what is missing; a record that exists is never overwritten.
 */
public final class ScanRecorder {
  private final S3Client s3;
  private final ScanRecordStore store;
  private final ObjectTagger tagger;
  private final ScanEventPublisher publisher;
  private final SupersededRecords superseded;
  private final Clock clock;
  private final ScanConfig config;
  private final JsonReportWriter reportWriter = new JsonReportWriter();
  private final MlBomBuilder bomBuilder = new MlBomBuilder();

  /** The recorder over the function's own clients (the large-model functions build it so). */
  public ScanRecorder(
      S3Client s3,
      DynamoDbClient dynamoDb,
      EventBridgeClient eventBridge,
      Clock clock,
      ScanConfig config) {
    this(
        s3,
        new ScanRecordStore(dynamoDb, config.tableName(), Duration.ofMillis(200)),
        new ObjectTagger(s3),
        new ScanEventPublisher(eventBridge, config.eventBusName()),
        new SupersededRecords(dynamoDb, config.tableName(), config.retentionDays(), clock),
        clock,
        config);
  }

  @SuppressWarnings("TooManyParameters") // the function's collaborators, wired once in the handler
  ScanRecorder(
      S3Client s3,
      ScanRecordStore store,
      ObjectTagger tagger,
      ScanEventPublisher publisher,
      SupersededRecords superseded,
      Clock clock,
      ScanConfig config) {
    this.s3 = s3;
    this.store = store;
    this.tagger = tagger;
    this.publisher = publisher;
    this.superseded = superseded;
    this.clock = clock;
    this.config = config;
  }

  /**
   * What became of one object.
   *
   * @param verdict {@code PASS}, {@code FAIL}, {@code ERROR}, or {@code PENDING} when the object
   *     was handed to the large-model workflow
   * @param duplicate true when the revision already had a record (nothing was scanned or written)
   */
  public record Outcome(
      String scanId,
      String bucket,
      String key,
      @Nullable String versionId,
      String verdict,
      @Nullable String reason,
      boolean duplicate) {
    static Outcome of(ScanRecord r, boolean duplicate) {
      return new Outcome(
          r.scanId(), r.bucket(), r.key(), r.versionId(), r.verdict(), r.reason(), duplicate);
    }
  }

  /**
   * When this scan id already has a record: finishes it (tags and event, once) and says so.
   *
   * @param tagged the objects that carry the verdict as tags (the object itself; for a folder,
   *     every file in it)
   */
  public Optional<Outcome> finishExisting(String scanId, List<ObjectRef> tagged, JsonLog log) {
    Optional<ScanRecord> existing = store.find(scanId);
    if (existing.isEmpty()) {
      return Optional.empty();
    }
    ScanRecord r = existing.get();
    log.info(
        "object revision already scanned; not scanning again",
        "scanId",
        scanId,
        "bucket",
        r.bucket(),
        "key",
        r.key(),
        "versionId",
        r.versionId(),
        "verdict",
        r.verdict());
    // A replay also retries marking: the first attempt may have stopped before it.
    markSuperseded(r, log);
    finish(r, tagged, log);
    return Optional.of(Outcome.of(r, true));
  }

  /**
   * Records a finished scan.
   *
   * @param result the scan, with {@code scanId} as its id
   * @param reason why the verdict is ERROR; null to name the files' errors (when it is)
   * @param sha256 the content's SHA-256, or null when there is no single one (a folder, a file
   *     hashed in shards)
   * @param size bytes scanned
   * @param durationMillis how long the scan took
   */
  @SuppressWarnings("TooManyParameters") // one scan's facts, assembled in two places
  public Outcome recordResult(
      String scanId,
      ObjectRef object,
      ScanResult result,
      @Nullable String reason,
      @Nullable String sha256,
      long size,
      long durationMillis,
      List<ObjectRef> tagged,
      JsonLog log) {
    return store(
        object,
        resultRecord(scanId, object, result, reason, sha256, size, durationMillis),
        tagged,
        log);
  }

  /** Records an object that could not be scanned, with verdict ERROR and the reason. */
  public Outcome recordError(
      String scanId,
      ObjectRef object,
      String reason,
      long millis,
      List<ObjectRef> tagged,
      JsonLog log) {
    return store(object, errorRecord(scanId, object, reason, millis), tagged, log);
  }

  /**
   * Stores a record (unless the revision has one already), starts the retention clock of the
   * records it supersedes, and finishes whichever record is stored.
   *
   * @param object what the record is about; its event's {@code sequencer} orders the record among
   *     the key's other records (a folder has none: its records are ordered by scan time)
   */
  Outcome store(ObjectRef object, ScanRecord given, List<ObjectRef> tagged, JsonLog log) {
    ScanRecord record = given.withSequencer(object.sequencer());
    String scanId = record.scanId();
    ScanRecordStore.Stored stored = store.putIfAbsent(record);
    if (stored.duplicate()) {
      log.info(
          "a concurrent invocation recorded this revision first; keeping its record",
          "scanId",
          scanId);
    } else if (record.verdict().equals("ERROR")) {
      log.error(
          "recorded scan ERROR",
          "scanId",
          scanId,
          "bucket",
          record.bucket(),
          "key",
          record.key(),
          "versionId",
          record.versionId(),
          "reason",
          record.reason());
    } else {
      log.info(
          "recorded scan",
          "scanId",
          scanId,
          "bucket",
          record.bucket(),
          "key",
          record.key(),
          "versionId",
          record.versionId(),
          "verdict",
          record.verdict(),
          "sha256",
          record.sha256());
    }
    markSuperseded(stored.record(), log);
    finish(stored.record(), tagged, log);
    return Outcome.of(stored.record(), stored.duplicate());
  }

  /**
   * Starts the retention clock of the object's older records. Not worth failing the invocation for:
   * a record left unmarked is only kept longer, and the object's next write marks it.
   */
  private void markSuperseded(ScanRecord record, JsonLog log) {
    try {
      List<String> marked = superseded.markSuperseded(record);
      if (!marked.isEmpty()) {
        log.info("superseded records now expire", "scanId", record.scanId(), "marked", marked);
      }
    } catch (RuntimeException e) {
      log.warn(
          "could not mark superseded records; they are kept until a later write marks them",
          "scanId",
          record.scanId(),
          "error",
          e.toString());
    }
  }

  /** Tags and announces a stored record, once. */
  void finish(ScanRecord record, List<ObjectRef> tagged, JsonLog log) {
    if (record.notified()) {
      return;
    }
    for (ObjectRef object : tagged) {
      ObjectTagger.Result result =
          tagger.tag(
              object.bucket(), object.key(), object.versionId(), record.verdict(), record.scanId());
      if (result != ObjectTagger.Result.TAGGED) {
        log.warn(
            result == ObjectTagger.Result.OBJECT_GONE
                ? "object version no longer exists; the record stands untagged"
                : "object already has 10 tags of its own; the verdict is not tagged",
            "scanId",
            record.scanId(),
            "bucket",
            object.bucket(),
            "key",
            object.key());
      }
    }
    publisher.publish(record.toEvent());
    store.markNotified(record.scanId());
  }

  /** The record of a finished scan; writes the ML-BOM and, when too large, the report first. */
  @SuppressWarnings("TooManyParameters") // one scan's facts
  ScanRecord resultRecord(
      String scanId,
      ObjectRef object,
      ScanResult result,
      @Nullable String givenReason,
      @Nullable String sha256,
      long size,
      long durationMillis) {
    String reason = givenReason;
    if (reason == null && result.verdict() == Verdict.ERROR) {
      List<String> errors = new ArrayList<>();
      for (FileResult f : result.errored()) {
        for (String e : f.errors()) {
          errors.add(f.path() + ": " + e);
        }
      }
      reason = String.join("; ", errors);
    }
    String report = reportWriter.render(result);
    ScanRecord record =
        new ScanRecord(
            scanId,
            object.bucket(),
            object.key(),
            object.versionId(),
            object.revision(),
            sha256,
            size,
            result.verdict().name(),
            reason,
            counts(result.countsBySeverity()),
            topFindings(result.findings()),
            result.toolVersion(),
            clock.instant(),
            durationMillis,
            report,
            null,
            writeBom(scanId, object, result),
            false);
    if (report.getBytes(StandardCharsets.UTF_8).length > config.reportInlineMaxBytes()) {
      // Written before the record that points to it, so the pointer never dangles.
      String reportKey = "reports/" + scanId + ".json";
      s3.putObject(
          PutObjectRequest.builder()
              .bucket(config.resultsBucket())
              .key(reportKey)
              .contentType("application/json")
              .build(),
          RequestBody.fromString(report, StandardCharsets.UTF_8));
      record = record.withReportIn("s3://" + config.resultsBucket() + "/" + reportKey);
    }
    return record;
  }

  ScanRecord errorRecord(String scanId, ObjectRef object, String reason, long millis) {
    return new ScanRecord(
        scanId,
        object.bucket(),
        object.key(),
        object.versionId(),
        object.revision(),
        null,
        null,
        "ERROR",
        reason,
        counts(Map.of()),
        List.of(),
        ScanEngine.TOOL_VERSION,
        clock.instant(),
        millis,
        null,
        null,
        null,
        false);
  }

  /**
   * Writes the scan's CycloneDX ML-BOM to the SBOM bucket, before the record that points to it, so
   * that the pointer never dangles. Its key is derived from the scan id: a retry after a failed
   * record write overwrites it with the BOM of the same object revision (same serial number, which
   * is derived from the scan id; only {@code metadata.timestamp} differs), and a replayed event
   * whose record exists does not scan, so does not write it again.
   */
  private String writeBom(String scanId, ObjectRef object, ScanResult result) {
    String bom =
        MlBomWriter.render(
            bomBuilder.withName(object.key()).withVersion(object.versionId()).build(result),
            BomFormat.JSON);
    String bomKey = sbomKey(scanId);
    s3.putObject(
        PutObjectRequest.builder()
            .bucket(config.sbomBucket())
            .key(bomKey)
            .contentType("application/vnd.cyclonedx+json")
            .build(),
        RequestBody.fromString(bom, StandardCharsets.UTF_8));
    return "s3://" + config.sbomBucket() + "/" + bomKey;
  }

  /** Where the ML-BOM of a scan lives in the SBOM bucket. */
  public static String sbomKey(String scanId) {
    return "sboms/" + scanId + ".cdx.json";
  }

  private static Map<String, Integer> counts(Map<Severity, Integer> bySeverity) {
    Map<String, Integer> out = new LinkedHashMap<>();
    for (Severity s : Severity.values()) {
      out.put(s.name(), bySeverity.getOrDefault(s, 0));
    }
    return out;
  }

  private static List<ModelScanCompleted.TopFinding> topFindings(List<Finding> findings) {
    return findings.stream()
        .sorted(Comparator.comparingInt((Finding f) -> -f.severity().rank()))
        .limit(ModelScanCompleted.MAX_TOP_FINDINGS)
        .map(
            f ->
                new ModelScanCompleted.TopFinding(
                    f.ruleId(), f.severity().name(), f.title(), f.location().path()))
        .toList();
  }

  static long millisSince(long t0) {
    return (System.nanoTime() - t0) / 1_000_000;
  }
}
