package io.sentrascan.events;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The {@code detail} of the {@code Model Scan Completed} event the scan function puts on
 * EventBridge once the scan record is stored: one per scanned object revision, whatever the
 * verdict.
 *
 * @param version this contract's version, {@link #VERSION}
 * @param scanId the scan record's id (the same object revision always gets the same id)
 * @param bucket the scanned object's bucket
 * @param key the scanned object's real (decoded) key
 * @param versionId the object version scanned; null for an unversioned bucket
 * @param sha256 the content's SHA-256 in lower-case hex; null when it could not be read
 * @param size bytes scanned; null when the object could not be read
 * @param verdict {@code PASS}, {@code FAIL} or {@code ERROR}
 * @param reason why the verdict is ERROR, or null
 * @param countsBySeverity finding counts for every severity ({@code CRITICAL} … {@code INFO}),
 *     zeros included
 * @param topFindings up to {@link #MAX_TOP_FINDINGS} findings, most severe first
 * @param reportLocation {@code s3://} URI of the full JSON report when it is stored in the results
 *     bucket; null when it is inline in the scan record
 * @param sbomLocation {@code s3://} URI of the ML-BOM; null until the SBOM step writes one
 * @param scannerVersion the SentraScan version that scanned
 * @param scannedAt when the scan record was written
 */
public record ModelScanCompleted(
    String version,
    String scanId,
    String bucket,
    String key,
    @Nullable String versionId,
    @Nullable String sha256,
    @Nullable Long size,
    String verdict,
    @Nullable String reason,
    Map<String, Integer> countsBySeverity,
    List<TopFinding> topFindings,
    @Nullable String reportLocation,
    @Nullable String sbomLocation,
    String scannerVersion,
    Instant scannedAt) {

  /** The contract version written by this code. */
  public static final String VERSION = "1.0";

  /** The EventBridge {@code detail-type}. */
  public static final String DETAIL_TYPE = "Model Scan Completed";

  /** The EventBridge {@code source}. */
  public static final String SOURCE = "io.sentrascan";

  /** How many findings the event carries at most; the report has all of them. */
  public static final int MAX_TOP_FINDINGS = 5;

  public ModelScanCompleted {
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(scanId, "scanId");
    Objects.requireNonNull(bucket, "bucket");
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(verdict, "verdict");
    // Keep the caller's order (most severe first) so the JSON reads in that order.
    countsBySeverity = Collections.unmodifiableMap(new LinkedHashMap<>(countsBySeverity));
    topFindings = List.copyOf(topFindings);
  }

  /**
   * One finding, shortened for the event.
   *
   * @param ruleId stable rule id, for example {@code PKL-001}
   * @param severity {@code CRITICAL} … {@code INFO}
   * @param title one line naming the problem
   * @param path where, inside the object ({@code model.pt!/archive/data.pkl})
   */
  public record TopFinding(String ruleId, String severity, String title, String path) {}
}
