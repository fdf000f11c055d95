package io.sentrascan.scanner;

import java.util.List;
import java.util.SortedMap;
import java.util.SortedSet;
import org.jspecify.annotations.Nullable;

/**
 * What the scan found about one file, top-level or nested in a container.
 *
 * @param path display path; nested entries join container and entry with {@code "!/"}
 * @param format the detected format (for example {@code pickle}, {@code pytorch-zip}), or {@code
 *     unknown}
 * @param scanner the scanner that handled the file, or null when none did
 * @param depth 0 for a top-level file, 1 for an entry of it, and so on
 * @param size bytes
 * @param digests algorithm (for example {@code SHA-256}) to lower-case hex; empty when not hashed
 * @param findings what was found, in the order the scanner found it
 * @param errors why the file could not be fully scanned (an I/O failure, a scanner defect)
 * @param skipped why the file was not analysed (no scanner for its format), or null
 * @param properties facts scanners record for the SBOM and reports (imports, framework, …)
 */
public record FileResult(
    String path,
    String format,
    @Nullable String scanner,
    int depth,
    long size,
    SortedMap<String, String> digests,
    List<Finding> findings,
    List<String> errors,
    @Nullable String skipped,
    SortedMap<String, SortedSet<String>> properties) {

  /** The SHA-256 in lower-case hex, or null when the file was not hashed. */
  public @Nullable String sha256() {
    return digests.get("SHA-256");
  }
}
