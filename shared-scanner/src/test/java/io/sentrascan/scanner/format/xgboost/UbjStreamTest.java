package io.sentrascan.scanner.format.xgboost;

import static org.assertj.core.api.Assertions.assertThat;

import io.sentrascan.scanner.FileResult;
import io.sentrascan.scanner.Finding;
import io.sentrascan.scanner.Policy;
import io.sentrascan.scanner.ScanEngine;
import io.sentrascan.scanner.Severity;
import io.sentrascan.scanner.Sources;
import io.sentrascan.scanner.Verdict;
import io.sentrascan.testing.CountingSource;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * UBJSON models streamed one tree at a time ({@link UbjTokens} feeding {@link JsonModelStream}):
 * large models written the way XGBoost writes them (sorted keys, {@code L}-length keys, typed and
 * counted {@code [$l#L} / {@code [$d#L} / {@code [$U#L} arrays), and hostile ones.
 */
class UbjStreamTest {

  /** Writes UBJSON as XGBoost's writer does. */
  private static final class Ubj {
    private final DataOutputStream out;

    Ubj(OutputStream out) {
      this.out = new DataOutputStream(out);
    }

    Ubj key(String k) throws IOException {
      byte[] b = k.getBytes(StandardCharsets.UTF_8);
      out.writeByte('L');
      out.writeLong(b.length);
      out.write(b);
      return this;
    }

    Ubj str(String v) throws IOException {
      out.writeByte('S');
      return key(v);
    }

    Ubj raw(String markers) throws IOException {
      out.write(markers.getBytes(StandardCharsets.ISO_8859_1));
      return this;
    }

    Ubj ints(int... v) throws IOException {
      raw("[$l#L");
      out.writeLong(v.length);
      for (int x : v) {
        out.writeInt(x);
      }
      return this;
    }

    Ubj bytes(int... v) throws IOException {
      raw("[$U#L");
      out.writeLong(v.length);
      for (int x : v) {
        out.writeByte(x);
      }
      return this;
    }

    Ubj floats(float... v) throws IOException {
      raw("[$d#L");
      out.writeLong(v.length);
      for (float x : v) {
        out.writeFloat(x);
      }
      return this;
    }

    void flush() throws IOException {
      out.flush();
    }
  }

  private static byte[] tree(int id, String badKey, int badValue) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    Ubj u = new Ubj(b);
    u.raw("{");
    u.key("base_weights").floats(0.1f, 0.2f, 0.3f, -0.4f, 0.5f, -0.6f, 0.7f);
    u.key("categories").ints();
    u.key("categories_nodes").ints();
    u.key("categories_segments").ints();
    u.key("categories_sizes").ints();
    u.key("default_left").bytes(1, 0, 0, 0, 0, 0, 0);
    u.key("id").raw("l").out.writeInt(id);
    u.key("left_children")
        .ints(1, badKey.equals("left_children") ? badValue : 3, 5, -1, -1, -1, -1);
    u.key("loss_changes").floats(4.5f, 1.25f, 0.5f, 0f, 0f, 0f, 0f);
    u.key("parent").ints(Integer.MAX_VALUE, 0, 0, 1, 1, 2, 2);
    u.key("right_children").ints(2, 4, 6, -1, -1, -1, -1);
    u.key("split_conditions").floats(0.5f, 1.5f, -2.25f, 0.1f, -0.1f, 0.2f, -0.2f);
    u.key("split_indices").ints(0, badKey.equals("split_indices") ? badValue : 2, 3, 0, 0, 0, 0);
    u.key("split_type").bytes(0, 0, 0, 0, 0, 0, 0);
    u.key("sum_hessian").floats(10f, 6f, 4f, 3f, 3f, 2f, 2f);
    u.key("tree_param").raw("{");
    u.key("num_deleted").str("0");
    u.key("num_feature").str("4");
    u.key("num_nodes").str("7");
    u.key("size_leaf_vector").str("1");
    u.raw("}}");
    u.flush();
    return b.toByteArray();
  }

  /**
   * Writes an XGBoost UBJSON model of at least {@code minBytes}, keys sorted as XGBoost writes them
   * (num_feature after the trees); tree {@code badTree} (if not -1) gets node 1's {@code badKey}
   * set to {@code badValue}. Returns the number of trees.
   */
  static int writeModel(Path file, long minBytes, int badTree, String badKey, int badValue)
      throws IOException {
    byte[] good = tree(0, "", 0);
    int trees = (int) (minBytes / good.length) + 1;
    try (OutputStream os = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
      Ubj u = new Ubj(os);
      u.raw("{").key("learner").raw("{");
      u.key("attributes").raw("{}");
      u.key("feature_names").raw("[]");
      u.key("feature_types").raw("[]");
      u.key("gradient_booster").raw("{").key("model").raw("{");
      u.key("gbtree_model_param").raw("{");
      u.key("num_parallel_tree").str("1");
      u.key("num_trees").str(Integer.toString(trees));
      u.raw("}");
      int[] indptr = new int[Math.min(trees + 1, 1024)];
      u.key("iteration_indptr").ints(indptr);
      u.key("tree_info").raw("[$l#L").out.writeLong(trees);
      for (int t = 0; t < trees; t++) {
        u.out.writeInt(0);
      }
      u.key("trees").raw("[");
      u.flush();
      for (int t = 0; t < trees; t++) {
        os.write(t == badTree ? tree(t, badKey, badValue) : tree(t, "", 0));
      }
      u.raw("]}");
      u.key("name").str("gbtree").raw("}");
      u.key("learner_model_param").raw("{");
      u.key("base_score").str("5E-1");
      u.key("num_class").str("0");
      u.key("num_feature").str("4");
      u.key("num_target").str("1");
      u.raw("}");
      u.key("metrics").raw("[{").key("name").str("logloss").raw("}]");
      u.key("objective").raw("{").key("name").str("binary:logistic").raw("}");
      u.raw("}");
      u.key("version").raw("[").raw("l").out.writeInt(2);
      u.raw("l").out.writeInt(0);
      u.raw("l").out.writeInt(3);
      u.raw("]}");
      u.flush();
    }
    return trees;
  }

  private static FileResult countedScan(Path file, CountingSource[] out) throws IOException {
    try (Sources.FileSource src = Sources.file(file, file.toString())) {
      CountingSource counted = new CountingSource(src);
      out[0] = counted;
      return ScanEngine.defaults().withDigests(List.of()).scanSource(counted).get(0);
    }
  }

  private static FileResult scanBytes(Path dir, byte[] bytes) throws IOException {
    Path file = dir.resolve("model.ubj");
    Files.write(file, bytes);
    return countedScan(file, new CountingSource[1]);
  }

  private static List<Finding> of(FileResult file, String ruleId) {
    return file.findings().stream().filter(f -> f.ruleId().equals(ruleId)).toList();
  }

  @Test
  void aFortyMebibyteUbjModelIsFullyCheckedInOneStreamedPass(@TempDir Path dir) throws IOException {
    Path model = dir.resolve("xgboost-model.ubj");
    int trees = writeModel(model, 40L << 20, -1, "", 0);
    long size = Files.size(model);
    assertThat(size).isGreaterThan(40L << 20);
    CountingSource[] counted = new CountingSource[1];
    FileResult file = countedScan(model, counted);
    assertThat(file.scanner()).isEqualTo("xgboost");
    assertThat(file.format()).isEqualTo("xgboost-ubj");
    assertThat(file.errors()).isEmpty();
    assertThat(file.findings()).isEmpty();
    assertThat(Policy.defaults().verdict(List.of(file))).isEqualTo(Verdict.PASS);
    assertThat(file.properties().get("xgboost.trees")).containsExactly(Integer.toString(trees));
    assertThat(file.properties().get("xgboost.objective")).containsExactly("binary:logistic");
    assertThat(file.properties().get("xgboost.version")).containsExactly("[2,0,3]");
    // Every tree was read once: the whole file and the detection probes, not a second pass.
    assertThat(counted[0].read()).isBetween(size, size + (1 << 20));
  }

  @Test
  void aFeatureBeyondNumFeatureDeepInALargeUbjModelIsFound(@TempDir Path dir) throws IOException {
    Path model = dir.resolve("xgboost-model.ubj");
    int trees = writeModel(model, 30L << 20, 20_000, "split_indices", 4_000_000);
    assertThat(trees).isGreaterThan(20_000);
    FileResult file = countedScan(model, new CountingSource[1]);
    assertThat(file.errors()).isEmpty();
    assertThat(of(file, "XGB-003"))
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.severity()).isEqualTo(Severity.HIGH);
              assertThat(f.location().context()).isEqualTo("trees[20000].node[1]");
              assertThat(f.description()).contains("node 1 splits on feature 4000000 of 4");
            });
    assertThat(Policy.defaults().verdict(List.of(file))).isNotEqualTo(Verdict.PASS);
  }

  @Test
  void aChildOutsideItsTreeDeepInALargeUbjModelIsFound(@TempDir Path dir) throws IOException {
    Path model = dir.resolve("xgboost-model.ubj");
    writeModel(model, 30L << 20, 22_000, "left_children", 7);
    FileResult file = countedScan(model, new CountingSource[1]);
    assertThat(file.errors()).isEmpty();
    assertThat(of(file, "XGB-003"))
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.severity()).isEqualTo(Severity.HIGH);
              assertThat(f.location().context()).isEqualTo("trees[22000].node[1]");
              assertThat(f.description())
                  .contains("node 1 has children 7/4 outside a tree of 7 nodes");
            });
  }

  @Test
  void aTruncatedLargeUbjModelIsMalformed(@TempDir Path dir) throws IOException {
    Path model = dir.resolve("xgboost-model.ubj");
    writeModel(model, 4L << 20, -1, "", 0);
    byte[] whole = Files.readAllBytes(model);
    // Cut in the middle of a tree's typed array.
    byte[] cut = java.util.Arrays.copyOf(whole, whole.length / 2 + 3);
    FileResult file = scanBytes(dir, cut);
    assertThat(file.format()).isEqualTo("xgboost-ubj");
    assertThat(of(file, "CORE-001")).hasSize(1);
    assertThat(Policy.defaults().verdict(List.of(file))).isNotEqualTo(Verdict.PASS);
  }

  private static byte[] head(String tail) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    new Ubj(b).raw("{").key("learner").raw("{").key("gradient_booster").raw(tail).flush();
    return b.toByteArray();
  }

  @Test
  void hugeDeclaredCountsAndLengthsAreMalformedNotAllocated(@TempDir Path dir) throws IOException {
    byte[] prefix = head("");
    for (byte[] tail :
        new byte[][] {
          // a typed float array claiming 2^62 elements
          bytes("[$d#L", 0x3f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff),
          // a typed null array claiming 2^40 elements (no payload per element)
          bytes("[$Z#L", 0, 0, 1, 0, 0, 0, 0, 0),
          // an object claiming 2^31-1 entries
          bytes("{#l", 0x7f, 0xff, 0xff, 0xff),
          // a negative count
          bytes("[#i", 0xff),
          // a string claiming 2^40 bytes
          bytes("SL", 0, 0, 1, 0, 0, 0, 0, 0),
          // a key claiming 2^62 bytes
          bytes("{L", 0x3f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff),
          // a typed container without a count, and one of an unknown type
          bytes("[$d]"),
          bytes("[$x#i", 1, 0),
          // an unknown marker
          bytes("?")
        }) {
      byte[] doc = java.util.Arrays.copyOf(prefix, prefix.length + tail.length + 64);
      System.arraycopy(tail, 0, doc, prefix.length, tail.length);
      FileResult file = scanBytes(dir, doc);
      assertThat(file.format()).isEqualTo("xgboost-ubj");
      assertThat(of(file, "CORE-001"))
          .as("tail %s", new String(tail, StandardCharsets.ISO_8859_1))
          .hasSize(1);
    }
  }

  private static byte[] bytes(String markers, int... more) {
    byte[] m = markers.getBytes(StandardCharsets.ISO_8859_1);
    byte[] b = java.util.Arrays.copyOf(m, m.length + more.length);
    for (int i = 0; i < more.length; i++) {
      b[m.length + i] = (byte) more[i];
    }
    return b;
  }

  @Test
  void deepNestingIsMalformedNotAStackOverflow(@TempDir Path dir) throws IOException {
    byte[] prefix = head("");
    int deep = 100_000;
    byte[] doc = java.util.Arrays.copyOf(prefix, prefix.length + 2 * deep);
    java.util.Arrays.fill(doc, prefix.length, prefix.length + deep, (byte) '[');
    java.util.Arrays.fill(doc, prefix.length + deep, doc.length, (byte) ']');
    FileResult file = scanBytes(dir, doc);
    assertThat(of(file, "CORE-001"))
        .singleElement()
        .satisfies(f -> assertThat(f.description() + f.evidence()).contains("nest deeper"));
  }

  @Test
  void aTreeAboveTheNodeLimitIsAnError(@TempDir Path dir) throws IOException {
    int n = JsonModelStream.MAX_TREE_NODES + 1;
    Path model = dir.resolve("xgboost-model.ubj");
    try (OutputStream os = new BufferedOutputStream(Files.newOutputStream(model), 1 << 16)) {
      Ubj u = new Ubj(os);
      u.raw("{").key("learner").raw("{").key("gradient_booster").raw("{");
      u.key("model").raw("{").key("trees").raw("[{");
      byte[] zeros = new byte[n];
      for (String k :
          new String[] {
            "default_left",
            "left_children",
            "loss_changes",
            "parent",
            "right_children",
            "split_conditions",
            "split_indices",
            "sum_hessian"
          }) {
        u.key(k).raw("[$i#l").out.writeInt(n);
        u.flush();
        os.write(zeros);
      }
      u.key("tree_param").raw("{").key("num_nodes").str(Integer.toString(n)).raw("}");
      u.raw("}]}").key("name").str("gbtree").raw("}");
      u.key("objective").raw("{").key("name").str("reg:squarederror").raw("}}}");
      u.flush();
    }
    FileResult file = countedScan(model, new CountingSource[1]);
    assertThat(file.errors()).singleElement().asString().contains("more than");
    assertThat(Policy.defaults().verdict(List.of(file))).isEqualTo(Verdict.ERROR);
  }
}
