package io.sentrascan.scanner.format.lightgbm;

import static io.sentrascan.testing.FormatFixtures.rule;
import static io.sentrascan.testing.FormatFixtures.scanFile;
import static org.assertj.core.api.Assertions.assertThat;

import io.sentrascan.scanner.FileResult;
import io.sentrascan.scanner.Finding;
import io.sentrascan.scanner.Severity;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class LightGbmScannerTest {
  static final Path FIXTURES = Path.of("src/test/resources/fixtures/lightgbm");

  private static FileResult scan(String name) throws IOException {
    return scanFile(FIXTURES.resolve(name));
  }

  @Test
  void defaultParametersAreQuiet() throws IOException {
    FileResult file = scan("benign-binary.txt");
    assertThat(file.scanner()).isEqualTo("lightgbm");
    assertThat(file.findings()).isEmpty();
    assertThat(file.properties().get("lightgbm.trees")).containsExactly("2");
  }

  @Test
  void absoluteAndClimbingPathsAreHigh() throws IOException {
    List<Finding> paths = rule(scan("malicious-output-model-path.txt"), "LGB-001");
    assertThat(paths).hasSize(2);
    assertThat(paths).allSatisfy(f -> assertThat(f.severity()).isEqualTo(Severity.HIGH));
    assertThat(paths.get(0).location().context()).isEqualTo("parameters output_model");
    assertThat(LightGbmScanner.pathSeverity("model.txt")).isEqualTo(Severity.LOW);
    assertThat(LightGbmScanner.pathSeverity("out/model.txt")).isEqualTo(Severity.MEDIUM);
  }

  @Test
  void networkTrainingIsHigh() throws IOException {
    Finding f = rule(scan("malicious-machines.txt"), "LGB-002").get(0);
    assertThat(f.severity()).isEqualTo(Severity.HIGH);
    assertThat(f.evidence()).contains("attacker.example.com");
  }

  @Test
  void treeArraysAreCheckedAgainstTheHeader() throws IOException {
    List<Finding> f = rule(scan("malformed-tree-arrays.txt"), "LGB-003");
    assertThat(f)
        .extracting(Finding::description)
        .anySatisfy(d -> assertThat(d).contains("split_feature 7", "max_feature_idx=3"))
        .anySatisfy(d -> assertThat(d).contains("child index 5"));
    assertThat(f.get(0).location().context()).isEqualTo("Tree=0");
  }
}
