package io.sentrascan.scanner.report;

import io.sentrascan.scanner.FileResult;
import io.sentrascan.scanner.Finding;
import io.sentrascan.scanner.Location;
import io.sentrascan.scanner.ScanResult;
import io.sentrascan.scanner.Severity;
import java.io.IOException;
import java.io.Writer;
import java.util.List;
import java.util.Map;

/**
 * A Markdown report for people: verdict, a table of counts, one section per finding (most severe
 * first), then errors and skipped files. Everything taken from a scanned file is escaped or put in
 * a code span, so a hostile file cannot inject links or HTML.
 */
public final class MarkdownReportWriter implements ReportWriter {
  @Override
  public void write(ScanResult result, Writer out) throws IOException {
    StringBuilder md = new StringBuilder();
    md.append("# ").append(ToolInfo.NAME).append(" scan report\n\n");
    md.append("**Verdict: ").append(result.verdict()).append("**");
    md.append(" (fails on ").append(result.policy().failOn()).append(" or above");
    if (result.policy().strict()) {
      md.append(", strict");
    }
    md.append(")\n\n");

    md.append("| Severity | Findings |\n|---|---:|\n");
    Map<Severity, Integer> counts = result.countsBySeverity();
    for (Severity s : Severity.values()) {
      md.append("| ").append(s).append(" | ").append(counts.get(s)).append(" |\n");
    }
    md.append('\n');

    long skipped = result.files().stream().filter(f -> f.skipped() != null).count();
    md.append("Scanned ")
        .append(result.files().size())
        .append(result.files().size() == 1 ? " file" : " files")
        .append(" (")
        .append(skipped)
        .append(" not analysed, ")
        .append(result.errored().size())
        .append(" with errors) from ");
    List<String> targets = result.targets();
    for (int i = 0; i < targets.size(); i++) {
      md.append(i == 0 ? "" : ", ").append(MarkdownText.code(targets.get(i), false));
    }
    md.append(".\n\n");
    md.append(ToolInfo.NAME).append(' ').append(MarkdownText.escape(result.toolVersion()));
    if (!result.scanners().isEmpty()) {
      md.append("; scanners:");
      result
          .scanners()
          .forEach(
              (name, version) ->
                  md.append(' ')
                      .append(MarkdownText.escape(name))
                      .append(' ')
                      .append(MarkdownText.escape(version)));
    }
    md.append(". Scan ")
        .append(MarkdownText.code(result.scanId(), false))
        .append(", started ")
        .append(result.startedAt())
        .append(", took ")
        .append(result.durationMillis())
        .append(" ms.\n");

    List<Finding> findings = TextReportWriter.bySeverity(result.findings());
    if (!findings.isEmpty()) {
      md.append("\n## Findings\n");
      int n = 0;
      for (Finding f : findings) {
        n++;
        finding(md, n, f, result.policy().fails(f), result.policy().isAccepted(f));
      }
    }

    if (!result.errored().isEmpty()) {
      md.append("\n## Errors\n\nThese files could not be fully scanned:\n\n");
      for (FileResult file : result.errored()) {
        for (String error : file.errors()) {
          md.append("- ")
              .append(MarkdownText.code(file.path(), false))
              .append(": ")
              .append(MarkdownText.escape(error))
              .append('\n');
        }
      }
    }

    List<FileResult> notAnalysed =
        result.files().stream().filter(f -> f.skipped() != null).toList();
    if (!notAnalysed.isEmpty()) {
      md.append("\n## Files not analysed\n\n| File | Reason |\n|---|---|\n");
      for (FileResult file : notAnalysed) {
        md.append("| ")
            .append(MarkdownText.code(file.path(), true))
            .append(" | ")
            .append(MarkdownText.escape(file.skipped()))
            .append(" |\n");
      }
    }
    out.write(md.toString());
    out.flush();
  }

  private static void finding(StringBuilder md, int n, Finding f, boolean fails, boolean accepted) {
    md.append("\n### ")
        .append(n)
        .append(". ")
        .append(f.severity())
        .append(' ')
        .append(MarkdownText.escape(f.ruleId()))
        .append(": ")
        .append(MarkdownText.escape(f.title()))
        .append("\n\n");
    Location loc = f.location();
    md.append("- **Location:** ").append(MarkdownText.code(loc.path(), false));
    if (loc.offset() >= 0) {
      md.append(" at byte ").append(loc.offset());
    }
    if (loc.context() != null) {
      md.append(" (").append(MarkdownText.code(loc.context(), false)).append(')');
    }
    md.append('\n');
    md.append("- **Category:** ").append(MarkdownText.escape(f.category()));
    md.append(fails ? " (fails the policy)" : accepted ? " (accepted in the baseline)" : "")
        .append('\n');
    md.append("- **Description:** ").append(MarkdownText.escape(f.description())).append('\n');
    if (!f.evidence().isEmpty()) {
      md.append("- **Evidence:** ").append(MarkdownText.code(f.evidence(), false)).append('\n');
    }
    md.append("- **Remediation:** ").append(MarkdownText.escape(f.remediation())).append('\n');
  }
}
