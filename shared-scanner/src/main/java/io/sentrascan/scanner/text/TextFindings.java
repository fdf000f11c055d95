package io.sentrascan.scanner.text;

import io.sentrascan.scanner.Location;
import io.sentrascan.scanner.ScanContext;
import io.sentrascan.scanner.Severity;
import io.sentrascan.scanner.rules.RuleCatalog;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;

/**
 * Secret (SEC-) and personal-data (PII-) detection over any text: source code, notebook outputs,
 * model cards, configuration, and later pickle strings or GGUF metadata. Patterns are data ({@code
 * secrets.json}); each candidate must also pass a placeholder check, a Shannon-entropy floor and,
 * for some kinds, a structural check, so that {@code AKIAIOSFODNN7EXAMPLE}, {@code xxxx}, {@code
 * <your-key>} or {@code ${VAR}} stay quiet.
 *
 * <p>The value itself never leaves this class: findings, evidence and descriptions carry it
 * {@linkplain #mask masked}. Immutable and thread-safe.
 */
public final class TextFindings {
  /** Matches kept per text at most, so that a hostile file cannot flood a report. */
  public static final int MAX_MATCHES = 200;

  private static final int EVIDENCE_CONTEXT = 40;

  private final SecretCatalog catalog;
  private final TextPolicy policy;

  /** Detection under {@code policy}. */
  public TextFindings(TextPolicy policy) {
    this.catalog = SecretCatalog.defaults();
    this.policy = policy;
  }

  /** Detection under the policy of the system property {@value TextPolicy#PROPERTY}. */
  public static TextFindings defaults() {
    return new TextFindings(TextPolicy.fromSystemProperties());
  }

  /** The version of the pattern data, for scanner versions. */
  public String version() {
    return catalog.version();
  }

  /**
   * Finds secrets and personal data in {@code text} and reports each as a finding of {@code
   * context}, located through {@code base} (see {@link TextLocator}).
   *
   * @return the matches reported
   */
  public List<TextMatch> scan(CharSequence text, ScanContext context, Location base) {
    List<TextMatch> matches = find(text);
    if (matches.isEmpty()) {
      return matches;
    }
    TextLocator locator = new TextLocator(text, base);
    for (TextMatch m : matches) {
      Location at = locator.at(m.start());
      String where = at.context() == null ? "" : " at " + at.context();
      context.report(
          m.ruleId(),
          m.severity(),
          at,
          "The text holds " + m.what() + " (" + m.masked() + ")" + where + ".",
          evidence(text, m, matches, locator));
    }
    return matches;
  }

  /** Secrets and personal data in {@code text}, in text order, without overlaps. */
  public List<TextMatch> find(CharSequence text) {
    return find(text, true);
  }

  /** Secrets, and personal data when {@code personalData}, in text order, without overlaps. */
  List<TextMatch> find(CharSequence text, boolean personalData) {
    String lower = text.toString().toLowerCase(Locale.ROOT);
    List<TextMatch> candidates = new ArrayList<>();
    for (SecretPattern p : catalog.patterns()) {
      if (!p.keywordsPresent(lower)) {
        continue;
      }
      Matcher m = p.regex().matcher(text);
      while (m.find() && candidates.size() < 4 * MAX_MATCHES) {
        int vs = m.start(p.group());
        int ve = m.end(p.group());
        if (vs < 0) {
          continue;
        }
        String value = text.subSequence(vs, ve).toString();
        if (isPlaceholder(value) || entropy(value) < p.minEntropy() || !validates(p, value)) {
          continue;
        }
        Severity proposed =
            p.severity() != null
                ? p.severity()
                : RuleCatalog.defaults().rule(p.ruleId()).severity();
        add(candidates, p.ruleId(), proposed, p.description(), m.start(), m.end(), vs, ve, value);
      }
    }
    if (personalData) {
      PiiDetector.find(
          text,
          lower,
          hit -> {
            if (candidates.size() < 4 * MAX_MATCHES) {
              String value = text.subSequence(hit.start(), hit.end()).toString();
              Severity proposed = RuleCatalog.defaults().rule(hit.ruleId()).severity();
              add(
                  candidates,
                  hit.ruleId(),
                  proposed,
                  hit.what(),
                  hit.start(),
                  hit.end(),
                  hit.start(),
                  hit.end(),
                  value);
            }
          });
    }
    // Secrets first, in catalog order, then personal data: the earlier one wins an overlap.
    List<TextMatch> accepted = new ArrayList<>();
    for (int i = 0; i < candidates.size() && accepted.size() < MAX_MATCHES; i++) {
      TextMatch c = candidates.get(i);
      boolean overlaps = false;
      for (TextMatch a : accepted) {
        if (a.overlaps(c)) {
          overlaps = true;
          break;
        }
      }
      if (!overlaps) {
        accepted.add(c);
      }
    }
    accepted.sort(Comparator.comparingInt(TextMatch::start));
    return accepted;
  }

  /** {@code text} with every secret and piece of personal data in it replaced by its mask. */
  public String redact(CharSequence text) {
    List<TextMatch> matches = find(text);
    if (matches.isEmpty()) {
      return text.toString();
    }
    StringBuilder sb = new StringBuilder(text.length());
    int pos = 0;
    for (TextMatch m : matches) {
      sb.append(text, pos, m.valueStart()).append(m.masked());
      pos = m.valueEnd();
    }
    return sb.append(text, pos, text.length()).toString();
  }

  /**
   * A secret shown safely: its first characters (at most 4, fewer for short values), an ellipsis
   * and its length, for example {@code AKIA…(20 chars)}.
   */
  public static String mask(CharSequence value) {
    int keep = Math.min(4, value.length() / 5);
    return value.subSequence(0, keep) + "…(" + value.length() + " chars)";
  }

  /** Shannon entropy of {@code value} in bits per character. */
  static double entropy(String value) {
    if (value.isEmpty()) {
      return 0;
    }
    int[] counts = new int[128];
    int other = 0;
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c < 128) {
        counts[c]++;
      } else {
        other++;
      }
    }
    double h = 0;
    double n = value.length();
    for (int c : counts) {
      if (c > 0) {
        h -= (c / n) * (Math.log(c / n) / Math.log(2));
      }
    }
    if (other > 0) {
      h -= (other / n) * (Math.log(other / n) / Math.log(2));
    }
    return h;
  }

  /** Example keys, template variables, filler characters and the words people use instead. */
  static boolean isPlaceholder(String value) {
    String v = value.toLowerCase(Locale.ROOT);
    for (String marker :
        List.of(
            "example",
            "sample",
            "dummy",
            "placeholder",
            "redacted",
            "changeme",
            "your",
            "xxxx",
            "****",
            "....",
            "<",
            ">",
            "${",
            "{{",
            "}}",
            "%(",
            "$(",
            "0000000")) {
      if (v.contains(marker)) {
        return true;
      }
    }
    if (v.startsWith("$") || v.startsWith("%") || v.startsWith(":")) {
      return true; // $VAR, %VAR%, :password placeholders of URL templates
    }
    if (List.of("password", "passwd", "pass", "pwd", "secret", "token", "none", "null")
        .contains(v)) {
      return true;
    }
    int run = 1;
    int longest = 1;
    for (int i = 1; i < v.length(); i++) {
      run = v.charAt(i) == v.charAt(i - 1) ? run + 1 : 1;
      longest = Math.max(longest, run);
    }
    return v.length() >= 8 && longest >= Math.max(6, v.length() / 2);
  }

  private static boolean validates(SecretPattern p, String value) {
    if (!"jwt".equals(p.validator())) {
      return true;
    }
    int dot = value.indexOf('.');
    try {
      String header =
          new String(
              Base64.getUrlDecoder().decode(value.substring(0, dot)), StandardCharsets.UTF_8);
      return header.trim().startsWith("{") && header.contains("\"alg\"");
    } catch (IllegalArgumentException e) {
      return false; // not base64url: not a token
    }
  }

  private void add(
      List<TextMatch> out,
      String ruleId,
      Severity proposed,
      String what,
      int start,
      int end,
      int valueStart,
      int valueEnd,
      String value) {
    Optional<Severity> severity = policy.severity(ruleId, proposed);
    severity.ifPresent(
        s ->
            out.add(new TextMatch(ruleId, s, what, start, end, valueStart, valueEnd, mask(value))));
  }

  /** The match with some text around it, every secret in that window masked. */
  private static String evidence(
      CharSequence text, TextMatch m, List<TextMatch> all, TextLocator locator) {
    int from = Math.max(locator.lineStart(m.start()), m.start() - EVIDENCE_CONTEXT);
    from = Math.min(from, m.start());
    // Nothing after a secret: the rest of a key block or a JSON string may be more of the secret.
    int to =
        m.ruleId().startsWith("SEC-")
            ? m.end()
            : Math.max(m.end(), locator.lineEnd(m.end(), EVIDENCE_CONTEXT));
    for (TextMatch o : all) {
      if (o.valueStart() < to && o.valueEnd() > from) {
        from = Math.min(from, o.valueStart());
        to = Math.max(to, o.valueEnd());
      }
    }
    StringBuilder sb = new StringBuilder();
    int pos = from;
    for (TextMatch o : all) {
      if (o.valueStart() >= from && o.valueEnd() <= to) {
        sb.append(text, pos, o.valueStart()).append(o.masked());
        pos = o.valueEnd();
      }
    }
    sb.append(text, pos, to);
    return sb.toString().strip();
  }
}
