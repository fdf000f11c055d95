package io.sentrascan.scanner.format.onnx;

import io.sentrascan.scanner.MalformedFileException;
import io.sentrascan.scanner.Source;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * A bounded reader of the protobuf wire format over a {@link Source}, without generated classes.
 * {@link #next(long)} reads one field of the message that ends at the given offset and leaves its
 * value range in {@link #valueStart}/{@link #valueEnd}; a length-delimited value is skipped, never
 * read, unless the caller asks for it. Every length is checked against the enclosing message, so a
 * lying length is a {@link MalformedFileException}, not a huge read.
 */
final class WireReader {
  static final int VARINT = 0;
  static final int I64 = 1;
  static final int LEN = 2;
  static final int I32 = 5;

  // Small, so that skipping a raw_data field reads little of it: the window starts at the next
  // field.
  private static final int WINDOW = 4096;

  private final Source source;
  private final byte[] window = new byte[WINDOW];
  private long windowStart = -1;
  private int windowLength;

  /** Where the next field starts. */
  long pos;

  /** The field just read by {@link #next}. */
  int field;

  int wireType;

  /** The value of a VARINT, I64 or I32 field. */
  long value;

  /** Offset of the tag of the field just read. */
  long tagOffset;

  long valueStart;
  long valueEnd;

  WireReader(Source source) {
    this.source = source;
  }

  long size() {
    return source.size();
  }

  private int byteAt(long p, long end) throws IOException {
    if (p >= end) {
      throw new MalformedFileException("protobuf field runs past the end of its message", p);
    }
    if (p < windowStart || p >= windowStart + windowLength) {
      int n = source.read(p, window, 0, (int) Math.min(WINDOW, source.size() - p));
      if (n <= 0) {
        throw new MalformedFileException("protobuf data ends early", p);
      }
      windowStart = p;
      windowLength = n;
    }
    return window[(int) (p - windowStart)] & 0xff;
  }

  private long varint(long end) throws IOException {
    long result = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      int b = byteAt(pos++, end);
      result |= (long) (b & 0x7f) << shift;
      if ((b & 0x80) == 0) {
        return result;
      }
    }
    throw new MalformedFileException("varint longer than 10 bytes", pos);
  }

  /**
   * Reads the next field of the message ending at {@code end}.
   *
   * @return false at the end of the message
   */
  boolean next(long end) throws IOException {
    if (pos >= end) {
      return false;
    }
    tagOffset = pos;
    long tag = varint(end);
    field = (int) (tag >>> 3);
    wireType = (int) (tag & 7);
    if (field <= 0 || tag >>> 3 > 0x1fffffff) {
      throw new MalformedFileException("invalid protobuf field number " + (tag >>> 3), tagOffset);
    }
    switch (wireType) {
      case VARINT -> {
        value = varint(end);
        valueStart = valueEnd = pos;
      }
      case I64 -> value = fixed(8, end);
      case I32 -> value = fixed(4, end);
      case LEN -> {
        long length = varint(end);
        if (length < 0 || length > end - pos) {
          throw new MalformedFileException(
              "field "
                  + field
                  + " declares "
                  + Long.toUnsignedString(length)
                  + " bytes but its message has "
                  + (end - pos)
                  + " left",
              tagOffset);
        }
        valueStart = pos;
        valueEnd = pos + length;
        pos = valueEnd;
      }
      default ->
          throw new MalformedFileException(
              "unsupported protobuf wire type " + wireType + " in field " + field, tagOffset);
    }
    return true;
  }

  private long fixed(int bytes, long end) throws IOException {
    valueStart = pos;
    long v = 0;
    for (int i = 0; i < bytes; i++) {
      v |= (long) byteAt(pos++, end) << (8 * i);
    }
    valueEnd = pos;
    return v;
  }

  /** The current length-delimited value as UTF-8, cut to {@code max} bytes. */
  String string(int max) throws IOException {
    int n = (int) Math.min(max, valueEnd - valueStart);
    return new String(source.readFully(valueStart, n), StandardCharsets.UTF_8);
  }

  /** The varints packed in the current length-delimited value, at most {@code max} of them. */
  long[] packedVarints(int max) throws IOException {
    long saved = pos;
    pos = valueStart;
    long[] out = new long[16];
    int n = 0;
    try {
      while (pos < valueEnd && n < max) {
        if (n == out.length) {
          out = java.util.Arrays.copyOf(out, n * 2);
        }
        out[n++] = varint(valueEnd);
      }
    } finally {
      pos = saved;
    }
    return java.util.Arrays.copyOf(out, n);
  }
}
