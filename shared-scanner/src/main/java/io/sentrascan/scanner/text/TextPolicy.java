package io.sentrascan.scanner.text;

import io.sentrascan.scanner.Severity;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Severities of the secret (SEC-) and personal-data (PII-) rules, as a user tuned them. By default
 * every rule keeps the severity of the rule catalog (secrets HIGH or CRITICAL, personal data LOW or
 * MEDIUM). A tuned policy raises, lowers or switches off single rules, for example {@code
 * PII-001=MEDIUM,PII-005=OFF} in the system property {@value #PROPERTY}.
 *
 * <p>Immutable and thread-safe.
 */
public final class TextPolicy {
  /** The system property {@link #fromSystemProperties()} reads. */
  public static final String PROPERTY = "sentrascan.text.severity";

  private static final Pattern COMMA = Pattern.compile("\\s*,\\s*");

  /** Rule id to severity; an empty value switches the rule off. */
  private final Map<String, Optional<Severity>> overrides;

  private TextPolicy(Map<String, Optional<Severity>> overrides) {
    this.overrides = Map.copyOf(overrides);
  }

  /** Every rule at its catalog severity. */
  public static TextPolicy defaults() {
    return new TextPolicy(Map.of());
  }

  /** The policy of the system property {@value #PROPERTY}, or the defaults when it is unset. */
  public static TextPolicy fromSystemProperties() {
    String spec = System.getProperty(PROPERTY);
    return spec == null || spec.isBlank() ? defaults() : parse(spec);
  }

  /**
   * Parses {@code RULE=SEVERITY} pairs separated by commas; the severity is a {@link Severity} name
   * or {@code OFF}.
   *
   * @throws IllegalArgumentException on a pair that is not of that form
   */
  public static TextPolicy parse(String spec) {
    Map<String, Optional<Severity>> out = new TreeMap<>();
    for (String pair : COMMA.split(spec.trim())) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException(
            "expected RULE=SEVERITY in " + PROPERTY + ", got '" + pair + "'");
      }
      String rule = pair.substring(0, eq).trim().toUpperCase(Locale.ROOT);
      String value = pair.substring(eq + 1).trim().toUpperCase(Locale.ROOT);
      if (!rule.startsWith("SEC-") && !rule.startsWith("PII-")) {
        throw new IllegalArgumentException("only SEC- and PII- rules can be tuned, not " + rule);
      }
      try {
        out.put(
            rule, value.equals("OFF") ? Optional.empty() : Optional.of(Severity.valueOf(value)));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "unknown severity '" + value + "' for " + rule + " (use INFO..CRITICAL or OFF)", e);
      }
    }
    return new TextPolicy(out);
  }

  /** This policy with {@code ruleId} reported at {@code severity}. */
  public TextPolicy withSeverity(String ruleId, Severity severity) {
    Map<String, Optional<Severity>> copy = new TreeMap<>(overrides);
    copy.put(ruleId, Optional.of(severity));
    return new TextPolicy(copy);
  }

  /** This policy with {@code ruleId} not reported at all. */
  public TextPolicy without(String ruleId) {
    Map<String, Optional<Severity>> copy = new TreeMap<>(overrides);
    copy.put(ruleId, Optional.empty());
    return new TextPolicy(copy);
  }

  /** The severity to report {@code ruleId} at, or empty when the rule is switched off. */
  public Optional<Severity> severity(String ruleId, Severity proposed) {
    Optional<Severity> tuned = overrides.get(ruleId);
    return tuned == null ? Optional.of(proposed) : tuned;
  }

  @Override
  public String toString() {
    return overrides.isEmpty() ? "default" : new TreeMap<>(overrides).toString();
  }
}
