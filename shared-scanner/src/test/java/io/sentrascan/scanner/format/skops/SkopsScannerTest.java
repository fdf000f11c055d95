package io.sentrascan.scanner.format.skops;

import static io.sentrascan.testing.FormatFixtures.scanFiles;
import static org.assertj.core.api.Assertions.assertThat;

import io.sentrascan.scanner.FileResult;
import io.sentrascan.scanner.Finding;
import io.sentrascan.scanner.Severity;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class SkopsScannerTest {
  static final Path FIXTURES = Path.of("src/test/resources/fixtures/skops");

  private static List<FileResult> scan(String name) throws IOException {
    return scanFiles(FIXTURES.resolve(name));
  }

  private static List<Finding> of(FileResult file, String ruleId) {
    return file.findings().stream().filter(f -> f.ruleId().equals(ruleId)).toList();
  }

  @Test
  void trustedTypesAreQuietAndListed() throws IOException {
    List<FileResult> files = scan("benign-logistic-regression.skops");
    FileResult top = files.get(0);
    assertThat(top.scanner()).isEqualTo("skops");
    assertThat(top.findings()).isEmpty();
    assertThat(top.properties().get("skops.type"))
        .contains("sklearn.linear_model._logistic.LogisticRegression", "numpy.ndarray");
    assertThat(files).extracting(FileResult::path).anyMatch(p -> p.endsWith("!/8f1c3a2e.npy"));
  }

  @Test
  void functionsThatRunCodeAreCritical() throws IOException {
    Finding eval = of(scan("malicious-builtins-eval.skops").get(0), "SKOPS-002").get(0);
    assertThat(eval.severity()).isEqualTo(Severity.CRITICAL);
    assertThat(eval.evidence()).isEqualTo("builtins.eval");
    assertThat(eval.location().context()).isEqualTo("schema.json $.content.content.scorer");
    Finding posix = of(scan("malicious-os-system-type.skops").get(0), "SKOPS-002").get(0);
    assertThat(posix.evidence()).isEqualTo("posix.system");
  }

  @Test
  void unknownTypesAreMedium() throws IOException {
    List<Finding> f = of(scan("suspicious-custom-transformer.skops").get(0), "SKOPS-001");
    assertThat(f).hasSize(1);
    assertThat(f.get(0).severity()).isEqualTo(Severity.MEDIUM);
    assertThat(f.get(0).evidence()).isEqualTo("mycompany.preprocessing.TextCleaner");
  }

  @Test
  void pickleMembersAreAnalysedAsNestedFiles() throws IOException {
    FileResult member =
        scan("malicious-pickle-member.skops").stream()
            .filter(f -> f.path().endsWith("!/extra.pkl"))
            .findFirst()
            .orElseThrow();
    assertThat(of(member, "PKL-001")).isNotEmpty();
  }

  @Test
  void theDenyListWinsOverTrustedModules() {
    assertThat(TypePolicy.defaults().classify("numpy", "load"))
        .isEqualTo(TypePolicy.Verdict.DENIED);
    assertThat(TypePolicy.defaults().classify("numpy", "ndarray"))
        .isEqualTo(TypePolicy.Verdict.TRUSTED);
    assertThat(TypePolicy.defaults().classify("subprocess", "Popen"))
        .isEqualTo(TypePolicy.Verdict.DENIED);
  }
}
