package io.sentrascan.scanner.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sentrascan.scanner.Policy;
import io.sentrascan.scanner.ScanResult;
import io.sentrascan.testing.GoldenFiles;
import org.junit.jupiter.api.Test;

/** Same files in, same report out, apart from the run's id and times. */
class DeterministicReportTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void twoScansOfTheSameFilesGiveTheSameJsonApartFromIdAndTimes() throws Exception {
    ScanResult first = ReportFixtures.scanInputs(Policy.defaults());
    ScanResult second = ReportFixtures.scanInputs(Policy.defaults());
    assertThat(first.scanId()).isNotEqualTo(second.scanId());

    JsonNode a = withoutRunFields(new JsonReportWriter().render(first));
    JsonNode b = withoutRunFields(new JsonReportWriter().render(second));
    assertThat(a.path("files").size()).isGreaterThan(3);
    assertThat(a.path("findings").size()).isGreaterThan(3);
    assertThat(GoldenFiles.pretty(a)).isEqualTo(GoldenFiles.pretty(b));

    assertThat(GoldenFiles.pretty(GoldenFiles.normalise(new SarifReportWriter().render(first))))
        .isEqualTo(
            GoldenFiles.pretty(GoldenFiles.normalise(new SarifReportWriter().render(second))));
    assertThat(new TextReportWriter(false).render(first))
        .isEqualTo(new TextReportWriter(false).render(second));
  }

  @Test
  void theSameResultRendersToTheSameBytes() {
    ScanResult result = ReportFixtures.sample();
    for (ReportFormat format : ReportFormat.values()) {
      ReportWriter writer = format.writer(false);
      assertThat(writer.render(result)).as(format.cliName()).isEqualTo(writer.render(result));
    }
  }

  @Test
  void goldenJsonReportOfTheFakeScannerInputs() {
    GoldenFiles.assertMatchesGolden(
        "fake-inputs", new JsonReportWriter().render(ReportFixtures.scanInputs(Policy.defaults())));
  }

  @Test
  void goldenSarifOfTheFakeScannerInputs() {
    GoldenFiles.assertMatchesGolden(
        "fake-inputs.sarif",
        new SarifReportWriter().render(ReportFixtures.scanInputs(Policy.defaults())));
  }

  private static JsonNode withoutRunFields(String json) throws Exception {
    ObjectNode tree = (ObjectNode) JSON.readTree(json);
    tree.remove("scanId");
    tree.remove("startedAt");
    tree.remove("durationMillis");
    return tree;
  }
}
