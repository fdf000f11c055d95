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
    boolean notified) {

  ScanRecord {
    Objects.requireNonNull(scanId, "scanId");
    Objects.requireNonNull(verdict, "verdict");
    countsBySeverity = Collections.unmodifiableMap(new LinkedHashMap<>(countsBySeverity));
    topFindings = List.copyOf(topFindings);
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
        notified);
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
