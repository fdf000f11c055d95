package io.sentrascan.scanner.format.paddle;

import io.sentrascan.scanner.MalformedFileException;
import io.sentrascan.scanner.ScanContext;
import io.sentrascan.scanner.Source;
import io.sentrascan.scanner.protobuf.ProtoWireReader;
import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;

/**
 * Walks a Paddle {@code ProgramDesc} (framework.proto: {@code blocks = 1}; a block holds {@code idx
 * = 1, parent_idx = 2, vars = 3, ops = 4}; an op holds {@code inputs = 1, outputs = 2, type = 3,
 * attrs = 4}; an attribute {@code name = 1, s = 5, strings = 8}) and reports operators that run
 * Python, touch files or print tensors. Variables and tensor data are skipped.
 */
final class PaddleProgramWalker {
  /** More operators than any real program has; past it the walk stops with a finding. */
  static final int MAX_OPS = 2_000_000;

  private static final int MAX_TEXT = 1024;
  private static final int PER_RULE = 10;

  /** Operator type to the rule it triggers. */
  private static final Map<String, String> RISKY_OPS =
      Map.ofEntries(
          Map.entry("py_func", "PADDLE-001"),
          Map.entry("save", "PADDLE-002"),
          Map.entry("save_combine", "PADDLE-002"),
          Map.entry("checkpoint_notify", "PADDLE-002"),
          Map.entry("load", "PADDLE-003"),
          Map.entry("load_combine", "PADDLE-003"),
          Map.entry("read_file", "PADDLE-003"),
          Map.entry("read_from_array_file", "PADDLE-003"),
          Map.entry("print", "PADDLE-004"));

  private final Source source;
  private final ScanContext context;
  private final Map<String, Integer> counts = new TreeMap<>();
  private final Map<String, Integer> opTypes = new TreeMap<>();
  private int ops;
  private int blocks;

  PaddleProgramWalker(Source source, ScanContext context) {
    this.source = source;
    this.context = context;
  }

  void walk() throws IOException {
    try {
      ProtoWireReader program = new ProtoWireReader(source, 0, source.size());
      while (program.hasMore()) {
        long tag = program.readTag();
        if (tag == ((1 << 3) | ProtoWireReader.LEN)) {
          block(program.readMessage(), blocks++);
        } else {
          program.skip(tag);
        }
      }
    } finally {
      context.addProperty("paddle.blocks", Integer.toString(blocks));
      context.addProperty("paddle.ops", Integer.toString(ops));
      opTypes.keySet().stream().limit(200).forEach(t -> context.addProperty("paddle.op_types", t));
      summarise();
    }
  }

  private void block(ProtoWireReader block, int blockIndex) throws IOException {
    int opIndex = 0;
    while (block.hasMore()) {
      long tag = block.readTag();
      if (tag == ((4 << 3) | ProtoWireReader.LEN)) {
        if (++ops > MAX_OPS) {
          throw new MalformedFileException(
              "more than " + MAX_OPS + " operators; the walk stopped", block.position());
        }
        if ((ops & 0xfff) == 0) {
          context.checkDeadline();
        }
        long at = block.position();
        op(block.readMessage(), blockIndex, opIndex++, at);
      } else {
        block.skip(tag);
      }
    }
  }

  private void op(ProtoWireReader op, int blockIndex, int opIndex, long at) throws IOException {
    String type = null;
    String filePath = null;
    while (op.hasMore()) {
      long tag = op.readTag();
      if (tag == ((3 << 3) | ProtoWireReader.LEN)) {
        type = op.readString(MAX_TEXT);
      } else if (tag == ((4 << 3) | ProtoWireReader.LEN)) {
        String path = filePathAttribute(op.readMessage());
        if (path != null) {
          filePath = path;
        }
      } else {
        op.skip(tag);
      }
    }
    if (type == null) {
      throw new MalformedFileException(
          "operator " + opIndex + " of block " + blockIndex + " has no type", at);
    }
    if (opTypes.size() < 10_000) {
      opTypes.merge(type, 1, Integer::sum);
    }
    String rule = RISKY_OPS.get(type);
    if (rule == null) {
      return;
    }
    String where = "block " + blockIndex + " op " + opIndex + " (" + type + ")";
    String description =
        switch (rule) {
          case "PADDLE-001" ->
              "Operator "
                  + where
                  + " calls a Python function registered by the loading process; the program"
                  + " runs arbitrary Python when executed.";
          case "PADDLE-002" ->
              "Operator " + where + " writes tensors to a file when the program runs.";
          case "PADDLE-003" -> "Operator " + where + " reads a file when the program runs.";
          default -> "Operator " + where + " prints tensors to the process's output.";
        };
    if (filePath != null) {
      description += " file_path: " + filePath;
    }
    if (counts.merge(rule, 1, Integer::sum) <= PER_RULE) {
      context.report(
          rule,
          context.at(at, where),
          description,
          filePath == null ? type : type + " file_path=" + filePath);
    }
  }

  /** The {@code file_path} string attribute's value, or null for any other attribute. */
  private static String filePathAttribute(ProtoWireReader attr) throws IOException {
    String name = null;
    String value = null;
    while (attr.hasMore()) {
      long tag = attr.readTag();
      if (tag == ((1 << 3) | ProtoWireReader.LEN)) {
        name = attr.readString(MAX_TEXT);
      } else if (tag == ((5 << 3) | ProtoWireReader.LEN)) {
        value = attr.readString(MAX_TEXT);
      } else {
        attr.skip(tag);
      }
    }
    return "file_path".equals(name) ? value : null;
  }

  private void summarise() {
    counts.forEach(
        (rule, n) -> {
          if (n > PER_RULE) {
            context.report(
                rule,
                context.at(-1, rule),
                (n - PER_RULE) + " more " + rule + " operators were not listed (" + n + " in all).",
                rule + " x " + n);
          }
        });
  }
}
