package io.sentrascan.scanner.container;

import static org.assertj.core.api.Assertions.assertThat;

import io.sentrascan.scanner.Rule;
import io.sentrascan.scanner.rules.RuleCatalog;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The ARC rules are data: every id the code reports exists and is documented. */
class ArchiveRulesTest {
  private static final Path SOURCES = Path.of("src/main/java/io/sentrascan/scanner/container");

  @Test
  void everyRuleTheContainersReportIsInTheCatalog() throws IOException {
    Set<String> used = new TreeSet<>();
    Pattern id = Pattern.compile("\"((?:ARC|CORE)-\\d{3})\"");
    try (Stream<Path> files = Files.list(SOURCES)) {
      for (Path file : files.toList()) {
        Matcher m = id.matcher(Files.readString(file));
        while (m.find()) {
          used.add(m.group(1));
        }
      }
    }
    assertThat(used).contains("ARC-001", "ARC-016", "CORE-001", "CORE-004");
    for (String ruleId : used) {
      assertThat(RuleCatalog.defaults().rule(ruleId).id()).isEqualTo(ruleId);
    }
  }

  @Test
  void archiveRulesAreNumberedWithoutGapsAndFullyDocumented() {
    List<Rule> arc =
        RuleCatalog.defaults().all().stream().filter(r -> r.id().startsWith("ARC-")).toList();
    assertThat(arc).hasSize(16);
    for (int i = 0; i < arc.size(); i++) {
      Rule r = arc.get(i);
      assertThat(r.id()).isEqualTo(String.format("ARC-%03d", i + 1));
      assertThat(r.title()).isNotBlank();
      assertThat(r.remediation()).isNotBlank();
      assertThat(r.category()).isNotBlank();
      assertThat(r.cwe()).startsWith("CWE-");
    }
  }
}
