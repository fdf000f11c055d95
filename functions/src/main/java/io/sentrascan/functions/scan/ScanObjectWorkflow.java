package io.sentrascan.functions.scan;

import io.sentrascan.events.ObjectRef;
import io.sentrascan.functions.logging.JsonLog;
import io.sentrascan.scanner.FileResult;
import io.sentrascan.scanner.Policy;
import io.sentrascan.scanner.ScanEngine;
import io.sentrascan.scanner.ScanResult;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ChecksumMode;
import software.amazon.awssdk.services.s3.model.HeadObjectRequest;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Scans one object revision and hands the result to the {@link ScanRecorder}, which makes it
 * durable and visible in an order that survives a crash at any step. A redelivered event finds the
 * record and only finishes what is missing. An object over {@code MAX_OBJECT_BYTES} goes to the
 * large-model workflow when one is configured, else gets an ERROR record saying why.
 *
 * <p>A model folder marker ({@code FOLDER_MARKER}, an object whose file name is the marker, which
 * an uploader writes after every file of the folder) is not scanned: its parent prefix is handed to
 * the workflow as a folder scan, under the marker revision's scan id. Without a workflow the marker
 * gets an ERROR record saying the folder was not scanned as a whole. The folder's other files are
 * scanned one by one by their own events, as any upload.
 */
final class ScanObjectWorkflow {
  private final S3Client s3;
  private final ScanRecorder recorder;
  private final ScanEngine engine;
  private final Policy policy;
  private final ScanConfig config;
  private final @Nullable LargeModelHandOff largeModels;
  private final DigestReuse reuse;
  private final Clock clock;

  @SuppressWarnings("TooManyParameters") // the function's collaborators, wired once in the handler
  ScanObjectWorkflow(
      S3Client s3,
      ScanRecorder recorder,
      ScanEngine engine,
      Policy policy,
      ScanConfig config,
      @Nullable LargeModelHandOff largeModels,
      DigestReuse reuse,
      Clock clock) {
    this.s3 = s3;
    this.recorder = recorder;
    this.engine = engine;
    this.policy = policy;
    this.config = config;
    this.largeModels = largeModels;
    this.reuse = reuse;
    this.clock = clock;
  }

  /** Scans the object, unless this revision already has a record. */
  ScanRecorder.Outcome scan(ObjectRef object, JsonLog log) {
    return process(object, null, log);
  }

  /** Records an object the event names but that cannot be scanned, with verdict ERROR. */
  ScanRecorder.Outcome recordUnscannable(ObjectRef object, String reason, JsonLog log) {
    return process(object, reason, log);
  }

  private ScanRecorder.Outcome process(
      ObjectRef object, @Nullable String unscannable, JsonLog log) {
    String scanId = ScanIds.of(object);
    Optional<ScanRecorder.Outcome> existing = recorder.finishExisting(scanId, List.of(object), log);
    if (existing.isPresent()) {
      return existing.get();
    }
    if (unscannable != null) {
      return recorder.store(
          object, recorder.errorRecord(scanId, object, unscannable, 0), List.of(object), log);
    }
    if (isFolderMarker(object.key())) {
      return handOffFolder(scanId, object, log);
    }
    return scanObject(scanId, object, log);
  }

  private boolean isFolderMarker(String key) {
    String marker = config.folderMarker();
    return key.equals(marker) || key.endsWith("/" + marker);
  }

  private ScanRecorder.Outcome handOffFolder(String scanId, ObjectRef marker, JsonLog log) {
    long t0 = System.nanoTime();
    String prefix =
        marker.key().substring(0, marker.key().length() - config.folderMarker().length());
    if (prefix.isEmpty()) {
      // An empty prefix would be the whole bucket: never a model folder.
      return error(
          scanId,
          marker,
          "model folder marker "
              + config.folderMarker()
              + " (FOLDER_MARKER) at the bucket root: a model folder must be a key prefix such as"
              + " models/bert/; the bucket was not scanned as a folder",
          t0,
          log);
    }
    if (largeModels == null) {
      return error(
          scanId,
          marker,
          "model folder marker uploaded, but folder s3://"
              + marker.bucket()
              + "/"
              + prefix
              + " was not scanned as a whole: folder scans need the large-model workflow"
              + " (LARGE_MODEL_STATE_MACHINE_ARN is not set); its files are scanned one by one by"
              + " their own upload events",
          t0,
          log);
    }
    return largeModels.startFolder(scanId, marker, prefix, log);
  }

  /** An earlier scan of the same content; a failed lookup only means this one is scanned. */
  private Optional<ScanRecord> reuse(
      String scanId, ObjectRef object, HeadObjectResponse head, long t0, JsonLog log) {
    try {
      Optional<ScanRecord> reused =
          reuse.reuse(scanId, object, head, clock.instant(), ScanRecorder.millisSince(t0));
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

  private ScanRecorder.Outcome scanObject(String scanId, ObjectRef object, JsonLog log) {
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
      return error(scanId, object, reason, t0, log);
    }
    String eTag = unquote(head.eTag());
    if (object.versionId() == null && object.eTag() != null && !object.eTag().equals(eTag)) {
      return error(
          scanId,
          object,
          "object was overwritten before it could be scanned (ETag "
              + eTag
              + ", event said "
              + object.eTag()
              + "); the new upload has its own event",
          t0,
          log);
    }
    if (head.contentLength() > config.maxObjectBytes()) {
      if (largeModels != null) {
        return largeModels.start(scanId, object, eTag, head.contentLength(), log);
      }
      return error(
          scanId,
          object,
          "object is "
              + head.contentLength()
              + " bytes, over this function's limit of "
              + config.maxObjectBytes()
              + " (MAX_OBJECT_BYTES): not scanned; the large-model workflow must scan it",
          t0,
          log);
    }
    Optional<ScanRecord> reused = reuse(scanId, object, head, t0, log);
    if (reused.isPresent()) {
      return recorder.store(object, reused.get(), List.of(object), log);
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
    return recorder.recordResult(
        scanId,
        object,
        result,
        null,
        top == null ? null : top.sha256(),
        head.contentLength(),
        ScanRecorder.millisSince(t0),
        List.of(object),
        log);
  }

  private ScanRecorder.Outcome error(
      String scanId, ObjectRef object, String reason, long t0, JsonLog log) {
    return recorder.store(
        object,
        recorder.errorRecord(scanId, object, reason, ScanRecorder.millisSince(t0)),
        List.of(object),
        log);
  }

  /** Where the ML-BOM of a scan lives in the SBOM bucket. */
  static String sbomKey(String scanId) {
    return ScanRecorder.sbomKey(scanId);
  }

  private static String errorCode(S3Exception e) {
    return e.awsErrorDetails() == null ? "" : String.valueOf(e.awsErrorDetails().errorCode());
  }

  static @Nullable String unquote(@Nullable String eTag) {
    if (eTag != null && eTag.length() >= 2 && eTag.startsWith("\"") && eTag.endsWith("\"")) {
      return eTag.substring(1, eTag.length() - 1);
    }
    return eTag;
  }
}
