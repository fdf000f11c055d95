package io.sentrascan.scanner.report;

/** How reports name the tool. */
final class ToolInfo {
  static final String NAME = "SentraScan";
  static final String INFORMATION_URI = "https://github.com/sentrascan/sentrascan";

  private ToolInfo() {}
}
