package io.sentrascan.scanner.format.coreml;

import io.sentrascan.scanner.MalformedFileException;
import io.sentrascan.scanner.ScanContext;
import io.sentrascan.scanner.Severity;
import io.sentrascan.scanner.Source;
import io.sentrascan.scanner.protobuf.ProtoWireReader;
import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;

/**
 * Walks a Core ML {@code Model} protobuf (Model.proto): pipelines of models, neural networks and
 * their layers (with the networks nested in loop and branch layers), custom models, custom layers
 * and linked models. Weights are skipped.
 *
 * <p>Field numbers checked on 2026-11-27 against Apple's coremltools {@code mlmodel/format} protos
 * (as vendored in microsoft/onnxruntime {@code onnxruntime/core/providers/coreml/coremltools/
 * mlmodel/format}, commit f31376cc): Model.proto {@code specificationVersion = 1}, {@code
 * description = 2}, {@code pipelineClassifier = 200}, {@code pipelineRegressor = 201}, {@code
 * pipeline = 202}, {@code neuralNetworkRegressor = 303}, {@code neuralNetworkClassifier = 403},
 * {@code neuralNetwork = 500}, {@code customModel = 555}, {@code linkedModel = 556}; Pipeline
 * {@code models = 1}, PipelineClassifier/Regressor {@code pipeline = 1}; NeuralNetwork.proto layer
 * {@code custom = 500}, {@code branch = 605}, {@code loop = 615}, BranchLayerParams {@code ifBranch
 * = 1, elseBranch = 2}, LoopLayerParams {@code conditionNetwork = 3, bodyNetwork = 4},
 * CustomLayerParams {@code className = 10}; CustomModel.proto {@code className = 10};
 * LinkedModel.proto {@code linkedModelFile = 1}, LinkedModelFile {@code linkedModelFileName = 1,
 * linkedModelSearchPath = 2}; Parameters.proto StringParameter {@code defaultValue = 1}. All
 * matched what had been written; nothing needed fixing. Not walked: {@code mlProgram = 502} (MIL
 * programs), whose custom ops are not yet checked.
 */
final class CoreMlModelWalker {
  static final int MAX_DEPTH = 32;
  private static final int MAX_TEXT = 512;
  private static final int PER_RULE = 10;
  private static final long MAX_LAYERS = 5_000_000L;

  private static final int LEN = ProtoWireReader.LEN;

  private final ScanContext context;
  private final Source source;
  private final Map<String, Integer> counts = new TreeMap<>();
  private long layers;

  CoreMlModelWalker(Source source, ScanContext context) {
    this.source = source;
    this.context = context;
  }

  void walk() throws IOException {
    try {
      model(new ProtoWireReader(source, 0, source.size()), "model", 0, true);
    } finally {
      context.addProperty("coreml.layers", Long.toString(layers));
      summarise();
    }
  }

  private void model(ProtoWireReader in, String where, int depth, boolean top) throws IOException {
    depth(depth, in);
    while (in.hasMore()) {
      long tag = in.readTag();
      int field = (int) (tag >>> 3);
      if (field == 1 && (tag & 7) == ProtoWireReader.VARINT) {
        long version = in.readVarint();
        if (top) {
          context.addProperty("coreml.specification_version", Long.toString(version));
        }
        continue;
      }
      if ((tag & 7) != LEN || field < 200) {
        in.skip(tag);
        continue;
      }
      long at = in.position();
      ProtoWireReader body = in.readMessage();
      switch (field) {
        case 200, 201 -> pipelineWrapper(body, where, depth);
        case 202 -> pipeline(body, where, depth);
        case 303, 403, 500 -> network(body, where, depth);
        case 555 -> customModel(body, where, at);
        case 556 -> linkedModel(body, where, at);
        default -> {
          // other model types hold no code references
        }
      }
      if (top) {
        context.addProperty("coreml.model_type", Integer.toString(field));
      }
    }
  }

  /** PipelineClassifier / PipelineRegressor: {@code Pipeline pipeline = 1}. */
  private void pipelineWrapper(ProtoWireReader in, String where, int depth) throws IOException {
    while (in.hasMore()) {
      long tag = in.readTag();
      if (tag == ((1 << 3) | LEN)) {
        pipeline(in.readMessage(), where, depth + 1);
      } else {
        in.skip(tag);
      }
    }
  }

  /** Pipeline: {@code repeated Model models = 1}. */
  private void pipeline(ProtoWireReader in, String where, int depth) throws IOException {
    depth(depth, in);
    int index = 0;
    while (in.hasMore()) {
      long tag = in.readTag();
      if (tag == ((1 << 3) | LEN)) {
        model(in.readMessage(), where + " > pipeline model " + index++, depth + 1, false);
      } else {
        in.skip(tag);
      }
    }
  }

  /**
   * NeuralNetwork (and its classifier/regressor forms): {@code repeated NeuralNetworkLayer layers =
   * 1}.
   */
  private void network(ProtoWireReader in, String where, int depth) throws IOException {
    depth(depth, in);
    int index = 0;
    while (in.hasMore()) {
      long tag = in.readTag();
      if (tag == ((1 << 3) | LEN)) {
        long at = in.position();
        layer(in.readMessage(), where, index++, depth + 1, at);
      } else {
        in.skip(tag);
      }
    }
  }

  private void layer(ProtoWireReader in, String where, int index, int depth, long at)
      throws IOException {
    if (++layers > MAX_LAYERS) {
      throw new MalformedFileException("more than " + MAX_LAYERS + " layers", at);
    }
    if ((layers & 0xfff) == 0) {
      context.checkDeadline();
    }
    String name = "";
    String customClass = null;
    long customAt = -1;
    ProtoWireReader nested = null;
    int nestedField = 0;
    while (in.hasMore()) {
      long tag = in.readTag();
      int field = (int) (tag >>> 3);
      if (tag == ((1 << 3) | LEN)) {
        name = in.readString(MAX_TEXT);
      } else if (tag == ((500 << 3) | LEN)) {
        customAt = in.position();
        customClass = className(in.readMessage(), 10);
      } else if ((tag & 7) == LEN && (field == 605 || field == 615)) {
        nested = in.readMessage();
        nestedField = field;
      } else {
        in.skip(tag);
      }
    }
    String layerWhere = where + " > layer " + index + " " + name;
    if (customClass != null) {
      report(
          "CML-001",
          customAt,
          layerWhere,
          "Layer "
              + layerWhere
              + " is a custom layer implemented by the Objective-C/Swift class "
              + customClass
              + ", native code the app must supply.",
          "className=" + customClass);
    }
    if (nested != null) {
      // BranchLayerParams: ifBranch = 1, elseBranch = 2; LoopLayerParams: conditionNetwork = 3,
      // bodyNetwork = 4.
      while (nested.hasMore()) {
        long tag = nested.readTag();
        int field = (int) (tag >>> 3);
        boolean network =
            (tag & 7) == LEN
                && (nestedField == 605 ? field == 1 || field == 2 : field == 3 || field == 4);
        if (network) {
          network(nested.readMessage(), layerWhere, depth + 1);
        } else {
          nested.skip(tag);
        }
      }
    }
  }

  private void customModel(ProtoWireReader in, String where, long at) throws IOException {
    String cls = className(in, 10);
    report(
        "CML-002",
        at,
        where,
        "The "
            + where
            + " is a custom model implemented by the class "
            + (cls == null ? "(unnamed)" : cls)
            + ": all of its inference is native code the app supplies.",
        "className=" + cls);
  }

  /** LinkedModel: {@code LinkedModelFile linkedModelFile = 1} with file name and search path. */
  private void linkedModel(ProtoWireReader in, String where, long at) throws IOException {
    while (in.hasMore()) {
      long tag = in.readTag();
      if (tag == ((1 << 3) | LEN)) {
        ProtoWireReader file = in.readMessage();
        String name = null;
        String search = null;
        while (file.hasMore()) {
          long t = file.readTag();
          if (t == ((1 << 3) | LEN)) {
            name = stringParameter(file.readMessage());
          } else if (t == ((2 << 3) | LEN)) {
            search = stringParameter(file.readMessage());
          } else {
            file.skip(t);
          }
        }
        String shown = (search == null ? "" : search + " ") + (name == null ? "" : name);
        boolean escapes = shown.startsWith("/") || shown.contains("..") || shown.contains(" /");
        report(
            "CML-003",
            escapes ? Severity.MEDIUM : Severity.LOW,
            at,
            where,
            "The "
                + where
                + " links to another compiled model file "
                + shown
                + (escapes ? ", outside the model's folder" : "")
                + ", loaded at run time.",
            shown);
      } else {
        in.skip(tag);
      }
    }
  }

  /** StringParameter: {@code string defaultValue = 1}. */
  private static String stringParameter(ProtoWireReader in) throws IOException {
    String value = null;
    while (in.hasMore()) {
      long tag = in.readTag();
      if (tag == ((1 << 3) | LEN)) {
        value = in.readString(MAX_TEXT);
      } else {
        in.skip(tag);
      }
    }
    return value;
  }

  private static String className(ProtoWireReader in, int field) throws IOException {
    String cls = null;
    while (in.hasMore()) {
      long tag = in.readTag();
      if (tag == (((long) field << 3) | LEN)) {
        cls = in.readString(MAX_TEXT);
      } else {
        in.skip(tag);
      }
    }
    return cls;
  }

  private static void depth(int depth, ProtoWireReader in) throws MalformedFileException {
    if (depth > MAX_DEPTH) {
      throw new MalformedFileException(
          "models and networks nested deeper than " + MAX_DEPTH, in.position());
    }
  }

  private void report(String rule, long at, String where, String description, String evidence) {
    report(rule, null, at, where, description, evidence);
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
