package io.sentrascan.scanner.format.rds;

import static io.sentrascan.testing.FormatFixtures.scanFiles;
import static org.assertj.core.api.Assertions.assertThat;

import io.sentrascan.scanner.FileResult;
import io.sentrascan.scanner.Finding;
import io.sentrascan.scanner.ScanEngine;
import io.sentrascan.scanner.Severity;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class RdsScannerTest {
  static final Path FIXTURES = Path.of("src/test/resources/fixtures/rds");

  private static List<FileResult> scan(String name) throws IOException {
    return scanFiles(FIXTURES.resolve(name));
  }

  private static FileResult rFile(List<FileResult> files) {
    return files.stream()
        .filter(f -> "r-serialization".equals(f.scanner()))
        .findFirst()
        .orElseThrow();
  }

  private static Finding first(FileResult file, String ruleId) {
    return file.findings().stream()
        .filter(f -> f.ruleId().equals(ruleId))
        .findFirst()
        .orElseThrow(() -> new AssertionError(file.findings().toString()));
  }

  @Test
  void dataFramesAndFormulasPass() throws IOException {
    FileResult frame = rFile(scan("benign-data-frame.rds"));
    assertThat(frame.format()).isEqualTo("rds");
    assertThat(frame.findings()).isEmpty();
    assertThat(frame.properties().get("r.encoding")).containsExactly("UTF-8");
    // xz-compressed, with a formula (a call object) that is data, not code to fear.
    assertThat(rFile(scan("benign-lm-formula.rds")).findings()).isEmpty();
  }

  @Test
  void closureCallingSystemIsCritical() throws IOException {
    FileResult file = rFile(scan("malicious-closure-system.rds"));
    Finding call = first(file, "RDS-001");
    assertThat(call.severity()).isEqualTo(Severity.CRITICAL);
    assertThat(call.evidence()).isEqualTo("system");
    assertThat(call.location().context()).isEqualTo("symbol system");
    Finding closure = first(file, "RDS-002");
    assertThat(closure.severity()).isEqualTo(Severity.HIGH);
    assertThat(closure.description()).contains("1 function (closure)");
  }

  @Test
  void promiseInRDataEvaluatingParsedTextIsCaught() throws IOException {
    FileResult file = rFile(scan("malicious-promise-eval.RData"));
    assertThat(file.format()).isEqualTo("rdata");
    assertThat(file.findings())
        .filteredOn(f -> f.ruleId().equals("RDS-001"))
        .extracting(Finding::evidence)
        .containsExactlyInAnyOrder("eval", "parse");
    assertThat(first(file, "RDS-002").description()).contains("promise");
  }

  @Test
  void randomMutationsGiveFindingsNotErrors() throws IOException {
    for (String name : List.of("malicious-closure-system.rds", "benign-lm-formula.rds")) {
      byte[] good;
      try (java.io.InputStream in =
          name.endsWith("formula.rds")
              ? new org.apache.commons.compress.compressors.xz.XZCompressorInputStream(
                  java.nio.file.Files.newInputStream(FIXTURES.resolve(name)))
              : new java.util.zip.GZIPInputStream(
                  java.nio.file.Files.newInputStream(FIXTURES.resolve(name)))) {
        good = in.readAllBytes();
      }
      java.util.Random random = new java.util.Random(7);
      for (int i = 0; i < 400; i++) {
        byte[] bad = good.clone();
        for (int j = 0; j < 3; j++) {
          int at = 6 + random.nextInt(bad.length - 6); // keep the magic and version
          bad[at] = (byte) random.nextInt(256);
        }
        FileResult r =
            ScanEngine.defaults()
                .scanSource(io.sentrascan.scanner.Sources.bytes(bad, "mem.rds"))
                .get(0);
        assertThat(r.scanner()).isEqualTo("r-serialization");
        assertThat(r.errors()).as("mutation %d of %s", i, name).isEmpty();
      }
    }
  }

  @Test
  void lyingLengthsAndTruncationAreMalformedNotThrown() throws IOException {
    assertThat(first(rFile(scan("malformed-huge-vector.rds")), "CORE-001").description())
        .contains("2147483647 elements");
    assertThat(rFile(scan("malformed-truncated.rds")).findings())
        .extracting(Finding::ruleId)
        .contains("CORE-001");
  }
}
