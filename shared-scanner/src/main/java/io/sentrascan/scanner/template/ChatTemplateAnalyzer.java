package io.sentrascan.scanner.template;

import io.sentrascan.scanner.Location;
import io.sentrascan.scanner.ScanContext;
import io.sentrascan.scanner.Severity;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds server-side template injection in Jinja chat templates (GGUF {@code
 * tokenizer.chat_template}, tokenizer {@code chat_template}). The template is tokenized and its
 * expressions are walked with constant folding; it is never rendered. Stateless and thread-safe.
 *
 * <p>Rules: {@code TPL-001} (CRITICAL) a chain reaching Python globals, builtins or OS calls;
 * {@code TPL-002} (HIGH) Python internal attribute access; {@code TPL-003} (MEDIUM) suspicious
 * constructs (escape-encoded names, the attr filter, Jinja globals used as gadget roots, template
 * loading); {@code TPL-004} (MEDIUM) a template that cannot be fully analysed.
 */
public final class ChatTemplateAnalyzer {
  /** Templates longer than this are analysed up to here only; real chat templates are ~20 KB. */
  public static final int MAX_TEMPLATE_CHARS = 1 << 20;

  private static final ChatTemplateAnalyzer DEFAULT = new ChatTemplateAnalyzer();

  private ChatTemplateAnalyzer() {}

  public static ChatTemplateAnalyzer defaults() {
    return DEFAULT;
  }

  /** The scanner logic version, for the versions of the scanners that use it. */
  public static String version() {
    return "tpl1.0.0";
  }

  /** Analyses a template and returns what it found, without reporting. */
  public List<TemplateIssue> inspect(String template) {
    List<TemplateIssue> out = new ArrayList<>();
    String text = template;
    if (text.length() > MAX_TEMPLATE_CHARS) {
      out.add(
          new TemplateIssue(
              "TPL-004",
              Severity.MEDIUM,
              0,
              0,
              "The template has "
                  + template.length()
                  + " characters; only the first "
                  + MAX_TEMPLATE_CHARS
                  + " were analysed.",
              ""));
      text = text.substring(0, MAX_TEMPLATE_CHARS);
    }
    JinjaLexer lexer = new JinjaLexer(text);
    TemplateIssue lexIssue = null;
    try {
      lexer.lex();
    } catch (JinjaLexer.LexException e) {
      lexIssue =
          new TemplateIssue(
              "TPL-004",
              Severity.MEDIUM,
              e.line,
              0,
              "The template does not parse ("
                  + e.getMessage()
                  + "); Jinja would reject it, and"
                  + " what follows the error was not analysed.",
              "");
    }
    ExpressionWalker walker = new ExpressionWalker();
    walker.walk(lexer.segments);
    out.addAll(walker.issues());
    if (lexIssue != null) {
      out.add(lexIssue);
    }
    return out;
  }

  /**
   * Analyses a template and reports each issue into {@code ctx} at {@code base}, whose context (for
   * example the metadata key holding the template) is extended with the template line.
   */
  public void analyze(String template, ScanContext ctx, Location base) {
    for (TemplateIssue issue : inspect(template)) {
      String where = issue.line() > 0 ? "template line " + issue.line() : "template";
      String context = base.context() == null ? where : base.context() + ", " + where;
      ctx.report(
          issue.ruleId(),
          issue.severity(),
          base.withContext(context),
          issue.description(),
          issue.evidence());
    }
  }
}
