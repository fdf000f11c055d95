package io.sentrascan.scanner.format.keras;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sentrascan.scanner.ScanContext;
import io.sentrascan.scanner.Severity;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The analysis of one Keras configuration (HDF5 {@code model_config}/{@code training_config}, or a
 * {@code .keras} {@code config.json}): Lambda layers and their marshalled bytecode, references to
 * modules outside Keras, registered names, and Keras APIs that defeat safe_mode. The JSON is parsed
 * as data with bounded size and depth; nothing in it is ever resolved or run.
 */
final class KerasConfigAnalyzer {
  /**
   * Configurations larger than this are not parsed (real ones are kilobytes to a few megabytes).
   */
  static final int MAX_CONFIG_BYTES = 16 << 20;

  /** Deeper JSON is refused by the parser: real configurations nest a few dozen levels. */
  static final int MAX_DEPTH = 256;

  /** Base64 text decoded per Lambda function at most. */
  private static final int MAX_LAMBDA_CHARS = 4 << 20;

  private static final ObjectMapper JSON =
      new ObjectMapper(
          JsonFactory.builder()
              // Python's json.dumps writes NaN and Infinity (allow_nan defaults to True), so a
              // Keras config may hold them; refusing them would call a benign model malformed.
              .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
              .streamReadConstraints(
                  StreamReadConstraints.builder()
                      .maxNestingDepth(MAX_DEPTH)
                      .maxStringLength(MAX_CONFIG_BYTES)
                      .build())
              .build());

  private final KerasReferences refs = KerasReferences.defaults();
  private final ScanContext ctx;
  private final String what;
  private final long offset;
  private final Set<String> reported = new HashSet<>();
  private int visited;

  private KerasConfigAnalyzer(ScanContext ctx, String what, long offset) {
    this.ctx = ctx;
    this.what = what;
    this.offset = offset;
  }

  static String referencesVersion() {
    return KerasReferences.defaults().version();
  }

  /**
   * Parses and analyses one configuration. A text that is not JSON is a KER-005 finding.
   *
   * @param what where the text came from, for locations ({@code model_config}, {@code config.json})
   * @param offset byte offset of the text in the scanned file, or -1 when unknown
   * @return the parsed configuration, or null when it could not be parsed
   */
  static @Nullable JsonNode analyze(String json, String what, ScanContext ctx, long offset) {
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (JsonProcessingException e) {
      ctx.report(
          "KER-005",
          ctx.at(offset, what),
          "The " + what + " is not valid JSON, so its layers could not be checked: " + brief(e),
          json.length() > 80 ? json.substring(0, 80) : json);
      return null;
    }
    if (root == null || !root.isObject()) {
      ctx.report(
          "KER-005",
          ctx.at(offset, what),
          "The " + what + " is not a JSON object, so it is not a Keras configuration.",
          json.length() > 80 ? json.substring(0, 80) : json);
      return null;
    }
    new KerasConfigAnalyzer(ctx, what, offset).walk(root, "", null, null);
    return root;
  }

  private static String brief(JsonProcessingException e) {
    String msg = e.getOriginalMessage();
    return msg == null ? e.getClass().getSimpleName() : msg;
  }

  private void walk(
      JsonNode node, String pointer, @Nullable String layer, @Nullable String enclosingClass) {
    if (++visited % 4096 == 0) {
      ctx.checkDeadline();
    }
    if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        walk(node.get(i), pointer + "/" + i, layer, enclosingClass);
      }
      return;
    }
    if (!node.isObject()) {
      return;
    }
    String here = layer;
    String className = text(node, "class_name");
    String enclosing = className != null ? className : enclosingClass;
    if (className != null) {
      String name = text(node.path("config"), "name");
      if (name == null) {
        name = text(node, "name");
      }
      here = (name == null ? "" : "\"" + name + "\" ") + "(" + className + ")";
      checkObject(node, className, pointer.isEmpty() ? "/" : pointer, here);
    } else {
      checkModules(node, null, enclosingClass, pointer.isEmpty() ? "/" : pointer, here);
    }
    for (Map.Entry<String, JsonNode> f : node.properties()) {
      walk(f.getValue(), pointer + "/" + f.getKey(), here, enclosing);
    }
  }

  private void checkObject(JsonNode node, String className, String pointer, String layer) {
    if (className.equals("Lambda")) {
      checkLambda(node.path("config"), pointer, layer);
    }
    if (className.equals("TFOpLambda") || className.equals("SlicingOpLambda")) {
      String fn = text(node.path("config"), "function");
      if (fn != null) {
        checkKerasApi("tf." + fn, pointer, layer);
      }
    }
    checkModules(node, className, className, pointer, layer);
    String registered = text(node, "registered_name");
    if (registered != null && !registered.equals("function") && !registered.equals(className)) {
      checkRegisteredName(registered, pointer, layer);
    }
    if (text(node, "module") != null && refs.isKerasModule(text(node, "module"))) {
      checkKerasApi(text(node, "module") + "." + referencedName(node, className), pointer, layer);
    }
  }

  /** Fields named {@code module} or {@code *_module}: Keras imports them while it loads. */
  private void checkModules(
      JsonNode node,
      @Nullable String className,
      @Nullable String enclosingClass,
      String pointer,
      @Nullable String layer) {
    for (Map.Entry<String, JsonNode> f : node.properties()) {
      String key = f.getKey();
      if (!(key.equals("module") || key.endsWith("_module")) || !f.getValue().isTextual()) {
        continue;
      }
      String module = f.getValue().asText().trim();
      if (module.isEmpty() || refs.isKerasModule(module)) {
        continue;
      }
      String referenced = key.equals("module") ? referencedName(node, className) : key;
      String target = module + "." + referenced;
      if (refs.isDangerousModule(module)) {
        report(
            "KER-002",
            Severity.CRITICAL,
            pointer,
            layer,
            "The configuration makes Keras import "
                + module
                + " and look up "
                + referenced
                + " while it rebuilds the model: code outside Keras runs at load time.",
            key + ": " + module + ", name: " + referenced);
      } else if (module.equals("__main__") || module.equals("__mp_main__")) {
        if ("Lambda".equals(enclosingClass)) {
          continue; // the Lambda finding covers it; Keras 2 records every lambda's module as this
        }
        if (refs.isDangerousName(referenced)) {
          report(
              "KER-002",
              Severity.CRITICAL,
              pointer,
              layer,
              "The configuration refers to "
                  + referenced
                  + " in the loading script's namespace, a callable that runs commands or code.",
              key + ": " + module + ", name: " + referenced);
        } else {
          report(
              "KER-003",
              Severity.MEDIUM,
              pointer,
              layer,
              "The object "
                  + target
                  + " was defined in the saving script; loading needs that code as a custom object.",
              key + ": " + module);
        }
      } else {
        report(
            "KER-003",
            Severity.MEDIUM,
            pointer,
            layer,
            "Loading needs "
                + target
                + " from the Python package "
                + KerasReferences.root(module)
                + ", which is not part of Keras.",
            key + ": " + module);
      }
    }
  }

  private void checkRegisteredName(String registered, String pointer, String layer) {
    int gt = registered.indexOf('>');
    String pkg;
    String obj;
    if (gt >= 0) {
      pkg = registered.substring(0, gt);
      obj = registered.substring(gt + 1);
    } else if (registered.lastIndexOf('.') > 0) {
      pkg = registered.substring(0, registered.lastIndexOf('.'));
      obj = registered.substring(registered.lastIndexOf('.') + 1);
    } else {
      checkKerasApi(registered, pointer, layer);
      return;
    }
    if (refs.isDangerousModule(pkg) || (refs.isDangerousName(obj) && !refs.isKerasModule(pkg))) {
      report(
          "KER-002",
          Severity.CRITICAL,
          pointer,
          layer,
          "The registered name "
              + registered
              + " points at "
              + pkg
              + "."
              + obj
              + ", which runs commands or code when Keras resolves it.",
          "registered_name: " + registered);
    } else if (refs.isKerasModule(pkg)) {
      checkKerasApi(registered, pointer, layer);
    } else {
      report(
          "KER-003",
          Severity.MEDIUM,
          pointer,
          layer,
          "The object is registered as "
              + registered
              + ": loading needs the package that registers it, which is not part of Keras.",
          "registered_name: " + registered);
    }
  }

  private void checkKerasApi(String name, String pointer, @Nullable String layer) {
    KerasReferences.RiskyApi api = refs.riskyApi(name.replace('>', '.'));
    if (api != null) {
      report(
          "KER-006",
          api.severity(),
          pointer,
          layer,
          "The configuration calls " + name + ", which " + api.why() + ".",
          name);
    }
  }

  private void checkLambda(JsonNode config, String pointer, String layer) {
    JsonNode function = config.path("function");
    List<String> texts = new ArrayList<>();
    collectTexts(function, texts, 0);
    int budget = MAX_LAMBDA_CHARS;
    for (String text : texts) {
      if (text.length() < 16 || text.length() > budget) {
        continue;
      }
      budget -= text.length();
      byte[] code = decodeBase64(text);
      if (code == null || code.length < 8) {
        continue;
      }
      Set<String> strings = MarshalStrings.of(code);
      List<String> dangerous = new ArrayList<>();
      for (String s : strings) {
        if (refs.isDangerousModule(s) || refs.isDangerousName(s)) {
          dangerous.add(s);
        }
      }
      report(
          "KER-001",
          Severity.CRITICAL,
          pointer,
          layer,
          "A Lambda layer carries "
              + code.length
              + " bytes of marshalled Python bytecode that Keras runs when the model loads"
              + (dangerous.isEmpty() ? "." : "; it names " + String.join(", ", dangerous) + "."),
          (dangerous.isEmpty() ? "" : "dangerous names: " + String.join(", ", dangerous) + "; ")
              + "bytecode strings: "
              + String.join(", ", strings));
      return;
    }
    String named = function.isTextual() ? function.asText() : "(unknown)";
    String module = text(config, "module");
    report(
        "KER-001",
        Severity.HIGH,
        pointer,
        layer,
        "A Lambda layer calls the Python function "
            + (module == null ? "" : module + ".")
            + named
            + ", which must be supplied as code when the model loads.",
        "function: " + named);
  }

  private static void collectTexts(JsonNode node, List<String> out, int depth) {
    if (node.isTextual()) {
      out.add(node.asText());
    } else if (depth < 8 && (node.isArray() || node.isObject())) {
      for (JsonNode child : node) {
        collectTexts(child, out, depth + 1);
      }
    }
  }

  private static byte @Nullable [] decodeBase64(String text) {
    try {
      return Base64.getMimeDecoder().decode(text);
    } catch (IllegalArgumentException e) {
      return null; // not base64: a named function, handled by the caller
    }
  }

  /** The name a module reference resolves: the function, or the class. */
  private static String referencedName(JsonNode node, @Nullable String className) {
    for (String key : List.of("function_name", "function")) {
      String t = text(node, key);
      if (t != null) {
        return t;
      }
    }
    String cfg = text(node, "config");
    if (cfg != null && (className == null || className.equals("function"))) {
      return cfg;
    }
    String fn = text(node.path("config"), "function");
    if (fn != null) {
      return fn;
    }
    return className == null ? "(module itself)" : className;
  }

  private void report(
      String rule,
      Severity severity,
      String pointer,
      @Nullable String layer,
      String description,
      String evidence) {
    // One custom-object finding per object (its module and its registered name say the same).
    String key =
        rule.equals("KER-003") ? rule + "|" + pointer : rule + "|" + pointer + "|" + evidence;
    if (!reported.add(key)) {
      return;
    }
    String context = what + " " + pointer + (layer == null ? "" : " " + layer);
    ctx.report(rule, severity, ctx.at(offset, context), description, evidence);
  }

  private static @Nullable String text(JsonNode node, String field) {
    JsonNode v = node.get(field);
    return v != null && v.isTextual() ? v.asText() : null;
  }
}
