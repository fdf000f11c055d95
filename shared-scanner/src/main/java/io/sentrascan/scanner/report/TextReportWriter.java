package io.sentrascan.scanner.report;

import io.sentrascan.scanner.FileResult;
import io.sentrascan.scanner.Finding;
import io.sentrascan.scanner.Location;
import io.sentrascan.scanner.Policy;
import io.sentrascan.scanner.ScanResult;
import io.sentrascan.scanner.Severity;
import io.sentrascan.scanner.Verdict;
import java.io.IOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The console report: only files with findings or errors, each followed by its findings, most
 * severe first; then the counts and the verdict. ANSI colour only when the caller says the output
 * is a terminal. Text from scanned files is passed through {@link Finding#printable} so that a
 * hostile entry name cannot send escape sequences to the terminal.
 */
public final class TextReportWriter implements ReportWriter {
  private static final int MAX_TEXT = 1024;
  private static final String RESET = "\u001b[0m";

  private final boolean colour;

  /**
   * @param colour whether to use ANSI colour; pass true only when writing to a terminal
   */
  public TextReportWriter(boolean colour) {
    this.colour = colour;
  }

  @Override
  public void write(ScanResult result, Writer out) throws IOException {
    StringBuilder sb = new StringBuilder();
    sb.append(ToolInfo.NAME)
        .append(' ')
        .append(clean(result.toolVersion()))
        .append(": ")
        .append(plural(result.files().size(), "file"))
        .append(" scanned, ")
        .append(plural(result.findings().size(), "finding"))
        .append('\n');

    for (FileResult file : result.files()) {
      if (file.findings().isEmpty() && file.errors().isEmpty()) {
        continue;
      }
      sb.append('\n').append(paint("\u001b[1m", clean(file.path())));
      sb.append("  (").append(clean(file.format())).append(", ");
      sb.append(plural(file.size(), "byte")).append(")\n");
      for (Finding f : bySeverity(file.findings())) {
        finding(sb, f, result.policy().fails(f), result.policy());
      }
      for (String error : file.errors()) {
        sb.append("  ")
            .append(paint("\u001b[35m", pad("ERROR")))
            .append("  ")
            .append(clean(error))
            .append('\n');
      }
    }

    List<FileResult> skipped = result.files().stream().filter(f -> f.skipped() != null).toList();
    if (!skipped.isEmpty()) {
      sb.append('\n')
          .append(plural(skipped.size(), "file"))
          .append(" not analysed (no scanner for the format); --format json lists them.\n");
    }

    sb.append('\n');
    Map<Severity, Integer> counts = result.countsBySeverity();
    for (Severity s : Severity.values()) {
      int n = counts.get(s);
      String text = s + " " + n;
      sb.append(n > 0 ? paint(colourOf(s), text) : text);
      sb.append(s == Severity.INFO ? "\n" : "  ");
    }
    sb.append(paint(colourOf(result.verdict()), result.verdict().name()))
        .append(": ")
        .append(reason(result))
        .append('\n');
    out.write(sb.toString());
    out.flush();
  }

  /**
   * One line for stderr: verdict, files, findings by severity, errors. For example {@code FAIL: 3
   * files, 2 findings (1 CRITICAL, 1 MEDIUM)}.
   */
  public static String summaryLine(ScanResult result) {
    StringBuilder sb = new StringBuilder(result.verdict().name()).append(": ");
    sb.append(plural(result.files().size(), "file")).append(", ");
    sb.append(plural(result.findings().size(), "finding"));
    List<String> parts = new ArrayList<>();
    result
        .countsBySeverity()
        .forEach(
            (s, n) -> {
              if (n > 0) {
                parts.add(n + " " + s);
              }
            });
    if (!parts.isEmpty()) {
      sb.append(" (").append(String.join(", ", parts)).append(')');
    }
    if (!result.errored().isEmpty()) {
      sb.append(", ").append(plural(result.errored().size(), "file")).append(" with errors");
    }
    return sb.toString();
  }

  /** Most severe first; the sort is stable, so findings of one severity keep their order. */
  static List<Finding> bySeverity(List<Finding> findings) {
    List<Finding> sorted = new ArrayList<>(findings);
    sorted.sort(Comparator.comparing(Finding::severity));
    return sorted;
  }

  private void finding(StringBuilder sb, Finding f, boolean fails, Policy policy) {
    String indent = "  " + " ".repeat(8) + "  ";
    sb.append("  ")
        .append(paint(colourOf(f.severity()), pad(f.severity().name())))
        .append("  ")
        .append(clean(f.ruleId()))
        .append("  ")
        .append(clean(f.title()))
        .append(
            fails
                ? ""
                : policy.isAccepted(f)
                    ? "  (accepted in the baseline)"
                    : "  (does not fail the policy)")
        .append('\n');
    Location loc = f.location();
    if (loc.offset() >= 0 || loc.context() != null) {
      sb.append(indent).append("at");
      if (loc.offset() >= 0) {
        sb.append(" byte ").append(loc.offset());
      }
      if (loc.context() != null) {
        sb.append(" [").append(clean(loc.context())).append(']');
      }
      sb.append('\n');
    }
    sb.append(indent).append(clean(f.description())).append('\n');
    if (!f.evidence().isEmpty()) {
      sb.append(indent).append("evidence: ").append(clean(f.evidence())).append('\n');
    }
    sb.append(indent).append("fix: ").append(clean(f.remediation())).append('\n');
  }

  private static String reason(ScanResult result) {
    long failing = result.findings().stream().filter(result.policy()::fails).count();
    String policy =
        "fails on "
            + result.policy().failOn()
            + " or above"
            + (result.policy().strict() ? ", strict" : "");
    return switch (result.verdict()) {
      case FAIL -> plural(failing, "finding") + " fail the policy (" + policy + ")";
      case ERROR ->
          plural(result.errored().size(), "file")
              + " could not be fully scanned, so the scan cannot pass";
      case PASS -> "nothing fails the policy (" + policy + ")";
    };
  }

  private String paint(String ansi, String text) {
    return colour ? ansi + text + RESET : text;
  }

  private static String colourOf(Severity s) {
    return switch (s) {
      case CRITICAL -> "\u001b[1;31m";
      case HIGH -> "\u001b[31m";
      case MEDIUM -> "\u001b[33m";
      case LOW -> "\u001b[36m";
      case INFO -> "\u001b[2m";
    };
  }

  private static String colourOf(Verdict v) {
    return switch (v) {
      case PASS -> "\u001b[1;32m";
      case FAIL -> "\u001b[1;31m";
      case ERROR -> "\u001b[1;35m";
    };
  }

  private static String pad(String s) {
    return String.format(Locale.ROOT, "%-8s", s);
  }

  private static String clean(String text) {
    return Finding.printable(text, MAX_TEXT);
  }

  private static String plural(long n, String noun) {
    return n + " " + noun + (n == 1 ? "" : "s");
  }
}
