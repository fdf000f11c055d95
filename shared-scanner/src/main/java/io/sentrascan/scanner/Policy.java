package io.sentrascan.scanner;

import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Turns findings into a verdict.
 *
 * @param failOn findings at or above this severity fail the scan
 * @param strict when true, findings of the {@link #STRICT_CATEGORIES} (imports that are on neither
 *     the allow- nor the deny-list) fail the scan whatever their severity
 * @param failOnLicense license classes ({@code non-commercial}, {@code copyleft}, …) that fail the
 *     scan: a license of such a class gets a finding of the {@link #LICENSE_POLICY_CATEGORY}, which
 *     fails whatever its severity
 * @param licenseSeverity the severity of those license-policy findings
 * @param accepted findings accepted in a baseline, as {@link #acceptanceKey} values: they stay in
 *     the report but never fail the scan
 */
public record Policy(
    Severity failOn,
    boolean strict,
    SortedSet<String> failOnLicense,
    Severity licenseSeverity,
    Set<String> accepted) {
  /** Categories that fail only under {@code --strict}. */
  public static final Set<String> STRICT_CATEGORIES = Set.of("unknown-import");

  /** The category of findings that exist only because the policy forbids a license class. */
  public static final String LICENSE_POLICY_CATEGORY = "license-policy";

  public Policy {
    Objects.requireNonNull(failOn, "failOn");
    Objects.requireNonNull(licenseSeverity, "licenseSeverity");
    failOnLicense = Collections.unmodifiableSortedSet(new TreeSet<>(failOnLicense));
    accepted = Set.copyOf(accepted);
  }

  /** A severity threshold and strictness, with no license classes and nothing accepted. */
  public Policy(Severity failOn, boolean strict) {
    this(failOn, strict, new TreeSet<>(), Severity.HIGH, Set.of());
  }

  public static Policy defaults() {
    return new Policy(Severity.HIGH, false);
  }

  /** This policy, also failing on licenses of {@code classes} with findings of {@code severity}. */
  public Policy withFailOnLicense(Set<String> classes, Severity severity) {
    return new Policy(failOn, strict, new TreeSet<>(classes), severity, accepted);
  }

  /** This policy with these findings accepted ({@link #acceptanceKey} values). */
  public Policy withAccepted(Set<String> keys) {
    return new Policy(failOn, strict, failOnLicense, licenseSeverity, keys);
  }

  /**
   * What identifies a finding across scans of the same files: rule id, path and context (not the
   * offset, which moves when unrelated bytes change).
   */
  public static String acceptanceKey(String ruleId, String path, String context) {
    return ruleId + "|" + path + "|" + context;
  }

  /** The {@link #acceptanceKey} of a finding. */
  public static String acceptanceKey(Finding finding) {
    Location l = finding.location();
    return acceptanceKey(finding.ruleId(), l.path(), l.context() == null ? "" : l.context());
  }

  /** True when a baseline accepted this finding. */
  public boolean isAccepted(Finding finding) {
    return !accepted.isEmpty() && accepted.contains(acceptanceKey(finding));
  }

  /** True when this finding alone makes the scan fail. */
  public boolean fails(Finding finding) {
    if (isAccepted(finding)) {
      return false;
    }
    return finding.severity().atLeast(failOn)
        || (strict && STRICT_CATEGORIES.contains(finding.category()))
        || LICENSE_POLICY_CATEGORY.equals(finding.category());
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
