package io.sentrascan.scanner.flatbuffers;

import io.sentrascan.scanner.MalformedFileException;
import io.sentrascan.scanner.Source;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * A bounded flatbuffer reader over a {@link Source}, shared by the flatbuffer formats (TensorFlow
 * Lite, ExecuTorch): every offset, vtable and vector is checked against the file size before it is
 * followed, so a hostile offset is a {@link MalformedFileException}, never a read out of bounds or
 * a huge allocation. Vector contents are read element by element on demand; byte vectors (tensor
 * data) are only measured.
 */
public final class FlatBufferReader {
  private static final int WINDOW = 4096;

  /** A table: its position, its vtable and the sizes the vtable declares. */
  public record Table(long pos, long vtable, int vtableSize, int tableSize) {}

  /** A vector: where its first element is and how many there are. */
  public record Vector(long start, long length) {}

  private final Source source;
  private final long size;
  private final byte[] window = new byte[WINDOW];
  private long windowStart = -1;
  private int windowLength;

  public FlatBufferReader(Source source) {
    this.source = source;
    this.size = source.size();
  }

  public long size() {
    return size;
  }

  private long bytes(long p, int n) throws IOException {
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

  public int u8(long p) throws IOException {
    return (int) bytes(p, 1);
  }

  public int u16(long p) throws IOException {
    return (int) bytes(p, 2);
  }

  public int i32(long p) throws IOException {
    return (int) bytes(p, 4);
  }

  public long u32(long p) throws IOException {
    return bytes(p, 4);
  }

  /** An unsigned 64-bit value; values above 2^63 come back negative. */
  public long u64(long p) throws IOException {
    return bytes(p, 8);
  }

  /** Follows the uoffset stored at {@code p}. */
  public long deref(long p) throws IOException {
    long target = p + u32(p);
    if (target >= size) {
      throw new MalformedFileException(
          "flatbuffer offset at " + p + " points to " + target + ", past the end of the file", p);
    }
    return target;
  }

  public Table table(long pos) throws IOException {
    long vtable = pos - i32(pos);
    if (vtable < 0 || vtable > size - 4) {
      throw new MalformedFileException(
          "vtable of the table at " + pos + " is at " + vtable + ", outside the file", pos);
    }
    int vtableSize = u16(vtable);
    int tableSize = u16(vtable + 2);
    if (vtableSize < 4 || vtableSize % 2 != 0 || vtable + vtableSize > size) {
      throw new MalformedFileException(
          "vtable at " + vtable + " declares an invalid size " + vtableSize, vtable);
    }
    if (tableSize < 4 || pos + tableSize > size) {
      throw new MalformedFileException(
          "table at " + pos + " declares " + tableSize + " bytes, past the end of the file", pos);
    }
    return new Table(pos, vtable, vtableSize, tableSize);
  }

  /** Position of field {@code index} of the table, or -1 when absent. */
  public long field(Table t, int index) throws IOException {
    int slot = 4 + 2 * index;
    if (slot + 2 > t.vtableSize()) {
      return -1;
    }
    int offset = u16(t.vtable() + slot);
    if (offset == 0) {
      return -1;
    }
    if (offset + 1 > t.tableSize()) {
      throw new MalformedFileException(
          "field " + index + " of the table at " + t.pos() + " lies outside the table", t.pos());
    }
    return t.pos() + offset;
  }

  public long u32Field(Table t, int index, long absent) throws IOException {
    long p = field(t, index);
    return p < 0 ? absent : u32(p);
  }

  public int i32Field(Table t, int index, int absent) throws IOException {
    long p = field(t, index);
    return p < 0 ? absent : i32(p);
  }

  public int i8Field(Table t, int index, int absent) throws IOException {
    long p = field(t, index);
    return p < 0 ? absent : (byte) u8(p);
  }

  public long u64Field(Table t, int index, long absent) throws IOException {
    long p = field(t, index);
    return p < 0 ? absent : u64(p);
  }

  /** The vector that field {@code index} refers to, or null when absent. */
  @org.jspecify.annotations.Nullable
  public Vector vector(Table t, int index, int elementSize) throws IOException {
    long p = field(t, index);
    if (p < 0) {
      return null;
    }
    long start = deref(p);
    long length = u32(start);
    if (length > (size - start - 4) / elementSize) {
      throw new MalformedFileException(
          "vector at "
              + start
              + " declares "
              + length
              + " elements of "
              + elementSize
              + " bytes, more than the file holds",
          start);
    }
    return new Vector(start + 4, length);
  }

  public int u8Field(Table t, int index, int absent) throws IOException {
    long p = field(t, index);
    return p < 0 ? absent : u8(p);
  }

  /** The sub-table that field {@code index} refers to, or null when absent. */
  @org.jspecify.annotations.Nullable
  public Table tableField(Table t, int index) throws IOException {
    long p = field(t, index);
    return p < 0 ? null : table(deref(p));
  }

  /** Like {@link #vector}, but an absent field is an empty vector. */
  public Vector vectorOrEmpty(Table t, int index, int elementSize) throws IOException {
    Vector v = vector(t, index, elementSize);
    return v == null ? new Vector(0, 0) : v;
  }

  /** The table that element {@code i} of a vector of tables refers to. */
  public Table tableAt(Vector v, long i) throws IOException {
    return table(deref(v.start() + 4 * i));
  }

  /** The string field {@code index}, cut to {@code max} bytes, or null when absent. */
  @org.jspecify.annotations.Nullable
  public String string(Table t, int index, int max) throws IOException {
    Vector v = vector(t, index, 1);
    if (v == null) {
      return null;
    }
    int n = (int) Math.min(max, v.length());
    return new String(source.readFully(v.start(), n), StandardCharsets.UTF_8);
  }
}
