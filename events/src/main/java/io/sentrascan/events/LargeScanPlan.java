package io.sentrascan.events;

/**
 * What the plan function returns (placed at {@code $.plan} of the execution state): a pointer to
 * the plan, never the plan itself, so that the state stays far under Step Functions' 256 KB.
 *
 * @param schemaVersion this contract's version, {@link #SCHEMA_VERSION}
 * @param scanId the scan
 * @param planBucket the bucket holding the plan (the results bucket)
 * @param planKey the plan: JSON Lines, one {@link PlanChunk} per line ({@code
 *     large-scans/{scanId}/plan.jsonl})
 * @param chunkCount lines in the plan
 * @param fileCount objects the plan covers
 * @param totalBytes their bytes
 */
public record LargeScanPlan(
    String schemaVersion,
    String scanId,
    String planBucket,
    String planKey,
    int chunkCount,
    int fileCount,
    long totalBytes) {

  /** The contract version written by this code. */
  public static final String SCHEMA_VERSION = "1.0";

  /** Where every scan's plan and partial results live in the results bucket. */
  public static String folder(String scanId) {
    return "large-scans/" + scanId + "/";
  }

  /** The plan's key. */
  public static String planKey(String scanId) {
    return folder(scanId) + "plan.jsonl";
  }

  /** The key of one chunk's partial result. */
  public static String partialKey(String scanId, String chunkId) {
    return folder(scanId) + "partials/" + chunkId + ".json";
  }
}
