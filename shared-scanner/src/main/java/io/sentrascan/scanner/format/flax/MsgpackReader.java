package io.sentrascan.scanner.format.flax;

import io.sentrascan.scanner.MalformedFileException;
import io.sentrascan.scanner.Source;
import java.io.IOException;

/**
 * Big-endian reads over {@code [start, end)} of a source through a small shared window; every read
 * and skip is checked against {@code end}, so a lying length is a {@link MalformedFileException},
 * never a huge allocation.
 */
final class MsgpackReader {
  private final Window window;
  private final long end;
  private long pos;

  MsgpackReader(Source source, long start, long end) {
    this(new Window(source), start, end);
  }

  private MsgpackReader(Window window, long start, long end) {
    this.window = window;
    this.pos = start;
    this.end = end;
  }

  /** A reader over a range inside this one, sharing the window. */
  MsgpackReader sub(long start, long subEnd) {
    return new MsgpackReader(window, start, subEnd);
  }

  long position() {
    return pos;
  }

  long end() {
    return end;
  }

  void seek(long position) {
    pos = position;
  }

  /** Throws unless at least {@code n} bytes remain. */
  void require(long n, String what) throws MalformedFileException {
    if (n < 0 || n > end - pos) {
      throw new MalformedFileException(
          what + " runs past the end of the data (" + (end - pos) + " bytes left)", pos);
    }
  }

  int readByte() throws IOException {
    require(1, "a msgpack value");
    return window.byteAt(pos++);
  }

  int readSigned1() throws IOException {
    return (byte) readByte();
  }

  long readUnsigned(int bytes) throws IOException {
    require(bytes, "a " + bytes + "-byte length");
    long v = 0;
    for (int i = 0; i < bytes; i++) {
      v = (v << 8) | window.byteAt(pos++);
    }
    return v;
  }

  byte[] read(int n) throws IOException {
    require(n, n + " bytes");
    byte[] out = new byte[n];
    for (int i = 0; i < n; i++) {
      out[i] = (byte) window.byteAt(pos++);
    }
    return out;
  }

  void skip(long n) throws MalformedFileException {
    require(n, "a value of " + n + " bytes");
    pos += n;
  }

  /** A shared read-ahead buffer over the source. */
  private static final class Window {
    private final Source source;
    private final byte[] buf = new byte[16 * 1024];
    private long start = -1;
    private int length;

    Window(Source source) {
      this.source = source;
    }

    int byteAt(long position) throws IOException {
      if (start < 0 || position < start || position >= start + length) {
        int n = source.read(position, buf, 0, buf.length);
        if (n <= 0) {
          throw new MalformedFileException("file ends inside a msgpack value", position);
        }
        start = position;
        length = n;
      }
      return buf[(int) (position - start)] & 0xff;
    }
  }
}
