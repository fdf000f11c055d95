package io.sentrascan.scanner.format.oci;

import io.sentrascan.scanner.Source;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

/**
 * The image archive as a source that hashes each content-addressed blob from the bytes that are
 * read anyway: the tar walk and the nested scanners (a gzip layer is decompressed from start to
 * end) read through it, every read that continues a blob's hashed prefix extends its digest, and
 * {@link #digest} reads only what nobody read. So a blob's bytes are read once, not once for the
 * digest and again for the scan.
 */
final class BlobHasher implements Source {
  private final Source inner;
  private final TreeMap<Long, Blob> blobs = new TreeMap<>();

  /** One blob's span in the archive and how far its digest has got. */
  static final class Blob {
    final long start;
    final long end;
    private final MessageDigest sha256;
    private long hashedTo;

    Blob(long start, long length) {
      this.start = start;
      this.end = start + length;
      this.hashedTo = start;
      try {
        this.sha256 = MessageDigest.getInstance("SHA-256");
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("every JDK has SHA-256", e);
      }
    }
  }

  BlobHasher(Source inner) {
    this.inner = inner;
  }

  /**
   * Tracks the blob at {@code [start, start + length)}; blobs are tar members, so never overlap.
   */
  Blob track(long start, long length) {
    Blob b = new Blob(start, length);
    blobs.put(start, b);
    return b;
  }

  /** The blob's SHA-256 in hex, reading whatever part of it was not read yet. */
  String digest(Blob b) throws IOException {
    byte[] buf = new byte[1 << 16];
    long at;
    while ((at = hashedTo(b)) < b.end) {
      int n = read(at, buf, 0, (int) Math.min(buf.length, b.end - at));
      if (n <= 0) {
        throw new java.io.EOFException("blob ends at " + at + " of " + b.end);
      }
    }
    synchronized (this) {
      return HexFormat.of().formatHex(b.sha256.digest());
    }
  }

  private synchronized long hashedTo(Blob b) {
    return b.hashedTo;
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
      hash(position, buf, off, n);
    }
    return n;
  }

  private synchronized void hash(long position, byte[] buf, int off, int n) {
    long end = position + n;
    Map.Entry<Long, Blob> e = blobs.floorEntry(position);
    Long from = e == null ? blobs.ceilingKey(position) : e.getKey();
    if (from == null || from >= end) {
      return;
    }
    for (Blob b : blobs.subMap(from, true, end, false).values()) {
      if (b.hashedTo >= position && b.hashedTo < end && b.hashedTo < b.end) {
        long to = Math.min(b.end, end);
        b.sha256.update(buf, off + (int) (b.hashedTo - position), (int) (to - b.hashedTo));
        b.hashedTo = to;
      }
    }
  }
}
