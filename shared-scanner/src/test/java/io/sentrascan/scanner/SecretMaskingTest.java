package io.sentrascan.scanner;

import static org.assertj.core.api.Assertions.assertThat;

import io.sentrascan.scanner.report.ReportFormat;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every secret and personal-data value that gen_repo.py planted in the fixtures is listed in
 * planted-values.txt; none of them may appear whole in any report format.
 */
class SecretMaskingTest {
  private static final Path FIXTURES = Path.of("src/test/resources/fixtures");

  @Test
  void noReportEverShowsAPlantedValue() throws IOException {
    List<String> planted =
        Files.readAllLines(FIXTURES.resolve("secrets/planted-values.txt")).stream()
            .filter(l -> !l.isBlank() && !l.startsWith("#"))
            .toList();
    assertThat(planted).hasSizeGreaterThan(40);
    List<Path> targets =
        List.of(
            FIXTURES.resolve("secrets"),
            FIXTURES.resolve("python"),
            FIXTURES.resolve("notebook"),
            FIXTURES.resolve("modelcard"));
    ScanResult result = ScanEngine.defaults().scan(targets, Policy.defaults(), p -> {});
    assertThat(result.findings()).hasSizeGreaterThan(30);
    for (ReportFormat format : ReportFormat.values()) {
      StringWriter out = new StringWriter();
      format.writer(false).write(result, out);
      String report = out.toString();
      for (String value : planted) {
        assertThat(report).as(format + " report").doesNotContain(value);
      }
    }
  }
}
