package io.sentrascan.scanner.format.xgboost;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import io.sentrascan.scanner.Location;
import io.sentrascan.scanner.MalformedFileException;
import io.sentrascan.scanner.ScanContext;
import io.sentrascan.scanner.Severity;
import io.sentrascan.scanner.Source;
import io.sentrascan.scanner.json.BoundedJson;
import io.sentrascan.scanner.text.TextFindings;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Checks an XGBoost model, JSON (Jackson's streaming parser) or UBJSON ({@link UbjTokens}), as a
 * stream of {@link ModelTokens}, one tree at a time, so memory is bounded by the largest single
 * tree (and {@link #MAX_TREE_NODES}), never by the document: the same checks as {@link
 * ModelChecker} makes on a tree, for a model of any size.
 *
 * <p>XGBoost writes keys in sorted order, so {@code learner_model_param.num_feature} comes after
 * the trees and {@code tree_param.num_nodes} after a tree's arrays. A tree's arrays are therefore
 * held (three int arrays) until the tree ends, and the feature bound is applied afterwards: the
 * first pass keeps the largest split feature it saw while num_feature was unknown, and only when
 * that exceeds the final num_feature does a second pass, knowing the bound, redo the structure
 * checks (so a benign model is read once, and a broken one gets the same findings as the tree
 * checker).
 */
final class JsonModelStream {
  /** A tree with more nodes than this is not held in memory (12 bytes a node): an error. */
  static final int MAX_TREE_NODES = 1 << 22;

  private static final String[] ARRAYS = {
    "left_children",
    "right_children",
    "parent",
    "split_indices",
    "split_conditions",
    "default_left",
    "loss_changes",
    "sum_hessian"
  };

  private final ScanContext context;
  private final TextFindings text;

  /** num_feature when known before the walk (the second pass); -1 otherwise. */
  private final long knownNumFeature;

  /** The second pass reports structure only (the rest was reported by the first). */
  private final boolean structureOnly;

  private long numFeature = -1;
  private boolean learner;
  private String boosterName = "";
  // [0]: gradient_booster.model, [1]: gradient_booster.gbtree.model (dart)
  private final long[] declaredTrees = {-1, -1};
  private final int[] treeCounts = {-1, -1};
  private int largestUncheckedFeature = -1;
  private boolean tooLargeReported;
  private final List<Object[]> structure = new ArrayList<>();

  // The tree being read.
  private long numNodes;
  private final long[] counts = new long[ARRAYS.length];
  private final IntBuffer left = new IntBuffer();
  private final IntBuffer right = new IntBuffer();
  private final IntBuffer split = new IntBuffer();
  private long badCondition;
  private String badConditionText = "";

  /** UBJSON rather than JSON. */
  private final boolean ubj;

  private JsonModelStream(
      ScanContext context,
      TextFindings text,
      long knownNumFeature,
      boolean structureOnly,
      boolean ubj) {
    this.ubj = ubj;
    this.context = context;
    this.text = text;
    this.knownNumFeature = knownNumFeature;
    this.structureOnly = structureOnly;
    this.numFeature = knownNumFeature;
  }

  /** Streams and checks the JSON model in {@code source}; findings go to {@code context}. */
  static void check(Source source, ScanContext context, TextFindings text) throws IOException {
    check(source, context, text, false);
  }

  /** Streams and checks the UBJSON model in {@code source}; findings go to {@code context}. */
  static void checkUbj(Source source, ScanContext context, TextFindings text) throws IOException {
    check(source, context, text, true);
  }

  private static void check(Source source, ScanContext context, TextFindings text, boolean ubj)
      throws IOException {
    JsonModelStream first = new JsonModelStream(context, text, -1, false, ubj);
    first.walk(source);
    JsonModelStream result = first;
    if (first.numFeature > 0 && first.largestUncheckedFeature >= first.numFeature) {
      // A split feature beyond num_feature, which the first pass read before it knew the bound.
      JsonModelStream second = new JsonModelStream(context, text, first.numFeature, true, ubj);
      second.walk(source);
      result = second;
    }
    result.finish();
  }

  private void walk(Source source) throws IOException {
    try (InputStream in = source.openStream();
        ModelTokens p =
            ubj
                ? new UbjTokens(in, source.size())
                : ModelTokens.json(BoundedJson.factory().createParser(in))) {
      if (p.nextToken() == JsonToken.START_OBJECT) {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String key = p.currentName();
          JsonToken value = p.nextToken();
          if (key.equals("version") && value == JsonToken.START_ARRAY) {
            String version = render(p);
            if (!structureOnly) {
              context.addProperty("xgboost.version", version);
            }
          } else if (key.equals("learner") && value == JsonToken.START_OBJECT) {
            learner = true;
            learner(p);
          } else {
            p.skipChildren();
          }
        }
      }
    } catch (JsonProcessingException e) {
      throw new MalformedFileException(
          "not valid JSON: " + BoundedJson.describe(e),
          e.getLocation() == null ? -1 : e.getLocation().getByteOffset(),
          e);
    } catch (RuntimeException e) {
      throw new MalformedFileException(
          "the " + (ubj ? "UBJSON reader" : "JSON parser") + " failed: " + e, -1, e);
    }
    if (!learner) {
      throw new MalformedFileException("the document has no learner object", 0);
    }
  }

  private void finish() {
    context.addProperty("xgboost.booster", boosterName.isEmpty() ? "(none)" : boosterName);
    int at = boosterName.equals("dart") ? 1 : 0;
    if (treeCounts[at] >= 0) {
      long declared = declaredTrees[at];
      if (declared >= 0 && declared != treeCounts[at]) {
        structure.add(
            0,
            new Object[] {
              Severity.MEDIUM,
              context.at(-1, "gbtree_model_param.num_trees"),
              "num_trees says " + declared + " but the model holds " + treeCounts[at] + " trees"
            });
      }
    } else if (!boosterName.equals("gblinear")) {
      structure.add(
          new Object[] {
            Severity.MEDIUM, context.at(-1, "gradient_booster"), "the booster has no trees"
          });
    }
    for (int i = 0; i < Math.min(structure.size(), ModelChecker.MAX_FINDINGS); i++) {
      Object[] f = structure.get(i);
      String what = (String) f[2];
      context.report(
          "XGB-003",
          (Severity) f[0],
          (Location) f[1],
          "The model is inconsistent: " + what + ".",
          what);
    }
    if (treeCounts[at] >= 0) {
      context.addProperty("xgboost.trees", Integer.toString(treeCounts[at]));
    }
  }

  private void learner(ModelTokens p) throws IOException {
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String key = p.currentName();
      JsonToken value = p.nextToken();
      switch (key) {
        case "objective" -> {
          String name = "";
          if (value == JsonToken.START_OBJECT) {
            while (p.nextToken() == JsonToken.FIELD_NAME) {
              String k = p.currentName();
              p.nextToken();
              if (k.equals("name")) {
                name = scalarText(p);
              } else {
                p.skipChildren();
              }
            }
          } else {
            p.skipChildren();
          }
          if (!name.isEmpty() && !structureOnly) {
            context.addProperty("xgboost.objective", name);
            ModelChecker.checkObjective(context, name, context.at(-1, "learner.objective.name"));
          }
        }
        case "metrics" -> {
          if (value != JsonToken.START_ARRAY) {
            p.skipChildren();
            continue;
          }
          JsonToken t;
          while ((t = p.nextToken()) != JsonToken.END_ARRAY && t != null) {
            String name = "";
            if (t == JsonToken.VALUE_STRING) {
              name = p.getText();
            } else if (t == JsonToken.START_OBJECT) {
              while (p.nextToken() == JsonToken.FIELD_NAME) {
                String k = p.currentName();
                p.nextToken();
                if (k.equals("name")) {
                  name = scalarText(p);
                } else {
                  p.skipChildren();
                }
              }
            } else {
              p.skipChildren();
            }
            if (!structureOnly && ModelChecker.PYTHON.matcher(name).find()) {
              context.report(
                  "XGB-002",
                  context.at(-1, "learner.metrics"),
                  "The metric name " + name + " reads as Python code.",
                  name);
            }
          }
        }
        case "attributes" -> {
          if (value != JsonToken.START_OBJECT) {
            p.skipChildren();
            continue;
          }
          while (p.nextToken() == JsonToken.FIELD_NAME) {
            String k = p.currentName();
            p.nextToken();
            String v = scalarText(p);
            if (!structureOnly) {
              text.scan(k + "=" + v, context, context.at(-1, "learner.attributes." + k));
            }
          }
        }
        case "learner_model_param" -> {
          if (value != JsonToken.START_OBJECT) {
            p.skipChildren();
            continue;
          }
          while (p.nextToken() == JsonToken.FIELD_NAME) {
            String k = p.currentName();
            p.nextToken();
            if (k.equals("num_feature")) {
              long declared = parameter(p);
              numFeature = knownNumFeature >= 0 ? knownNumFeature : declared;
            } else {
              p.skipChildren();
            }
          }
        }
        case "gradient_booster" -> {
          if (value != JsonToken.START_OBJECT) {
            p.skipChildren();
            continue;
          }
          while (p.nextToken() == JsonToken.FIELD_NAME) {
            String k = p.currentName();
            JsonToken v = p.nextToken();
            if (k.equals("name")) {
              boosterName = scalarText(p);
            } else if (k.equals("model") && v == JsonToken.START_OBJECT) {
              model(p, 0);
            } else if (k.equals("gbtree") && v == JsonToken.START_OBJECT) {
              while (p.nextToken() == JsonToken.FIELD_NAME) {
                String g = p.currentName();
                if (p.nextToken() == JsonToken.START_OBJECT && g.equals("model")) {
                  model(p, 1);
                } else {
                  p.skipChildren();
                }
              }
            } else {
              p.skipChildren();
            }
          }
        }
        default -> p.skipChildren();
      }
    }
  }

  private void model(ModelTokens p, int slot) throws IOException {
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String key = p.currentName();
      JsonToken value = p.nextToken();
      if (key.equals("gbtree_model_param") && value == JsonToken.START_OBJECT) {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String k = p.currentName();
          p.nextToken();
          if (k.equals("num_trees")) {
            declaredTrees[slot] = parameter(p);
          } else {
            p.skipChildren();
          }
        }
      } else if (key.equals("trees") && value == JsonToken.START_ARRAY) {
        int index = 0;
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY && t != null) {
          context.checkDeadline();
          tree(p, t, index++);
        }
        treeCounts[slot] = index;
      } else {
        p.skipChildren();
      }
    }
  }

  private void tree(ModelTokens p, JsonToken start, int index) throws IOException {
    numNodes = -1;
    Arrays.fill(counts, -1);
    left.clear();
    right.clear();
    split.clear();
    badCondition = -1;
    if (start != JsonToken.START_OBJECT) {
      p.skipChildren();
    } else {
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String key = p.currentName();
        JsonToken value = p.nextToken();
        int which = Arrays.asList(ARRAYS).indexOf(key);
        if (key.equals("tree_param") && value == JsonToken.START_OBJECT) {
          numNodes = -1;
          while (p.nextToken() == JsonToken.FIELD_NAME) {
            String k = p.currentName();
            p.nextToken();
            if (k.equals("num_nodes")) {
              numNodes = parameter(p);
            } else {
              p.skipChildren();
            }
          }
        } else if (which >= 0 && value == JsonToken.START_ARRAY) {
          counts[which] = array(p, which);
        } else {
          if (which >= 0) {
            counts[which] = -1;
          } else if (key.equals("tree_param")) {
            numNodes = -1;
          }
          p.skipChildren();
        }
      }
    }
    checkTree(index);
  }

  /** Reads one of a tree's arrays, keeping what the checks need; returns its length. */
  private long array(ModelTokens p, int which) throws IOException {
    IntBuffer keep =
        switch (ARRAYS[which]) {
          case "left_children" -> left;
          case "right_children" -> right;
          case "split_indices" -> split;
          default -> null;
        };
    if (keep != null) {
      keep.clear();
    }
    boolean conditions = ARRAYS[which].equals("split_conditions");
    if (conditions) {
      badCondition = -1;
    }
    long n = 0;
    JsonToken t;
    while ((t = p.nextToken()) != JsonToken.END_ARRAY && t != null) {
      if (keep != null) {
        long v = asLong(p, t);
        if (n < MAX_TREE_NODES) {
          keep.add((int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, v)));
        }
      } else if (conditions && badCondition < 0) {
        if (t == JsonToken.VALUE_NUMBER_INT || t == JsonToken.VALUE_NUMBER_FLOAT) {
          double c = p.getDoubleValue();
          if (Double.isNaN(c) || Double.isInfinite(c)) {
            badCondition = n;
            badConditionText = Double.toString(c);
          }
        } else {
          badCondition = n;
          badConditionText = render(p);
        }
      }
      p.skipChildren();
      n++;
    }
    return n;
  }

  private void checkTree(int index) {
    Location at = context.at(-1, "trees[" + index + "]");
    long n = numNodes;
    if (n < 1) {
      inconsistent(Severity.MEDIUM, at, "tree_param.num_nodes is missing or not positive");
      return;
    }
    for (int k = 0; k < ARRAYS.length; k++) {
      if (counts[k] != n) {
        inconsistent(
            Severity.MEDIUM,
            at,
            ARRAYS[k]
                + " has "
                + (counts[k] < 0 ? "no" : Long.toString(counts[k]))
                + " entries for "
                + n
                + " nodes");
        return;
      }
    }
    if (n > MAX_TREE_NODES) {
      if (!tooLargeReported) {
        tooLargeReported = true;
        context.error(
            "tree "
                + index
                + " has "
                + n
                + " nodes, more than "
                + MAX_TREE_NODES
                + "; the nodes of such trees were not checked");
      }
      return;
    }
    for (int i = 0; i < n; i++) {
      long l = left.get(i);
      long r = right.get(i);
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
      long f = split.get(i);
      if (!leaf && (f < 0 || (numFeature > 0 && f >= numFeature))) {
        inconsistent(
            Severity.HIGH,
            at.withContext(at.context() + ".node[" + i + "]"),
            "node " + i + " splits on feature " + f + " of " + numFeature);
        return;
      }
      if (!leaf && numFeature < 0) {
        largestUncheckedFeature = (int) Math.max(largestUncheckedFeature, f);
      }
      if (i == badCondition) {
        inconsistent(
            Severity.MEDIUM,
            at.withContext(at.context() + ".node[" + i + "]"),
            "node " + i + " has the split condition " + badConditionText);
        return;
      }
    }
  }

  private void inconsistent(Severity severity, Location at, String what) {
    // One more than the cap, so that a num_trees finding put first still leaves the cap full.
    if (structure.size() <= ModelChecker.MAX_FINDINGS) {
      structure.add(new Object[] {severity, at, what});
    }
  }

  /** A value as JsonNode.asLong() reads it: numbers, numeric strings, booleans; otherwise 0. */
  private static long asLong(ModelTokens p, JsonToken t) throws IOException {
    if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
      return 0;
    }
    return p.getValueAsLong();
  }

  /** A scalar as JsonNode.asText("") reads it; "" for null and containers (skipped). */
  private static String scalarText(ModelTokens p) throws IOException {
    JsonToken t = p.currentToken();
    if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
      p.skipChildren();
      return "";
    }
    return t == JsonToken.VALUE_NULL ? "" : p.getText();
  }

  /** XGBoost writes parameters as strings ("4"); -1 when absent or not a number. */
  private static long parameter(ModelTokens p) throws IOException {
    JsonToken t = p.currentToken();
    if (t == JsonToken.VALUE_NUMBER_INT || t == JsonToken.VALUE_NUMBER_FLOAT) {
      return asLong(p, t);
    }
    if (t == JsonToken.VALUE_STRING) {
      try {
        return Long.parseLong(p.getText().strip());
      } catch (NumberFormatException e) {
        return -1;
      }
    }
    p.skipChildren();
    return -1;
  }

  /** A short JSON rendering of the current value (a version array, a bad condition). */
  private static String render(ModelTokens p) throws IOException {
    JsonToken t = p.currentToken();
    if (t == JsonToken.START_ARRAY) {
      StringBuilder b = new StringBuilder("[");
      JsonToken e;
      int n = 0;
      while ((e = p.nextToken()) != JsonToken.END_ARRAY && e != null) {
        String part = render(p);
        if (n++ < 32 && b.length() < 256) {
          b.append(n > 1 ? "," : "").append(part);
        }
      }
      return b.append(n > 32 || b.length() >= 256 ? ",…]" : "]").toString();
    }
    if (t == JsonToken.START_OBJECT) {
      p.skipChildren();
      return "{…}";
    }
    if (t == JsonToken.VALUE_STRING) {
      String s = p.getText();
      return "\"" + (s.length() > 100 ? s.substring(0, 100) + "…" : s) + "\"";
    }
    return p.getText();
  }

  /** A growable int array, reused from tree to tree. */
  private static final class IntBuffer {
    private int[] values = new int[1024];
    private int size;

    void clear() {
      size = 0;
    }

    void add(int v) {
      if (size == values.length) {
        values = Arrays.copyOf(values, Math.min(MAX_TREE_NODES, size * 2));
      }
      values[size++] = v;
    }

    /** The i-th value; 0 past the end (a shorter array was reported before this is read). */
    int get(int i) {
      return i < size ? values[i] : 0;
    }
  }
}
