package io.sentrascan.scanner.report;

import java.util.Locale;

/** The report formats, with the writer for each. */
public enum ReportFormat {
  /** Compact console text, grouped by file; colour only when asked. */
  TEXT("txt"),
  /** The versioned JSON report, see {@code docs/report-format.md}. */
  JSON("json"),
  /** Markdown for pull-request comments and humans. */
  MARKDOWN("md"),
  /** SARIF 2.1.0 for GitHub code scanning and other SARIF consumers. */
  SARIF("sarif");

  private final String extension;

  ReportFormat(String extension) {
    this.extension = extension;
  }

  /** The usual file extension, without the dot. */
  public String extension() {
    return extension;
  }

  /**
   * The writer for this format.
   *
   * @param colour whether the text format may use ANSI colour; other formats ignore it
   */
  public ReportWriter writer(boolean colour) {
    return switch (this) {
      case TEXT -> new TextReportWriter(colour);
      case JSON -> new JsonReportWriter();
      case MARKDOWN -> new MarkdownReportWriter();
      case SARIF -> new SarifReportWriter();
    };
  }

  /** The lower-case name used on the command line. */
  public String cliName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
