package io.sentrascan.scanner.format.flax;

import io.sentrascan.scanner.MalformedFileException;
import io.sentrascan.scanner.ScanContext;
import io.sentrascan.scanner.Source;
import io.sentrascan.scanner.pickle.PickleAnalyzer;
import io.sentrascan.scanner.pickle.PickleSession;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * A bounded walk over a msgpack document as {@code flax.serialization.msgpack_serialize} writes it:
 * nested maps with string keys whose leaves are numbers, strings, bytes or ext values (code 1 an
 * ndarray packed as {@code [shape, dtype name, bytes]}, 2 a complex number, 3 a NumPy scalar).
 * Every length is checked against the bytes that remain; nesting is capped. Tensor bytes are
 * skipped, except their first bytes, which are checked for an embedded pickle.
 */
final class MsgpackWalker {
  static final int MAX_DEPTH = 64;
  static final long MAX_ITEMS = 20_000_000L;
  private static final int PER_RULE = 10;
  private static final int PICKLE_SNIFF = 64;

  /** NumPy (and ml_dtypes) dtype names to item size in bytes. */
  private static final Map<String, Integer> DTYPE_SIZES =
      Map.ofEntries(
          Map.entry("bool", 1),
          Map.entry("int8", 1),
          Map.entry("uint8", 1),
          Map.entry("int16", 2),
          Map.entry("uint16", 2),
          Map.entry("int32", 4),
          Map.entry("uint32", 4),
          Map.entry("int64", 8),
          Map.entry("uint64", 8),
          Map.entry("float16", 2),
          Map.entry("bfloat16", 2),
          Map.entry("float32", 4),
          Map.entry("float64", 8),
          Map.entry("complex64", 8),
          Map.entry("complex128", 16),
          Map.entry("float8_e4m3fn", 1),
          Map.entry("float8_e5m2", 1),
          Map.entry("int4", 1),
          Map.entry("uint4", 1));

  private final MsgpackReader in;
  private final @Nullable ScanContext context;
  private final @Nullable Source source;
  private final Deque<String> path = new ArrayDeque<>();
  private final Map<String, Integer> counts = new TreeMap<>();
  private long items;
  private int arrays;
  private boolean sawFlaxExt;
  private boolean nonStringKey;

  /** A walk that reports into {@code context}. */
  MsgpackWalker(Source source, ScanContext context) {
    this.in = new MsgpackReader(source, 0, source.size());
    this.context = context;
    this.source = source;
  }

  /** A walk that only learns the shape of the bytes, for detection. */
  MsgpackWalker(MsgpackReader in) {
    this.in = in;
    this.context = null;
    this.source = null;
  }

  boolean sawFlaxExt() {
    return sawFlaxExt;
  }

  boolean nonStringKey() {
    return nonStringKey;
  }

  int arrays() {
    return arrays;
  }

  /** Walks the document; bytes after it are reported by the caller. */
  long walk() throws IOException {
    value(0);
    return in.position();
  }

  void finish() {
    if (context == null) {
      return;
    }
    ScanContext ctx = context;
    counts.forEach(
        (rule, n) -> {
          if (n > PER_RULE) {
            ctx.report(
                rule,
                ctx.at(-1, rule),
                (n - PER_RULE) + " more " + rule + " findings were not listed (" + n + " in all).",
                rule + " x " + n);
          }
        });
  }

  private void value(int depth) throws IOException {
    if (depth > MAX_DEPTH) {
      throw new MalformedFileException(
          "msgpack nesting deeper than " + MAX_DEPTH + " at " + where(), in.position());
    }
    if (++items > MAX_ITEMS) {
      throw new MalformedFileException("more than " + MAX_ITEMS + " msgpack values", in.position());
    }
    if ((items & 0xffff) == 0 && context != null) {
      context.checkDeadline();
    }
    long at = in.position();
    int b = in.readByte();
    if (b <= 0x7f || b >= 0xe0 || b == 0xc0 || b == 0xc2 || b == 0xc3) {
      return;
    }
    if (b >= 0x80 && b <= 0x8f) {
      map(b & 0x0f, depth);
    } else if (b >= 0x90 && b <= 0x9f) {
      array(b & 0x0f, depth);
    } else if (b >= 0xa0 && b <= 0xbf) {
      bytes(b & 0x1f, at);
    } else {
      switch (b) {
        case 0xc4, 0xd9 -> bytes(in.readUnsigned(1), at);
        case 0xc5, 0xda -> bytes(in.readUnsigned(2), at);
        case 0xc6, 0xdb -> bytes(in.readUnsigned(4), at);
        case 0xc7 -> ext(in.readUnsigned(1), at);
        case 0xc8 -> ext(in.readUnsigned(2), at);
        case 0xc9 -> ext(in.readUnsigned(4), at);
        case 0xca, 0xce, 0xd2 -> in.skip(4);
        case 0xcb, 0xcf, 0xd3 -> in.skip(8);
        case 0xcc, 0xd0 -> in.skip(1);
        case 0xcd, 0xd1 -> in.skip(2);
        case 0xd4 -> ext(1, at);
        case 0xd5 -> ext(2, at);
        case 0xd6 -> ext(4, at);
        case 0xd7 -> ext(8, at);
        case 0xd8 -> ext(16, at);
        case 0xdc -> array(in.readUnsigned(2), depth);
        case 0xdd -> array(in.readUnsigned(4), depth);
        case 0xde -> map(in.readUnsigned(2), depth);
        case 0xdf -> map(in.readUnsigned(4), depth);
        default ->
            throw new MalformedFileException(
                String.format("byte 0x%02x is not a msgpack type at %s", b, where()), at);
      }
    }
  }

  private void map(long n, int depth) throws IOException {
    in.require(2 * n, "map of " + n + " entries");
    for (long i = 0; i < n; i++) {
      long at = in.position();
      String key = key();
      if (key == null) {
        nonStringKey = true;
        in.seek(at);
        value(depth + 1);
        key = "#" + i;
      }
      path.addLast(key);
      try {
        value(depth + 1);
      } finally {
        path.removeLast();
      }
    }
  }

  private void array(long n, int depth) throws IOException {
    in.require(n, "array of " + n + " elements");
    for (long i = 0; i < n; i++) {
      path.addLast("[" + i + "]");
      try {
        value(depth + 1);
      } finally {
        path.removeLast();
      }
    }
  }

  /** A string key, or null (position unspecified) when the next value is not a string. */
  private @Nullable String key() throws IOException {
    int b = in.readByte();
    long len;
    if (b >= 0xa0 && b <= 0xbf) {
      len = b & 0x1f;
    } else if (b == 0xd9) {
      len = in.readUnsigned(1);
    } else if (b == 0xda) {
      len = in.readUnsigned(2);
    } else if (b == 0xdb) {
      len = in.readUnsigned(4);
    } else {
      return null;
    }
    in.require(len, "string of " + len + " bytes");
    byte[] text = in.read((int) Math.min(len, 256));
    in.skip(len - text.length);
    return new String(text, StandardCharsets.UTF_8);
  }

  /** A string or bin value: skipped, after a look at its first bytes for a pickle. */
  private void bytes(long len, long at) throws IOException {
    in.require(len, "value of " + len + " bytes");
    long start = in.position();
    sniffPickle(start, len, at);
    in.skip(len);
  }

  private void ext(long len, long at) throws IOException {
    int code = in.readSigned1();
    in.require(len, "ext value of " + len + " bytes");
    long start = in.position();
    long end = start + len;
    if (code >= 1 && code <= 3) {
      sawFlaxExt = true;
      if (code != 2) {
        ndarray(start, end, at);
      }
    } else {
      report(
          "FLAX-001",
          at,
          "msgpack ext type "
              + code
              + " at "
              + where()
              + " is not one flax.serialization writes (1 ndarray, 2 complex, 3 NumPy scalar);"
              + " a custom ext hook in the loader decides what it becomes.",
          "ext code " + code + ", " + len + " bytes");
      sniffPickle(start, len, at);
    }
    in.seek(end);
  }

  /** The payload of an ndarray ext: msgpack {@code [shape, dtype name, data bytes]}. */
  private void ndarray(long start, long end, long at) throws IOException {
    arrays++;
    MsgpackReader payload = in.sub(start, end);
    String problem = null;
    String dtype = "";
    try {
      int head = payload.readByte();
      if (head != 0x93) {
        problem = "is not a [shape, dtype, data] triple";
      } else {
        long elements = shape(payload);
        dtype = payloadString(payload);
        long dataLen = payloadBin(payload);
        long dataStart = payload.position();
        Integer size = DTYPE_SIZES.get(dtype);
        if (dtype.equals("object") || dtype.startsWith("O")) {
          problem = "has the object dtype, which NumPy only fills from a pickle";
          sniffPickle(dataStart, dataLen, at);
        } else if (size != null && elements >= 0 && elements * size != dataLen) {
          problem =
              "holds "
                  + dataLen
                  + " bytes where its shape and dtype "
                  + dtype
                  + " need "
                  + (elements * size);
        } else if (payload.position() + dataLen != end) {
          problem = "has bytes after its data";
        } else {
          sniffPickle(dataStart, dataLen, at);
        }
      }
    } catch (MalformedFileException e) {
      problem = "cannot be read: " + e.getMessage();
    }
    if (problem != null) {
      report("FLAX-003", at, "The array at " + where() + " " + problem + ".", "dtype " + dtype);
    }
  }

  /** Element count of a shape array, or -1 when it overflows. */
  private static long shape(MsgpackReader p) throws IOException {
    int b = p.readByte();
    long n;
    if (b >= 0x90 && b <= 0x9f) {
      n = b & 0x0f;
    } else if (b == 0xdc) {
      n = p.readUnsigned(2);
    } else {
      throw new MalformedFileException("shape is not an array", p.position());
    }
    if (n > 64) {
      throw new MalformedFileException("shape has " + n + " dimensions", p.position());
    }
    long elements = 1;
    for (long i = 0; i < n; i++) {
      int d = p.readByte();
      long dim;
      if (d <= 0x7f) {
        dim = d;
      } else if (d == 0xcc) {
        dim = p.readUnsigned(1);
      } else if (d == 0xcd) {
        dim = p.readUnsigned(2);
      } else if (d == 0xce) {
        dim = p.readUnsigned(4);
      } else {
        throw new MalformedFileException("shape dimension is not a small unsigned integer", 0);
      }
      if (elements >= 0) {
        elements = dim != 0 && elements > Long.MAX_VALUE / 16 / dim ? -1 : elements * dim;
      }
    }
    return elements;
  }

  private static String payloadString(MsgpackReader p) throws IOException {
    int b = p.readByte();
    long len;
    if (b >= 0xa0 && b <= 0xbf) {
      len = b & 0x1f;
    } else if (b == 0xd9) {
      len = p.readUnsigned(1);
    } else {
      throw new MalformedFileException("dtype is not a short string", p.position());
    }
    p.require(len, "dtype");
    return new String(p.read((int) len), StandardCharsets.UTF_8);
  }

  private static long payloadBin(MsgpackReader p) throws IOException {
    int b = p.readByte();
    long len =
        switch (b) {
          case 0xc4 -> p.readUnsigned(1);
          case 0xc5 -> p.readUnsigned(2);
          case 0xc6 -> p.readUnsigned(4);
          default -> throw new MalformedFileException("data is not bytes", p.position());
        };
    p.require(len, "data of " + len + " bytes");
    return len;
  }

  private void sniffPickle(long start, long len, long at) throws IOException {
    if (context == null || source == null || len < 3) {
      return;
    }
    byte[] head = source.readFully(start, (int) Math.min(len, PICKLE_SNIFF));
    if (!PickleAnalyzer.startsLikePickle(head)) {
      return;
    }
    report(
        "FLAX-002",
        at,
        "The value at "
            + where()
            + " holds pickle bytes; flax never writes pickles, and whatever unpickles them runs"
            + " the code they import.",
        len + " bytes starting with a pickle header");
    try (PickleSession session = PickleAnalyzer.defaults().session(context, 0, where())) {
      session.analyzeStream(source.slice(0, start + len, source.displayPath()), start);
    }
  }

  private void report(String rule, long at, String description, String evidence) {
    if (context != null && counts.merge(rule, 1, Integer::sum) <= PER_RULE) {
      context.report(rule, context.at(at, where()), description, evidence);
    }
  }

  private String where() {
    if (path.isEmpty()) {
      return "/";
    }
    StringBuilder sb = new StringBuilder();
    for (String p : path) {
      if (sb.length() > 400) {
        sb.append("/…");
        break;
      }
      sb.append('/').append(p);
    }
    return sb.toString();
  }
}
