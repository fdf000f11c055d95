package io.sentrascan.scanner.format.tensorflow;

import io.sentrascan.scanner.MalformedFileException;
import io.sentrascan.scanner.ScanContext;
import io.sentrascan.scanner.Source;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * Walks the messages of a SavedModel, MetaGraphDef or GraphDef down to every NodeDef of the graph
 * and of its function library, and reports the ops of {@link RiskyOps}. The nesting is fixed by the
 * schema (SavedModel, MetaGraphDef, GraphDef, FunctionDefLibrary, FunctionDef, NodeDef, AttrValue),
 * so there is no recursion a hostile file could deepen. Field numbers are those of TensorFlow's
 * {@code saved_model.proto}, {@code meta_graph.proto}, {@code graph.proto}, {@code function.proto},
 * {@code node_def.proto} and {@code attr_value.proto}.
 */
final class GraphWalker {
  /** What the top-level message is. */
  enum Kind {
    SAVED_MODEL,
    META_GRAPH,
    GRAPH
  }

  /** Findings per op at most; further nodes with the op are counted in one summary finding. */
  static final int MAX_FINDINGS_PER_OP = 20;

  /** String attribute values kept as evidence per node. */
  private static final int MAX_ATTR_VALUES = 8;

  private static final int MAX_NAME = 256;

  /** Keras layer metadata read per object at most; real entries are a few kilobytes. */
  private static final int MAX_METADATA = 1 << 20;

  private static final java.util.regex.Pattern LAMBDA =
      java.util.regex.Pattern.compile("\"class_name\"\\s*:\\s*\"Lambda\"");

  private static final java.util.regex.Pattern LAYER_NAME =
      java.util.regex.Pattern.compile("\"name\"\\s*:\\s*\"([^\"]{1,128})\"");

  private final ProtoReader in;
  private final ScanContext ctx;
  private final RiskyOps ops = RiskyOps.defaults();
  private final Map<String, Integer> perOp = new TreeMap<>();
  private final Map<String, Long> firstOffset = new HashMap<>();
  private long nodes;
  private long functions;
  private long truncatedAt = -1;

  GraphWalker(Source source, ScanContext ctx) {
    this.in = new ProtoReader(source);
    this.ctx = ctx;
  }

  long nodes() {
    return nodes;
  }

  long functions() {
    return functions;
  }

  /**
   * Walks the whole file as {@code kind}. Findings are reported as nodes are met, so a file cut
   * half-way still reports what came before the cut.
   *
   * @throws MalformedFileException when the bytes do not follow the schema or are cut off
   */
  void walk(Kind kind) throws IOException {
    long end = in.size();
    switch (kind) {
      case SAVED_MODEL -> savedModel(0, end);
      case META_GRAPH -> metaGraph(0, end);
      case GRAPH -> graph(0, end, "graph");
    }
    summarize();
    if (truncatedAt >= 0) {
      throw new MalformedFileException(
          "a protobuf message declares more bytes than the file has (cut off or lying length)",
          truncatedAt);
    }
  }

  /** Reads one field; a length that runs past its message is clipped and remembered. */
  private long read(long pos, long end, ProtoReader.Field f) throws IOException {
    long next = in.next(pos, end, f);
    if (f.wireType == ProtoReader.LEN && f.clipped && truncatedAt < 0) {
      truncatedAt = f.tagOffset;
    }
    return next;
  }

  private void savedModel(long start, long end) throws IOException {
    ProtoReader.Field f = new ProtoReader.Field();
    long pos = start;
    while (pos < end) {
      pos = read(pos, end, f);
      if (f.number == 1 && f.wireType == ProtoReader.VARINT) {
        ctx.addProperty("tensorflow.saved_model_schema_version", Long.toString(f.value));
      } else if (f.number == 2 && f.wireType == ProtoReader.LEN) {
        metaGraph(f.start, f.end);
      }
    }
  }

  private void metaGraph(long start, long end) throws IOException {
    ProtoReader.Field f = new ProtoReader.Field();
    long pos = start;
    while (pos < end) {
      pos = read(pos, end, f);
      if (f.wireType != ProtoReader.LEN) {
        continue;
      }
      if (f.number == 1) {
        metaInfo(f.start, f.end);
      } else if (f.number == 2) {
        graph(f.start, f.end, "graph");
      } else if (f.number == 7) {
        objectGraph(f.start, f.end);
      }
    }
  }

  /** SavedObjectGraph (saved_object_graph.proto): nodes = 1, each a SavedObject. */
  private void objectGraph(long start, long end) throws IOException {
    ProtoReader.Field f = new ProtoReader.Field();
    ProtoReader.Field g = new ProtoReader.Field();
    long pos = start;
    int index = 0;
    while (pos < end) {
      pos = read(pos, end, f);
      if (f.number != 1 || f.wireType != ProtoReader.LEN) {
        continue;
      }
      int node = index++;
      if (node % 4096 == 0) {
        ctx.checkDeadline();
      }
      // SavedObject.user_object = 4: a SavedUserObject (identifier 1, metadata 3).
      long p = f.start;
      while (p < f.end) {
        p = read(p, f.end, g);
        if (g.number == 4 && g.wireType == ProtoReader.LEN) {
          userObject(g.start, g.end, node);
        }
      }
    }
  }

  private void userObject(long start, long end, int node) throws IOException {
    ProtoReader.Field f = new ProtoReader.Field();
    String identifier = "";
    long pos = start;
    while (pos < end) {
      pos = read(pos, end, f);
      if (f.wireType != ProtoReader.LEN) {
        continue;
      }
      if (f.number == 1) {
        identifier = printable(in.string(f, MAX_NAME));
      } else if (f.number == 3) {
        String metadata = in.string(f, MAX_METADATA);
        java.util.regex.Matcher m = LAMBDA.matcher(metadata);
        if (m.find()) {
          java.util.regex.Matcher name = LAYER_NAME.matcher(metadata);
          String layer = name.find() ? printable(name.group(1)) : "(unnamed)";
          ctx.report(
              "TF-006",
              ctx.at(
                  f.start, "object graph node " + node + " " + identifier + " \"" + layer + "\""),
              "Object "
                  + node
                  + " of the object graph is a Keras Lambda layer \""
                  + layer
                  + "\"; Keras rebuilds its Python function from this metadata when it loads the"
                  + " model.",
              printable(metadata.substring(m.start(), Math.min(metadata.length(), m.end() + 80))));
        }
      }
    }
  }

  private void metaInfo(long start, long end) throws IOException {
    ProtoReader.Field f = new ProtoReader.Field();
    long pos = start;
    while (pos < end) {
      pos = read(pos, end, f);
      if (f.wireType == ProtoReader.LEN && f.number == 4) {
        ctx.addProperty("tensorflow.tags", printable(in.string(f, MAX_NAME)));
      } else if (f.wireType == ProtoReader.LEN && f.number == 5) {
        ctx.addProperty("tensorflow.version", printable(in.string(f, MAX_NAME)));
      }
    }
  }

  private void graph(long start, long end, String scope) throws IOException {
    ProtoReader.Field f = new ProtoReader.Field();
    long pos = start;
    while (pos < end) {
      pos = read(pos, end, f);
      if (f.wireType != ProtoReader.LEN) {
        continue;
      }
      if (f.number == 1) {
        node(f.start, f.end, scope);
      } else if (f.number == 2) {
        library(f.start, f.end);
      }
    }
  }

  private void library(long start, long end) throws IOException {
    ProtoReader.Field f = new ProtoReader.Field();
    long pos = start;
    while (pos < end) {
      pos = read(pos, end, f);
      if (f.number == 1 && f.wireType == ProtoReader.LEN) {
        function(f.start, f.end);
      }
    }
  }

  private void function(long start, long end) throws IOException {
    functions++;
    ProtoReader.Field f = new ProtoReader.Field();
    // The signature (field 1) names the function; writers put it first, but a file need not, so
    // it is looked up in a first pass over the function's fields.
    String name = "(unnamed)";
    long pos = start;
    while (pos < end) {
      pos = read(pos, end, f);
      if (f.number == 1 && f.wireType == ProtoReader.LEN) {
        String n = signatureName(f.start, f.end);
        if (n != null) {
          name = n;
        }
        break;
      }
    }
    String scope = "function " + name;
    pos = start;
    while (pos < end) {
      pos = read(pos, end, f);
      if (f.number == 3 && f.wireType == ProtoReader.LEN) {
        node(f.start, f.end, scope);
      }
    }
  }

  private @Nullable String signatureName(long start, long end) throws IOException {
    ProtoReader.Field f = new ProtoReader.Field();
    long pos = start;
    while (pos < end) {
      pos = read(pos, end, f);
      if (f.number == 1 && f.wireType == ProtoReader.LEN) {
        return printable(in.string(f, MAX_NAME));
      }
    }
    return null;
  }

  private void node(long start, long end, String scope) throws IOException {
    if (++nodes % 4096 == 0) {
      ctx.checkDeadline();
    }
    ProtoReader.Field f = new ProtoReader.Field();
    String name = "";
    String op = null;
    long pos = start;
    while (pos < end) {
      pos = read(pos, end, f);
      if (f.wireType != ProtoReader.LEN) {
        continue;
      }
      if (f.number == 1) {
        name = in.string(f, MAX_NAME);
      } else if (f.number == 2) {
        op = in.string(f, MAX_NAME);
      }
    }
    if (op == null) {
      return;
    }
    RiskyOps.Op risky = ops.get(op);
    if (risky == null) {
      return;
    }
    List<String> values = risky.attr() == null ? List.of() : attrStrings(start, end, risky.attr());
    if (risky.attrPrefix() != null
        && values.stream().noneMatch(v -> !v.isEmpty() && v.startsWith(risky.attrPrefix()))) {
      return;
    }
    int seen = perOp.merge(op, 1, Integer::sum);
    firstOffset.putIfAbsent(op, start);
    if (seen > MAX_FINDINGS_PER_OP) {
      return;
    }
    String evidence =
        "op "
            + op
            + ", node \""
            + printable(name)
            + "\""
            + (values.isEmpty() ? "" : ", " + risky.attr() + " " + String.join(" | ", values));
    ctx.report(
        risky.rule(),
        risky.severity(),
        ctx.at(start, scope + " node \"" + printable(name) + "\" (" + op + ")"),
        "The "
            + scope
            + " has node \""
            + printable(name)
            + "\" of op "
            + op
            + ": "
            + risky.why()
            + ".",
        evidence);
  }

  /** The string values of attribute {@code key} (AttrValue.s, or the strings of AttrValue.list). */
  private List<String> attrStrings(long start, long end, String key) throws IOException {
    List<String> out = new ArrayList<>();
    ProtoReader.Field f = new ProtoReader.Field();
    ProtoReader.Field g = new ProtoReader.Field();
    long pos = start;
    while (pos < end && out.size() < MAX_ATTR_VALUES) {
      pos = read(pos, end, f);
      if (f.number != 5 || f.wireType != ProtoReader.LEN) {
        continue;
      }
      String k = null;
      long valueStart = -1;
      long valueEnd = -1;
      long p = f.start;
      while (p < f.end) {
        p = read(p, f.end, g);
        if (g.wireType == ProtoReader.LEN && g.number == 1) {
          k = in.string(g, MAX_NAME);
        } else if (g.wireType == ProtoReader.LEN && g.number == 2) {
          valueStart = g.start;
          valueEnd = g.end;
        }
      }
      if (key.equals(k) && valueStart >= 0) {
        attrValueStrings(valueStart, valueEnd, out);
      }
    }
    return out;
  }

  private void attrValueStrings(long start, long end, List<String> out) throws IOException {
    ProtoReader.Field f = new ProtoReader.Field();
    long pos = start;
    while (pos < end && out.size() < MAX_ATTR_VALUES) {
      pos = read(pos, end, f);
      if (f.wireType != ProtoReader.LEN) {
        continue;
      }
      if (f.number == 2) {
        out.add(printable(in.string(f, MAX_NAME)));
      } else if (f.number == 1) {
        ProtoReader.Field g = new ProtoReader.Field();
        long p = f.start;
        while (p < f.end && out.size() < MAX_ATTR_VALUES) {
          p = read(p, f.end, g);
          if (g.number == 2 && g.wireType == ProtoReader.LEN) {
            out.add(printable(in.string(g, MAX_NAME)));
          }
        }
      }
    }
  }

  private void summarize() {
    perOp.forEach(
        (op, count) -> {
          if (count > MAX_FINDINGS_PER_OP) {
            RiskyOps.Op risky = ops.get(op);
            if (risky != null) {
              ctx.report(
                  risky.rule(),
                  risky.severity(),
                  ctx.at(firstOffset.get(op), op),
                  (count - MAX_FINDINGS_PER_OP)
                      + " more "
                      + op
                      + " nodes than the "
                      + MAX_FINDINGS_PER_OP
                      + " reported one by one ("
                      + count
                      + " in all).",
                  "op " + op + " x" + count);
            }
          }
        });
  }

  private static String printable(String s) {
    return io.sentrascan.scanner.Finding.printable(s, MAX_NAME);
  }
}
