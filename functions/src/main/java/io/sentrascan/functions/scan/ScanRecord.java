package io.sentrascan.functions.scan;

import io.sentrascan.events.ModelScanCompleted;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The summary of one scanned object revision, as stored in the scan table (see {@link
 * ScanTableDesign}).
 *
 * @param report the full JSON report when it is small enough to live in the table (as its own item,
 *     see {@link ScanTableDesign}), else null; null as well when read back from the summary
 * @param reportLocation {@code s3://} URI of the full report when it is not in the record
 * @param sbomLocation {@code s3://} URI of the scan's CycloneDX ML-BOM, or null when the object
 *     could not be read (nothing to describe)
 * @param notified true once the object is tagged and the completion event is on EventBridge; a
 *     redelivered event finishes a record that is not
 * @param sequencer S3's ordering token of the event that named this revision (null when the event
 *     had none): which of two records of one key is newer, whatever order their events came in
 * @param reusedFrom the scan whose verdict, report and ML-BOM this record reuses because the
 *     content (S3's full-object SHA-256) was scanned before by the same scanner version; null for a
 *     record that was scanned itself
 */
record ScanRecord(
    String scanId,
    String bucket,
    String key,
    @Nullable String versionId,
    String revision,
    @Nullable String sha256,
    @Nullable Long size,
    String verdict,
    @Nullable String reason,
    Map<String, Integer> countsBySeverity,
    List<ModelScanCompleted.TopFinding> topFindings,
    String scannerVersion,
    Instant scannedAt,
    long durationMillis,
    @Nullable String report,
    @Nullable String reportLocation,
    @Nullable String sbomLocation,
    boolean notified,
    @Nullable String sequencer,
    @Nullable String reusedFrom) {

  ScanRecord {
    Objects.requireNonNull(scanId, "scanId");
    Objects.requireNonNull(verdict, "verdict");
    countsBySeverity = Collections.unmodifiableMap(new LinkedHashMap<>(countsBySeverity));
    topFindings = List.copyOf(topFindings);
  }

  /** A record scanned by itself, whose order among its key's records is not known (yet). */
  @SuppressWarnings("TooManyParameters") // the stored attributes, one by one
  ScanRecord(
      String scanId,
      String bucket,
      String key,
      @Nullable String versionId,
      String revision,
      @Nullable String sha256,
      @Nullable Long size,
      String verdict,
      @Nullable String reason,
      Map<String, Integer> countsBySeverity,
      List<ModelScanCompleted.TopFinding> topFindings,
      String scannerVersion,
      Instant scannedAt,
      long durationMillis,
      @Nullable String report,
      @Nullable String reportLocation,
      @Nullable String sbomLocation,
      boolean notified) {
    this(
        scanId,
        bucket,
        key,
        versionId,
        revision,
        sha256,
        size,
        verdict,
        reason,
        countsBySeverity,
        topFindings,
        scannerVersion,
        scannedAt,
        durationMillis,
        report,
        reportLocation,
        sbomLocation,
        notified,
        null,
        null);
  }

  /** This record with the S3 sequencer of the event that named its revision. */
  ScanRecord withSequencer(@Nullable String value) {
    return new ScanRecord(
        scanId,
        bucket,
        key,
        versionId,
        revision,
        sha256,
        size,
        verdict,
        reason,
        countsBySeverity,
        topFindings,
        scannerVersion,
        scannedAt,
        durationMillis,
        report,
        reportLocation,
        sbomLocation,
        notified,
        value,
        reusedFrom);
  }

  ScanRecord withReportIn(String location) {
    return new ScanRecord(
        scanId,
        bucket,
        key,
        versionId,
        revision,
        sha256,
        size,
        verdict,
        reason,
        countsBySeverity,
        topFindings,
        scannerVersion,
        scannedAt,
        durationMillis,
        null,
        location,
        sbomLocation,
        notified,
        sequencer,
        reusedFrom);
  }

  /** The completion event for this record. */
  ModelScanCompleted toEvent() {
    return new ModelScanCompleted(
        ModelScanCompleted.VERSION,
        scanId,
        bucket,
        key,
        versionId,
        sha256,
        size,
        verdict,
        reason,
        countsBySeverity,
        topFindings,
        reportLocation,
        sbomLocation,
        scannerVersion,
        scannedAt);
  }
}
