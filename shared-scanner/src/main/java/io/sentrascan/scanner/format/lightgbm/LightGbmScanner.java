package io.sentrascan.scanner.format.lightgbm;

import io.sentrascan.scanner.MalformedFileException;
import io.sentrascan.scanner.Probe;
import io.sentrascan.scanner.ScanContext;
import io.sentrascan.scanner.Scanner;
import io.sentrascan.scanner.Severity;
import io.sentrascan.scanner.Source;
import io.sentrascan.scanner.text.TextFindings;
import java.io.IOException;
import java.io.InputStream;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * LightGBM text models ({@code tree\nversion=v…}): header, {@code Tree=N} blocks and the {@code
 * parameters:} section, read line by line with a bound on line length.
 */
public final class LightGbmScanner implements Scanner {
  /** Parameters that name files LightGBM reads or writes when the parameters are reused. */
  private static final Set<String> FILE_PARAMETERS =
      Set.of(
          "output_model",
          "input_model",
          "forcedsplits_filename",
          "forcedbins_filename",
          "data",
          "valid",
          "initscore_filename",
          "valid_data_initscores",
          "output_result",
          "convert_model",
          "saved_feature_importance_type_file",
          "parser_config_file",
          "cegb_penalty_feature_lazy_file");

  private static final Set<String> NETWORK_PARAMETERS = Set.of("machines", "machine_list_filename");

  /** Values LightGBM writes for file parameters when the user set nothing. */
  private static final Map<String, String> DEFAULTS =
      Map.of("output_model", "LightGBM_model.txt", "convert_model", "gbdt_prediction.cpp");

  private static final int MAX_FINDINGS_PER_RULE = 50;

  private final TextFindings text = TextFindings.defaults();

  @Override
  public String name() {
    return "lightgbm";
  }

  @Override
  public String version() {
    return "1.0.0+" + text.version();
  }

  @Override
  public String description() {
    return "LightGBM text models (`tree` / `version=` header): every tree's arrays checked against num_leaves, child indices and max_feature_idx; file-path parameters (output_model, input_model, forcedsplits_filename…) and network training (machines); secrets in header and parameters.";
  }

  @Override
  public boolean supports(Probe probe) {
    String head = new String(probe.head(), 0, Math.min(64, probe.headLength()), LineReader.LATIN1);
    return head.startsWith("tree\nversion=") || head.startsWith("tree\r\nversion=");
  }

  @Override
  public void scan(Source source, ScanContext context) throws IOException {
    context.setFormat("lightgbm");
    State state = new State(context);
    try (InputStream in = source.openStream()) {
      LineReader reader = new LineReader(in);
      String line;
      while ((line = reader.next()) != null) {
        state.line(line, reader.lineOffset());
      }
    }
    state.finish(source.size());
  }

  /** Where the reader is in the file and what it has collected. */
  private final class State {
    private final ScanContext context;
    private String section = "header";
    private int maxFeatureIdx = -1;
    private Map<String, String> tree = new HashMap<>();
    private long treeOffset = -1;
    private String treeName = "";
    private int trees;
    private boolean endOfTrees;
    private int structureFindings;
    private int pathFindings;

    State(ScanContext context) {
      this.context = context;
    }

    void line(String line, long offset) throws IOException {
      context.checkDeadline();
      if (line.startsWith("Tree=")) {
        closeTree();
        section = "tree";
        treeName = line;
        treeOffset = offset;
        trees++;
        return;
      }
      if (line.equals("end of trees")) {
        closeTree();
        section = "trailer";
        endOfTrees = true;
        return;
      }
      if (line.equals("parameters:")) {
        section = "parameters";
        return;
      }
      if (line.equals("end of parameters")) {
        section = "trailer";
        return;
      }
      switch (section) {
        case "header" -> header(line, offset);
        case "tree" -> {
          int eq = line.indexOf('=');
          if (eq > 0 && tree.size() < 64) {
            tree.put(line.substring(0, eq), line.substring(eq + 1));
          }
        }
        case "parameters" -> parameter(line, offset);
        default -> text.scan(line, context, context.at(offset));
      }
    }

    private void header(String line, long offset) throws MalformedFileException {
      if (line.startsWith("version=")) {
        context.addProperty("lightgbm.version", line.substring(8));
      } else if (line.startsWith("objective=")) {
        context.addProperty("lightgbm.objective", line.substring(10));
      } else if (line.startsWith("max_feature_idx=")) {
        maxFeatureIdx = parseInt(line.substring(16), offset, "max_feature_idx");
        if (maxFeatureIdx < 0) {
          throw new MalformedFileException("max_feature_idx is negative", offset);
        }
      }
      if (!line.startsWith("feature_infos=") && !line.startsWith("tree_sizes=")) {
        text.scan(line, context, context.at(offset, "header"));
      }
    }

    private void parameter(String line, long offset) {
      text.scan(line, context, context.at(offset, "parameters"));
      if (!line.startsWith("[") || !line.endsWith("]")) {
        return;
      }
      int colon = line.indexOf(": ");
      if (colon < 0) {
        return;
      }
      String key = line.substring(1, colon).strip();
      String value = line.substring(colon + 2, line.length() - 1).strip();
      if (value.isEmpty() || value.equals(DEFAULTS.get(key))) {
        return;
      }
      if (NETWORK_PARAMETERS.contains(key)) {
        context.report(
            "LGB-002",
            context.at(offset, "parameters " + key),
            "The parameter " + key + " configures distributed training with other hosts.",
            line);
      } else if (FILE_PARAMETERS.contains(key) && pathFindings++ < MAX_FINDINGS_PER_RULE) {
        Severity severity = pathSeverity(value);
        context.report(
            "LGB-001",
            severity,
            context.at(offset, "parameters " + key),
            "The parameter " + key + " names the file " + value + ".",
            line);
      }
    }

    private void closeTree() throws IOException {
      if (!section.equals("tree")) {
        return;
      }
      Map<String, String> t = tree;
      tree = new HashMap<>();
      String leaves = t.get("num_leaves");
      if (leaves == null) {
        throw new MalformedFileException(treeName + " has no num_leaves", treeOffset);
      }
      int n = parseInt(leaves, treeOffset, "num_leaves");
      if (n < 1 || n > 1 << 24) {
        throw new MalformedFileException(treeName + " has num_leaves=" + n, treeOffset);
      }
      if (n == 1) {
        expectLength(t, "leaf_value", 1);
        return;
      }
      int[] split = expectLength(t, "split_feature", n - 1);
      int[] left = expectLength(t, "left_child", n - 1);
      int[] right = expectLength(t, "right_child", n - 1);
      expectLength(t, "threshold", n - 1);
      expectLength(t, "leaf_value", n);
      for (int[] children : new int[][] {left, right}) {
        if (children == null) {
          continue;
        }
        for (int c : children) {
          if (c >= n - 1 || (c < 0 && ~c >= n)) {
            outOfBounds("a child index " + c + " points outside a tree of " + n + " leaves");
            break;
          }
        }
      }
      if (split != null && maxFeatureIdx >= 0) {
        for (int f : split) {
          if (f < 0 || f > maxFeatureIdx) {
            outOfBounds("split_feature " + f + " is beyond max_feature_idx=" + maxFeatureIdx);
            break;
          }
        }
      }
    }

    private int @org.jspecify.annotations.Nullable [] expectLength(
        Map<String, String> t, String key, int expected) throws MalformedFileException {
      String value = t.get(key);
      if (value == null) {
        inconsistent(key + " is missing");
        return null;
      }
      String[] parts = value.isBlank() ? new String[0] : value.strip().split(" ");
      if (parts.length != expected) {
        inconsistent(key + " has " + parts.length + " values, expected " + expected);
        return null;
      }
      if (key.equals("threshold") || key.equals("leaf_value")) {
        for (String p : parts) {
          try {
            double d = Double.parseDouble(p);
            if (Double.isNaN(d)) {
              inconsistent(key + " holds NaN");
              break;
            }
          } catch (NumberFormatException e) {
            inconsistent(key + " holds the non-number " + shorten(p));
            break;
          }
        }
        return null;
      }
      int[] ints = new int[parts.length];
      for (int i = 0; i < parts.length; i++) {
        ints[i] = parseInt(parts[i], treeOffset, key);
      }
      return ints;
    }

    /** An index outside its array: LightGBM reads out of bounds, so this is worse. */
    private void outOfBounds(String what) {
      report(Severity.HIGH, what + " (LightGBM would read out of bounds)");
    }

    private void inconsistent(String what) {
      report(Severity.MEDIUM, what);
    }

    private void report(Severity severity, String what) {
      if (structureFindings++ < MAX_FINDINGS_PER_RULE) {
        context.report(
            "LGB-003",
            severity,
            context.at(treeOffset, treeName),
            treeName + ": " + what + ".",
            treeName + " " + what);
      }
    }

    void finish(long size) throws MalformedFileException {
      if (section.equals("tree") || (!endOfTrees && trees > 0)) {
        throw new MalformedFileException("the model ends before 'end of trees'", size);
      }
      if (trees == 0) {
        throw new MalformedFileException("the model holds no Tree= block", size);
      }
      context.addProperty("lightgbm.trees", Integer.toString(trees));
    }
  }

  static Severity pathSeverity(String value) {
    String v = value.toLowerCase(Locale.ROOT);
    if (v.startsWith("/")
        || v.startsWith("\\")
        || v.contains("..")
        || v.contains("://")
        || v.startsWith("~")
        || (v.length() > 2 && v.charAt(1) == ':')) {
      return Severity.HIGH;
    }
    return v.contains("/") || v.contains("\\") ? Severity.MEDIUM : Severity.LOW;
  }

  static int parseInt(String s, long offset, String what) throws MalformedFileException {
    try {
      return Integer.parseInt(s.strip());
    } catch (NumberFormatException e) {
      throw new MalformedFileException(what + " is not an integer: " + shorten(s), offset, e);
    }
  }

  static String shorten(String s) {
    return s.length() > 40 ? s.substring(0, 40) + "…" : s;
  }
}
