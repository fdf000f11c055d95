package io.sentrascan.scanner.format.numpy;

import static io.sentrascan.testing.FormatFixtures.only;
import static io.sentrascan.testing.FormatFixtures.scanFiles;
import static org.assertj.core.api.Assertions.assertThat;

import io.sentrascan.scanner.FileResult;
import io.sentrascan.scanner.Finding;
import io.sentrascan.scanner.Policy;
import io.sentrascan.scanner.ScanEngine;
import io.sentrascan.scanner.Severity;
import io.sentrascan.scanner.Verdict;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class NumpyScannerTest {
  static final Path FIXTURES = Path.of("src/test/resources/fixtures/numpy");

  private static List<FileResult> scan(String name) throws IOException {
    return scanFiles(FIXTURES.resolve(name));
  }

  @Test
  void numericArraysAreCleanAndRecordTheirDtype() throws IOException {
    FileResult file = scan("benign-float-matrix.npy").get(0);
    assertThat(file.scanner()).isEqualTo("numpy");
    assertThat(file.format()).isEqualTo("npy");
    assertThat(file.findings()).isEmpty();
    assertThat(file.properties().get("numpy.dtype")).containsExactly("<f8");
  }

  @Test
  void objectArraysHaveTheirPickleAnalysed() throws IOException {
    FileResult file = scan("malicious-object-os-system.npy").get(0);
    assertThat(only(file, "NPY-001").severity()).isEqualTo(Severity.LOW);
    Finding f = only(file, "PKL-001");
    assertThat(f.location().offset()).isEqualTo(128 + 2); // after the 128-byte header and PROTO
    FileResult strings = scan("benign-object-strings.npy").get(0);
    assertThat(strings.findings()).extracting(Finding::ruleId).containsExactly("NPY-001");
  }

  @Test
  void npzMembersAreScannedAsNestedFiles() throws IOException {
    List<FileResult> files = scan("malicious-npz-object-member.npz");
    assertThat(files.get(0).format()).isEqualTo("npz");
    FileResult member =
        files.stream().filter(f -> f.path().endsWith("!/evil.npy")).findFirst().orElseThrow();
    assertThat(member.depth()).isEqualTo(1);
    assertThat(only(member, "PKL-001").description()).contains("os.system");
    List<FileResult> compressed = scan("benign-arrays-compressed.npz");
    assertThat(compressed).hasSize(3);
    assertThat(compressed).allSatisfy(f -> assertThat(f.findings()).isEmpty());
  }

  @Test
  void bytesAfterTheArrayAreSearchedForPickles() throws IOException {
    FileResult file = scan("malicious-npy-appended-pickle.npy").get(0);
    assertThat(only(file, "NPY-002").location().offset()).isEqualTo(128 + 96);
    assertThat(only(file, "PKL-005").location().offset()).isEqualTo(128 + 96);
  }

  @Test
  void truncatedDataIsMalformed() throws IOException {
    var result =
        ScanEngine.defaults()
            .scan(
                List.of(FIXTURES.resolve("malformed-truncated-data.npy")),
                Policy.defaults(),
                p -> {});
    assertThat(result.findings()).extracting(Finding::ruleId).containsExactly("CORE-001");
    assertThat(result.verdict()).isEqualTo(Verdict.FAIL);
  }
}
