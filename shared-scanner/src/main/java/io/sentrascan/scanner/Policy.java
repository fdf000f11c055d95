package io.sentrascan.scanner;

import java.util.List;
import java.util.Set;

/**
 * Turns findings into a verdict.
 *
 * @param failOn findings at or above this severity fail the scan
 * @param strict when true, findings of the {@link #STRICT_CATEGORIES} (imports that are on neither
 *     the allow- nor the deny-list) fail the scan whatever their severity
 */
public record Policy(Severity failOn, boolean strict) {
  /** Categories that fail only under {@code --strict}. */
  public static final Set<String> STRICT_CATEGORIES = Set.of("unknown-import");

  public static Policy defaults() {
    return new Policy(Severity.HIGH, false);
  }

  /** True when this finding alone makes the scan fail. */
  public boolean fails(Finding finding) {
    return finding.severity().atLeast(failOn)
        || (strict && STRICT_CATEGORIES.contains(finding.category()));
  }

  /** FAIL if any finding fails; else ERROR if any file had an error; else PASS. */
  public Verdict verdict(List<FileResult> files) {
    boolean error = false;
    for (FileResult file : files) {
      for (Finding finding : file.findings()) {
        if (fails(finding)) {
          return Verdict.FAIL;
        }
      }
      error |= !file.errors().isEmpty();
    }
    return error ? Verdict.ERROR : Verdict.PASS;
  }
}
