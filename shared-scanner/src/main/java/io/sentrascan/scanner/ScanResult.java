package io.sentrascan.scanner;

import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;

/**
 * The outcome of one scan run over one or more targets.
 *
 * @param scanId unique id of this run
 * @param startedAt when the run started
 * @param durationMillis how long it took
 * @param toolVersion the SentraScan version
 * @param scanners every registered scanner's name and version
 * @param targets what the user asked to scan, as given
 * @param files every file and nested entry, sorted by path
 * @param policy the policy the verdict was computed with
 * @param verdict the policy's verdict
 */
public record ScanResult(
    String scanId,
    Instant startedAt,
    long durationMillis,
    String toolVersion,
    SortedMap<String, String> scanners,
    List<String> targets,
    List<FileResult> files,
    Policy policy,
    Verdict verdict) {

  /** Every finding of every file, in file order. */
  public List<Finding> findings() {
    return files.stream().flatMap(f -> f.findings().stream()).toList();
  }

  /** Finding counts for every severity, including zeros, most severe first. */
  public Map<Severity, Integer> countsBySeverity() {
    Map<Severity, Integer> counts = new EnumMap<>(Severity.class);
    for (Severity s : Severity.values()) {
      counts.put(s, 0);
    }
    for (FileResult file : files) {
      for (Finding f : file.findings()) {
        counts.merge(f.severity(), 1, Integer::sum);
      }
    }
    return counts;
  }

  /** Files that had at least one error. */
  public List<FileResult> errored() {
    return files.stream().filter(f -> !f.errors().isEmpty()).toList();
  }
}
