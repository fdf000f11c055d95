package io.sentrascan.scanner.sbom;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The considerations a model card states in its Markdown body, under the headings of the Hugging
 * Face card template: use cases ({@code ## Intended uses}, {@code ### Direct Use}, …) and technical
 * limitations ({@code ## Bias, Risks, and Limitations}, {@code ### Out-of-Scope Use}, …). The
 * template's placeholders ({@code [More Information Needed]}) say nothing and are dropped.
 *
 * @param useCases the text of each use-case section, in card order
 * @param technicalLimitations the text of each limitation section, in card order
 */
record CardSections(List<String> useCases, List<String> technicalLimitations) {
  /** Each section is cut to this many characters: a BOM records, it does not republish, a card. */
  static final int MAX_CHARS = 2000;

  private static final Set<String> USE_CASES =
      Set.of(
          "uses",
          "intended use",
          "intended uses",
          "direct use",
          "downstream use",
          "downstream use (optional)",
          "how to use",
          "intended uses & limitations");
  private static final Set<String> LIMITATIONS =
      Set.of(
          "limitations",
          "known limitations",
          "risks and limitations",
          "bias, risks, and limitations",
          "bias, risks and limitations",
          "limitations and bias",
          "out-of-scope use");
  private static final Pattern HEADING = Pattern.compile("^#{1,6}\\s+(.*?)\\s*#*\\s*$");
  private static final Pattern PLACEHOLDER =
      Pattern.compile("(?i)^\\[?\\s*more information needed\\s*\\]?\\.?$");

  static final CardSections NONE = new CardSections(List.of(), List.of());

  CardSections {
    useCases = List.copyOf(useCases);
    technicalLimitations = List.copyOf(technicalLimitations);
  }

  boolean isEmpty() {
    return useCases.isEmpty() && technicalLimitations.isEmpty();
  }

  /** Reads the sections of a card; the front matter, if any, is skipped. */
  static CardSections parse(String card) {
    List<String> lines = card.lines().toList();
    int start = 0;
    if (!lines.isEmpty() && lines.get(0).replace("\uFEFF", "").strip().equals("---")) {
      for (int i = 1; i < lines.size(); i++) {
        if (lines.get(i).strip().equals("---")) {
          start = i + 1;
          break;
        }
      }
    }
    List<String> useCases = new ArrayList<>();
    List<String> limitations = new ArrayList<>();
    @Nullable String heading = null;
    StringBuilder body = new StringBuilder();
    boolean fenced = false;
    for (int i = start; i <= lines.size(); i++) {
      String line = i < lines.size() ? lines.get(i) : null;
      if (line != null && line.strip().startsWith("```")) {
        fenced = !fenced;
      }
      var m = line == null || fenced ? null : HEADING.matcher(line);
      if (line == null || (m != null && m.matches())) {
        if (heading != null) {
          String text = clean(body.toString());
          if (text != null) {
            if (USE_CASES.contains(heading)) {
              useCases.add(text);
            } else if (LIMITATIONS.contains(heading)) {
              limitations.add(text);
            }
          }
        }
        heading = m == null ? null : m.group(1).strip().toLowerCase(Locale.ROOT);
        body.setLength(0);
      } else {
        body.append(line).append('\n');
      }
    }
    return new CardSections(useCases, limitations);
  }

  private static @Nullable String clean(String text) {
    String t = text.strip();
    if (t.isEmpty() || PLACEHOLDER.matcher(t).matches()) {
      return null;
    }
    // Template comments say what to write, not what is true of the model.
    t = t.replaceAll("(?s)<!--.*?-->", "").strip();
    if (t.isEmpty() || PLACEHOLDER.matcher(t).matches()) {
      return null;
    }
    return t.length() > MAX_CHARS ? t.substring(0, MAX_CHARS) + "…" : t;
  }
}
