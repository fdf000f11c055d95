package io.sentrascan.scanner;

import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
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

  /**
   * This result with {@code added} findings (display path to findings) appended to the files they
   * name, in order; findings naming no file go to {@code fallback}. The verdict is recomputed. For
   * analyses that run after the scan (licenses, drift from a baseline).
   */
  public ScanResult withFindings(Map<String, List<Finding>> added, String fallback) {
    Set<String> paths = new HashSet<>();
    files.forEach(f -> paths.add(f.path()));
    Map<String, List<Finding>> pending = new LinkedHashMap<>();
    for (Map.Entry<String, List<Finding>> e : added.entrySet()) {
      boolean known = paths.contains(e.getKey());
      pending
          .computeIfAbsent(known ? e.getKey() : fallback, k -> new ArrayList<>())
          .addAll(e.getValue());
    }
    List<FileResult> out = new ArrayList<>();
    for (FileResult f : files) {
      List<Finding> more = pending.remove(f.path());
      if (more == null) {
        out.add(f);
        continue;
      }
      List<Finding> findings = new ArrayList<>(f.findings());
      findings.addAll(more);
      out.add(
          new FileResult(
              f.path(),
              f.format(),
              f.scanner(),
              f.depth(),
              f.size(),
              f.digests(),
              List.copyOf(findings),
              f.errors(),
              f.skipped(),
              f.properties()));
    }
    return withFiles(List.copyOf(out), policy);
  }

  /** This result judged by another policy (for example with a baseline's accepted findings). */
  public ScanResult withPolicy(Policy newPolicy) {
    return withFiles(files, newPolicy);
  }

  private ScanResult withFiles(List<FileResult> newFiles, Policy newPolicy) {
    return new ScanResult(
        scanId,
        startedAt,
        durationMillis,
        toolVersion,
        scanners,
        targets,
        newFiles,
        newPolicy,
        newPolicy.verdict(newFiles));
  }
}
