package io.sentrascan.scanner.format.gguf;

import io.sentrascan.scanner.MalformedFileException;
import io.sentrascan.scanner.Source;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Sequential reads over a GGUF file by position, through a small window so that metadata with
 * hundreds of thousands of entries costs few source reads. Every read is checked against the file
 * size first: a lying length is an exception here, never an allocation.
 */
final class GgufReader {
  private static final int WINDOW = 64 * 1024;

  private final Source source;
  private final long size;
  private final ByteOrder order;
  private final byte[] window = new byte[WINDOW];
  private long windowStart;
  private int windowLength;
  private long position;

  GgufReader(Source source, long position, ByteOrder order) {
    this.source = source;
    this.size = source.size();
    this.position = position;
    this.order = order;
  }

  long position() {
    return position;
  }

  long remaining() {
    return size - position;
  }

  int u16() throws IOException {
    return Short.toUnsignedInt(buffer(2).getShort());
  }

  int u32() throws IOException {
    return buffer(4).getInt();
  }

  long u32AsLong() throws IOException {
    return Integer.toUnsignedLong(u32());
  }

  long u64() throws IOException {
    return buffer(8).getLong();
  }

  /** Skips {@code n} bytes, which must lie inside the file. */
  void skip(long n) throws IOException {
    require(n);
    position += n;
  }

  /** Reads {@code n} bytes (bounded by the caller) as UTF-8, replacing invalid sequences. */
  String utf8(int n) throws IOException {
    return new String(bytes(n), StandardCharsets.UTF_8);
  }

  byte[] bytes(int n) throws IOException {
    require(n);
    byte[] out = new byte[n];
    int done = 0;
    while (done < n) {
      fill();
      int at = (int) (position - windowStart);
      int k = Math.min(n - done, windowLength - at);
      System.arraycopy(window, at, out, done, k);
      done += k;
      position += k;
    }
    return out;
  }

  private ByteBuffer buffer(int n) throws IOException {
    return ByteBuffer.wrap(bytes(n)).order(order);
  }

  private void require(long n) throws MalformedFileException {
    if (n < 0 || n > size - position) {
      throw new MalformedFileException(
          "GGUF file ends at "
              + size
              + " but "
              + Long.toUnsignedString(n)
              + " more bytes are needed at offset "
              + position,
          position);
    }
  }

  private void fill() throws IOException {
    if (position >= windowStart && position < windowStart + windowLength) {
      return;
    }
    windowStart = position;
    int want = (int) Math.min(WINDOW, size - position);
    windowLength = 0;
    while (windowLength < want) {
      int r = source.read(position + windowLength, window, windowLength, want - windowLength);
      if (r < 0) {
        throw new MalformedFileException("GGUF file shorter than its size", position);
      }
      windowLength += r;
    }
  }
}
