package io.sentrascan.scanner;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.sentrascan.scanner.report.JsonReportWriter;
import io.sentrascan.scanner.report.SarifReportWriter;
import io.sentrascan.testing.GoldenFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Golden reports of real formats through every registered scanner: the shipped samples (pickle,
 * PyTorch zip, NumPy) and a nested archive. A change in what users see shows up as a diff here.
 */
class GoldenReportTest {
  private static final Path SAMPLES = Path.of("samples");
  private static final Path NESTED =
      Path.of("src/test/resources/fixtures/archive/malicious-zip-slip.zip");

  private static ScanResult scan(Path... targets) throws IOException {
    return ScanEngine.defaults().scan(List.of(targets), Policy.defaults(), p -> {});
  }

  @Test
  void samplesJsonReport() throws IOException {
    GoldenFiles.assertMatchesGolden("samples", new JsonReportWriter().render(scan(SAMPLES)));
  }

  @Test
  void samplesSarifReport() throws IOException {
    GoldenFiles.assertMatchesGolden("samples.sarif", new SarifReportWriter().render(scan(SAMPLES)));
  }

  @Test
  void nestedArchiveJsonReport() throws IOException {
    GoldenFiles.assertMatchesGolden("zip-slip", new JsonReportWriter().render(scan(NESTED)));
  }

  @Test
  void theWholeFixtureCorpusScansToTheSameReportTwice() throws IOException {
    Path corpus = FixtureCorpusTest.ROOT;
    JsonNode first = GoldenFiles.normalise(new JsonReportWriter().render(scan(corpus)));
    JsonNode second = GoldenFiles.normalise(new JsonReportWriter().render(scan(corpus)));
    assertThat(first.path("files").size()).isGreaterThan(100);
    assertThat(GoldenFiles.pretty(first)).isEqualTo(GoldenFiles.pretty(second));
  }
}
