package io.sentrascan.scanner.format.xgboost;

import static io.sentrascan.testing.FormatFixtures.scanFile;
import static org.assertj.core.api.Assertions.assertThat;

import io.sentrascan.scanner.FileResult;
import io.sentrascan.scanner.Finding;
import io.sentrascan.scanner.Policy;
import io.sentrascan.scanner.ScanEngine;
import io.sentrascan.scanner.Severity;
import io.sentrascan.scanner.Sources;
import io.sentrascan.scanner.Verdict;
import io.sentrascan.testing.CountingSource;
import io.sentrascan.testing.FormatFixtures;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class XgboostScannerTest {
  static final Path FIXTURES = Path.of("src/test/resources/fixtures/xgboost");

  private static FileResult scan(String name) throws IOException {
    return scanFile(FIXTURES.resolve(name));
  }

  private static List<Finding> of(FileResult file, String ruleId) {
    return file.findings().stream().filter(f -> f.ruleId().equals(ruleId)).toList();
  }

  @Test
  void jsonAndUbjsonOfTheSameModelAreCleanAndAgree() throws IOException {
    FileResult json = scan("benign-binary-logistic.json");
    FileResult ubj = scan("benign-binary-logistic.ubj");
    assertThat(json.scanner()).isEqualTo("xgboost");
    assertThat(json.format()).isEqualTo("xgboost-json");
    assertThat(ubj.format()).isEqualTo("xgboost-ubj");
    assertThat(json.findings()).isEmpty();
    assertThat(ubj.findings()).isEmpty();
    assertThat(ubj.properties().get("xgboost.objective")).containsExactly("binary:logistic");
    assertThat(ubj.properties().get("xgboost.trees"))
        .isEqualTo(json.properties().get("xgboost.trees"))
        .containsExactly("2");
  }

  @Test
  void objectivesNamingPythonAreHighAndUnknownOnesMedium() throws IOException {
    Finding py = of(scan("malicious-python-objective.ubj"), "XGB-002").get(0);
    assertThat(py.severity()).isEqualTo(Severity.HIGH);
    assertThat(py.evidence()).isEqualTo("os.system");
    assertThat(py.location().context()).isEqualTo("learner.objective.name");
    FileResult unknown = scan("suspicious-unknown-objective.json");
    assertThat(of(unknown, "XGB-001").get(0).severity()).isEqualTo(Severity.MEDIUM);
    assertThat(of(unknown, "XGB-003").get(0).description()).contains("num_trees says 5");
  }

  @Test
  void treeIndicesOutsideTheirBoundsAreHigh() throws IOException {
    Finding child = of(scan("malicious-tree-out-of-bounds.ubj"), "XGB-003").get(0);
    assertThat(child.severity()).isEqualTo(Severity.HIGH);
    assertThat(child.location().context()).isEqualTo("trees[0].node[2]");
    Finding feature = of(scan("malicious-feature-index.json"), "XGB-003").get(0);
    assertThat(feature.description()).contains("feature 4000000 of 4");
  }

  @Test
  void lyingUbjsonCountsAreMalformedNotAllocated() throws IOException {
    assertThat(of(scan("malformed-lying-count.ubj"), "CORE-001")).hasSize(1);
    assertThat(of(scan("malformed-truncated.ubj"), "CORE-001")).hasSize(1);
  }

  @Test
  void aPaddedModelIsStreamedWholeAndItsObjectiveFound(@TempDir Path dir) throws IOException {
    Path big = dir.resolve("big.json");
    try (Writer w = Files.newBufferedWriter(big, StandardCharsets.UTF_8)) {
      w.write("{\"learner\": {\"attributes\": {");
      String pad = "x".repeat(14 << 20);
      for (int i = 0; i < 5; i++) {
        w.write((i == 0 ? "" : ",") + "\"pad" + i + "\": \"" + pad + "\"");
      }
      w.write("}, \"objective\": {\"name\": \"os.system\"}}, \"version\": [2, 0, 3]}");
    }
    FileResult file =
        ScanEngine.defaults().scan(List.of(big), Policy.defaults(), p -> {}).files().get(0);
    assertThat(file.errors()).isEmpty();
    assertThat(of(file, "XGB-002")).extracting(Finding::evidence).containsExactly("os.system");
    assertThat(of(file, "XGB-003"))
        .extracting(Finding::description)
        .containsExactly("The model is inconsistent: the booster has no trees.");
    assertThat(file.properties().get("xgboost.version")).containsExactly("[2,0,3]");
  }

  /**
   * Writes an XGBoost JSON model of at least {@code minBytes} in XGBoost's own key order (sorted:
   * the trees come before learner_model_param.num_feature, each tree's arrays before its
   * tree_param), 4 features, 7-node trees; tree {@code badTree} (if not -1) gets {@code badNode}'s
   * split feature or left child replaced.
   */
  private static final String PREFIX =
      "{\"learner\": {\"attributes\": {}, \"feature_names\": [], \"gradient_booster\":"
          + " {\"model\": {\"gbtree_model_param\": {\"num_parallel_tree\": \"1\","
          + " \"num_trees\": \"NUMTREES\"}, \"trees\": [";

  static long writeModel(Path file, long minBytes, int badTree, String badKey, int badValue)
      throws IOException {
    int trees = 0;
    try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      w.write(PREFIX);
      int count = (int) (minBytes / tree(0, "", 0).length()) + 1;
      for (int t = 0; t < count; t++) {
        w.write(t == 0 ? "" : ", ");
        w.write(t == badTree ? tree(t, badKey, badValue) : tree(t, "", 0));
        trees++;
      }
      w.write(
          "]}, \"name\": \"gbtree\"}, \"learner_model_param\": {\"base_score\": \"5E-1\","
              + " \"num_class\": \"0\", \"num_feature\": \"4\"}, \"metrics\":"
              + " [{\"name\": \"logloss\"}], \"objective\": {\"name\": \"binary:logistic\"}},"
              + " \"version\": [2, 0, 3]}");
    }
    // Fix up the declared count in place (same width: the placeholder is padded to 8 digits).
    try (var ch =
        java.nio.channels.FileChannel.open(file, java.nio.file.StandardOpenOption.WRITE)) {
      ch.write(
          java.nio.ByteBuffer.wrap(String.format("%8d", trees).getBytes(StandardCharsets.US_ASCII)),
          PREFIX.indexOf("NUMTREES"));
    }
    return trees;
  }

  private static String tree(int id, String badKey, int badValue) {
    String left =
        badKey.equals("left_children")
            ? "[1, " + badValue + ", 5, -1, -1, -1, -1]"
            : "[1, 3, 5, -1, -1, -1, -1]";
    String split =
        badKey.equals("split_indices")
            ? "[0, " + badValue + ", 3, 0, 0, 0, 0]"
            : "[0, 2, 3, 0, 0, 0, 0]";
    return "{\"base_weights\": [0.1, 0.2, 0.3, -0.4, 0.5, -0.6, 0.7], \"default_left\": [1, 0, 0, 0, 0, 0, 0],"
        + " \"id\": "
        + id
        + ", \"left_children\": "
        + left
        + ","
        + " \"loss_changes\": [4.5, 1.25, 0.5, 0.0, 0.0, 0.0, 0.0],"
        + " \"parent\": [2147483647, 0, 0, 1, 1, 2, 2], \"right_children\": [2, 4, 6, -1, -1, -1, -1],"
        + " \"split_conditions\": [0.5, 1.5, -2.25, 0.1, -0.1, 0.2, -0.2],"
        + " \"split_indices\": "
        + split
        + ", \"split_type\": [0, 0, 0, 0, 0, 0, 0],"
        + " \"sum_hessian\": [10.0, 6.0, 4.0, 3.0, 3.0, 2.0, 2.0],"
        + " \"tree_param\": {\"num_deleted\": \"0\", \"num_feature\": \"4\", \"num_nodes\": \"7\","
        + " \"size_leaf_vector\": \"1\"}}";
  }

  private static FileResult countedScan(Path file, CountingSource[] out) throws IOException {
    try (Sources.FileSource src = Sources.file(file, file.toString())) {
      CountingSource counted = new CountingSource(src);
      out[0] = counted;
      return ScanEngine.defaults().withDigests(List.of()).scanSource(counted).get(0);
    }
  }

  @Test
  void aFortyMebibyteModelIsFullyCheckedInOneStreamedPass(@TempDir Path dir) throws IOException {
    Path model = dir.resolve("xgboost-model.json");
    long trees = writeModel(model, 40L << 20, -1, "", 0);
    long size = Files.size(model);
    assertThat(size).isGreaterThan(40L << 20);
    CountingSource[] counted = new CountingSource[1];
    FileResult file = countedScan(model, counted);
    assertThat(file.scanner()).isEqualTo("xgboost");
    assertThat(file.format()).isEqualTo("xgboost-json");
    assertThat(file.errors()).isEmpty();
    assertThat(file.findings()).isEmpty();
    assertThat(Policy.defaults().verdict(List.of(file))).isEqualTo(Verdict.PASS);
    assertThat(file.properties().get("xgboost.trees")).containsExactly(Long.toString(trees));
    assertThat(file.properties().get("xgboost.objective")).containsExactly("binary:logistic");
    // Every tree was read once: the whole file and the detection probes, not a second pass.
    assertThat(counted[0].read()).isBetween(size, size + (1 << 20));
  }

  @Test
  void aFeatureBeyondNumFeatureDeepInALargeModelIsFound(@TempDir Path dir) throws IOException {
    Path model = dir.resolve("xgboost-model.json");
    long trees = writeModel(model, 30L << 20, 50_000, "split_indices", 4_000_000);
    assertThat(trees).isGreaterThan(50_000);
    CountingSource[] counted = new CountingSource[1];
    FileResult file = countedScan(model, counted);
    assertThat(file.errors()).isEmpty();
    assertThat(of(file, "XGB-003"))
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.severity()).isEqualTo(Severity.HIGH);
              assertThat(f.location().context()).isEqualTo("trees[50000].node[1]");
              assertThat(f.description()).contains("node 1 splits on feature 4000000 of 4");
            });
    // num_feature comes after the trees: the bound is applied in a second pass, only now.
    assertThat(counted[0].read()).isGreaterThan(2 * Files.size(model));
  }

  @Test
  void aChildOutsideItsTreeDeepInALargeModelIsFoundInOnePass(@TempDir Path dir) throws IOException {
    Path model = dir.resolve("xgboost-model.json");
    writeModel(model, 30L << 20, 52_000, "left_children", 7);
    CountingSource[] counted = new CountingSource[1];
    FileResult file = countedScan(model, counted);
    assertThat(file.errors()).isEmpty();
    Finding child = of(file, "XGB-003").get(0);
    assertThat(of(file, "XGB-003")).hasSize(1);
    assertThat(child.severity()).isEqualTo(Severity.HIGH);
    assertThat(child.location().context()).isEqualTo("trees[52000].node[1]");
    assertThat(child.description()).contains("node 1 has children 7/4 outside a tree of 7 nodes");
    assertThat(counted[0].read()).isLessThan(Files.size(model) + (1 << 20));
  }

  private static String smallModel(String booster, boolean numFeatureFirst, String splits) {
    String param = "\"learner_model_param\": {\"num_feature\": \"4\"}";
    String tree =
        "{\"left_children\": [1, -1, -1], \"right_children\": [2, -1, -1],"
            + " \"parent\": [2147483647, 0, 0], \"split_indices\": "
            + splits
            + ", \"split_conditions\": [0.5, 0.1, -0.1], \"default_left\": [0, 0, 0],"
            + " \"loss_changes\": [1.0, 0.0, 0.0], \"sum_hessian\": [2.0, 1.0, 1.0],"
            + " \"tree_param\": {\"num_nodes\": \"3\"}}";
    String model = "{\"gbtree_model_param\": {\"num_trees\": \"1\"}, \"trees\": [" + tree + "]}";
    String gb =
        booster.equals("dart")
            ? "{\"gbtree\": {\"model\": " + model + ", \"name\": \"gbtree\"}, \"name\": \"dart\"}"
            : "{\"model\": " + model + ", \"name\": \"gbtree\"}";
    return "{\"learner\": {"
        + (numFeatureFirst ? param + ", " : "")
        + "\"gradient_booster\": "
        + gb
        + (numFeatureFirst ? "" : ", " + param)
        + ", \"objective\": {\"name\": \"reg:squarederror\"}}, \"version\": [2, 1, 0]}";
  }

  @Test
  void theFeatureBoundHoldsWhicheverSideOfTheTreesNumFeatureIs() {
    for (boolean first : new boolean[] {true, false}) {
      FileResult bad =
          FormatFixtures.scanText(smallModel("gbtree", first, "[9, 0, 0]"), "model.json");
      assertThat(of(bad, "XGB-003"))
          .as("num_feature first: %s", first)
          .extracting(Finding::description)
          .containsExactly("The model is inconsistent: node 0 splits on feature 9 of 4.");
      FileResult good =
          FormatFixtures.scanText(smallModel("gbtree", first, "[3, 0, 0]"), "model.json");
      assertThat(good.findings()).isEmpty();
      assertThat(good.errors()).isEmpty();
    }
  }

  @Test
  void dartModelsAreCheckedUnderTheirGbtree() {
    FileResult dart = FormatFixtures.scanText(smallModel("dart", false, "[3, 0, 0]"), "m.json");
    assertThat(dart.findings()).isEmpty();
    assertThat(dart.properties().get("xgboost.booster")).containsExactly("dart");
    assertThat(dart.properties().get("xgboost.trees")).containsExactly("1");
    FileResult bad = FormatFixtures.scanText(smallModel("dart", false, "[-2, 0, 0]"), "m.json");
    assertThat(of(bad, "XGB-003")).extracting(Finding::severity).containsExactly(Severity.HIGH);
  }

  @Test
  void legacyBinaryHeadersAreChecked() throws IOException {
    FileResult legacy = scan("benign-legacy-binary.model");
    assertThat(legacy.format()).isEqualTo("xgboost-binary");
    assertThat(of(legacy, "XGB-004").get(0).severity()).isEqualTo(Severity.LOW);
    assertThat(legacy.properties().get("xgboost.booster")).containsExactly("gbtree");
    assertThat(of(scan("malformed-legacy-header.model"), "CORE-001")).hasSize(1);
  }
}
