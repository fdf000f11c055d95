package io.sentrascan.scanner.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.sentrascan.scanner.Policy;
import io.sentrascan.scanner.Severity;
import org.junit.jupiter.api.Test;

class TextReportWriterTest {
  @Test
  void plainTextHasNoEscapeSequencesEvenFromHostileEvidence() {
    String text = new TextReportWriter(false).render(ReportFixtures.sample());
    assertThat(text).doesNotContain("\u001b");
    assertThat(text).contains("evidence: \\x1b[31mred");
  }

  @Test
  void colourIsUsedOnlyWhenAsked() {
    String text = new TextReportWriter(true).render(ReportFixtures.sample());
    assertThat(text).contains("\u001b[1;31mCRITICAL").contains("\u001b[0m");
  }

  @Test
  void groupsByFileWithTheMostSevereFindingFirst() {
    String text = new TextReportWriter(false).render(ReportFixtures.sample());
    int file = text.indexOf("models/model.zip!/archive/data.pkl  (pickle, 99 bytes)");
    int critical = text.indexOf("  CRITICAL  CORE-005", file);
    int medium = text.indexOf("  MEDIUM    TEST-IMPORT", file);
    assertThat(file).isPositive();
    assertThat(critical).isGreaterThan(file);
    assertThat(medium).isGreaterThan(critical);
    assertThat(text).contains("  ERROR     read failed: simulated");
    assertThat(text).contains("at byte 128 [entry data.pkl]");
    // files without findings or errors are only counted
    assertThat(text).doesNotContain("notes").contains("1 file not analysed");
  }

  @Test
  void endsWithCountsAndTheVerdictWithItsReason() {
    String text = new TextReportWriter(false).render(ReportFixtures.sample());
    assertThat(text)
        .endsWith(
            """
            CRITICAL 1  HIGH 1  MEDIUM 1  LOW 1  INFO 1
            FAIL: 2 findings fail the policy (fails on HIGH or above)
            """);
    String strict =
        new TextReportWriter(false).render(ReportFixtures.sample(new Policy(Severity.LOW, true)));
    assertThat(strict)
        .endsWith("FAIL: 4 findings fail the policy (fails on LOW or above, strict)\n");
    String empty = new TextReportWriter(false).render(ReportFixtures.empty());
    assertThat(empty).endsWith("PASS: nothing fails the policy (fails on HIGH or above)\n");
  }

  @Test
  void summaryLineNamesVerdictCountsAndErrors() {
    assertThat(TextReportWriter.summaryLine(ReportFixtures.sample()))
        .isEqualTo(
            "FAIL: 4 files, 5 findings (1 CRITICAL, 1 HIGH, 1 MEDIUM, 1 LOW, 1 INFO),"
                + " 1 file with errors");
    assertThat(TextReportWriter.summaryLine(ReportFixtures.empty()))
        .isEqualTo("PASS: 0 files, 0 findings");
  }
}
