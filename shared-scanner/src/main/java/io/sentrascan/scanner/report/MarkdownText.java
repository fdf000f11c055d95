package io.sentrascan.scanner.report;

/**
 * Escaping for text that comes from scanned files (entry names, evidence): a hostile model must not
 * be able to inject links, HTML or table cells into a Markdown report.
 */
final class MarkdownText {
  // Only what can start markup mid-line: text always follows a list marker or a table pipe, so
  // line-start markers (#, -, +, digits) cannot take effect, and an escaped [ defeats links and
  // images.
  private static final String SPECIAL = "\\`*_[]<>|~&";

  private MarkdownText() {}

  /** Backslash-escapes every Markdown special character and flattens line breaks. */
  static String escape(String text) {
    StringBuilder sb = new StringBuilder(text.length() + 16);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\n' || c == '\r') {
        sb.append(' ');
      } else if (SPECIAL.indexOf(c) >= 0) {
        sb.append('\\').append(c);
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }

  /**
   * A code span that shows {@code text} literally: the fence is one backtick longer than the
   * longest run of backticks inside, padded with spaces when the text starts or ends with one.
   *
   * @param inTable true inside a GitHub table cell, where {@code |} must be escaped even in code
   */
  static String code(String text, boolean inTable) {
    String flat = text.replace('\n', ' ').replace('\r', ' ');
    int longest = 0;
    int run = 0;
    for (int i = 0; i < flat.length(); i++) {
      run = flat.charAt(i) == '`' ? run + 1 : 0;
      longest = Math.max(longest, run);
    }
    String fence = "`".repeat(longest + 1);
    boolean pad = flat.isEmpty() || flat.startsWith("`") || flat.endsWith("`");
    String body = inTable ? flat.replace("|", "\\|") : flat;
    return fence + (pad ? " " : "") + body + (pad ? " " : "") + fence;
  }
}
