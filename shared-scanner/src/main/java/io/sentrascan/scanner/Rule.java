package io.sentrascan.scanner;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A detection rule as documented in the rule catalog resources.
 *
 * @param id stable identifier, never reused for another meaning
 * @param severity the default severity of its findings
 * @param category the family, for example {@code code-execution} or {@code archive}
 * @param title one line naming the problem
 * @param remediation what a user should do
 * @param cwe the CWE id that fits, or null
 */
public record Rule(
    String id,
    Severity severity,
    String category,
    String title,
    String remediation,
    @Nullable String cwe) {
  public Rule {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(severity, "severity");
    Objects.requireNonNull(category, "category");
    Objects.requireNonNull(title, "title");
    Objects.requireNonNull(remediation, "remediation");
  }

  /** A finding of this rule at its default severity. */
  public Finding finding(Location location, String description, String evidence) {
    return finding(severity, location, description, evidence);
  }

  /** A finding of this rule at a severity the scanner chose (for example raised when called). */
  public Finding finding(Severity actual, Location location, String description, String evidence) {
    return new Finding(id, actual, category, title, description, location, evidence, remediation);
  }
}
