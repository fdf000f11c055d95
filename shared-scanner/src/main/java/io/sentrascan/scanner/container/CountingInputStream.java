package io.sentrascan.scanner.container;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Counts the bytes read and skipped, so that a sequential reader's position is known; and can pass
 * over a span without reading it ({@link #passOver}), for a reader that insists on reading bytes it
 * only wants to skip.
 */
final class CountingInputStream extends FilterInputStream {
  private long count;

  /** Bytes before this count are served as zeros, skipping the underlying stream. */
  private long unreadUntil;

  CountingInputStream(InputStream in) {
    super(in);
  }

  /** Bytes consumed so far. */
  long count() {
    return count;
  }

  /**
   * The next {@code length} bytes are not read from the underlying stream (which is skipped, so it
   * must skip cheaply, as a {@link io.sentrascan.scanner.Source}'s stream does): reads of them
   * return zeros. Commons Compress's tar reader skips a member's data by reading it (commons-io
   * {@code IOUtils.skip} never calls {@code InputStream.skip}), so without this a tar walk read
   * every member whole even though members are scanned as slices of the archive.
   */
  void passOver(long length) {
    unreadUntil = Math.max(unreadUntil, count + Math.max(0, length));
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    if (count < unreadUntil) {
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }
    int b = in.read();
    if (b >= 0) {
      count++;
    }
    return b;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (count < unreadUntil && len > 0) {
      long skipped = in.skip(Math.min(len, unreadUntil - count));
      if (skipped <= 0) {
        return -1; // the underlying stream ended: so does this one
      }
      java.util.Arrays.fill(b, off, off + (int) skipped, (byte) 0);
      count += skipped;
      return (int) skipped;
    }
    int n = in.read(b, off, len);
    if (n > 0) {
      count += n;
    }
    return n;
  }

  @Override
  public long skip(long n) throws IOException {
    long s = in.skip(n);
    if (s > 0) {
      count += s;
    }
    return s;
  }

  @Override
  public boolean markSupported() {
    return false;
  }

  @Override
  public synchronized void mark(int readlimit) {
    // Unsupported: a reset would make the count wrong.
  }

  @Override
  public synchronized void reset() throws IOException {
    throw new IOException("mark/reset not supported");
  }
}
