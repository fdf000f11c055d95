package io.sentrascan.scanner.format.pmml;

import static org.assertj.core.api.Assertions.assertThat;

import io.sentrascan.scanner.FileResult;
import io.sentrascan.scanner.Finding;
import io.sentrascan.scanner.Policy;
import io.sentrascan.scanner.ScanEngine;
import io.sentrascan.scanner.Severity;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PmmlScannerTest {
  static final Path FIXTURES = Path.of("src/test/resources/fixtures/pmml");

  private static FileResult scan(Path file) throws IOException {
    return ScanEngine.defaults().scan(List.of(file), Policy.defaults(), p -> {}).files().get(0);
  }

  private static List<Finding> of(FileResult file, String ruleId) {
    return file.findings().stream().filter(f -> f.ruleId().equals(ruleId)).toList();
  }

  @Test
  void cleanModelsRecordVersionAndNamespace() throws IOException {
    FileResult file = scan(FIXTURES.resolve("benign-transformations.xml"));
    assertThat(file.scanner()).isEqualTo("pmml");
    assertThat(file.findings()).isEmpty();
    assertThat(file.properties().get("pmml.version")).containsExactly("4.4");
    assertThat(file.properties().get("pmml.namespace"))
        .containsExactly("http://www.dmg.org/PMML-4_4");
  }

  @Test
  void externalEntitiesAreReportedAndNeverResolved(@TempDir Path dir) throws IOException {
    Path secret = dir.resolve("secret.txt");
    Files.writeString(secret, "CANARY-7f3e9a");
    String doc =
        "<?xml version=\"1.0\"?>\n<!DOCTYPE PMML [<!ENTITY xxe SYSTEM \""
            + secret.toUri()
            + "\">]>\n<PMML xmlns=\"http://www.dmg.org/PMML-4_4\" version=\"4.4\"><Header>"
            + "<Extension name=\"leak\" value=\"x\">&xxe;</Extension></Header></PMML>\n";
    Path file = dir.resolve("xxe.pmml");
    Files.writeString(file, doc, StandardCharsets.UTF_8);
    FileResult result = scan(file);
    List<Finding> xxe = of(result, "PMML-001");
    assertThat(xxe).isNotEmpty();
    assertThat(xxe).allSatisfy(f -> assertThat(f.severity()).isEqualTo(Severity.HIGH));
    assertThat(xxe).anySatisfy(f -> assertThat(f.evidence()).contains("xxe", "secret.txt"));
    assertThat(result.findings().toString()).doesNotContain("CANARY-7f3e9a");
    assertThat(result.properties().toString()).doesNotContain("CANARY-7f3e9a");
  }

  @Test
  void scriptsInExtensionsAreHighWithTheirExtender() throws IOException {
    Finding f = of(scan(FIXTURES.resolve("malicious-extension-script.pmml")), "PMML-002").get(0);
    assertThat(f.severity()).isEqualTo(Severity.HIGH);
    assertThat(f.description()).contains("extender=\"evil\"", "name=\"preprocess\"");
    assertThat(f.location().context()).contains("/PMML/Header/Extension");
    Finding meta = of(scan(FIXTURES.resolve("benign-extension-metadata.pmml")), "PMML-002").get(0);
    assertThat(meta.severity()).isEqualTo(Severity.LOW);
  }

  @Test
  void applyOfAQualifiedNameIsHighAndDefinedFunctionsAreQuiet() throws IOException {
    List<Finding> calls = of(scan(FIXTURES.resolve("malicious-apply-java-class.pmml")), "PMML-003");
    assertThat(calls).hasSize(1);
    assertThat(calls.get(0).severity()).isEqualTo(Severity.HIGH);
    assertThat(calls.get(0).evidence()).contains("java.lang.Runtime.exec");
  }

  @Test
  void xincludeIsReportedAndDeepNestingIsMalformed() throws IOException {
    assertThat(of(scan(FIXTURES.resolve("malicious-xinclude.pmml")), "PMML-004")).hasSize(1);
    assertThat(of(scan(FIXTURES.resolve("malformed-deep-nesting.pmml")), "CORE-001")).hasSize(1);
  }
}
