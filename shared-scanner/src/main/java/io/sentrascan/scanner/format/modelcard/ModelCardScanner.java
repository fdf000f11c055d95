package io.sentrascan.scanner.format.modelcard;

import io.sentrascan.scanner.Probe;
import io.sentrascan.scanner.ScanContext;
import io.sentrascan.scanner.Scanner;
import io.sentrascan.scanner.Source;
import io.sentrascan.scanner.text.TextFindings;
import io.sentrascan.scanner.text.TextSniff;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Model cards ({@code README.md} of a model repository): completeness of what users and the SBOM
 * need (license, base model, training data, intended use, limitations: CARD-001..CARD-005, LOW),
 * the card's metadata recorded as {@code card.*} properties, and secrets and personal data in the
 * text. Detected by a Hugging Face style front matter, or by the name README.md / MODELCARD.md on a
 * text file.
 */
public final class ModelCardScanner implements Scanner {
  static final long MAX_BYTES = 4L << 20;

  private static final Set<String> CARD_NAMES =
      Set.of("readme.md", "modelcard.md", "model_card.md", "model-card.md");
  private static final Pattern CARD_KEY =
      Pattern.compile(
          "(?m)^(?:license|base_model|datasets|pipeline_tag|library_name|model-index|tags"
              + "|language|model_name|inference)\\s*:");
  private static final Pattern FENCE = Pattern.compile("^\\s{0,3}(```|~~~)");

  private final TextFindings text = TextFindings.defaults();

  @Override
  public String name() {
    return "modelcard";
  }

  @Override
  public String version() {
    return "1.0.0+secrets-" + text.version();
  }

  @Override
  public String description() {
    return "Model cards (`README.md` with Hub front matter): missing license, base model, datasets, intended use and limitations (LOW); card facts recorded for the SBOM; secrets and PII.";
  }

  @Override
  public boolean supports(Probe probe) {
    if (!TextSniff.isText(probe)) {
      return false;
    }
    if (CARD_NAMES.contains(probe.fileName().toLowerCase(Locale.ROOT))) {
      return true;
    }
    String ext = probe.extension();
    if (ext.equals("yaml") || ext.equals("yml") || ext.equals("json")) {
      return false;
    }
    String head = TextSniff.headText(probe);
    FrontMatter fm = FrontMatter.parse(head);
    return fm.present()
        && fm.problem().isEmpty()
        && CARD_KEY.matcher(head.substring(0, fm.bodyStart())).find();
  }

  @Override
  public void scan(Source source, ScanContext context) throws IOException {
    context.setFormat("model-card");
    String card = TextSniff.read(source, MAX_BYTES);
    if (source.size() > MAX_BYTES) {
      context.error("only the first " + MAX_BYTES + " bytes of the card were read");
    }
    FrontMatter fm = FrontMatter.parse(card);
    if (!fm.problem().isEmpty()) {
      context.report(
          "CARD-006",
          context.at(0, "front matter"),
          "The front matter " + fm.problem() + ".",
          "---");
    }
    record("card.license", fm.get("license"), context);
    record("card.base_model", fm.get("base_model"), context);
    record("card.datasets", fm.get("datasets"), context);
    record("card.pipeline_tag", fm.get("pipeline_tag"), context);
    record("card.library_name", fm.get("library_name"), context);

    List<String> headings = headings(card.substring(fm.bodyStart()));
    check(
        !fm.get("license").isEmpty() || has(headings, "license"),
        "CARD-001",
        "The card names no license (no license: in the front matter, no License section).",
        context);
    check(
        !fm.get("base_model").isEmpty() || has(headings, "base model"),
        "CARD-002",
        "The card names no base model (no base_model: in the front matter).",
        context);
    check(
        !fm.get("datasets").isEmpty()
            || has(headings, "training data", "dataset", "training procedure"),
        "CARD-003",
        "The card names no training data (no datasets: in the front matter, no training-data"
            + " section).",
        context);
    check(
        has(headings, "intended use", "intended uses", "uses", "use case"),
        "CARD-004",
        "The card has no intended-use section.",
        context);
    check(
        has(headings, "limitation", "risks", "bias", "out-of-scope"),
        "CARD-005",
        "The card has no limitations section.",
        context);
    text.scan(card, context, context.at(0));
  }

  private static void record(String key, List<String> values, ScanContext context) {
    values.forEach(v -> context.addProperty(key, v));
  }

  private static void check(boolean present, String rule, String description, ScanContext ctx) {
    if (!present) {
      ctx.report(rule, ctx.at(-1, "model card"), description, "section or key missing");
    }
  }

  private static boolean has(List<String> headings, String... words) {
    for (String h : headings) {
      for (String w : words) {
        if (h.contains(w)) {
          return true;
        }
      }
    }
    return false;
  }

  /** Lower-case ATX headings of the Markdown body, outside fenced code blocks. */
  static List<String> headings(String body) {
    List<String> out = new ArrayList<>();
    boolean fenced = false;
    for (String line : body.split("\n", -1)) {
      if (FENCE.matcher(line).find()) {
        fenced = !fenced;
        continue;
      }
      String l = line.strip();
      if (!fenced && l.startsWith("#")) {
        out.add(l.replaceFirst("^#+\\s*", "").toLowerCase(Locale.ROOT));
      }
    }
    return out;
  }
}
