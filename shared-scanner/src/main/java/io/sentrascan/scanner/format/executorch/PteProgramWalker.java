package io.sentrascan.scanner.format.executorch;

import io.sentrascan.scanner.ScanContext;
import io.sentrascan.scanner.Severity;
import io.sentrascan.scanner.flatbuffers.FlatBufferReader;
import java.io.IOException;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Walks an ExecuTorch {@code Program} (schema/program.fbs): the operators and backend delegates of
 * every execution plan, the kernel and delegate calls of its chains, and the data segments named by
 * the extended header. Tensor and delegate data are only measured.
 */
final class PteProgramWalker {
  /** Operator namespaces the ExecuTorch portable and optimized kernel libraries provide. */
  static final Set<String> STANDARD_NAMESPACES =
      Set.of("aten", "executorch_prim", "dim_order_ops", "quantized_decomposed");

  /** Delegate backends shipped with ExecuTorch. */
  static final Set<String> KNOWN_BACKENDS =
      Set.of(
          "XnnpackBackend",
          "CoreMLBackend",
          "MPSBackend",
          "VulkanBackend",
          "QnnBackend",
          "ArmBackend",
          "EthosUBackend",
          "VgfBackend",
          "NeuronBackend",
          "OpenvinoBackend",
          "SamsungBackend",
          "CadenceBackend");

  private static final int MAX_TEXT = 256;
  private static final int PER_RULE = 10;
  private static final long MAX_ITEMS = 5_000_000L;

  private final FlatBufferReader fb;
  private final ScanContext context;
  private final long segmentBase;
  private final Map<String, Integer> counts = new TreeMap<>();
  private long items;

  PteProgramWalker(FlatBufferReader fb, ScanContext context, long segmentBase) {
    this.fb = fb;
    this.context = context;
    this.segmentBase = segmentBase;
  }

  void walk() throws IOException {
    try {
      FlatBufferReader.Table program = fb.table(fb.deref(0));
      context.addProperty("executorch.schema_version", Long.toString(fb.u32Field(program, 0, 0)));
      long inlineData = fb.vectorOrEmpty(program, 3, 4).length();
      FlatBufferReader.Vector segments = fb.vectorOrEmpty(program, 4, 4);
      checkSegments(segments);
      FlatBufferReader.Vector plans = fb.vectorOrEmpty(program, 1, 4);
      for (long p = 0; p < plans.length(); p++) {
        plan(fb.tableAt(plans, p), p, inlineData, segments.length());
      }
    } finally {
      summarise();
    }
  }

  private void plan(FlatBufferReader.Table plan, long index, long inlineData, long segments)
      throws IOException {
    String name = fb.string(plan, 0, MAX_TEXT);
    String planName = "plan " + index + (name == null ? "" : " (" + name + ")");
    context.addProperty("executorch.methods", name == null ? "#" + index : name);
    FlatBufferReader.Vector operators = fb.vectorOrEmpty(plan, 6, 4);
    for (long i = 0; i < operators.length(); i++) {
      count();
      FlatBufferReader.Table op = fb.tableAt(operators, i);
      String opName = fb.string(op, 0, MAX_TEXT);
      String overload = fb.string(op, 1, MAX_TEXT);
      String full =
          (opName == null ? "" : opName)
              + (overload == null || overload.isEmpty() ? "" : "." + overload);
      int colons = full.indexOf("::");
      String namespace = colons < 0 ? "" : full.substring(0, colons);
      context.addProperty("executorch.operators", full);
      if (!STANDARD_NAMESPACES.contains(namespace)) {
        report(
            "ET-001",
            null,
            op.pos(),
            planName + " operator " + i,
            "Operator "
                + full
                + " is not in a namespace the ExecuTorch kernel libraries provide"
                + (namespace.isEmpty() ? "" : " (" + namespace + ")")
                + "; the runtime must link a custom kernel, native code that ships outside the"
                + " model.",
            full);
      }
    }
    FlatBufferReader.Vector delegates = fb.vectorOrEmpty(plan, 7, 4);
    for (long i = 0; i < delegates.length(); i++) {
      count();
      delegate(fb.tableAt(delegates, i), planName + " delegate " + i, inlineData, segments);
    }
    FlatBufferReader.Vector chains = fb.vectorOrEmpty(plan, 5, 4);
    for (long c = 0; c < chains.length(); c++) {
      FlatBufferReader.Vector instructions = fb.vectorOrEmpty(fb.tableAt(chains, c), 2, 4);
      for (long i = 0; i < instructions.length(); i++) {
        count();
        instruction(
            fb.tableAt(instructions, i),
            planName + " chain " + c + " instruction " + i,
            operators.length(),
            delegates.length());
      }
    }
  }

  private void delegate(
      FlatBufferReader.Table delegate, String where, long inlineData, long segments)
      throws IOException {
    String id = fb.string(delegate, 0, MAX_TEXT);
    String backend = id == null ? "" : id;
    context.addProperty("executorch.backends", backend);
    FlatBufferReader.Table processed = fb.tableField(delegate, 1);
    String data = "no data";
    if (processed != null) {
      int location = fb.u8Field(processed, 0, 0);
      long index = fb.u32Field(processed, 1, 0);
      long limit = location == 0 ? inlineData : segments;
      String list = location == 0 ? "backend_delegate_data" : "segments";
      data = list + "[" + index + "]";
      if (location > 1 || index >= limit) {
        report(
            "ET-003",
            null,
            processed.pos(),
            where,
            "Delegate " + backend + " points at " + data + ", but the program has " + limit + ".",
            "location " + location + ", index " + index);
      }
    }
    boolean known = KNOWN_BACKENDS.contains(backend);
    report(
        "ET-002",
        known ? Severity.INFO : Severity.LOW,
        delegate.pos(),
        where,
        "A compiled subgraph is delegated to backend "
            + backend
            + (known ? ", shipped with ExecuTorch" : ", which is not one shipped with ExecuTorch")
            + "; its blob ("
            + data
            + ") is opaque to this scan and is run by that backend's native code.",
        "backend " + backend);
  }

  private void instruction(FlatBufferReader.Table instr, String where, long ops, long delegates)
      throws IOException {
    int type = fb.u8Field(instr, 0, 0);
    if (type != 1 && type != 2) {
      return;
    }
    FlatBufferReader.Table call = fb.tableField(instr, 1);
    if (call == null) {
      return;
    }
    int index = fb.i32Field(call, 0, 0);
    long limit = type == 1 ? ops : delegates;
    if (index < 0 || index >= limit) {
      report(
          "ET-003",
          null,
          call.pos(),
          where,
          (type == 1 ? "Kernel call uses operator " : "Delegate call uses delegate ")
              + index
              + ", but the plan has "
              + limit
              + ".",
          (type == 1 ? "op_index " : "delegate_index ") + index);
    }
  }

  private void checkSegments(FlatBufferReader.Vector segments) throws IOException {
    for (long i = 0; i < segments.length(); i++) {
      count();
      FlatBufferReader.Table seg = fb.tableAt(segments, i);
      long offset = fb.u64Field(seg, 0, 0);
      long size = fb.u64Field(seg, 1, 0);
      if (segmentBase < 0) {
        continue;
      }
      long room = fb.size() - segmentBase;
      if (offset < 0 || size < 0 || offset > room || size > room - offset) {
        report(
            "ET-003",
            null,
            seg.pos(),
            "segment " + i,
            "Data segment "
                + i
                + " ("
                + Long.toUnsignedString(size)
                + " bytes at segment offset "
                + Long.toUnsignedString(offset)
                + ") lies outside the file.",
            "offset " + Long.toUnsignedString(offset) + ", size " + Long.toUnsignedString(size));
      }
    }
  }

  private void count() throws IOException {
    if (++items > MAX_ITEMS) {
      throw new io.sentrascan.scanner.MalformedFileException(
          "more than " + MAX_ITEMS + " operators, delegates, instructions and segments", -1);
    }
    if ((items & 0xfff) == 0) {
      context.checkDeadline();
    }
  }

  private void report(
      String rule, Severity severity, long at, String where, String description, String evidence) {
    if (counts.merge(rule, 1, Integer::sum) <= PER_RULE) {
      Severity s = severity == null ? context.rule(rule).severity() : severity;
      context.report(rule, s, context.at(at, where), description, evidence);
    }
  }

  private void summarise() {
    counts.forEach(
        (rule, n) -> {
          if (n > PER_RULE) {
            context.report(
                rule,
                Severity.INFO,
                context.at(-1, rule),
                (n - PER_RULE) + " more " + rule + " findings were not listed (" + n + " in all).",
                rule + " x " + n);
          }
        });
  }
}
