package io.sentrascan.scanner.format.rds;

import io.sentrascan.scanner.MalformedFileException;
import io.sentrascan.scanner.Source;
import java.io.IOException;

/** A buffered, position-tracking reader of R serialization integers (XDR or native order). */
final class RBytes {
  private static final int WINDOW = 64 * 1024;

  private final Source source;
  private final boolean bigEndian;
  private final byte[] buf = new byte[WINDOW];
  private long bufStart;
  private int bufLen;
  private long pos;

  RBytes(Source source, long start, boolean bigEndian) {
    this.source = source;
    this.bigEndian = bigEndian;
    this.pos = start;
    this.bufStart = start;
  }

  long position() {
    return pos;
  }

  long remaining() {
    return source.size() - pos;
  }

  int readInt() throws IOException {
    if (pos < bufStart || pos + 4 > bufStart + bufLen) {
      fill(4);
    }
    int i = (int) (pos - bufStart);
    int a = buf[i] & 0xff;
    int b = buf[i + 1] & 0xff;
    int c = buf[i + 2] & 0xff;
    int d = buf[i + 3] & 0xff;
    pos += 4;
    return bigEndian ? (a << 24) | (b << 16) | (c << 8) | d : (d << 24) | (c << 16) | (b << 8) | a;
  }

  /** Up to {@code keep} of the next {@code len} bytes as text; all {@code len} are consumed. */
  String readText(long len, int keep) throws IOException {
    int n = (int) Math.min(len, keep);
    need(len);
    byte[] bytes = source.readFully(pos, n);
    pos += len;
    return new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1);
  }

  void skip(long len) throws IOException {
    need(len);
    pos += len;
  }

  private void need(long len) throws IOException {
    if (len < 0 || len > remaining()) {
      throw new MalformedFileException(
          "R serialization declares "
              + len
              + " bytes at offset "
              + pos
              + " but the data ends "
              + remaining()
              + " bytes later",
          pos);
    }
  }

  private void fill(int min) throws IOException {
    need(min);
    bufStart = pos;
    bufLen = (int) Math.min(WINDOW, remaining());
    byte[] data = source.readFully(pos, bufLen);
    System.arraycopy(data, 0, buf, 0, bufLen);
  }
}
