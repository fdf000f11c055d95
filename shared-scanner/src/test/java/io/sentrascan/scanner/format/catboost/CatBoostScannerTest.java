package io.sentrascan.scanner.format.catboost;

import static io.sentrascan.testing.FormatFixtures.scanFile;
import static org.assertj.core.api.Assertions.assertThat;

import io.sentrascan.scanner.FileResult;
import io.sentrascan.scanner.Finding;
import io.sentrascan.scanner.Severity;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class CatBoostScannerTest {
  static final Path FIXTURES = Path.of("src/test/resources/fixtures/catboost");

  private static FileResult scan(String name) throws IOException {
    return scanFile(FIXTURES.resolve(name));
  }

  private static List<Finding> of(FileResult file, String ruleId) {
    return file.findings().stream().filter(f -> f.ruleId().equals(ruleId)).toList();
  }

  @Test
  void aPlainModelIsCleanAndListsItsInfoKeys() throws IOException {
    FileResult file = scan("benign-classifier.cbm");
    assertThat(file.scanner()).isEqualTo("catboost");
    assertThat(file.findings()).isEmpty();
    assertThat(file.properties().get("catboost.format_version"))
        .containsExactly("FlabuffersModel_v1");
    assertThat(file.properties().get("catboost.info")).contains("params", "model_guid");
  }

  @Test
  void userDefinedLossesAreMediumAndCodeIsHigh() throws IOException {
    Finding custom = of(scan("suspicious-user-defined-loss.cbm"), "CB-001").get(0);
    assertThat(custom.severity()).isEqualTo(Severity.MEDIUM);
    assertThat(custom.description()).contains("PythonUserDefinedPerObject");
    assertThat(custom.location().context()).isEqualTo("info params");
    Finding code = of(scan("malicious-code-in-info.cbm"), "CB-001").get(0);
    assertThat(code.severity()).isEqualTo(Severity.HIGH);
    assertThat(code.evidence()).contains("os.system");
  }

  @Test
  void lyingLengthsAndOffsetsAreMalformed() throws IOException {
    assertThat(of(scan("malformed-core-size.cbm"), "CORE-001").get(0).description())
        .contains("1073741824");
    assertThat(of(scan("malformed-root-offset.cbm"), "CORE-001")).hasSize(1);
    assertThat(of(scan("malformed-truncated.cbm"), "CORE-001")).hasSize(1);
  }
}
