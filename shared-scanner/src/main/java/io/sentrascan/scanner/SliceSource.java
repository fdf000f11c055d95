package io.sentrascan.scanner;

import java.io.IOException;

/** A window onto another source: a stored zip entry, a tar member, a pickle inside a file. */
final class SliceSource implements Source {
  private final Source parent;
  private final long offset;
  private final long length;
  private final String displayPath;

  SliceSource(Source parent, long offset, long length, String displayPath) {
    if (offset < 0 || length < 0) {
      throw new IllegalArgumentException("negative slice " + offset + "+" + length);
    }
    this.parent = parent;
    this.offset = offset;
    this.length = Math.max(0, Math.min(length, parent.size() - offset));
    this.displayPath = displayPath;
  }

  @Override
  public long size() {
    return length;
  }

  @Override
  public String displayPath() {
    return displayPath;
  }

  @Override
  public int read(long position, byte[] buf, int off, int len) throws IOException {
    if (position >= length) {
      return -1;
    }
    int want = (int) Math.min(len, length - position);
    return parent.read(offset + position, buf, off, want);
  }
}
