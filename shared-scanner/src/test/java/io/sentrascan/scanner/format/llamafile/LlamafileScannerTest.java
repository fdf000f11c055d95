package io.sentrascan.scanner.format.llamafile;

import static io.sentrascan.testing.FormatFixtures.scanFiles;
import static org.assertj.core.api.Assertions.assertThat;

import io.sentrascan.scanner.FileResult;
import io.sentrascan.scanner.Finding;
import io.sentrascan.scanner.Severity;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class LlamafileScannerTest {
  static final Path FIXTURES = Path.of("src/test/resources/fixtures/llamafile");

  private static List<FileResult> scan(String name) throws IOException {
    return scanFiles(FIXTURES.resolve(name));
  }

  @Test
  void executableIsReportedAndTheGgufScannedAsGguf() throws IOException {
    List<FileResult> files = scan("malicious-executable.llamafile");
    FileResult top = files.get(0);
    assertThat(top.scanner()).isEqualTo("llamafile");
    assertThat(top.findings()).extracting(Finding::ruleId).containsExactly("LLAMAFILE-001");
    assertThat(top.findings().get(0).severity()).isEqualTo(Severity.HIGH);
    assertThat(top.findings().get(0).evidence()).isEqualTo("MZqFpD='");
    assertThat(top.properties().get("llamafile.args")).contains("-m", "model.gguf", "4096");
    assertThat(files)
        .anySatisfy(
            f -> {
              assertThat(f.path()).endsWith("!/model.gguf");
              assertThat(f.scanner()).isEqualTo("gguf");
              assertThat(f.findings()).isEmpty();
            });
  }

  @Test
  void templateInjectionInTheEmbeddedGgufIsFound() throws IOException {
    assertThat(scan("malicious-ssti-template.llamafile"))
        .anySatisfy(f -> assertThat(f.findings()).extracting(Finding::ruleId).contains("TPL-001"));
  }

  @Test
  void listeningOnAllInterfacesIsReported() throws IOException {
    Finding args =
        scan("malicious-args-listen-all.llamafile").get(0).findings().stream()
            .filter(f -> f.ruleId().equals("LLAMAFILE-002"))
            .findFirst()
            .orElseThrow();
    assertThat(args.severity()).isEqualTo(Severity.MEDIUM);
    assertThat(args.evidence()).isEqualTo("--host 0.0.0.0");
    assertThat(args.location().context()).isEqualTo(".args");
  }
}
