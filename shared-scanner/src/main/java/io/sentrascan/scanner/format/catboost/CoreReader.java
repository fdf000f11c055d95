package io.sentrascan.scanner.format.catboost;

import io.sentrascan.scanner.MalformedFileException;
import io.sentrascan.scanner.Source;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Positional access to the flatbuffer model core of a {@code .cbm} file, read from the source in
 * small pieces: every offset is checked to stay inside the core before it is followed.
 */
final class CoreReader {
  static final int MAX_STRING_BYTES = 4 << 20;

  private final Source source;
  private final long base;
  private final long end;

  CoreReader(Source source, long base, long size) {
    this.source = source;
    this.base = base;
    this.end = base + size;
  }

  private ByteBuffer read(long pos, int len) throws IOException {
    if (pos < base || pos + len > end) {
      throw new MalformedFileException(
          "an offset points outside the model core (" + (pos - base) + ")", pos);
    }
    return ByteBuffer.wrap(source.readFully(pos, len)).order(ByteOrder.LITTLE_ENDIAN);
  }

  long u32(long pos) throws IOException {
    return read(pos, 4).getInt(0) & 0xffffffffL;
  }

  /** Where the root table starts. */
  long root() throws IOException {
    return base + u32(base);
  }

  /** Where field {@code index} of {@code table} sits, or -1 when the table does not have it. */
  long field(long table, int index) throws IOException {
    long vtable = table - read(table, 4).getInt(0);
    ByteBuffer head = read(vtable, 4);
    int vtSize = head.getShort(0) & 0xffff;
    int slot = 4 + 2 * index;
    if (vtSize < 4 || slot + 2 > vtSize) {
      return -1;
    }
    int off = read(vtable + slot, 2).getShort(0) & 0xffff;
    return off == 0 ? -1 : table + off;
  }

  /** Follows the offset stored at {@code pos}. */
  long deref(long pos) throws IOException {
    return pos + u32(pos);
  }

  /** The string field {@code index} of {@code table}, or null when absent. */
  @org.jspecify.annotations.Nullable
  String string(long table, int index) throws IOException {
    long f = field(table, index);
    if (f < 0) {
      return null;
    }
    long s = deref(f);
    long len = u32(s);
    if (len > MAX_STRING_BYTES) {
      throw new MalformedFileException("a string of " + len + " bytes in the model core", s);
    }
    read(s + 4, 0); // bounds only
    if (s + 4 + len > end) {
      throw new MalformedFileException("a string runs past the model core", s);
    }
    return new String(source.readFully(s + 4, (int) len), StandardCharsets.UTF_8);
  }

  /** Element count of the vector at {@code vector}, checked against the core's size. */
  long vectorLength(long vector) throws IOException {
    long n = u32(vector);
    if (n > (end - vector - 4) / 4) {
      throw new MalformedFileException("a vector of " + n + " elements runs past the core", vector);
    }
    return n;
  }
}
