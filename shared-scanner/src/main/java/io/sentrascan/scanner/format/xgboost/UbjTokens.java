package io.sentrascan.scanner.format.xgboost;

import com.fasterxml.jackson.core.JsonToken;
import io.sentrascan.scanner.MalformedFileException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * A streaming reader of Universal Binary JSON (the draft-12 markers XGBoost writes, including the
 * typed and counted containers {@code [$d#L<count>} of its tree arrays) as {@link ModelTokens}.
 * Memory is a read buffer, the nesting stack and the current scalar: nothing grows with the
 * document. Every length and count is checked against the bytes left and nesting is bounded, so a
 * lying count or a hostile nesting fails fast ({@link MalformedFileException}) instead of
 * allocating.
 */
final class UbjTokens implements ModelTokens {
  static final int MAX_NESTING = 128;

  /** The longest string (a key, an attribute value) read into memory, as for JSON. */
  static final int MAX_STRING_BYTES = 16 << 20;

  private final InputStream in;
  private final long size;
  private final byte[] buf = new byte[1 << 16];
  private int pos;
  private int limit;
  private long offset; // of buf[0] in the document

  // The open containers, innermost last.
  private final boolean[] objects = new boolean[MAX_NESTING + 1];
  private final byte[] types = new byte[MAX_NESTING + 1];
  private final long[] remaining = new long[MAX_NESTING + 1];
  private final boolean[] wantKey = new boolean[MAX_NESTING + 1];
  private int depth;
  private boolean started;

  private JsonToken current;
  private String name;
  private String string;
  private long longValue;
  private double doubleValue;
  private boolean single; // a 'd' float: its text is the float's

  /** Reads {@code in}, a document of {@code size} bytes (bounds the counts it may declare). */
  UbjTokens(InputStream in, long size) {
    this.in = in;
    this.size = size;
  }

  @Override
  public JsonToken nextToken() throws IOException {
    current = advance();
    return current;
  }

  private JsonToken advance() throws IOException {
    if (depth == 0) {
      if (started) {
        return null;
      }
      started = true;
      return value(marker());
    }
    int d = depth - 1;
    if (objects[d]) {
      if (wantKey[d]) {
        byte m;
        if (remaining[d] == 0) {
          depth--;
          return JsonToken.END_OBJECT;
        } else if (remaining[d] < 0) {
          m = marker();
          if (m == '}') {
            depth--;
            return JsonToken.END_OBJECT;
          }
        } else {
          m = readByte();
          remaining[d]--;
        }
        name = string(m);
        wantKey[d] = false;
        return JsonToken.FIELD_NAME;
      }
      wantKey[d] = true;
      return value(types[d] != 0 ? types[d] : marker());
    }
    byte m;
    if (remaining[d] == 0) {
      depth--;
      return JsonToken.END_ARRAY;
    } else if (remaining[d] < 0) {
      m = marker();
      if (m == ']') {
        depth--;
        return JsonToken.END_ARRAY;
      }
    } else {
      remaining[d]--;
      m = types[d] != 0 ? types[d] : marker();
    }
    return value(m);
  }

  @Override
  public JsonToken currentToken() {
    return current;
  }

  @Override
  public String currentName() {
    return name;
  }

  @Override
  public void skipChildren() throws IOException {
    if (current != JsonToken.START_ARRAY && current != JsonToken.START_OBJECT) {
      return;
    }
    int target = depth - 1;
    while (depth > target) {
      int d = depth - 1;
      int fixed = payloadSize(types[d]);
      if (!objects[d] && remaining[d] > 0 && fixed > 0) {
        // A typed array of fixed-size values (the bulk of a model): skipped, not decoded.
        skip(remaining[d] * fixed);
        remaining[d] = 0;
      }
      nextToken();
    }
  }

  @Override
  public String getText() {
    if (current == null) {
      return null;
    }
    return switch (current) {
      case FIELD_NAME -> name;
      case VALUE_STRING -> string;
      case VALUE_NUMBER_INT -> Long.toString(longValue);
      case VALUE_NUMBER_FLOAT ->
          single ? Float.toString((float) doubleValue) : Double.toString(doubleValue);
      case VALUE_TRUE -> "true";
      case VALUE_FALSE -> "false";
      case VALUE_NULL -> "null";
      default -> current.asString();
    };
  }

  @Override
  public long getValueAsLong() {
    if (current == null) {
      return 0;
    }
    return switch (current) {
      case VALUE_NUMBER_INT -> longValue;
      case VALUE_NUMBER_FLOAT -> (long) doubleValue;
      case VALUE_TRUE -> 1;
      case VALUE_STRING -> parseLong(string);
      default -> 0;
    };
  }

  @Override
  public double getDoubleValue() {
    return current == JsonToken.VALUE_NUMBER_INT ? longValue : doubleValue;
  }

  @Override
  public void close() throws IOException {
    in.close();
  }

  private static long parseLong(String s) {
    String t = s.strip();
    try {
      return Long.parseLong(t);
    } catch (NumberFormatException e) {
      try {
        return (long) Double.parseDouble(t);
      } catch (NumberFormatException e2) {
        return 0;
      }
    }
  }

  private JsonToken value(byte marker) throws IOException {
    return switch (marker) {
      case 'Z' -> JsonToken.VALUE_NULL;
      case 'T' -> JsonToken.VALUE_TRUE;
      case 'F' -> JsonToken.VALUE_FALSE;
      case 'i', 'U', 'I', 'l', 'L' -> {
        longValue = integer(marker);
        yield JsonToken.VALUE_NUMBER_INT;
      }
      case 'd' -> {
        doubleValue = Float.intBitsToFloat((int) bigEndian(4));
        single = true;
        yield JsonToken.VALUE_NUMBER_FLOAT;
      }
      case 'D' -> {
        doubleValue = Double.longBitsToDouble(bigEndian(8));
        single = false;
        yield JsonToken.VALUE_NUMBER_FLOAT;
      }
      case 'C' -> {
        string = String.valueOf((char) (readByte() & 0xff));
        yield JsonToken.VALUE_STRING;
      }
      case 'S', 'H' -> {
        string = string(readByte());
        yield JsonToken.VALUE_STRING;
      }
      case '[' -> {
        open(false);
        yield JsonToken.START_ARRAY;
      }
      case '{' -> {
        open(true);
        yield JsonToken.START_OBJECT;
      }
      default -> throw malformed("unknown UBJSON marker 0x" + Integer.toHexString(marker & 0xff));
    };
  }

  /** Reads a container's optional {@code $type} and {@code #count} and pushes it. */
  private void open(boolean object) throws IOException {
    if (depth >= MAX_NESTING) {
      throw malformed("UBJSON containers nest deeper than " + MAX_NESTING);
    }
    byte type = 0;
    long count = -1;
    int m = peek();
    if (m == '$') {
      readByte();
      type = readByte();
      if (fixedSize(type) == 0 && type != 'S' && type != 'H' && type != '[' && type != '{') {
        throw malformed("a typed container of unknown type 0x" + Integer.toHexString(type & 0xff));
      }
      m = peek();
      if (m != '#') {
        throw malformed("a typed container has no count");
      }
    }
    if (m == '#') {
      readByte();
      count = integer(readByte());
      // Every element takes at least one byte (a typed Z/T/F array takes none, but is refused
      // beyond that too), so a count cannot claim more elements than the file has bytes.
      long min = Math.max(fixedSize(type), 1);
      if (count < 0 || count > remainingBytes() / min) {
        throw malformed("a container count of " + count + " runs past the end of the data");
      }
    }
    objects[depth] = object;
    types[depth] = type;
    remaining[depth] = count;
    wantKey[depth] = true;
    depth++;
  }

  /** Size in bytes of one element of a typed container, or 0 when it has no fixed size. */
  private static int fixedSize(byte type) {
    return switch (type) {
      case 'i', 'U', 'C', 'T', 'F', 'Z' -> 1;
      case 'I' -> 2;
      case 'l', 'd' -> 4;
      case 'L', 'D' -> 8;
      default -> 0;
    };
  }

  /** Bytes each element of a typed container takes after its marker (none for Z, T, F). */
  private static int payloadSize(byte type) {
    return type == 'Z' || type == 'T' || type == 'F' ? 0 : fixedSize(type);
  }

  /** Skips {@code elementsBytes} bytes of a typed array's payload. */
  private void skip(long elementsBytes) throws IOException {
    long n = elementsBytes;
    while (n > 0) {
      if (pos == limit && !fill()) {
        throw malformed("UBJSON ends in the middle of a value");
      }
      int step = (int) Math.min(n, limit - pos);
      pos += step;
      n -= step;
    }
  }

  private long integer(byte marker) throws IOException {
    return switch (marker) {
      case 'i' -> readByte();
      case 'U' -> readByte() & 0xff;
      case 'I' -> (short) bigEndian(2);
      case 'l' -> (int) bigEndian(4);
      case 'L' -> bigEndian(8);
      default ->
          throw malformed(
              "expected an integer marker, found 0x" + Integer.toHexString(marker & 0xff));
    };
  }

  /** A string whose length starts with {@code marker}. */
  private String string(byte marker) throws IOException {
    long n = integer(marker);
    if (n < 0 || n > remainingBytes()) {
      throw malformed("a length of " + n + " runs past the end of the data");
    }
    if (n > MAX_STRING_BYTES) {
      throw malformed("a string of " + n + " bytes is longer than " + MAX_STRING_BYTES);
    }
    byte[] b = new byte[(int) n];
    int at = 0;
    while (at < n) {
      if (pos == limit && !fill()) {
        throw malformed("UBJSON ends in the middle of a value");
      }
      int step = Math.min((int) n - at, limit - pos);
      System.arraycopy(buf, pos, b, at, step);
      pos += step;
      at += step;
    }
    return new String(b, StandardCharsets.UTF_8);
  }

  private byte marker() throws IOException {
    byte m = readByte();
    while (m == 'N') { // no-op marker
      m = readByte();
    }
    return m;
  }

  private long bigEndian(int bytes) throws IOException {
    long v = 0;
    for (int i = 0; i < bytes; i++) {
      v = (v << 8) | (readByte() & 0xff);
    }
    return v;
  }

  private byte readByte() throws IOException {
    if (pos == limit && !fill()) {
      throw malformed("UBJSON ends in the middle of a value");
    }
    return buf[pos++];
  }

  private int peek() throws IOException {
    if (pos == limit && !fill()) {
      throw malformed("UBJSON ends in the middle of a value");
    }
    return buf[pos];
  }

  private boolean fill() throws IOException {
    offset += limit;
    pos = 0;
    limit = 0;
    int n = in.read(buf, 0, buf.length);
    if (n <= 0) {
      return false;
    }
    limit = n;
    return true;
  }

  private long remainingBytes() {
    return Math.max(0, size - (offset + pos));
  }

  private MalformedFileException malformed(String message) {
    return new MalformedFileException(message, offset + pos);
  }
}
