package io.sentrascan.scanner.format.executorch;

import io.sentrascan.scanner.MalformedFileException;
import io.sentrascan.scanner.Source;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * A bounded little-endian flatbuffer reader over a {@link Source}: each offset, vtable and vector
 * is checked against the file before it is followed, so a hostile offset is a {@link
 * MalformedFileException}. Vectors are read element by element; byte vectors only measured.
 */
final class PteFlatBuffer {
  private static final int WINDOW = 4096;

  /** A table: where it is and its vtable. */
  record Table(long pos, long vtable, int vtableSize) {}

  /** A vector's first element and length. */
  record Vector(long start, long length) {}

  private final Source source;
  private final long size;
  private final byte[] window = new byte[WINDOW];
  private long windowStart = -1;
  private int windowLength;

  PteFlatBuffer(Source source) {
    this.source = source;
    this.size = source.size();
  }

  long size() {
    return size;
  }

  private long le(long p, int n) throws IOException {
    if (p < 0 || p > size - n) {
      throw new MalformedFileException(
          "flatbuffer read of " + n + " bytes at offset " + p + " is outside the file", p);
    }
    if (p < windowStart || p + n > windowStart + windowLength) {
      int got = source.read(p, window, 0, (int) Math.min(WINDOW, size - p));
      if (got < n) {
        throw new MalformedFileException("flatbuffer data ends early", p);
      }
      windowStart = p;
      windowLength = got;
    }
    long v = 0;
    int base = (int) (p - windowStart);
    for (int i = n - 1; i >= 0; i--) {
      v = (v << 8) | (window[base + i] & 0xff);
    }
    return v;
  }

  int u8(long p) throws IOException {
    return (int) le(p, 1);
  }

  int i32(long p) throws IOException {
    return (int) le(p, 4);
  }

  long u32(long p) throws IOException {
    return le(p, 4);
  }

  long u64(long p) throws IOException {
    return le(p, 8);
  }

  /** Follows the uoffset stored at {@code p}. */
  long deref(long p) throws IOException {
    long target = p + u32(p);
    if (target >= size) {
      throw new MalformedFileException("flatbuffer offset at " + p + " points past the file", p);
    }
    return target;
  }

  Table table(long pos) throws IOException {
    long vtable = pos - i32(pos);
    if (vtable < 0 || vtable > size - 4) {
      throw new MalformedFileException(
          "flatbuffer vtable of the table at " + pos + " is outside the file", pos);
    }
    int vtableSize = (int) le(vtable, 2);
    if (vtableSize < 4 || (vtableSize & 1) != 0 || vtable + vtableSize > size) {
      throw new MalformedFileException("flatbuffer vtable at " + vtable + " is malformed", vtable);
    }
    return new Table(pos, vtable, vtableSize);
  }

  /** Absolute position of field {@code id}, or -1 when absent. */
  long field(Table t, int id) throws IOException {
    int slot = 4 + 2 * id;
    if (slot + 2 > t.vtableSize()) {
      return -1;
    }
    int off = (int) le(t.vtable() + slot, 2);
    return off == 0 ? -1 : t.pos() + off;
  }

  long u32Field(Table t, int id, long dflt) throws IOException {
    long p = field(t, id);
    return p < 0 ? dflt : u32(p);
  }

  int i32Field(Table t, int id, int dflt) throws IOException {
    long p = field(t, id);
    return p < 0 ? dflt : i32(p);
  }

  int u8Field(Table t, int id, int dflt) throws IOException {
    long p = field(t, id);
    return p < 0 ? dflt : u8(p);
  }

  long u64Field(Table t, int id, long dflt) throws IOException {
    long p = field(t, id);
    return p < 0 ? dflt : u64(p);
  }

  /** A sub-table field, or null when absent. */
  Table tableField(Table t, int id) throws IOException {
    long p = field(t, id);
    return p < 0 ? null : table(deref(p));
  }

  /** A vector field with elements of {@code elementSize} bytes; an empty vector when absent. */
  Vector vector(Table t, int id, int elementSize) throws IOException {
    long p = field(t, id);
    if (p < 0) {
      return new Vector(0, 0);
    }
    long at = deref(p);
    long length = u32(at);
    if (length > (size - at - 4) / elementSize) {
      throw new MalformedFileException(
          "flatbuffer vector of " + length + " elements at " + at + " runs past the file", at);
    }
    return new Vector(at + 4, length);
  }

  /** A string field cut at {@code max} bytes, or null when absent. */
  String string(Table t, int id, int max) throws IOException {
    Vector v = vector(t, id, 1);
    if (v.start() == 0) {
      return null;
    }
    int n = (int) Math.min(v.length(), max);
    byte[] bytes = new byte[n];
    for (int i = 0; i < n; i++) {
      bytes[i] = (byte) u8(v.start() + i);
    }
    return new String(bytes, StandardCharsets.UTF_8);
  }

  /** Element {@code i} of a vector of tables. */
  Table tableAt(Vector v, long i) throws IOException {
    return table(deref(v.start() + 4 * i));
  }
}
