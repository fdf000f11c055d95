package io.sentrascan.functions.scan;

import io.sentrascan.events.ModelScanCompleted;
import io.sentrascan.events.ObjectRef;
import io.sentrascan.functions.logging.JsonLog;
import io.sentrascan.scanner.FileResult;
import io.sentrascan.scanner.Finding;
import io.sentrascan.scanner.Policy;
import io.sentrascan.scanner.ScanEngine;
import io.sentrascan.scanner.ScanResult;
import io.sentrascan.scanner.Severity;
import io.sentrascan.scanner.report.JsonReportWriter;
import io.sentrascan.scanner.sbom.BomFormat;
import io.sentrascan.scanner.sbom.MlBomBuilder;
import io.sentrascan.scanner.sbom.MlBomWriter;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ChecksumMode;
import software.amazon.awssdk.services.s3.model.HeadObjectRequest;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Scans one object revision and makes the result durable and visible, in an order that survives a
 * crash at any step: the report and the ML-BOM, then the record (conditional: one per revision),
 * then the tags and the completion event, then the record's {@code notified} flag. A redelivered
 * event finds the record and only finishes what is missing.
 */
final class ScanObjectWorkflow {
  private final S3Client s3;
  private final ScanRecordStore store;
  private final ObjectTagger tagger;
  private final ScanEventPublisher publisher;
  private final ScanEngine engine;
  private final Policy policy;
  private final Clock clock;
  private final ScanConfig config;
  private final DigestReuse reuse;
  private final SupersededRecords superseded;
  private final JsonReportWriter reportWriter = new JsonReportWriter();
  private final MlBomBuilder bomBuilder = new MlBomBuilder();

  @SuppressWarnings("TooManyParameters") // the function's collaborators, wired once in the handler
  ScanObjectWorkflow(
      S3Client s3,
      ScanRecordStore store,
      ObjectTagger tagger,
      ScanEventPublisher publisher,
      ScanEngine engine,
      Policy policy,
      Clock clock,
      ScanConfig config,
      DigestReuse reuse,
      SupersededRecords superseded) {
    this.s3 = s3;
    this.store = store;
    this.tagger = tagger;
    this.publisher = publisher;
    this.engine = engine;
    this.policy = policy;
    this.clock = clock;
    this.config = config;
    this.reuse = reuse;
    this.superseded = superseded;
  }

  /** What became of one object. */
  record Outcome(
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

  /** Scans the object, unless this revision already has a record. */
  Outcome scan(ObjectRef object, JsonLog log) {
    return process(object, null, log);
  }

  /** Records an object the event names but that cannot be scanned, with verdict ERROR. */
  Outcome recordUnscannable(ObjectRef object, String reason, JsonLog log) {
    return process(object, reason, log);
  }

  private Outcome process(ObjectRef object, @Nullable String unscannable, JsonLog log) {
    String scanId = ScanIds.of(object);
    Optional<ScanRecord> existing = store.find(scanId);
    if (existing.isPresent()) {
      log.info(
          "object revision already scanned; not scanning again",
          "scanId",
          scanId,
          "bucket",
          object.bucket(),
          "key",
          object.key(),
          "versionId",
          object.versionId(),
          "verdict",
          existing.get().verdict());
      markSuperseded(existing.get(), log);
      finish(existing.get(), log);
      return Outcome.of(existing.get(), true);
    }
    ScanRecord record =
        unscannable != null
            ? errorRecord(scanId, object, unscannable, 0)
            : scanObject(scanId, object, log);
    record = record.withSequencer(object.sequencer());
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
          object.bucket(),
          "key",
          object.key(),
          "versionId",
          object.versionId(),
          "reason",
          record.reason());
    } else {
      log.info(
          "recorded scan",
          "scanId",
          scanId,
          "bucket",
          object.bucket(),
          "key",
          object.key(),
          "versionId",
          object.versionId(),
          "verdict",
          record.verdict(),
          "sha256",
          record.sha256());
    }
    markSuperseded(stored.record(), log);
    finish(stored.record(), log);
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

  /** An earlier scan of the same content; a failed lookup only means this one is scanned. */
  private Optional<ScanRecord> reuse(
      String scanId, ObjectRef object, HeadObjectResponse head, long t0, JsonLog log) {
    try {
      Optional<ScanRecord> reused =
          reuse.reuse(scanId, object, head, clock.instant(), millisSince(t0));
      reused.ifPresent(
          r ->
              log.info(
                  "same content scanned before by this scanner version; reusing its result",
                  "scanId",
                  scanId,
                  "reusedFrom",
                  r.reusedFrom(),
                  "sha256",
                  r.sha256()));
      return reused;
    } catch (RuntimeException e) {
      log.warn(
          "could not look up earlier scans of this content; scanning it",
          "scanId",
          scanId,
          "error",
          e.toString());
      return Optional.empty();
    }
  }

  /** Tags and announces a stored record, once. */
  private void finish(ScanRecord record, JsonLog log) {
    if (record.notified()) {
      return;
    }
    ObjectTagger.Result tagged = tagger.tag(record);
    if (tagged != ObjectTagger.Result.TAGGED) {
      log.warn(
          tagged == ObjectTagger.Result.OBJECT_GONE
              ? "object version no longer exists; the record stands untagged"
              : "object already has 10 tags of its own; the verdict is not tagged",
          "scanId",
          record.scanId(),
          "bucket",
          record.bucket(),
          "key",
          record.key());
    }
    publisher.publish(record.toEvent());
    store.markNotified(record.scanId());
  }

  private ScanRecord scanObject(String scanId, ObjectRef object, JsonLog log) {
    long t0 = System.nanoTime();
    HeadObjectResponse head;
    try {
      head =
          s3.headObject(
              HeadObjectRequest.builder()
                  .bucket(object.bucket())
                  .key(object.key())
                  .versionId(object.versionId())
                  .checksumMode(ChecksumMode.ENABLED)
                  .build());
    } catch (S3Exception e) {
      String reason =
          e.statusCode() == 404
              ? "object version no longer exists: deleted before it could be scanned"
              : "cannot read object metadata: HTTP " + e.statusCode() + " " + errorCode(e);
      return errorRecord(scanId, object, reason, millisSince(t0));
    }
    String eTag = unquote(head.eTag());
    if (object.versionId() == null && object.eTag() != null && !object.eTag().equals(eTag)) {
      return errorRecord(
          scanId,
          object,
          "object was overwritten before it could be scanned (ETag "
              + eTag
              + ", event said "
              + object.eTag()
              + "); the new upload has its own event",
          millisSince(t0));
    }
    if (head.contentLength() > config.maxObjectBytes()) {
      return errorRecord(
          scanId,
          object,
          "object is "
              + head.contentLength()
              + " bytes, over this function's limit of "
              + config.maxObjectBytes()
              + " (MAX_OBJECT_BYTES): not scanned; the large-model workflow must scan it",
          millisSince(t0));
    }
    Optional<ScanRecord> reused = reuse(scanId, object, head, t0, log);
    if (reused.isPresent()) {
      return reused.get();
    }
    S3RangeSource source =
        new S3RangeSource(
            s3,
            object.bucket(),
            object.key(),
            object.versionId(),
            object.versionId() == null ? eTag : null,
            head.contentLength(),
            object.uri(),
            S3RangeSource.BLOCK_BYTES);
    ScanResult raw = engine.scanSources(List.of(source), policy);
    ScanResult result =
        new ScanResult(
            scanId,
            raw.startedAt(),
            raw.durationMillis(),
            raw.toolVersion(),
            raw.scanners(),
            raw.targets(),
            raw.files(),
            raw.policy(),
            raw.verdict());
    FileResult top = result.files().stream().filter(f -> f.depth() == 0).findFirst().orElse(null);
    String reason = null;
    if (result.verdict() == io.sentrascan.scanner.Verdict.ERROR) {
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
            top == null ? null : top.sha256(),
            head.contentLength(),
            result.verdict().name(),
            reason,
            counts(result.countsBySeverity()),
            topFindings(result.findings()),
            result.toolVersion(),
            clock.instant(),
            millisSince(t0),
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

  private ScanRecord errorRecord(String scanId, ObjectRef object, String reason, long millis) {
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
  static String sbomKey(String scanId) {
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

  private static String errorCode(S3Exception e) {
    return e.awsErrorDetails() == null ? "" : String.valueOf(e.awsErrorDetails().errorCode());
  }

  private static @Nullable String unquote(@Nullable String eTag) {
    if (eTag != null && eTag.length() >= 2 && eTag.startsWith("\"") && eTag.endsWith("\"")) {
      return eTag.substring(1, eTag.length() - 1);
    }
    return eTag;
  }

  private static long millisSince(long t0) {
    return (System.nanoTime() - t0) / 1_000_000;
  }
}
