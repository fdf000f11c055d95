package io.sentrascan.scanner.report;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MarkdownReportWriterTest {
  private final String md = new MarkdownReportWriter().render(ReportFixtures.sample());

  @Test
  void startsWithTheVerdictAndATableOfEverySeverity() {
    assertThat(md).contains("**Verdict: FAIL**");
    assertThat(md)
        .contains(
            """
            | Severity | Findings |
            |---|---:|
            | CRITICAL | 1 |
            | HIGH | 1 |
            | MEDIUM | 1 |
            | LOW | 1 |
            | INFO | 1 |
            """);
  }

  @Test
  void findingsAreSectionsMostSevereFirst() {
    int critical = md.indexOf("### 1. CRITICAL CORE-005");
    int high = md.indexOf("### 2. HIGH CORE-001");
    int info = md.indexOf("### 5. INFO TEST-INFO");
    assertThat(critical).isPositive();
    assertThat(high).isGreaterThan(critical);
    assertThat(info).isGreaterThan(high);
    assertThat(md).contains("- **Location:** `models/model.zip!/archive/data.pkl` at byte 128");
    assertThat(md).contains("- **Remediation:** ");
  }

  @Test
  void evidenceIsACodeSpanThatSurvivesBackticks() {
    // the evidence holds ``double``: the fence must be longer than any run inside
    assertThat(md).contains("- **Evidence:** ``` ``double`` <script>alert(1)</script> ```");
    assertThat(md).contains("- **Evidence:** ``PK\\x05\\x06 `x` | y``");
  }

  @Test
  void textFromScannedFilesCannotInjectMarkup() {
    assertThat(md).doesNotContain("[a link](http://evil.example)");
    assertThat(md).contains("\\[a link\\](http://evil.example) \\*and\\* \\| pipes.");
    // outside code spans no raw HTML survives
    assertThat(md.replaceAll("`+[^`]*`+", "")).doesNotContain("<script>");
  }

  @Test
  void pipesInTableCellsAreEscaped() {
    assertThat(md)
        .contains("| ``models/notes \\| `odd`.txt`` | no scanner recognises this content |");
  }

  @Test
  void errorsAreListed() {
    assertThat(md)
        .contains("## Errors")
        .contains("`models/model.zip!/archive/data.pkl`: read failed: simulated");
  }

  @Test
  void codeSpanFences() {
    assertThat(MarkdownText.code("plain", false)).isEqualTo("`plain`");
    assertThat(MarkdownText.code("a`b", false)).isEqualTo("``a`b``");
    assertThat(MarkdownText.code("`edge", false)).isEqualTo("`` `edge ``");
    assertThat(MarkdownText.code("a|b", true)).isEqualTo("`a\\|b`");
    assertThat(MarkdownText.code("line\nbreak", false)).isEqualTo("`line break`");
  }
}
