package io.sentrascan.scanner.format.keras;

import io.jhdf.HdfFile;
import io.jhdf.api.Attribute;
import io.jhdf.api.Dataset;
import io.jhdf.api.Group;
import io.jhdf.api.Node;
import io.jhdf.object.datatype.DataType;
import io.sentrascan.scanner.Finding;
import io.sentrascan.scanner.LimitExceededException;
import io.sentrascan.scanner.MalformedFileException;
import io.sentrascan.scanner.Probe;
import io.sentrascan.scanner.ScanContext;
import io.sentrascan.scanner.Scanner;
import io.sentrascan.scanner.Source;
import io.sentrascan.scanner.SourceChannel;
import io.sentrascan.scanner.Sources;
import io.sentrascan.scanner.pickle.PickleAnalyzer;
import io.sentrascan.scanner.pickle.PickleSession;
import java.io.IOException;
import java.lang.reflect.Array;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * HDF5 files, Keras {@code .h5}/{@code .hdf5} models in particular. The root attributes {@code
 * model_config} and {@code training_config} are analysed as Keras configurations (Lambda layers,
 * custom objects, modules outside Keras); attributes and byte-sized datasets are searched for
 * hidden pickles. Float tensors are never read.
 *
 * <p>jhdf parses the file through a channel over the source. A fuzzer crashed it with runtime
 * exceptions on hostile input, so everything it throws is a malformed-file finding.
 */
public final class KerasH5Scanner implements Scanner {
  /** The HDF5 format signature; it starts the file or follows a user block of 512·2^n bytes. */
  static final byte[] SIGNATURE = {(byte) 0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};

  /** An attribute or dataset read for inspection is at most this large. */
  static final long MAX_BLOB_BYTES = 4L << 20;

  /** Bytes of attributes and datasets read per file at most. */
  static final long MAX_INSPECTED_BYTES = 64L << 20;

  /** Groups and datasets visited per file at most. */
  static final int MAX_NODES = 100_000;

  static final int MAX_GROUP_DEPTH = 64;

  /**
   * jhdf wants a file URI for a channel (to resolve external links relative to it). The scanner
   * never follows links, so it names a path that does not exist rather than the real one.
   */
  private static final URI BACKING_URI = URI.create("file:///nonexistent/sentrascan-source.h5");

  private static final int FIXED_POINT = 0;
  private static final int STRING = 3;
  private static final int OPAQUE = 5;
  private static final int VARIABLE_LENGTH = 9;

  private final PickleAnalyzer pickles = PickleAnalyzer.defaults();

  @Override
  public String name() {
    return "keras-hdf5";
  }

  @Override
  public String version() {
    return "1.0.0+refs-" + KerasConfigAnalyzer.referencesVersion() + "+" + pickles.listVersions();
  }

  @Override
  public String description() {
    return "Keras HDF5 (`.h5`; HDF5 signature at 0 or a user-block offset, read with jhdf through the Source): `model_config`/`training_config` analysed for Lambda layers (marshalled bytecode), references to dangerous modules and functions, custom objects outside Keras, safe-mode bypasses; attributes and small datasets searched for pickles; data after the end of file.";
  }

  @Override
  public boolean supports(Probe probe) {
    return signatureOffset(probe) >= 0;
  }

  static long signatureOffset(Probe probe) {
    for (int at = 0; at + SIGNATURE.length <= probe.headLength(); at = at == 0 ? 512 : at * 2) {
      if (probe.startsWithAt(at, SIGNATURE)) {
        return at;
      }
    }
    return -1;
  }

  @Override
  public void scan(Source source, ScanContext context) throws IOException {
    context.setFormat("hdf5");
    Walk walk = new Walk(context);
    try (HdfFile hdf = new HdfFile(new SourceChannel(source), BACKING_URI)) {
      walk.file(hdf);
    } catch (IOException | LimitExceededException e) {
      throw e;
    } catch (RuntimeException | OutOfMemoryError | StackOverflowError e) {
      // jhdf on hostile input: lying lengths, bad addresses, arithmetic on garbage. Its buffers are
      // bounded by MAX_BLOB_BYTES where we ask for data, so an OutOfMemoryError here comes from a
      // single allocation the file asked for and has been released.
      searchRawBytes(source, context);
      throw new MalformedFileException("the HDF5 structure cannot be read: " + describe(e), -1, e);
    }
    if (walk.unreadable) {
      searchRawBytes(source, context);
    } else {
      checkTrailingBytes(source, context);
    }
  }

  /**
   * Bytes past the end-of-file address of the superblock are invisible to HDF5 readers: a place to
   * append a payload. They are reported and searched for pickle streams.
   */
  private void checkTrailingBytes(Source source, ScanContext ctx) throws IOException {
    long sig = signatureOffset(source);
    long eof = sig < 0 ? -1 : endOfFileAddress(source, sig);
    if (eof <= 0 || sig + eof >= source.size()) {
      return;
    }
    long end = sig + eof;
    ctx.report(
        "KER-007",
        ctx.at(end),
        (source.size() - end)
            + " bytes follow the end of the HDF5 data declared by the superblock.",
        "HDF5 end-of-file address " + eof + ", file size " + source.size());
    try (PickleSession session = pickles.session(ctx, 0, null)) {
      session.searchHidden(source, end);
    }
  }

  private static long signatureOffset(Source source) throws IOException {
    for (long at = 0;
        at + SIGNATURE.length <= Math.min(source.size(), Probe.HEAD_BYTES);
        at = at == 0 ? 512 : at * 2) {
      if (java.util.Arrays.equals(source.readFully(at, SIGNATURE.length), SIGNATURE)) {
        return at;
      }
    }
    return -1;
  }

  /**
   * The end-of-file address of the superblock at {@code sig} (HDF5 spec, "Superblock"): after the
   * base address and one more address (free-space or extension), at offset 24 (version 0), 28
   * (version 1) or 12 (versions 2 and 3) plus two addresses. -1 when it cannot be read.
   */
  static long endOfFileAddress(Source source, long sig) throws IOException {
    if (source.size() < sig + 48) {
      return -1;
    }
    byte[] sb = source.readFully(sig, 48);
    int version = sb[8] & 0xff;
    int offsetSize;
    int base;
    if (version == 0 || version == 1) {
      offsetSize = sb[13] & 0xff;
      base = version == 0 ? 24 : 28;
    } else if (version == 2 || version == 3) {
      offsetSize = sb[9] & 0xff;
      base = 12;
    } else {
      return -1;
    }
    if (offsetSize != 4 && offsetSize != 8) {
      return -1;
    }
    int at = base + 2 * offsetSize;
    if (at + offsetSize > sb.length) {
      return -1;
    }
    long value = 0;
    for (int i = offsetSize - 1; i >= 0; i--) {
      value = (value << 8) | (sb[at + i] & 0xff);
    }
    return value == -1L || (offsetSize == 4 && value == 0xffffffffL) ? -1 : value;
  }

  /**
   * When the parser cannot read part of the file, its attributes and datasets were not checked: the
   * raw bytes are searched for importing pickle streams instead, so that breaking the parser does
   * not hide a payload.
   */
  private void searchRawBytes(Source source, ScanContext ctx) throws IOException {
    int before = ctx.findings().size();
    try (PickleSession session = pickles.session(ctx, 0, null)) {
      session.searchHidden(source, 0);
    }
    if (ctx.findings().size() > before) {
      ctx.report(
          "KER-004",
          ctx.at(-1, "raw bytes"),
          "The HDF5 structure could not be fully parsed, and its raw bytes hold a pickle stream;"
              + " Keras never writes pickles into model files.",
          "pickle found by the raw search");
    }
  }

  private static String describe(Throwable e) {
    return e.getClass().getSimpleName()
        + (e.getMessage() == null ? "" : ": " + e.getMessage())
        + (e.getCause() != null && e.getCause() != e ? " (" + describe(e.getCause()) + ")" : "");
  }

  /** The state of one file's scan. */
  private final class Walk {
    private final ScanContext ctx;
    private final Set<Long> seen = new HashSet<>();
    private long inspected;
    private int nodes;
    private boolean limitReported;
    private boolean unreadable;

    Walk(ScanContext ctx) {
      this.ctx = ctx;
    }

    void file(HdfFile hdf) throws IOException {
      Map<String, Attribute> root = hdf.getAttributes();
      String version = stringAttribute(root.get("keras_version"));
      if (version != null) {
        ctx.addProperty("keras.version", version);
      }
      String backend = stringAttribute(root.get("backend"));
      if (backend != null) {
        ctx.addProperty("keras.backend", backend);
      }
      boolean keras = false;
      for (String name : new String[] {"model_config", "training_config"}) {
        Attribute attr = root.get(name);
        if (attr == null) {
          continue;
        }
        keras = true;
        String json = configText(attr, name);
        if (json != null) {
          var config = KerasConfigAnalyzer.analyze(json, name, ctx, -1);
          if (config != null && name.equals("model_config")) {
            String modelClass = config.path("class_name").asText("");
            if (!modelClass.isEmpty()) {
              ctx.addProperty("keras.model_class", Finding.printable(modelClass, 64));
            }
          }
        }
      }
      if (keras) {
        ctx.setFormat("keras-h5");
      }
      group(hdf, 0);
    }

    private void group(Group group, int depth) throws IOException {
      inspectAttributes(group, depth == 0 ? Set.of("model_config", "training_config") : Set.of());
      if (depth >= MAX_GROUP_DEPTH) {
        ctx.error("HDF5 groups nested deeper than " + MAX_GROUP_DEPTH + " were not inspected");
        return;
      }
      for (Node child : group.getChildren().values()) {
        ctx.checkDeadline();
        if (child.isLink()) {
          ctx.addProperty("hdf5.link", child.getPath());
          continue; // soft and external links point elsewhere; never follow them out of the file
        }
        try {
          if (!seen.add(child.getAddress())) {
            continue; // a hard link to an object already visited (possibly a cycle)
          }
          if (++nodes > MAX_NODES) {
            if (nodes == MAX_NODES + 1) {
              ctx.error("more than " + MAX_NODES + " HDF5 objects; the rest were not inspected");
            }
            return;
          }
          if (child instanceof Group g) {
            group(g, depth + 1);
          } else if (child instanceof Dataset d) {
            inspectAttributes(d, Set.of());
            dataset(d);
          }
        } catch (RuntimeException e) {
          unreadable = true;
          ctx.error(
              "the HDF5 parser could not read "
                  + child.getPath()
                  + " ("
                  + describe(e)
                  + "); the raw bytes were searched for pickles instead");
        }
      }
    }

    private void inspectAttributes(Node node, Set<String> skip) throws IOException {
      for (Map.Entry<String, Attribute> e : node.getAttributes().entrySet()) {
        if (skip.contains(e.getKey())) {
          continue;
        }
        Attribute attr = e.getValue();
        byte[] bytes = attributeBytes(attr);
        if (bytes != null) {
          searchPickle(bytes, "attribute " + node.getPath() + "@" + e.getKey(), true);
        }
      }
    }

    private byte @Nullable [] attributeBytes(Attribute attr) {
      DataType type = attr.getDataType();
      int cls = type.getDataClass();
      boolean bytesLike =
          cls == OPAQUE || cls == STRING || (cls == FIXED_POINT && type.getSize() == 1);
      if (!(bytesLike || cls == VARIABLE_LENGTH)
          || attr.isEmpty()
          || !budget(attr.getSizeInBytes())) {
        return null;
      }
      if (bytesLike) {
        ByteBuffer buffer = attr.getBuffer();
        byte[] out = new byte[buffer.remaining()];
        buffer.get(out);
        return out;
      }
      return flatten(attr.getData());
    }

    private void dataset(Dataset d) throws IOException {
      DataType type = d.getDataType();
      int cls = type.getDataClass();
      boolean bytesLike =
          cls == OPAQUE || cls == STRING || (cls == FIXED_POINT && type.getSize() == 1);
      if (!(bytesLike || cls == VARIABLE_LENGTH) || d.isEmpty()) {
        return; // numeric tensors: never read
      }
      if (!budget(d.getSizeInBytes())) {
        return;
      }
      byte[] bytes = flatten(d.getDataFlat());
      if (bytes != null) {
        searchPickle(bytes, "dataset " + d.getPath(), cls != FIXED_POINT);
      }
    }

    private boolean budget(long size) {
      if (size < 0 || size > MAX_BLOB_BYTES || inspected + size > MAX_INSPECTED_BYTES) {
        if (!limitReported) {
          limitReported = true;
          ctx.error(
              "some HDF5 attributes or byte datasets were too large to search for hidden pickles");
        }
        return false;
      }
      inspected += size;
      return true;
    }

    private void searchPickle(byte[] bytes, String where, boolean opaque) throws IOException {
      if (!hasPickleHeader(bytes)) {
        return;
      }
      boolean starts = PickleAnalyzer.startsLikePickle(bytes);
      int before = ctx.findings().size();
      try (PickleSession session = pickles.session(ctx, 0, where)) {
        Source blob = Sources.bytes(bytes, ctx.path() + " " + where);
        if (starts) {
          session.analyzeAll(blob, 0);
        } else {
          session.searchHidden(blob, 0);
        }
      }
      boolean found = ctx.findings().size() > before;
      if (found || (starts && opaque)) {
        ctx.report(
            "KER-004",
            ctx.at(-1, where),
            "The "
                + where
                + " holds pickle data ("
                + bytes.length
                + " bytes); Keras never writes pickles into model files.",
            "pickle header " + hex(bytes, Math.max(0, pickleHeaderAt(bytes)), 4));
      }
    }

    private @Nullable String configText(Attribute attr, String name) {
      if (attr.getSizeInBytes() > KerasConfigAnalyzer.MAX_CONFIG_BYTES) {
        ctx.report(
            "KER-005",
            ctx.at(-1, name),
            "The " + name + " attribute is larger than the analysis limit and was not checked.",
            attr.getSizeInBytes() + " bytes");
        return null;
      }
      String text = stringAttribute(attr);
      if (text == null) {
        ctx.report(
            "KER-005",
            ctx.at(-1, name),
            "The " + name + " attribute is not a string, so it is not a Keras configuration.",
            "HDF5 type class " + attr.getDataType().getDataClass());
      }
      return text;
    }
  }

  private static @Nullable String stringAttribute(@Nullable Attribute attr) {
    if (attr == null || attr.getSizeInBytes() > KerasConfigAnalyzer.MAX_CONFIG_BYTES) {
      return null;
    }
    Object data = attr.getData();
    if (data instanceof String s) {
      return s;
    }
    if (data != null && data.getClass().isArray() && Array.getLength(data) == 1) {
      Object first = Array.get(data, 0);
      if (first instanceof String s) {
        return s;
      }
    }
    if (attr.getDataType().getDataClass() == OPAQUE || data instanceof ByteBuffer) {
      ByteBuffer b = attr.getBuffer();
      byte[] out = new byte[b.remaining()];
      b.get(out);
      return new String(out, StandardCharsets.UTF_8);
    }
    return null;
  }

  /** Flattens what jhdf returns for byte-like data into bytes; null when it is not byte-like. */
  private static byte @Nullable [] flatten(@Nullable Object data) {
    if (data == null) {
      return null;
    }
    if (data instanceof byte[] b) {
      return b;
    }
    if (data instanceof ByteBuffer b) {
      byte[] out = new byte[b.remaining()];
      b.duplicate().get(out);
      return out;
    }
    if (data instanceof String s) {
      return latin1(s);
    }
    if (!data.getClass().isArray()) {
      return null;
    }
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    int n = Array.getLength(data);
    for (int i = 0; i < n && out.size() <= MAX_BLOB_BYTES; i++) {
      Object e = Array.get(data, i);
      if (e instanceof Number num) {
        out.write(num.intValue() & 0xff);
      } else {
        byte[] inner = flatten(e);
        if (inner != null) {
          out.write(inner, 0, inner.length);
        }
      }
    }
    return out.toByteArray();
  }

  private static byte[] latin1(String s) {
    byte[] out = new byte[s.length()];
    for (int i = 0; i < s.length(); i++) {
      out[i] = (byte) s.charAt(i);
    }
    return out;
  }

  static boolean hasPickleHeader(byte[] b) {
    return pickleHeaderAt(b) >= 0;
  }

  private static int pickleHeaderAt(byte[] b) {
    for (int i = 0; i + 1 < b.length; i++) {
      if ((b[i] & 0xff) == 0x80 && b[i + 1] >= 2 && b[i + 1] <= 5) {
        return i;
      }
    }
    return -1;
  }

  private static String hex(byte[] b, int from, int n) {
    StringBuilder sb = new StringBuilder();
    for (int i = from; i < Math.min(b.length, from + n); i++) {
      sb.append(String.format("\\x%02x", b[i] & 0xff));
    }
    return sb.toString();
  }
}
