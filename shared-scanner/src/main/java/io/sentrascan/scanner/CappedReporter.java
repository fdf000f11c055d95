package io.sentrascan.scanner;

import java.util.Map;
import java.util.TreeMap;

/**
 * Reports findings with at most {@link #PER_RULE} per rule, so that a hostile header with a million
 * bad entries yields a readable report; the rest are counted into one summary finding.
 */
public final class CappedReporter {
  /** Findings listed per rule before the rest are only counted. */
  public static final int PER_RULE = 10;

  private final ScanContext context;
  private final String summaryRule;
  private final Map<String, Integer> counts = new TreeMap<>();

  /**
   * @param summaryRule the rule of the one finding that counts what was not listed
   */
  public CappedReporter(ScanContext context, String summaryRule) {
    this.context = context;
    this.summaryRule = summaryRule;
  }

  public void report(String ruleId, Location location, String description, String evidence) {
    report(ruleId, context.rule(ruleId).severity(), location, description, evidence);
  }

  public void report(
      String ruleId, Severity severity, Location location, String description, String evidence) {
    int n = counts.merge(ruleId, 1, Integer::sum);
    if (n <= PER_RULE) {
      context.report(ruleId, severity, location, description, evidence);
    }
  }

  /** Reports the summary findings; call once, when the file is done. */
  public void finish() {
    counts.forEach(
        (rule, n) -> {
          if (n > PER_RULE) {
            context.report(
                summaryRule,
                context.at(-1, rule),
                (n - PER_RULE) + " more " + rule + " findings were not listed (" + n + " in all).",
                rule + " x " + n);
          }
        });
  }
}
