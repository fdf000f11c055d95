package io.sentrascan.scanner.container;

import io.sentrascan.scanner.LimitExceededException;
import io.sentrascan.scanner.Location;
import io.sentrascan.scanner.ScanContext;
import io.sentrascan.scanner.Severity;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reports per-entry findings of one archive, with the checks every container format shares (entry
 * names, links, duplicates), and caps each rule's count: an archive of 100 000 hostile names must
 * not make a report of 100 000 findings.
 */
final class EntryFindings {
  /** Findings of one rule reported individually; the rest are summed up in one finding. */
  static final int MAX_PER_RULE = 20;

  private final ScanContext ctx;
  private long nameBytes;
  private final Map<String, Integer> counts = new HashMap<>();
  private final Map<String, Severity> worstSuppressed = new TreeMap<>();

  EntryFindings(ScanContext ctx) {
    this.ctx = ctx;
  }

  /** A location in the archive: its path, the offset of the entry's record, the entry name. */
  Location at(long offset, String entryName) {
    return ctx.at(offset, entryName);
  }

  void report(String ruleId, Severity severity, Location location, String description) {
    report(ruleId, severity, location, description, location.context());
  }

  void report(
      String ruleId, Severity severity, Location location, String description, String evidence) {
    int n = counts.merge(ruleId, 1, Integer::sum);
    if (n <= MAX_PER_RULE) {
      ctx.report(ruleId, severity, location, description, evidence == null ? "" : evidence);
    } else {
      worstSuppressed.merge(ruleId, severity, (a, b) -> a.atLeast(b) ? a : b);
    }
  }

  void report(String ruleId, Location location, String description) {
    report(ruleId, ctx.rule(ruleId).severity(), location, description);
  }

  /**
   * Reports zip-slip, absolute names and control characters in an entry name, and counts the name's
   * length: every name is kept (in results, in the duplicate check), so a stream of megabyte-long
   * names must end at the same budget {@link ZipIndex} gives a zip directory.
   */
  void checkName(String name, long offset) {
    nameBytes += name.length();
    if (nameBytes > ZipIndex.MAX_INDEXED_NAME_BYTES) {
      throw new LimitExceededException(
          "CORE-004",
          "Entry names in this archive add up to more than "
              + ZipIndex.MAX_INDEXED_NAME_BYTES
              + " characters");
    }
    Location at = at(offset, name);
    if (EntryPaths.isAbsolute(name)) {
      report("ARC-002", at, "Entry " + name + " has an absolute path.");
    }
    if (EntryPaths.hasParentSegment(name)) {
      report("ARC-001", at, "Entry " + name + " climbs out of the extraction folder with '..'.");
    }
    if (EntryPaths.hasControlCharacters(name)) {
      report("ARC-013", at, "Entry name " + name + " contains control characters.");
    }
  }

  /** Reports a symbolic link: HIGH when its target is absolute or outside the archive. */
  void symlink(String name, String target, long offset) {
    boolean escapes = EntryPaths.escapes(name, target, true);
    report(
        "ARC-003",
        escapes ? Severity.HIGH : Severity.MEDIUM,
        at(offset, name),
        "Entry "
            + name
            + " is a symbolic link to "
            + target
            + (escapes ? ", outside the extraction folder." : "."),
        target);
  }

  /** Reports a hard link: HIGH when its target is absolute or outside the archive. */
  void hardLink(String name, String target, long offset) {
    boolean escapes = EntryPaths.escapes(name, target, false);
    report(
        "ARC-004",
        escapes ? Severity.HIGH : Severity.LOW,
        at(offset, name),
        "Entry "
            + name
            + " is a hard link to "
            + target
            + (escapes ? ", outside the extraction folder." : "."),
        target);
  }

  /** Reports every rule's findings beyond the cap as one finding of the worst severity seen. */
  void finish() {
    worstSuppressed.forEach(
        (ruleId, severity) ->
            ctx.report(
                ruleId,
                severity,
                ctx.at(-1),
                (counts.get(ruleId) - MAX_PER_RULE)
                    + " more findings of this rule in this archive were not listed one by one.",
                ""));
    worstSuppressed.clear();
  }
}
