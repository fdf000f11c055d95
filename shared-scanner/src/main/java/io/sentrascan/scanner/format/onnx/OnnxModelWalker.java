package io.sentrascan.scanner.format.onnx;

import io.sentrascan.scanner.CappedReporter;
import io.sentrascan.scanner.MalformedFileException;
import io.sentrascan.scanner.ScanContext;
import io.sentrascan.scanner.Severity;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Walks a ModelProto on the wire: opsets and producer for the SBOM, every node of the main graph,
 * of nested If/Loop/Scan bodies, of training graphs and of model-local functions, and every tensor
 * header (initializers and attribute tensors). Raw tensor bytes are skipped by length, never read.
 * Field numbers follow onnx/onnx.proto3.
 */
final class OnnxModelWalker {
  /** Graphs nested in attributes deeper than this are not followed. */
  static final int MAX_GRAPH_DEPTH = 32;

  /** Strings read from the model (names, domains, paths) are cut to this many bytes. */
  private static final int MAX_STRING = 4096;

  /** Attributes per node; real nodes have a handful. */
  private static final int MAX_ATTRIBUTES = 100_000;

  /** Distinct custom (domain, op_type) pairs kept; further ones are counted together. */
  private static final int MAX_DISTINCT_CUSTOM_OPS = 10_000;

  /** Declared tensor sizes above this are implausible for any runtime (1 TiB). */
  static final long MAX_TENSOR_BYTES = 1L << 40;

  /** Domains of the ONNX standard and of the mainstream runtimes' built-in kernels. */
  static final Set<String> KNOWN_DOMAINS =
      Set.of(
          "",
          "ai.onnx",
          "ai.onnx.ml",
          "ai.onnx.training",
          "ai.onnx.preview",
          "ai.onnx.preview.training",
          "com.microsoft",
          "com.microsoft.nchwc",
          "com.microsoft.experimental",
          "com.microsoft.dml",
          "com.ms.internal.nhwc",
          "org.pytorch.aten");

  /** Operator or domain names that say the kernel runs Python, a shell, or loads code. */
  private static final Pattern DANGEROUS_OP =
      Pattern.compile(
          "^Py([A-Z_].*)?$|python|pyfunc|pyop|exec|eval|shell|system|subprocess|popen|command"
              + "|script|dlopen|loadlibrary",
          Pattern.CASE_INSENSITIVE);

  /** Bits per element of TensorProto.DataType values; 0 where the size is not fixed. */
  private static final int[] TYPE_BITS = {
    0, 32, 8, 8, 16, 16, 32, 64, 0, 8, 16, 64, 32, 64, 64, 128, 16, 8, 8, 8, 8, 4, 4, 4
  };

  private static final class OpUse {
    final String domain;
    final String opType;
    final String firstNode;
    final long firstOffset;
    int count;

    OpUse(String domain, String opType, String firstNode, long firstOffset) {
      this.domain = domain;
      this.opType = opType;
      this.firstNode = firstNode;
      this.firstOffset = firstOffset;
    }
  }

  private record Range(long start, long end, String context) {}

  private final WireReader in;
  private final ScanContext context;
  private final CappedReporter out;
  private final Set<String> localFunctions = new HashSet<>();
  private final Map<String, OpUse> customOps = new LinkedHashMap<>();
  private boolean depthReported;
  private long nodes;

  OnnxModelWalker(WireReader in, ScanContext context, CappedReporter out) {
    this.in = in;
    this.context = context;
    this.out = out;
  }

  void walk() throws IOException {
    long end = in.size();
    in.pos = 0;
    List<Range> graphs = new ArrayList<>();
    List<Range> functions = new ArrayList<>();
    String producer = "";
    String producerVersion = "";
    while (in.next(end)) {
      context.checkDeadline();
      switch (in.field) {
        case 1 -> {
          expect(WireReader.VARINT);
          context.addProperty("onnx.ir_version", Long.toString(in.value));
        }
        case 2 -> producer = text();
        case 3 -> producerVersion = text();
        case 7 -> graphs.add(new Range(in.valueStart, in.valueEnd, "graph"));
        case 8 -> opset();
        case 20 -> trainingInfo(graphs);
        case 25 -> functions.add(function());
        default -> {
          // domain, model_version, doc_string, metadata_props: nothing to check here
        }
      }
    }
    if (!producer.isEmpty()) {
      context.addProperty("onnx.producer", (producer + " " + producerVersion).trim());
    }
    for (Range f : functions) {
      functionBody(f);
    }
    for (Range g : graphs) {
      graph(g.start(), g.end(), 0, g.context());
    }
    context.addProperty("onnx.nodes", Long.toString(nodes));
    reportCustomOps();
  }

  private void expect(int wireType) throws MalformedFileException {
    if (in.wireType != wireType) {
      throw new MalformedFileException(
          "field " + in.field + " has wire type " + in.wireType + ", expected " + wireType,
          in.tagOffset);
    }
  }

  private String text() throws IOException {
    expect(WireReader.LEN);
    return in.string(MAX_STRING);
  }

  private void opset() throws IOException {
    expect(WireReader.LEN);
    long end = in.valueEnd;
    long after = in.pos;
    in.pos = in.valueStart;
    String domain = "";
    long version = -1;
    while (in.next(end)) {
      if (in.field == 1) {
        domain = text();
      } else if (in.field == 2) {
        expect(WireReader.VARINT);
        version = in.value;
      }
    }
    in.pos = after;
    context.addProperty("onnx.opset", (domain.isEmpty() ? "ai.onnx" : domain) + ":" + version);
  }

  private void trainingInfo(List<Range> graphs) throws IOException {
    expect(WireReader.LEN);
    long end = in.valueEnd;
    long after = in.pos;
    in.pos = in.valueStart;
    while (in.next(end)) {
      if (in.field == 1 || in.field == 3) {
        expect(WireReader.LEN);
        graphs.add(
            new Range(
                in.valueStart,
                in.valueEnd,
                in.field == 1 ? "training_info.initialization" : "training_info.algorithm"));
      }
    }
    in.pos = after;
  }

  /** Reads a FunctionProto's name and domain; its body is walked once all names are known. */
  private Range function() throws IOException {
    expect(WireReader.LEN);
    long start = in.valueStart;
    long end = in.valueEnd;
    long after = in.pos;
    in.pos = start;
    String name = "";
    String domain = "";
    while (in.next(end)) {
      if (in.field == 1) {
        name = text();
      } else if (in.field == 10) {
        domain = text();
      }
    }
    in.pos = after;
    localFunctions.add(domain + "\u0000" + name);
    String where = "function " + (domain.isEmpty() ? "" : domain + ".") + name;
    boolean custom = !KNOWN_DOMAINS.contains(domain);
    out.report(
        "ONNX-003",
        context.at(start, where),
        "The model defines function \""
            + name
            + "\" in domain \""
            + domain
            + "\""
            + (custom ? " (a custom domain)" : "")
            + "; nodes calling it run its body, which was scanned.",
        where);
    context.addProperty("onnx.function", domain + ":" + name);
    return new Range(start, end, where);
  }

  private void functionBody(Range f) throws IOException {
    in.pos = f.start();
    while (in.next(f.end())) {
      if (in.field == 7) {
        expect(WireReader.LEN);
        long after = in.pos;
        node(in.valueStart, in.valueEnd, 0, f.context());
        in.pos = after;
      }
    }
  }

  private void graph(long start, long end, int depth, String where) throws IOException {
    if (depth > MAX_GRAPH_DEPTH) {
      if (!depthReported) {
        depthReported = true;
        out.report(
            "ONNX-005",
            context.at(start, where),
            "Graphs nest more than " + MAX_GRAPH_DEPTH + " levels deep; deeper ones were skipped.",
            where);
      }
      return;
    }
    in.pos = start;
    while (in.next(end)) {
      context.checkDeadline();
      long after = in.pos;
      switch (in.field) {
        case 1 -> {
          expect(WireReader.LEN);
          node(in.valueStart, in.valueEnd, depth, where);
        }
        case 5 -> {
          expect(WireReader.LEN);
          tensor(in.valueStart, in.valueEnd, where + "/initializer");
        }
        case 15 -> {
          expect(WireReader.LEN);
          sparseTensor(in.valueStart, in.valueEnd, where + "/sparse_initializer");
        }
        default -> {
          // inputs, outputs, value_info, names: nothing to check
        }
      }
      in.pos = after;
    }
  }

  private void node(long start, long end, int depth, String where) throws IOException {
    nodes++;
    in.pos = start;
    String name = "";
    String opType = "";
    String domain = "";
    List<long[]> attributes = new ArrayList<>();
    while (in.next(end)) {
      switch (in.field) {
        case 3 -> name = text();
        case 4 -> opType = text();
        case 7 -> domain = text();
        case 5 -> {
          expect(WireReader.LEN);
          if (attributes.size() >= MAX_ATTRIBUTES) {
            throw new MalformedFileException(
                "node has more than " + MAX_ATTRIBUTES + " attributes", in.tagOffset);
          }
          attributes.add(new long[] {in.valueStart, in.valueEnd});
        }
        default -> {
          // inputs, outputs, doc_string
        }
      }
    }
    String nodeWhere = where + "/node " + (name.isEmpty() ? "#" + nodes : name);
    if (!KNOWN_DOMAINS.contains(domain) && !localFunctions.contains(domain + "\u0000" + opType)) {
      String key = domain + "\u0000" + opType;
      OpUse use = customOps.get(key);
      if (use == null && customOps.size() >= MAX_DISTINCT_CUSTOM_OPS) {
        use = customOps.computeIfAbsent("\u0001more", k -> new OpUse("*", "*", nodeWhere, start));
      } else if (use == null) {
        use = new OpUse(domain, opType, nodeWhere, start);
        customOps.put(key, use);
      }
      use.count++;
    }
    for (long[] a : attributes) {
      attribute(a[0], a[1], depth, nodeWhere);
    }
  }

  private void attribute(long start, long end, int depth, String where) throws IOException {
    in.pos = start;
    String name = "";
    while (in.next(end)) {
      long after = in.pos;
      String attrWhere = where + "." + (name.isEmpty() ? "attribute" : name);
      switch (in.field) {
        case 1 -> name = text();
        case 5, 10 -> {
          expect(WireReader.LEN);
          tensor(in.valueStart, in.valueEnd, attrWhere);
        }
        case 22, 23 -> {
          expect(WireReader.LEN);
          sparseTensor(in.valueStart, in.valueEnd, attrWhere);
        }
        case 6, 11 -> {
          expect(WireReader.LEN);
          graph(in.valueStart, in.valueEnd, depth + 1, attrWhere);
        }
        default -> {
          // scalar values, strings, type protos
        }
      }
      in.pos = after;
    }
  }

  private void sparseTensor(long start, long end, String where) throws IOException {
    in.pos = start;
    while (in.next(end)) {
      long after = in.pos;
      if (in.field == 1 || in.field == 2) {
        expect(WireReader.LEN);
        tensor(in.valueStart, in.valueEnd, where + (in.field == 1 ? ".values" : ".indices"));
      }
      in.pos = after;
    }
  }

  private void tensor(long start, long end, String where) throws IOException {
    in.pos = start;
    List<Long> dims = new ArrayList<>();
    int dataType = 0;
    String name = "";
    long rawLength = -1;
    Map<String, String> external = new LinkedHashMap<>();
    while (in.next(end)) {
      switch (in.field) {
        case 1 -> {
          if (in.wireType == WireReader.LEN) {
            for (long d : in.packedVarints(64)) {
              dims.add(d);
            }
          } else {
            expect(WireReader.VARINT);
            if (dims.size() < 64) {
              dims.add(in.value);
            }
          }
        }
        case 2 -> {
          expect(WireReader.VARINT);
          dataType = (int) in.value;
        }
        case 8 -> name = text();
        case 9 -> {
          expect(WireReader.LEN);
          rawLength = in.valueEnd - in.valueStart;
        }
        case 13 -> {
          expect(WireReader.LEN);
          long after = in.pos;
          entry(external);
          in.pos = after;
        }
        default -> {
          // typed data fields, segment, doc_string, data_location
        }
      }
    }
    String tensorWhere = where + (name.isEmpty() ? "" : " " + name);
    long expected = expectedBytes(dims, dataType, start, tensorWhere);
    if (expected >= 0 && rawLength >= 0 && expected != rawLength) {
      out.report(
          "ONNX-004",
          context.at(start, tensorWhere),
          "Tensor \""
              + name
              + "\" declares dims "
              + dims
              + " of data type "
              + dataType
              + " ("
              + expected
              + " bytes) but holds "
              + rawLength
              + " bytes of raw data.",
          "dims " + dims + ", raw_data " + rawLength + " bytes");
    }
    if (!external.isEmpty()) {
      externalData(external, expected, name, start, tensorWhere);
    }
  }

  /** Declared byte size, or -1 when it cannot be known; bad dims are reported here. */
  private long expectedBytes(List<Long> dims, int dataType, long start, String where) {
    long elements = 1;
    for (long d : dims) {
      if (d < 0) {
        out.report(
            "ONNX-004",
            context.at(start, where),
            "Tensor declares a negative dimension " + d + " in dims " + dims + ".",
            "dims " + dims);
        return -1;
      }
      try {
        elements = Math.multiplyExact(elements, d);
      } catch (ArithmeticException e) {
        out.report(
            "ONNX-004",
            context.at(start, where),
            "Tensor dims " + dims + " overflow 64 bits.",
            "dims " + dims);
        return -1;
      }
    }
    int bits = dataType > 0 && dataType < TYPE_BITS.length ? TYPE_BITS[dataType] : 0;
    if (bits == 0) {
      return -1;
    }
    if (elements > (Long.MAX_VALUE - 7) / bits) {
      out.report(
          "ONNX-004",
          context.at(start, where),
          "Tensor dims " + dims + " declare more than 2^63 bits.",
          "dims " + dims);
      return -1;
    }
    long bytes = (elements * bits + 7) / 8;
    if (bytes > MAX_TENSOR_BYTES) {
      out.report(
          "ONNX-004",
          context.at(start, where),
          "Tensor dims " + dims + " declare " + bytes + " bytes, more than any runtime loads.",
          "dims " + dims);
      return -1;
    }
    return bytes;
  }

  private void entry(Map<String, String> into) throws IOException {
    long end = in.valueEnd;
    in.pos = in.valueStart;
    String key = "";
    String value = "";
    while (in.next(end)) {
      if (in.field == 1) {
        key = text();
      } else if (in.field == 2) {
        value = text();
      }
    }
    if (into.size() < 64) {
      into.put(key, value);
    }
  }

  private void externalData(
      Map<String, String> external, long expected, String name, long start, String where) {
    String location = external.getOrDefault("location", "");
    String escape = escapes(location);
    if (escape != null) {
      out.report(
          "ONNX-002",
          context.at(start, where),
          "Tensor \""
              + name
              + "\" keeps its data in \""
              + location
              + "\", which "
              + escape
              + " (the path traversal of CVE-2022-25882).",
          location);
    } else if (!location.isEmpty()) {
      context.addProperty("onnx.external_data", location);
    }
    long offset = number(external.get("offset"));
    long length = number(external.get("length"));
    if (offset == -2 || length == -2) {
      out.report(
          "ONNX-004",
          context.at(start, where),
          "Tensor \"" + name + "\" has an external data offset or length that is not a number.",
          "offset " + external.get("offset") + ", length " + external.get("length"));
    } else if (length >= 0 && expected >= 0 && length != expected) {
      out.report(
          "ONNX-004",
          context.at(start, where),
          "Tensor \""
              + name
              + "\" declares "
              + expected
              + " bytes but its external data length is "
              + length
              + ".",
          "length " + length);
    }
  }

  /** -1 when absent, -2 when not a non-negative number. */
  private static long number(@Nullable String text) {
    if (text == null) {
      return -1;
    }
    try {
      long v = Long.parseLong(text.trim());
      return v < 0 ? -2 : v;
    } catch (NumberFormatException e) {
      return -2;
    }
  }

  /** Why an external data location leaves the model folder, or null when it stays inside. */
  static @Nullable String escapes(String location) {
    if (location.indexOf('\0') >= 0) {
      return "contains a NUL character";
    }
    if (location.startsWith("/") || location.startsWith("\\")) {
      return "is an absolute path";
    }
    if (location.length() >= 2
        && location.charAt(1) == ':'
        && Character.isLetter(location.charAt(0))) {
      return "names a drive";
    }
    if (location.contains("://") || location.toLowerCase(Locale.ROOT).startsWith("file:")) {
      return "is a URL";
    }
    for (String segment : location.split("[/\\\\]")) {
      if (segment.equals("..")) {
        return "climbs out of the model folder with '..'";
      }
    }
    if (location.startsWith("~")) {
      return "refers to a home folder";
    }
    return null;
  }

  private void reportCustomOps() {
    for (OpUse use : customOps.values()) {
      boolean dangerous =
          DANGEROUS_OP.matcher(use.opType).find() || DANGEROUS_OP.matcher(use.domain).find();
      String op = use.domain + "." + use.opType;
      context.addProperty("onnx.custom_op", op);
      out.report(
          "ONNX-001",
          dangerous ? Severity.HIGH : Severity.MEDIUM,
          context.at(use.firstOffset, use.firstNode),
          "Operator "
              + use.opType
              + " of custom domain \""
              + use.domain
              + "\" is used by "
              + use.count
              + (use.count == 1 ? " node" : " nodes")
              + (dangerous ? "; its name says it runs Python, a shell or loaded code." : "."),
          op);
    }
  }
}
