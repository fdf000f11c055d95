package io.sentrascan.scanner.format.xgboost;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sentrascan.scanner.MalformedFileException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * A bounded reader of Universal Binary JSON (the draft-12 markers XGBoost writes, including typed
 * and counted containers) into a Jackson tree. Every length is checked against the bytes left and
 * nesting is bounded, so a lying count fails fast instead of allocating.
 */
final class UbjReader {
  static final int MAX_NESTING = 128;

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private final ByteBuffer buf;

  private UbjReader(byte[] bytes) {
    this.buf = ByteBuffer.wrap(bytes).order(ByteOrder.BIG_ENDIAN);
  }

  /** Reads the single value that {@code bytes} holds. */
  static JsonNode read(byte[] bytes) throws MalformedFileException {
    UbjReader r = new UbjReader(bytes);
    try {
      return r.value(r.marker(), 0);
    } catch (java.nio.BufferUnderflowException e) {
      throw new MalformedFileException("UBJSON ends in the middle of a value", bytes.length, e);
    }
  }

  private byte marker() throws MalformedFileException {
    byte m = buf.get();
    while (m == 'N') { // no-op marker
      m = buf.get();
    }
    return m;
  }

  private JsonNode value(byte marker, int depth) throws MalformedFileException {
    return switch (marker) {
      case 'Z' -> NODES.nullNode();
      case 'T' -> NODES.booleanNode(true);
      case 'F' -> NODES.booleanNode(false);
      case 'i', 'U', 'I', 'l', 'L' -> NODES.numberNode(integer(marker));
      case 'd' -> NODES.numberNode(buf.getFloat());
      case 'D' -> NODES.numberNode(buf.getDouble());
      case 'C' -> NODES.textNode(String.valueOf((char) (buf.get() & 0xff)));
      case 'S', 'H' -> NODES.textNode(string());
      case '[' -> array(depth + 1);
      case '{' -> object(depth + 1);
      default -> throw malformed("unknown UBJSON marker 0x" + Integer.toHexString(marker & 0xff));
    };
  }

  private long integer(byte marker) throws MalformedFileException {
    return switch (marker) {
      case 'i' -> buf.get();
      case 'U' -> buf.get() & 0xff;
      case 'I' -> buf.getShort();
      case 'l' -> buf.getInt();
      case 'L' -> buf.getLong();
      default ->
          throw malformed(
              "expected an integer marker, found 0x" + Integer.toHexString(marker & 0xff));
    };
  }

  private int length() throws MalformedFileException {
    long n = integer(buf.get());
    if (n < 0 || n > buf.remaining()) {
      throw malformed("a length of " + n + " runs past the end of the data");
    }
    return (int) n;
  }

  private String string() throws MalformedFileException {
    int n = length();
    byte[] b = new byte[n];
    buf.get(b);
    return new String(b, StandardCharsets.UTF_8);
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

  private record Header(byte type, long count) {}

  private Header header() throws MalformedFileException {
    byte type = 0;
    long count = -1;
    int pos = buf.position();
    byte m = buf.get();
    if (m == '$') {
      type = buf.get();
      m = buf.get();
      if (m != '#') {
        throw malformed("a typed container has no count");
      }
    }
    if (m == '#') {
      count = integer(buf.get());
      // Every element takes at least one byte (a typed Z/T/F array takes none, but is refused
      // beyond that too, so that a count cannot allocate more nodes than the file has bytes).
      int min = Math.max(fixedSize(type), 1);
      if (count < 0 || count > (long) buf.remaining() / min) {
        throw malformed("a container count of " + count + " runs past the end of the data");
      }
    } else {
      buf.position(pos);
    }
    return new Header(type, count);
  }

  private ArrayNode array(int depth) throws MalformedFileException {
    checkDepth(depth);
    ArrayNode array = NODES.arrayNode();
    Header h = header();
    if (h.count() >= 0) {
      for (long i = 0; i < h.count(); i++) {
        array.add(value(h.type() != 0 ? h.type() : marker(), depth));
      }
      return array;
    }
    byte m;
    while ((m = marker()) != ']') {
      array.add(value(m, depth));
    }
    return array;
  }

  private ObjectNode object(int depth) throws MalformedFileException {
    checkDepth(depth);
    ObjectNode object = NODES.objectNode();
    Header h = header();
    if (h.count() >= 0) {
      for (long i = 0; i < h.count(); i++) {
        String key = string();
        object.set(key, value(h.type() != 0 ? h.type() : marker(), depth));
      }
      return object;
    }
    while (true) {
      int pos = buf.position();
      byte m = marker();
      if (m == '}') {
        return object;
      }
      buf.position(pos);
      String key = string();
      object.set(key, value(marker(), depth));
    }
  }

  private void checkDepth(int depth) throws MalformedFileException {
    if (depth > MAX_NESTING) {
      throw malformed("UBJSON containers nest deeper than " + MAX_NESTING);
    }
  }

  private MalformedFileException malformed(String message) {
    return new MalformedFileException(message, buf.position());
  }
}
