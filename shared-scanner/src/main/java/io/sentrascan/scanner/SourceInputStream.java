package io.sentrascan.scanner;

import java.io.IOException;
import java.io.InputStream;

/** Buffered sequential reads over a {@link Source} range. */
final class SourceInputStream extends InputStream {
  private static final int BUFFER = 256 * 1024;

  private final Source source;
  private final long end;
  private long position;
  private final byte[] buf;
  private int bufPos;
  private int bufLen;

  SourceInputStream(Source source, long position, long length) {
    this.source = source;
    this.position = position;
    this.end = position + length;
    this.buf = new byte[(int) Math.max(1, Math.min(BUFFER, length))];
  }

  private boolean fill() throws IOException {
    if (position >= end) {
      return false;
    }
    int want = (int) Math.min(buf.length, end - position);
    int n = source.read(position, buf, 0, want);
    if (n <= 0) {
      return false;
    }
    position += n;
    bufPos = 0;
    bufLen = n;
    return true;
  }

  @Override
  public int read() throws IOException {
    if (bufPos >= bufLen && !fill()) {
      return -1;
    }
    return buf[bufPos++] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (len == 0) {
      return 0;
    }
    if (bufPos >= bufLen) {
      // Large reads bypass the buffer: hashing a 10 GB file should not copy it twice.
      if (len >= buf.length && position < end) {
        int want = (int) Math.min(len, end - position);
        int n = source.read(position, b, off, want);
        if (n <= 0) {
          return -1;
        }
        position += n;
        return n;
      }
      if (!fill()) {
        return -1;
      }
    }
    int n = Math.min(len, bufLen - bufPos);
    System.arraycopy(buf, bufPos, b, off, n);
    bufPos += n;
    return n;
  }

  @Override
  public long skip(long n) {
    if (n <= 0) {
      return 0;
    }
    long inBuf = (long) bufLen - bufPos;
    if (n <= inBuf) {
      bufPos += (int) n;
      return n;
    }
    long rest = Math.min(n - inBuf, end - position);
    bufPos = bufLen;
    position += rest;
    return inBuf + rest;
  }

  @Override
  public int available() {
    return bufLen - bufPos;
  }
}
