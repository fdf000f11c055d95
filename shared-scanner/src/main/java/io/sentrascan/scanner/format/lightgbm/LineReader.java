package io.sentrascan.scanner.format.lightgbm;

import io.sentrascan.scanner.MalformedFileException;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/** Lines of a stream with their byte offsets, refusing lines longer than a bound. */
final class LineReader {
  static final Charset LATIN1 = StandardCharsets.ISO_8859_1;

  /** A tree line holds one number per node; a model with millions of leaves still fits. */
  static final int MAX_LINE_BYTES = 64 << 20;

  private final InputStream in;
  private final ByteArrayOutputStream line = new ByteArrayOutputStream();
  private long position;
  private long lineOffset;

  LineReader(InputStream in) {
    this.in = new BufferedInputStream(in, 65536);
  }

  /** The next line without its terminator, or null at the end. */
  @Nullable String next() throws IOException {
    line.reset();
    lineOffset = position;
    int b;
    boolean any = false;
    while ((b = in.read()) >= 0) {
      position++;
      any = true;
      if (b == '\n') {
        break;
      }
      if (line.size() >= MAX_LINE_BYTES) {
        throw new MalformedFileException(
            "a line is longer than " + MAX_LINE_BYTES + " bytes", lineOffset);
      }
      line.write(b);
    }
    if (!any) {
      return null;
    }
    String s = line.toString(StandardCharsets.UTF_8);
    return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
  }

  /** Byte offset of the line {@link #next} returned last. */
  long lineOffset() {
    return lineOffset;
  }
}
