package io.sentrascan.scanner.format.tflite;

import io.sentrascan.scanner.CappedReporter;
import io.sentrascan.scanner.MalformedFileException;
import io.sentrascan.scanner.ScanContext;
import io.sentrascan.scanner.Severity;
import io.sentrascan.scanner.flatbuffers.FlatBufferReader;
import io.sentrascan.scanner.flatbuffers.FlatBufferReader.Table;
import io.sentrascan.scanner.flatbuffers.FlatBufferReader.Vector;
import java.io.IOException;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Walks a TFLite Model table (tensorflow/lite/schema/schema.fbs): operator codes, every subgraph's
 * tensors and operators, buffers and metadata. Indices between them are checked, buffers must lie
 * inside the file, and custom operators are reported with their names. Buffer contents are never
 * read, only their positions and sizes.
 */
final class TfliteModelWalker {
  static final int BUILTIN_CUSTOM = 32;

  /** Element counts past which a table of the model is implausible; the rest is malformed. */
  private static final long MAX_ITEMS = 10_000_000;

  /**
   * Operator codes per model; the schema defines about 200 builtins. Kept in arrays, so bounded.
   */
  private static final long MAX_OPERATOR_CODES = 100_000;

  private static final int MAX_STRING = 1024;

  /** Buffers whose sizes are kept for the tensor size check. */
  private static final long MAX_SIZED_BUFFERS = 1_000_000;

  /** Bytes per element of each TensorType; 0 where the size is not fixed. */
  private static final int[] TYPE_BYTES = {4, 2, 4, 1, 8, 0, 1, 2, 8, 1, 8, 16, 8, 0, 0, 4, 2, 0};

  /** TensorFlow ops that the Flex delegate can run and that touch files or run Python. */
  static final Set<String> DANGEROUS_FLEX_OPS =
      Set.of(
          "ReadFile",
          "WriteFile",
          "MatchingFiles",
          "DeleteFile",
          "PyFunc",
          "EagerPyFunc",
          "PyFuncStateless",
          "Save",
          "SaveV2",
          "SaveSlices",
          "Restore",
          "RestoreV2",
          "RestoreSlice",
          "MergeV2Checkpoints",
          "PrintV2",
          "WholeFileReader",
          "WholeFileReaderV2",
          "TextLineReaderV2",
          "FixedLengthRecordReaderV2",
          "TFRecordReaderV2",
          "ImmutableConst",
          "DebugIdentityV2",
          "DebugNumericSummaryV2");

  /** Custom operator names that say they run Python, a shell or loaded code. */
  private static final Pattern DANGEROUS_NAME =
      Pattern.compile(
          "^Py([A-Z_].*)?$|python|pyfunc|exec|eval|shell|system|subprocess|popen|dlopen"
              + "|loadlibrary",
          Pattern.CASE_INSENSITIVE);

  private final FlatBufferReader in;
  private final ScanContext context;
  private final CappedReporter out;

  TfliteModelWalker(FlatBufferReader in, ScanContext context, CappedReporter out) {
    this.in = in;
    this.context = context;
    this.out = out;
  }

  void walk() throws IOException {
    Table model = in.table(in.deref(0));
    context.addProperty("tflite.schema_version", Long.toString(in.u32Field(model, 0, 0)));
    String description = in.string(model, 3, MAX_STRING);
    if (description != null && !description.isEmpty()) {
      context.addProperty("tflite.description", description);
    }
    Vector codes = in.vector(model, 1, 4);
    long codeCount = codes == null ? 0 : codes.length();
    if (codeCount > MAX_OPERATOR_CODES) {
      throw new MalformedFileException(
          "the model declares " + codeCount + " operator codes, more than any real model", -1);
    }
    String[] customNames = new String[(int) codeCount];
    long[] customOffsets = new long[(int) codeCount];
    for (long i = 0; i < codeCount; i++) {
      context.checkDeadline();
      Table code = in.tableAt(codes, i);
      int deprecated = in.i8Field(code, 0, 0);
      int builtin = Math.max(deprecated, in.i32Field(code, 3, 0));
      if (builtin == BUILTIN_CUSTOM) {
        String name = in.string(code, 1, MAX_STRING);
        customNames[(int) i] = name == null || name.isEmpty() ? "<unnamed>" : name;
        customOffsets[(int) i] = code.pos();
      } else {
        context.addProperty("tflite.builtin_op", Integer.toString(builtin));
      }
    }
    Vector buffers = in.vector(model, 4, 4);
    long bufferCount = buffers == null ? 0 : buffers.length();
    check(bufferCount, "buffers");
    // Sizes are kept to check tensors against them, unless there are implausibly many buffers.
    long[] bufferBytes = bufferCount <= MAX_SIZED_BUFFERS ? new long[(int) bufferCount] : null;
    for (long b = 0; b < bufferCount; b++) {
      context.checkDeadline();
      long bytes = buffer(in.tableAt(buffers, b), b);
      if (bufferBytes != null) {
        bufferBytes[(int) b] = bytes;
      }
    }
    long[] uses = new long[(int) codeCount];
    Vector subgraphs = in.vector(model, 2, 4);
    long subgraphCount = subgraphs == null ? 0 : subgraphs.length();
    check(subgraphCount, "subgraphs");
    context.addProperty("tflite.subgraphs", Long.toString(subgraphCount));
    for (long s = 0; s < subgraphCount; s++) {
      subgraph(in.tableAt(subgraphs, s), s, codeCount, bufferCount, bufferBytes, uses);
    }
    metadata(model, bufferCount);
    for (int i = 0; i < codeCount; i++) {
      if (customNames[i] != null) {
        customOp(customNames[i], customOffsets[i], i, uses[i]);
      }
    }
  }

  private static void check(long count, String what) throws IOException {
    if (count > MAX_ITEMS) {
      throw new MalformedFileException(
          "the model declares " + count + " " + what + ", more than any real model", -1);
    }
  }

  private void subgraph(
      Table g,
      long index,
      long codeCount,
      long bufferCount,
      long @Nullable [] bufferBytes,
      long[] uses)
      throws IOException {
    String where = "subgraph " + index;
    Vector tensors = in.vector(g, 0, 4);
    long tensorCount = tensors == null ? 0 : tensors.length();
    check(tensorCount, "tensors");
    for (long t = 0; t < tensorCount; t++) {
      context.checkDeadline();
      Table tensor = in.tableAt(tensors, t);
      long buffer = in.u32Field(tensor, 2, 0);
      if (buffer >= bufferCount && !(buffer == 0 && bufferCount == 0)) {
        String name = in.string(tensor, 3, MAX_STRING);
        out.report(
            "TFL-003",
            context.at(tensor.pos(), where + " tensor " + t + (name == null ? "" : " " + name)),
            "Tensor "
                + t
                + " refers to buffer "
                + buffer
                + " but the model has "
                + bufferCount
                + ".",
            "buffer " + buffer);
      } else if (bufferBytes != null && buffer > 0 && bufferBytes[(int) buffer] > 0) {
        tensorSize(tensor, bufferBytes[(int) buffer], where + " tensor " + t);
      }
    }
    Vector operators = in.vector(g, 3, 4);
    long operatorCount = operators == null ? 0 : operators.length();
    check(operatorCount, "operators");
    for (long o = 0; o < operatorCount; o++) {
      context.checkDeadline();
      Table op = in.tableAt(operators, o);
      long code = in.u32Field(op, 0, 0);
      String opWhere = where + " operator " + o;
      if (code >= codeCount) {
        out.report(
            "TFL-003",
            context.at(op.pos(), opWhere),
            "Operator "
                + o
                + " uses operator code "
                + code
                + " but the model has "
                + codeCount
                + ".",
            "opcode_index " + code);
      } else {
        uses[(int) code]++;
      }
      tensorIndices(op, 1, "input", tensorCount, opWhere);
      tensorIndices(op, 2, "output", tensorCount, opWhere);
    }
  }

  private void tensorIndices(Table op, int field, String what, long tensorCount, String where)
      throws IOException {
    Vector v = in.vector(op, field, 4);
    if (v == null) {
      return;
    }
    long n = Math.min(v.length(), 4096);
    for (long i = 0; i < n; i++) {
      int tensor = in.i32(v.start() + 4 * i);
      if (tensor < -1 || tensor >= tensorCount) {
        out.report(
            "TFL-003",
            context.at(v.start() + 4 * i, where),
            "An "
                + what
                + " of the operator is tensor "
                + tensor
                + " but the subgraph has "
                + tensorCount
                + ".",
            what + " " + tensor);
        return;
      }
    }
  }

  /**
   * Checks that a buffer lies inside the file.
   *
   * @return its size in bytes, 0 when empty, -1 when it is outside the file
   */
  private long buffer(Table b, long index) throws IOException {
    String where = "buffer " + index;
    long bytes = 0;
    long dataField = in.field(b, 0);
    if (dataField >= 0) {
      long start = in.u32(dataField) + dataField;
      long length = start + 4 <= in.size() ? in.u32(start) : -1;
      if (length < 0 || length > in.size() - start - 4) {
        out.report(
            "TFL-002",
            context.at(dataField, where),
            "Buffer "
                + index
                + " data at "
                + start
                + " declares "
                + length
                + " bytes; the file has "
                + in.size()
                + ".",
            "data at " + start + ", " + length + " bytes");
        bytes = -1;
      } else {
        bytes = length;
      }
    }
    long offset = in.u64Field(b, 1, 0);
    long size = in.u64Field(b, 2, 0);
    // offset 0 and 1 mean "no external data" (1 is the converter's placeholder).
    if (Long.compareUnsigned(offset, 1) > 0
        && (offset < 0 || size < 0 || size > in.size() || offset > in.size() - size)) {
      out.report(
          "TFL-002",
          context.at(b.pos(), where),
          "Buffer "
              + index
              + " points to "
              + Long.toUnsignedString(size)
              + " bytes at offset "
              + Long.toUnsignedString(offset)
              + ", past the end of the "
              + in.size()
              + "-byte file.",
          "offset " + Long.toUnsignedString(offset) + ", size " + Long.toUnsignedString(size));
      return -1;
    }
    return Long.compareUnsigned(offset, 1) > 0 ? size : bytes;
  }

  /**
   * Compares a constant tensor's shape and type with its buffer's size, as the interpreter does
   * before using the data. Strings, resources, variants, 4-bit types and sparse tensors have no
   * fixed size and are skipped.
   */
  private void tensorSize(Table tensor, long bufferBytes, String where) throws IOException {
    int type = in.i8Field(tensor, 1, 0);
    int bytes = type >= 0 && type < TYPE_BYTES.length ? TYPE_BYTES[type] : 0;
    if (bytes == 0 || in.field(tensor, 6) >= 0) {
      return;
    }
    Vector shape = in.vector(tensor, 0, 4);
    long elements = 1;
    long dims = shape == null ? 0 : Math.min(shape.length(), 64);
    StringBuilder text = new StringBuilder("[");
    for (long i = 0; i < dims; i++) {
      int d = in.i32(shape.start() + 4 * i);
      text.append(i == 0 ? "" : ", ").append(d);
      if (d < 0) {
        return; // a dynamic dimension: the size is only known at run time
      }
      elements = elements > Long.MAX_VALUE / Math.max(1, d) ? Long.MAX_VALUE : elements * d;
    }
    text.append(']');
    long expected = elements > Long.MAX_VALUE / bytes ? Long.MAX_VALUE : elements * bytes;
    if (expected != bufferBytes) {
      String name = in.string(tensor, 3, MAX_STRING);
      out.report(
          "TFL-005",
          context.at(tensor.pos(), where + (name == null ? "" : " " + name)),
          "Tensor "
              + (name == null ? "" : "\"" + name + "\" ")
              + "has shape "
              + text
              + " of type "
              + type
              + " ("
              + (expected == Long.MAX_VALUE ? "overflowing" : expected + " bytes")
              + ") but its buffer holds "
              + bufferBytes
              + " bytes.",
          "shape " + text + ", buffer " + bufferBytes + " bytes");
    }
  }

  private void metadata(Table model, long bufferCount) throws IOException {
    Vector metadata = in.vector(model, 6, 4);
    long n = metadata == null ? 0 : metadata.length();
    check(n, "metadata entries");
    for (long i = 0; i < n; i++) {
      Table m = in.tableAt(metadata, i);
      String name = in.string(m, 0, MAX_STRING);
      long buffer = in.u32Field(m, 1, 0);
      context.addProperty("tflite.metadata", name == null ? "<unnamed>" : name);
      if (buffer >= bufferCount) {
        out.report(
            "TFL-003",
            context.at(m.pos(), "metadata " + name),
            "Metadata \""
                + name
                + "\" refers to buffer "
                + buffer
                + " but the model has "
                + bufferCount
                + ".",
            "buffer " + buffer);
      }
    }
  }

  private void customOp(String name, long offset, int code, long uses) {
    String flexOp = name.startsWith("Flex") ? name.substring(4) : null;
    boolean dangerous =
        (flexOp != null && DANGEROUS_FLEX_OPS.contains(flexOp))
            || DANGEROUS_NAME.matcher(name).find();
    context.addProperty("tflite.custom_op", name);
    out.report(
        "TFL-001",
        dangerous ? Severity.HIGH : Severity.MEDIUM,
        context.at(offset, "operator_codes " + code + " " + name),
        "Custom operator \""
            + name
            + "\" is used by "
            + uses
            + (uses == 1 ? " operator" : " operators")
            + (flexOp != null ? " (TensorFlow op " + flexOp + " through the Flex delegate)" : "")
            + (dangerous ? "; it reads or writes files or runs Python or other code." : "."),
        name);
  }
}
