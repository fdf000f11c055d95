package io.sentrascan.scanner.rules;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sentrascan.scanner.Rule;
import io.sentrascan.scanner.Severity;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Every rule the scanner can report, loaded once from the JSON resources in this package. Rules are
 * data: a new rule is an entry in one of {@link #RESOURCES}, not code.
 */
public final class RuleCatalog {
  /** The rule files, one per area. A new area adds one line here. */
  static final List<String> RESOURCES =
      List.of(
          "core.json", // the engine: integrity and resource limits
          "pickle.json", // pickle analysis
          "pytorch.json", // PyTorch and TorchScript
          "numpy.json", // NumPy arrays
          "archive.json", // containers
          "tensor.json", // SafeTensors, ONNX, TensorFlow Lite
          "repo.json", // secrets, PII, Python, notebooks, model cards
          "keras.json", // Keras HDF5, .keras, keras_metadata.pb
          "tensorflow.json", // SavedModel, GraphDef, MetaGraph
          "edge.json", // Paddle, Flax, ExecuTorch, TensorRT, OpenVINO, Core ML
          "llm.json", // GGUF, chat templates, Hugging Face configs, tokenizers
          "packaging.json", // NeMo, TorchServe, R, llamafile, MXNet, OCI images
          "classic.json", // XGBoost, LightGBM, CatBoost, PMML, skops
          "signing.json", // OpenSSF Model Signing: unsigned, invalid, mismatched, verified
          "license.json", // licenses of the model and the license policy
          "provenance.json", // lineage claims of the model folder
          "drift.json" // drift from a baseline
          );

  private static final RuleCatalog DEFAULT = load();

  private final Map<String, Rule> rules;

  private RuleCatalog(Map<String, Rule> rules) {
    this.rules = Collections.unmodifiableMap(rules);
  }

  /** The catalog bundled with the scanner. */
  public static RuleCatalog defaults() {
    return DEFAULT;
  }

  /** Looks a rule up; an unknown id is a programming error, so it throws. */
  public Rule rule(String id) {
    Rule rule = rules.get(id);
    if (rule == null) {
      throw new IllegalArgumentException("no rule " + id + " in the catalog");
    }
    return rule;
  }

  /** Every rule, sorted by id. */
  public Collection<Rule> all() {
    return rules.values();
  }

  private static RuleCatalog load() {
    ObjectMapper mapper = new ObjectMapper();
    Map<String, Rule> rules = new TreeMap<>();
    for (String resource : RESOURCES) {
      try (InputStream in = RuleCatalog.class.getResourceAsStream(resource)) {
        if (in == null) {
          throw new IllegalStateException("rule resource missing: " + resource);
        }
        for (JsonNode node : mapper.readTree(in).path("rules")) {
          Rule rule =
              new Rule(
                  node.path("id").asText(),
                  Severity.valueOf(node.path("severity").asText()),
                  node.path("category").asText(),
                  node.path("title").asText(),
                  node.path("remediation").asText(),
                  node.hasNonNull("cwe") ? node.get("cwe").asText() : null);
          if (rules.put(rule.id(), rule) != null) {
            throw new IllegalStateException("duplicate rule id " + rule.id() + " in " + resource);
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read rule resource " + resource, e);
      }
    }
    return new RuleCatalog(rules);
  }
}
