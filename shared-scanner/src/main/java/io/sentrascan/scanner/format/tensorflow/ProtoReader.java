package io.sentrascan.scanner.format.tensorflow;

import io.sentrascan.scanner.MalformedFileException;
import io.sentrascan.scanner.Source;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * A bounded reader of the protobuf wire format over a {@link Source}, with no generated classes and
 * no copy of the file: a message is a byte range, a nested message is a sub-range, and only the
 * strings a caller asks for are read. Reads go through a small window, so memory stays constant
 * however large the file (frozen graphs carry their weights inline).
 *
 * <p>Not thread-safe: one reader per scan.
 */
final class ProtoReader {
  static final int VARINT = 0;
  static final int I64 = 1;
  static final int LEN = 2;
  static final int I32 = 5;

  private static final int WINDOW = 64 * 1024;

  private final Source source;
  private final long size;
  private final byte[] window = new byte[WINDOW];
  private long windowStart = -1;
  private int windowLength;

  /** One field's tag and where its value is. */
  static final class Field {
    int number;
    int wireType;

    /** Where the tag starts. */
    long tagOffset;

    /** For VARINT, the value; for LEN, the length. */
    long value;

    /** For LEN, where the bytes start. */
    long start;

    /** For LEN, where the bytes end (clipped to the enclosing range). */
    long end;

    /** For LEN, true when the declared length ran past the enclosing range and was clipped. */
    boolean clipped;
  }

  ProtoReader(Source source) {
    this.source = source;
    this.size = source.size();
  }

  long size() {
    return size;
  }

  /**
   * Reads the field at {@code pos} within {@code [pos, end)} into {@code f}.
   *
   * @return the position after the field
   * @throws MalformedFileException on an invalid tag or wire type, or a value that runs past {@code
   *     end} (except a length-delimited value, which is clipped and flagged)
   */
  long next(long pos, long end, Field f) throws IOException {
    f.tagOffset = pos;
    long[] out = new long[1];
    long p = varint(pos, end, out);
    long tag = out[0];
    f.number = (int) (tag >>> 3);
    f.wireType = (int) (tag & 7);
    if (tag >>> 3 == 0 || tag >>> 3 > 536_870_911L) {
      throw new MalformedFileException("protobuf field number out of range at offset " + pos, pos);
    }
    switch (f.wireType) {
      case VARINT -> {
        p = varint(p, end, out);
        f.value = out[0];
        return p;
      }
      case I64 -> {
        return fixed(p, 8, end);
      }
      case I32 -> {
        return fixed(p, 4, end);
      }
      case LEN -> {
        p = varint(p, end, out);
        long len = out[0];
        if (len < 0) {
          throw new MalformedFileException("negative protobuf length at offset " + pos, pos);
        }
        f.value = len;
        f.start = p;
        f.clipped = len > end - p;
        f.end = f.clipped ? end : p + len;
        return f.end;
      }
      default ->
          throw new MalformedFileException(
              "protobuf wire type " + f.wireType + " is not used by TensorFlow at offset " + pos,
              pos);
    }
  }

  private long fixed(long p, int n, long end) throws MalformedFileException {
    if (p + n > end) {
      throw new MalformedFileException("protobuf fixed-size value cut off at offset " + p, p);
    }
    return p + n;
  }

  private long varint(long pos, long end, long[] out) throws IOException {
    long result = 0;
    for (int i = 0; i < 10; i++) {
      if (pos + i >= end) {
        throw new MalformedFileException("protobuf varint cut off at offset " + pos, pos);
      }
      int b = byteAt(pos + i);
      result |= (long) (b & 0x7f) << (7 * i);
      if ((b & 0x80) == 0) {
        out[0] = result;
        return pos + i + 1;
      }
    }
    throw new MalformedFileException("protobuf varint longer than 10 bytes at offset " + pos, pos);
  }

  /** The bytes of a LEN field as text, at most {@code max} bytes of it. */
  String string(Field f, int max) throws IOException {
    int n = (int) Math.min(max, f.end - f.start);
    if (n <= 0) {
      return "";
    }
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) byteAt(f.start + i);
    }
    return new String(b, StandardCharsets.UTF_8);
  }

  private int byteAt(long pos) throws IOException {
    if (pos < windowStart || pos >= windowStart + windowLength) {
      if (pos >= size || pos < 0) {
        throw new MalformedFileException("protobuf data ends early at offset " + pos, pos);
      }
      int want = (int) Math.min(WINDOW, size - pos);
      int got = 0;
      while (got < want) {
        int n = source.read(pos + got, window, got, want - got);
        if (n < 0) {
          break;
        }
        got += n;
      }
      if (got == 0) {
        throw new MalformedFileException("protobuf data ends early at offset " + pos, pos);
      }
      windowStart = pos;
      windowLength = got;
    }
    return window[(int) (pos - windowStart)] & 0xff;
  }
}
