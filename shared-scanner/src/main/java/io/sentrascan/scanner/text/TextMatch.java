package io.sentrascan.scanner.text;

import io.sentrascan.scanner.Severity;

/**
 * One secret or piece of personal data found in a text. The value itself is not kept: only where it
 * is and its {@link #masked() masked} form, so a match can be logged or reported safely.
 *
 * @param ruleId the SEC- or PII- rule it falls under
 * @param severity the severity after the {@link TextPolicy} was applied
 * @param what what it is, for example "an AWS access key id"
 * @param start index of the first character of the whole match (a URL, a key block...)
 * @param end index after the whole match
 * @param valueStart index of the first character of the secret value inside the match
 * @param valueEnd index after the secret value
 * @param masked the value masked: its first characters, an ellipsis and its length
 */
public record TextMatch(
    String ruleId,
    Severity severity,
    String what,
    int start,
    int end,
    int valueStart,
    int valueEnd,
    String masked) {

  boolean overlaps(TextMatch other) {
    return start < other.end && other.start < end;
  }
}
