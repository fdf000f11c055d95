package io.sentrascan.scanner.format.tensorflow;

import io.sentrascan.scanner.Probe;
import io.sentrascan.scanner.ScanContext;
import io.sentrascan.scanner.Scanner;
import io.sentrascan.scanner.Source;
import io.sentrascan.scanner.Sources;
import java.io.IOException;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * TensorFlow SavedModel ({@code saved_model.pb}), MetaGraph ({@code .meta}) and frozen GraphDef
 * ({@code .pb}) files, under any name. Protobuf has no magic bytes: a file named like one of these
 * must parse as the message that name implies, down to a node with an op name (or, for a
 * SavedModel, a schema version and a meta graph); a file under any other name ({@code model.bin})
 * must pass a stricter structural check over the first 64 KiB, so that other protobufs (ONNX, Core
 * ML, Paddle) are not taken for graphs. The scan walks every node of the graphs and of their
 * function libraries with a bounded wire-format reader and reports the ops that run Python, touch
 * files or reach the network; tensor contents are skipped by length.
 */
public final class TensorFlowScanner implements Scanner {
  @Override
  public String name() {
    return "tensorflow";
  }

  @Override
  public String version() {
    return "1.1.0+ops-" + RiskyOps.defaults().version();
  }

  @Override
  public String description() {
    return "TensorFlow SavedModel, MetaGraph and frozen GraphDef under any name (a name hint plus a protobuf parse down to real op names, or without a hint a strict check of SavedModel/GraphDef field structure): every node of the graph and function library; Python ops, file reads and writes, debug and print ops writing files, network ops, with node names; Keras Lambda configs in the object graph.";
  }

  @Override
  public boolean supports(Probe probe) {
    return kind(probe) != null;
  }

  /** The message the file holds, decided by its name and its first bytes; null when neither. */
  static GraphWalker.@Nullable Kind kind(Probe probe) {
    String name = probe.fileName().toLowerCase(Locale.ROOT);
    if (probe.size() < 2) {
      return null;
    }
    HeadSniffer head = new HeadSniffer(probe.head(), probe.size());
    if (name.endsWith("saved_model.pb") && head.looksLikeSavedModel(false)) {
      return GraphWalker.Kind.SAVED_MODEL;
    }
    if (name.endsWith(".meta") && head.looksLikeMetaGraph()) {
      return GraphWalker.Kind.META_GRAPH;
    }
    if (name.endsWith(".pb")) {
      if (head.looksLikeGraph()) {
        return GraphWalker.Kind.GRAPH;
      }
      if (head.looksLikeSavedModel(true)) {
        return GraphWalker.Kind.SAVED_MODEL;
      }
      if (head.looksLikeMetaGraph()) {
        return GraphWalker.Kind.META_GRAPH;
      }
    }
    // No name hint (a renamed file): only the strict structural checks.
    if (head.isGraphByContent()) {
      return GraphWalker.Kind.GRAPH;
    }
    if (head.isSavedModelByContent()) {
      return GraphWalker.Kind.SAVED_MODEL;
    }
    return null;
  }

  @Override
  public void scan(Source source, ScanContext context) throws IOException {
    GraphWalker.Kind kind = kind(Probe.of(source));
    if (kind == null) {
      // The engine chose this scanner from the same probe; a nested source has another name.
      kind = GraphWalker.Kind.GRAPH;
    }
    context.setFormat(
        switch (kind) {
          case SAVED_MODEL -> "tensorflow-savedmodel";
          case META_GRAPH -> "tensorflow-metagraph";
          case GRAPH -> "tensorflow-graphdef";
        });
    GraphWalker walker = new GraphWalker(source, context);
    walker.walk(kind);
    context.addProperty("tensorflow.nodes", Long.toString(walker.nodes()));
    context.addProperty("tensorflow.functions", Long.toString(walker.functions()));
  }

  /** Cheap structural checks on the first bytes only; never reads beyond the probe's head. */
  static final class HeadSniffer {
    private final ProtoReader in;
    private final long headEnd;
    private final long fileSize;

    HeadSniffer(byte[] head, long fileSize) {
      this.in = new ProtoReader(Sources.bytes(head, "head"));
      this.headEnd = head.length;
      this.fileSize = fileSize;
    }

    /**
     * Field 1 a small varint (the schema version), then field 2 a meta graph; with {@code
     * strictLength} its length must fit the file (without it, a cut-off {@code saved_model.pb} is
     * still claimed, to be reported as malformed).
     */
    boolean looksLikeSavedModel(boolean strictLength) {
      try {
        ProtoReader.Field f = new ProtoReader.Field();
        long pos = in.next(0, headEnd, f);
        if (f.number != 1 || f.wireType != ProtoReader.VARINT || f.value > 16) {
          return false;
        }
        in.next(pos, headEnd, f);
        if (f.number != 2
            || f.wireType != ProtoReader.LEN
            || (strictLength && f.start + f.value > fileSize)) {
          return false;
        }
        // The meta graph starts with its meta info (1) or graph (2): this keeps out other
        // protobufs that also open with a small varint and a string (an ONNX ModelProto in a .pb).
        ProtoReader.Field g = new ProtoReader.Field();
        in.next(f.start, f.end, g);
        return (g.number == 1 || g.number == 2) && g.wireType == ProtoReader.LEN;
      } catch (IOException e) {
        return false;
      }
    }

    /**
     * A GraphDef without a name hint ({@code graph.proto}: {@code repeated NodeDef node = 1},
     * {@code FunctionDefLibrary library = 2}, {@code int32 version = 3}, {@code VersionDef versions
     * = 4}, {@code GraphDebugInfo debug_info = 5}): it opens with a node, and every top-level field
     * in the head is one of those with a length that fits the file, and every node complete in the
     * head has only NodeDef fields ({@code node_def.proto}: name 1, op 2, input 3, device 4, attr
     * 5, experimental_debug_info 6, experimental_type 7) and a name and an op name. ONNX opens with
     * a varint, Core ML and SavedModel too, so none of them gets here.
     */
    boolean isGraphByContent() {
      try {
        ProtoReader.Field f = new ProtoReader.Field();
        long pos = 0;
        int nodes = 0;
        while (pos < headEnd) {
          long next = in.next(pos, headEnd, f);
          if (f.number == 3 && f.wireType == ProtoReader.VARINT) {
            pos = next;
            continue;
          }
          if (f.number < 1 || f.number > 5 || f.wireType != ProtoReader.LEN) {
            return false;
          }
          if (f.start + f.value > fileSize) {
            return false;
          }
          if (f.number == 1 && !f.clipped && nodes < 64) {
            if (!nodeAt(f.start, f.end) || !onlyFields(f.start, f.end, 7)) {
              return false;
            }
            nodes++;
          } else if (pos == 0) {
            return false; // a graph opens with a node
          }
          if (f.clipped) {
            break;
          }
          pos = next;
        }
        return nodes > 0;
      } catch (IOException e) {
        return false;
      }
    }

    /**
     * A SavedModel without a name hint ({@code saved_model.proto}: {@code int64
     * saved_model_schema_version = 1}, {@code repeated MetaGraphDef meta_graphs = 2}): version 1
     * (the only one TensorFlow writes), then only meta graphs; each meta graph in the head holds
     * only MetaGraphDef fields ({@code meta_graph.proto}: meta_info_def 1, graph_def 2, saver_def
     * 3, collection_def 4, signature_def 5, asset_file_def 6, object_graph_def 7), all messages. A
     * Core ML model also opens with a small varint and a field-2 message, but its description holds
     * {@code output = 10} and the model follows as field 200 or above.
     */
    boolean isSavedModelByContent() {
      try {
        ProtoReader.Field f = new ProtoReader.Field();
        long pos = in.next(0, headEnd, f);
        if (f.number != 1 || f.wireType != ProtoReader.VARINT || f.value != 1) {
          return false;
        }
        int graphs = 0;
        while (pos < headEnd) {
          long next = in.next(pos, headEnd, f);
          if (f.number != 2 || f.wireType != ProtoReader.LEN || f.start + f.value > fileSize) {
            return false;
          }
          if (!onlyFields(f.start, f.end, 7)) {
            return false;
          }
          graphs++;
          if (f.clipped) {
            break;
          }
          pos = next;
        }
        return graphs > 0;
      } catch (IOException e) {
        return false;
      }
    }

    /**
     * Every field of the message in {@code [start, end)} (clipped to the head) is a message or
     * string numbered 1 to {@code max}; the last one may run past the head.
     */
    private boolean onlyFields(long start, long end, int max) throws IOException {
      ProtoReader.Field g = new ProtoReader.Field();
      long pos = start;
      while (pos < end) {
        long next;
        try {
          next = in.next(pos, end, g);
        } catch (IOException e) {
          return end >= headEnd; // cut off by the head, not broken
        }
        if (g.number < 1 || g.number > max || g.wireType != ProtoReader.LEN) {
          return false;
        }
        if (g.clipped) {
          return end >= headEnd;
        }
        pos = next;
      }
      return true;
    }

    /** Field 1 (meta info) or 2 (graph) a message whose own first field parses. */
    boolean looksLikeMetaGraph() {
      try {
        ProtoReader.Field f = new ProtoReader.Field();
        in.next(0, headEnd, f);
        if ((f.number != 1 && f.number != 2)
            || f.wireType != ProtoReader.LEN
            || f.start + f.value > fileSize) {
          return false;
        }
        if (f.number == 2) {
          return nodeAt(f.start, f.end);
        }
        ProtoReader.Field g = new ProtoReader.Field();
        in.next(f.start, f.end, g);
        return g.number >= 1 && g.number <= 8;
      } catch (IOException e) {
        return false;
      }
    }

    /** Field 1 a NodeDef with a name and an op that look like TensorFlow's. */
    boolean looksLikeGraph() {
      try {
        ProtoReader.Field f = new ProtoReader.Field();
        in.next(0, headEnd, f);
        return f.number == 1
            && f.wireType == ProtoReader.LEN
            && f.start + f.value <= fileSize
            && nodeAt(f.start, f.end);
      } catch (IOException e) {
        return false;
      }
    }

    private boolean nodeAt(long start, long end) throws IOException {
      ProtoReader.Field f = new ProtoReader.Field();
      long pos = in.next(start, end, f);
      if (f.number == 2 && f.wireType == ProtoReader.LEN) {
        return isOpName(in.string(f, 128)); // a graph whose first node has no name
      }
      if (f.number != 1 || f.wireType != ProtoReader.LEN || f.value == 0 || f.value > 4096) {
        return false;
      }
      in.next(pos, end, f);
      return f.number == 2 && f.wireType == ProtoReader.LEN && isOpName(in.string(f, 128));
    }

    /** Op names are CamelCase identifiers, internal ones start with an underscore. */
    private static boolean isOpName(String s) {
      if (s.isEmpty() || s.length() > 127) {
        return false;
      }
      char first = s.charAt(0);
      if (!(Character.isUpperCase(first) || first == '_')) {
        return false;
      }
      for (int i = 0; i < s.length(); i++) {
        char c = s.charAt(i);
        if (!(c < 0x80 && (Character.isLetterOrDigit(c) || c == '_' || c == '>' || c == '.'))) {
          return false;
        }
      }
      return true;
    }
  }
}
