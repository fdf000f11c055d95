package io.sentrascan.scanner;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Walks every fixture under {@code src/test/resources/fixtures/<format>/}: a new fixture file is a
 * new test with no code. The file name says what must happen:
 *
 * <ul>
 *   <li>{@code benign-*}: verdict PASS, no finding at MEDIUM or above, no error;
 *   <li>{@code malicious-*}: verdict FAIL;
 *   <li>{@code malformed-*}: at least one finding, verdict not PASS, nothing thrown;
 *   <li>{@code suspicious-*}: worth a look but not a failure by default: it has findings, all below
 *       HIGH, so the default policy passes it and a policy failing on its worst severity (for
 *       example {@code --fail-on medium}) fails it.
 * </ul>
 *
 * <p>An optional {@code expected-rules.json} in the folder maps a file name to rule ids that must
 * all be among its findings (in the file itself or anything nested in it).
 */
class FixtureCorpusTest {
  static final Path ROOT = Path.of("src/test/resources/fixtures");
  private static final ObjectMapper JSON = new ObjectMapper();

  static Stream<Path> fixtures() throws IOException {
    List<Path> out = new ArrayList<>();
    try (Stream<Path> walk = Files.walk(ROOT)) {
      walk.filter(Files::isRegularFile)
          .filter(p -> p.getParent().getParent().equals(ROOT))
          .filter(p -> !p.getFileName().toString().equals("expected-rules.json"))
          .filter(
              p -> p.getFileName().toString().matches("(benign|malicious|malformed|suspicious)-.*"))
          .sorted()
          .forEach(out::add);
    }
    assertThat(out).as("fixtures under " + ROOT.toAbsolutePath()).isNotEmpty();
    return out.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("fixtures")
  void fixtureGetsTheVerdictItsNameSays(Path fixture) throws IOException {
    ScanResult result = ScanEngine.defaults().scan(List.of(fixture), Policy.defaults(), p -> {});
    String name = fixture.getFileName().toString();
    String summary = summarize(result);
    if (name.startsWith("benign-")) {
      assertThat(result.verdict()).as(summary).isEqualTo(Verdict.PASS);
      assertThat(result.findings())
          .as(summary)
          .noneMatch(f -> f.severity().atLeast(Severity.MEDIUM));
      assertThat(result.errored()).as(summary).isEmpty();
    } else if (name.startsWith("malicious-")) {
      assertThat(result.verdict()).as(summary).isEqualTo(Verdict.FAIL);
    } else if (name.startsWith("suspicious-")) {
      assertThat(result.findings()).as(summary).isNotEmpty();
      assertThat(result.findings()).as(summary).noneMatch(f -> f.severity().atLeast(Severity.HIGH));
      assertThat(result.verdict()).as(summary).isEqualTo(Verdict.PASS);
      Severity worst =
          result.findings().stream()
              .map(Finding::severity)
              .max(java.util.Comparator.comparingInt(Severity::rank))
              .orElseThrow();
      assertThat(new Policy(worst, false).verdict(result.files()))
          .as(summary)
          .isEqualTo(Verdict.FAIL);
    } else {
      assertThat(result.findings()).as(summary).isNotEmpty();
      assertThat(result.verdict()).as(summary).isNotEqualTo(Verdict.PASS);
    }
    Set<String> expected = expectedRules(fixture);
    Set<String> actual = new TreeSet<>();
    result.findings().forEach(f -> actual.add(f.ruleId()));
    assertThat(actual).as(summary).containsAll(expected);
  }

  private static Set<String> expectedRules(Path fixture) throws IOException {
    Path file = fixture.getParent().resolve("expected-rules.json");
    Set<String> out = new TreeSet<>();
    if (Files.exists(file)) {
      JsonNode node = JSON.readTree(file.toFile()).path(fixture.getFileName().toString());
      node.forEach(n -> out.add(n.asText()));
    }
    return out;
  }

  static String summarize(ScanResult result) {
    StringBuilder sb = new StringBuilder("verdict " + result.verdict() + "\n");
    for (FileResult f : result.files()) {
      sb.append(f.path()).append(" [").append(f.format()).append("]");
      if (f.skipped() != null) {
        sb.append(" skipped: ").append(f.skipped());
      }
      sb.append('\n');
      f.findings()
          .forEach(
              x ->
                  sb.append("  ")
                      .append(x.ruleId())
                      .append(' ')
                      .append(x.severity())
                      .append(' ')
                      .append(x.description())
                      .append('\n'));
      f.errors().forEach(e -> sb.append("  error: ").append(e).append('\n'));
    }
    return sb.toString();
  }
}
