package io.sentrascan.testing;

import io.sentrascan.scanner.Source;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A source that counts every byte read through it (as bench/ScanThroughput's does), so a test can
 * prove how much of a file a scan touches.
 */
public record CountingSource(Source inner, AtomicLong bytes) implements Source {
  public CountingSource(Source inner) {
    this(inner, new AtomicLong());
  }

  @Override
  public long size() {
    return inner.size();
  }

  @Override
  public String displayPath() {
    return inner.displayPath();
  }

  @Override
  public int read(long position, byte[] buf, int off, int len) throws IOException {
    int n = inner.read(position, buf, off, len);
    if (n > 0) {
      bytes.addAndGet(n);
    }
    return n;
  }

  /** The bytes read so far. */
  public long read() {
    return bytes.get();
  }
}
