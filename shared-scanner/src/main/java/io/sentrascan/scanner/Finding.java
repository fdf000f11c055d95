package io.sentrascan.scanner;

import java.util.Objects;

/**
 * One problem found in a file. Every field is filled: rules give the id, severity, category, title
 * and remediation; the scanner gives the location, description and evidence.
 *
 * @param ruleId stable rule identifier, for example {@code PKL-001}
 * @param severity how bad it is
 * @param category the family of the rule, for example {@code code-execution}
 * @param title one line naming the problem
 * @param description what was seen, in this file
 * @param location where it was seen
 * @param evidence the bytes or text that prove it, shortened and with secrets masked
 * @param remediation what a user should do about it
 */
public record Finding(
    String ruleId,
    Severity severity,
    String category,
    String title,
    String description,
    Location location,
    String evidence,
    String remediation) {

  /** Evidence longer than this is cut, so that a hostile file cannot blow up a report. */
  public static final int MAX_EVIDENCE_CHARS = 512;

  public Finding {
    Objects.requireNonNull(ruleId, "ruleId");
    Objects.requireNonNull(severity, "severity");
    Objects.requireNonNull(category, "category");
    Objects.requireNonNull(title, "title");
    Objects.requireNonNull(description, "description");
    Objects.requireNonNull(location, "location");
    Objects.requireNonNull(remediation, "remediation");
    evidence = printable(evidence == null ? "" : evidence, MAX_EVIDENCE_CHARS);
    description = printable(description, 4 * MAX_EVIDENCE_CHARS);
  }

  /** Replaces control characters and cuts long text, so that evidence is safe to print anywhere. */
  public static String printable(String text, int max) {
    StringBuilder sb = new StringBuilder(Math.min(text.length(), max + 16));
    for (int i = 0; i < text.length() && sb.length() < max; i++) {
      char c = text.charAt(i);
      if (c == '\n') {
        sb.append("\\n");
      } else if (c == '\r') {
        sb.append("\\r");
      } else if (c == '\t') {
        sb.append("\\t");
      } else if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0)) {
        sb.append(String.format("\\x%02x", (int) c));
      } else {
        sb.append(c);
      }
    }
    if (sb.length() >= max && text.length() > max) {
      sb.setLength(max);
      sb.append("…");
    }
    return sb.toString();
  }
}
