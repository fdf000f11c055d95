package io.sentrascan.scanner;

/** The outcome of a scan under a {@link Policy}. */
public enum Verdict {
  /** Nothing at or above the policy threshold, and every file was scanned. */
  PASS,
  /** At least one finding fails the policy. */
  FAIL,
  /** Nothing failed the policy, but at least one file could not be scanned: never a pass. */
  ERROR
}
