package io.sentrascan.scanner.protobuf;

import io.sentrascan.scanner.MalformedFileException;
import io.sentrascan.scanner.Source;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * A bounded reader of the protobuf wire format over one message's byte range of a {@link Source},
 * read through a small window so that a large program never sits in memory. Every length is checked
 * against the enclosing range; a lie is a {@link MalformedFileException}.
 */
public final class ProtoWireReader {
  /** Wire types. */
  public static final int VARINT = 0;

  public static final int FIXED64 = 1;
  public static final int LEN = 2;
  public static final int FIXED32 = 5;

  private final Window window;
  private final long end;
  private long pos;

  public ProtoWireReader(Source source, long start, long end) {
    this(new Window(source), start, end);
  }

  private ProtoWireReader(Window window, long start, long end) {
    this.window = window;
    this.pos = start;
    this.end = end;
  }

  public long position() {
    return pos;
  }

  public boolean hasMore() {
    return pos < end;
  }

  /** The next tag (field number shifted left by 3, with the wire type in the low bits). */
  public long readTag() throws IOException {
    long at = pos;
    long tag = readVarint();
    if ((tag >>> 3) == 0 || (tag >>> 3) > 0x1fffffffL) {
      throw new MalformedFileException("protobuf field number out of range", at);
    }
    return tag;
  }

  public long readVarint() throws IOException {
    long at = pos;
    long value = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      int b = next(at);
      value |= (long) (b & 0x7f) << shift;
      if ((b & 0x80) == 0) {
        return value;
      }
    }
    throw new MalformedFileException("protobuf varint longer than 10 bytes", at);
  }

  /** A reader over the length-delimited field that starts here; this reader moves past it. */
  public ProtoWireReader readMessage() throws IOException {
    long len = readLength();
    ProtoWireReader sub = new ProtoWireReader(window, pos, pos + len);
    pos += len;
    return sub;
  }

  /** A length-delimited field as text, cut at {@code maxBytes} (the rest is skipped). */
  public String readString(int maxBytes) throws IOException {
    long len = readLength();
    int take = (int) Math.min(len, maxBytes);
    byte[] bytes = new byte[take];
    for (int i = 0; i < take; i++) {
      bytes[i] = (byte) next(pos);
    }
    pos += len - take;
    return new String(bytes, StandardCharsets.UTF_8);
  }

  public void skip(long tag) throws IOException {
    long at = pos;
    switch ((int) (tag & 7)) {
      case VARINT -> readVarint();
      case FIXED64 -> advance(8, at);
      case LEN -> {
        long len = readLength();
        pos += len;
      }
      case FIXED32 -> advance(4, at);
      default ->
          throw new MalformedFileException("unsupported protobuf wire type " + (tag & 7), at);
    }
  }

  private long readLength() throws IOException {
    long at = pos;
    long len = readVarint();
    if (len < 0 || len > end - pos) {
      throw new MalformedFileException(
          "protobuf length " + len + " runs past the end of its enclosing message", at);
    }
    return len;
  }

  private void advance(int n, long at) throws MalformedFileException {
    if (end - pos < n) {
      throw new MalformedFileException("protobuf field runs past the end of its message", at);
    }
    pos += n;
  }

  private int next(long at) throws IOException {
    if (pos >= end) {
      throw new MalformedFileException("protobuf message ends inside a field", at);
    }
    return window.byteAt(pos++);
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
          throw new MalformedFileException("file ends inside a protobuf message", position);
        }
        start = position;
        length = n;
      }
      return buf[(int) (position - start)] & 0xff;
    }
  }
}
