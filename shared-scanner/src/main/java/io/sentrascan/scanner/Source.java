package io.sentrascan.scanner;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/**
 * Bytes to scan, read by position. A source may be a local file, a slice of another source, bytes
 * in memory, or (in the functions) an S3 object read by ranged GETs, so a scanner must never need
 * the whole content in memory: it reads what its format needs.
 *
 * <p>Implementations are safe for concurrent positional reads: the engine hashes a source on one
 * thread while a scanner reads it on another.
 */
public interface Source {
  /** Size in bytes. */
  long size();

  /** The name shown to users: a path, {@code s3://bucket/key}, or an entry inside a container. */
  String displayPath();

  /**
   * Reads up to {@code len} bytes at {@code position} into {@code buf}.
   *
   * @return the number of bytes read, which is less than {@code len} only at the end of the source,
   *     and {@code -1} when {@code position >= size()}
   */
  int read(long position, byte[] buf, int off, int len) throws IOException;

  /** Reads exactly {@code len} bytes at {@code position}, or throws {@link EOFException}. */
  default byte[] readFully(long position, int len) throws IOException {
    byte[] buf = new byte[len];
    int done = 0;
    while (done < len) {
      int n = read(position + done, buf, done, len - done);
      if (n < 0) {
        throw new EOFException(
            "wanted " + len + " bytes at offset " + position + " but the file ends first");
      }
      done += n;
    }
    return buf;
  }

  /**
   * A sequential stream over {@code [position, position + length)}, clipped to the source's end.
   * Callers close it.
   */
  default InputStream openStream(long position, long length) {
    return new SourceInputStream(this, position, Math.min(length, Math.max(0, size() - position)));
  }

  /** A stream over the whole source. */
  default InputStream openStream() {
    return openStream(0, size());
  }

  /** A view of {@code [offset, offset + length)} of this source, without copying. */
  default Source slice(long offset, long length, String displayPath) {
    return new SliceSource(this, offset, length, displayPath);
  }
}
