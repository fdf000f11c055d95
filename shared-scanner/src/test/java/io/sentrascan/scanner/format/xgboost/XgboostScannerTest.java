package io.sentrascan.scanner.format.xgboost;

import static io.sentrascan.testing.FormatFixtures.scanFile;
import static org.assertj.core.api.Assertions.assertThat;

import io.sentrascan.scanner.FileResult;
import io.sentrascan.scanner.Finding;
import io.sentrascan.scanner.Policy;
import io.sentrascan.scanner.ScanEngine;
import io.sentrascan.scanner.Severity;
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
  void paddingAModelPastTheTreeLimitDoesNotHideItsObjective(@TempDir Path dir) throws IOException {
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
    assertThat(file.errors()).anySatisfy(e -> assertThat(e).contains("trees were not checked"));
    assertThat(of(file, "XGB-002")).extracting(Finding::evidence).containsExactly("os.system");
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
