package io.sentrascan.scanner.format.xgboost;

import com.fasterxml.jackson.databind.JsonNode;
import io.sentrascan.scanner.Location;
import io.sentrascan.scanner.ScanContext;
import io.sentrascan.scanner.Severity;
import io.sentrascan.scanner.text.TextFindings;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Checks an XGBoost UBJSON model document read as a tree; JSON models go through {@link
 * JsonModelStream}.
 */
final class ModelChecker {
  static final int MAX_FINDINGS = 50;

  /** Objectives XGBoost 0.x to 2.x ships (including the old gpu: aliases). */
  private static final Set<String> OBJECTIVES =
      Set.of(
          "reg:squarederror",
          "reg:squaredlogerror",
          "reg:logistic",
          "reg:pseudohubererror",
          "reg:absoluteerror",
          "reg:quantileerror",
          "reg:linear",
          "reg:gamma",
          "reg:tweedie",
          "reg:expectileerror",
          "binary:logistic",
          "binary:logitraw",
          "binary:hinge",
          "count:poisson",
          "survival:cox",
          "survival:aft",
          "multi:softmax",
          "multi:softprob",
          "rank:pairwise",
          "rank:ndcg",
          "rank:map",
          "gpu:reg:linear",
          "gpu:reg:logistic",
          "gpu:binary:logistic",
          "gpu:binary:logitraw",
          "gpu:reg:squarederror");

  /** A name that reads as Python: a dotted path, a call, a lambda, a repr of a function. */
  static final Pattern PYTHON =
      Pattern.compile(
          "(?i)(lambda|__\\w+__|<function|<bound method|\\(|\\)|\\bimport\\b|\\bos\\.|subprocess|eval|exec)"
              + "|^[a-z_][\\w]*(\\.[a-z_][\\w]*)+$");

  private final ScanContext context;
  private final TextFindings text;
  private int structure;

  ModelChecker(ScanContext context, TextFindings text) {
    this.context = context;
    this.text = text;
  }

  void check(JsonNode root) {
    JsonNode version = root.path("version");
    if (version.isArray()) {
      context.addProperty("xgboost.version", version.toString());
    }
    JsonNode learner = root.path("learner");
    String objective = learner.path("objective").path("name").asText("");
    if (!objective.isEmpty()) {
      context.addProperty("xgboost.objective", objective);
      checkObjective(context, objective, context.at(-1, "learner.objective.name"));
    }
    JsonNode metrics = learner.path("metrics");
    for (JsonNode m : metrics) {
      String name = m.isTextual() ? m.asText() : m.path("name").asText("");
      if (PYTHON.matcher(name).find()) {
        context.report(
            "XGB-002",
            context.at(-1, "learner.metrics"),
            "The metric name " + name + " reads as Python code.",
            name);
      }
    }
    JsonNode attributes = learner.path("attributes");
    for (Map.Entry<String, JsonNode> e : attributes.properties()) {
      text.scan(
          e.getKey() + "=" + e.getValue().asText(""),
          context,
          context.at(-1, "learner.attributes." + e.getKey()));
    }
    long numFeature = parseLong(learner.path("learner_model_param").path("num_feature"));
    JsonNode booster = learner.path("gradient_booster");
    String name = booster.path("name").asText("");
    context.addProperty("xgboost.booster", name.isEmpty() ? "(none)" : name);
    JsonNode model =
        name.equals("dart") ? booster.path("gbtree").path("model") : booster.path("model");
    JsonNode trees = model.path("trees");
    if (trees.isArray()) {
      long declared = parseLong(model.path("gbtree_model_param").path("num_trees"));
      if (declared >= 0 && declared != trees.size()) {
        inconsistent(
            Severity.MEDIUM,
            context.at(-1, "gbtree_model_param.num_trees"),
            "num_trees says " + declared + " but the model holds " + trees.size() + " trees");
      }
      int i = 0;
      for (JsonNode tree : trees) {
        context.checkDeadline();
        checkTree(tree, i++, numFeature);
      }
      context.addProperty("xgboost.trees", Integer.toString(trees.size()));
    } else if (!name.equals("gblinear")) {
      inconsistent(Severity.MEDIUM, context.at(-1, "gradient_booster"), "the booster has no trees");
    }
  }

  static void checkObjective(ScanContext context, String objective, Location at) {
    if (OBJECTIVES.contains(objective)) {
      return;
    }
    if (PYTHON.matcher(objective).find()) {
      context.report(
          "XGB-002",
          at,
          "The objective " + objective + " reads as Python code, not an XGBoost objective.",
          objective);
    } else {
      context.report(
          "XGB-001", at, "The objective " + objective + " is not one XGBoost ships.", objective);
    }
  }

  private void checkTree(JsonNode tree, int index, long numFeature) {
    Location at = context.at(-1, "trees[" + index + "]");
    long n = parseLong(tree.path("tree_param").path("num_nodes"));
    if (n < 1) {
      inconsistent(Severity.MEDIUM, at, "tree_param.num_nodes is missing or not positive");
      return;
    }
    for (String key :
        new String[] {
          "left_children",
          "right_children",
          "parent",
          "split_indices",
          "split_conditions",
          "default_left",
          "loss_changes",
          "sum_hessian"
        }) {
      JsonNode a = tree.path(key);
      if (!a.isArray() || a.size() != n) {
        inconsistent(
            Severity.MEDIUM,
            at,
            key + " has " + (a.isArray() ? a.size() : "no") + " entries for " + n + " nodes");
        return;
      }
    }
    JsonNode left = tree.path("left_children");
    JsonNode right = tree.path("right_children");
    JsonNode split = tree.path("split_indices");
    JsonNode cond = tree.path("split_conditions");
    for (int i = 0; i < n; i++) {
      long l = left.get(i).asLong();
      long r = right.get(i).asLong();
      if (l < -1 || l >= n || r < -1 || r >= n || l == i || r == i) {
        inconsistent(
            Severity.HIGH,
            at.withContext(at.context() + ".node[" + i + "]"),
            "node "
                + i
                + " has children "
                + l
                + "/"
                + r
                + " outside a tree of "
                + n
                + " nodes (XGBoost would read out of bounds)");
        return;
      }
      boolean leaf = l == -1;
      long f = split.get(i).asLong();
      if (!leaf && (f < 0 || (numFeature > 0 && f >= numFeature))) {
        inconsistent(
            Severity.HIGH,
            at.withContext(at.context() + ".node[" + i + "]"),
            "node " + i + " splits on feature " + f + " of " + numFeature);
        return;
      }
      double c = cond.get(i).asDouble();
      if (!cond.get(i).isNumber() || Double.isNaN(c) || Double.isInfinite(c)) {
        inconsistent(
            Severity.MEDIUM,
            at.withContext(at.context() + ".node[" + i + "]"),
            "node " + i + " has the split condition " + cond.get(i));
        return;
      }
    }
  }

  private void inconsistent(Severity severity, Location at, String what) {
    if (structure++ < MAX_FINDINGS) {
      context.report("XGB-003", severity, at, "The model is inconsistent: " + what + ".", what);
    }
  }

  /** XGBoost writes parameters as strings ("4"); UBJSON may hold numbers. -1 when absent. */
  private static long parseLong(JsonNode node) {
    if (node.isNumber()) {
      return node.asLong();
    }
    try {
      return Long.parseLong(node.asText("").strip());
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
