package io.sentrascan.scanner.report;

import io.sentrascan.scanner.ScanResult;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.io.Writer;

/**
 * Renders a {@link ScanResult} in one report format. Implementations are stateless and thread-safe,
 * and deterministic: the same result always gives the same text.
 */
public interface ReportWriter {
  /** Writes the report; does not close {@code out}. */
  void write(ScanResult result, Writer out) throws IOException;

  /** The report as a string. */
  default String render(ScanResult result) {
    StringWriter out = new StringWriter();
    try {
      write(result, out);
    } catch (IOException e) {
      throw new UncheckedIOException("a StringWriter does not fail", e);
    }
    return out.toString();
  }
}
