package io.sentrascan.scanner.text;

import io.sentrascan.scanner.Location;
import io.sentrascan.scanner.ScanContext;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Strings pulled out of a binary model file (pickle string opcodes, GGUF metadata values), each
 * with where it sits, searched for secrets in one pass. A secret in a pickle or in GGUF metadata
 * ships with every copy of the model, so these are reported like secrets in any text: by the same
 * patterns, located by the opcode offset or the metadata key, the value masked.
 *
 * <p>Only secrets (SEC- rules) are looked for: the strings of a model are mostly names of tensors,
 * classes and tokens, where the personal-data patterns (phone numbers, IP addresses) would fire on
 * digits that mean nothing. Work is bounded by a character budget per file; strings past it are
 * counted, not searched. Not thread-safe: one instance per scanned file.
 */
public final class EmbeddedStrings {
  /** Characters searched per file by default: far above a real model's metadata and dict keys. */
  public static final int DEFAULT_BUDGET = 4 << 20;

  /** Shorter strings cannot hold any secret the catalog knows (the shortest, Slack's, is 15). */
  public static final int MIN_LENGTH = 12;

  private final int budget;
  private final StringBuilder text = new StringBuilder();
  private final List<Location> where = new ArrayList<>();
  private final List<String> labels = new ArrayList<>();
  private int[] starts = new int[16];
  private long skipped;

  /** Collects up to {@code budget} characters. */
  public EmbeddedStrings(int budget) {
    this.budget = budget;
  }

  /** Collects up to {@link #DEFAULT_BUDGET} characters. */
  public static EmbeddedStrings withDefaultBudget() {
    return new EmbeddedStrings(DEFAULT_BUDGET);
  }

  /**
   * Adds one string found at {@code location}, described by {@code label} in findings (for example
   * "pickle string at offset 42" or "GGUF metadata general.description").
   *
   * @return false when the budget is spent and the string was not kept
   */
  public boolean add(CharSequence value, Location location, String label) {
    if (value.length() < MIN_LENGTH) {
      return true;
    }
    if (text.length() + value.length() + 1 > budget) {
      skipped++;
      return false;
    }
    if (where.size() == starts.length) {
      starts = java.util.Arrays.copyOf(starts, starts.length * 2);
    }
    starts[where.size()] = text.length();
    where.add(location);
    labels.add(label);
    // A line break between strings: no catalog pattern for a single-line secret spans it.
    text.append(value).append('\n');
    return true;
  }

  /** Strings not searched because the budget was spent. */
  public long skipped() {
    return skipped;
  }

  /** Strings kept for the search. */
  public int size() {
    return where.size();
  }

  /**
   * Searches the collected strings and reports each distinct secret once, at the first string that
   * holds it. Evidence and description carry the value masked.
   *
   * @return the number of findings reported
   */
  public int report(TextFindings findings, ScanContext context) {
    if (where.isEmpty()) {
      return 0;
    }
    List<TextMatch> matches = findings.find(text, false);
    Set<String> seen = new HashSet<>();
    int reported = 0;
    for (TextMatch m : matches) {
      String value = text.substring(m.valueStart(), m.valueEnd());
      if (!seen.add(m.ruleId() + '\0' + value)) {
        continue;
      }
      int i = fragmentOf(m.start());
      String evidence = evidence(m, matches, Math.max(starts[i], m.start() - 40));
      context.report(
          m.ruleId(),
          m.severity(),
          where.get(i),
          "The " + labels.get(i) + " holds " + m.what() + " (" + m.masked() + ").",
          evidence);
      reported++;
    }
    return reported;
  }

  /** From {@code from} to the end of {@code m}, every secret in that window masked. */
  private String evidence(TextMatch m, List<TextMatch> all, int from) {
    int start = Math.min(from, m.valueStart());
    int end = m.end();
    for (TextMatch o : all) {
      if (o.valueStart() < end && o.valueEnd() > start) {
        start = Math.min(start, o.valueStart());
        end = Math.max(end, o.valueEnd());
      }
    }
    StringBuilder sb = new StringBuilder();
    int pos = start;
    for (TextMatch o : all) {
      if (o.valueStart() >= start && o.valueEnd() <= end) {
        sb.append(text, pos, o.valueStart()).append(o.masked());
        pos = o.valueEnd();
      }
    }
    return sb.append(text, pos, end).toString().strip();
  }

  private int fragmentOf(int index) {
    int pos = java.util.Arrays.binarySearch(starts, 0, where.size(), index);
    return pos >= 0 ? pos : -pos - 2;
  }
}
