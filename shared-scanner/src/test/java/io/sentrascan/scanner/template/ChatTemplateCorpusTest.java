package io.sentrascan.scanner.template;

import static org.assertj.core.api.Assertions.assertThat;

import io.sentrascan.scanner.Severity;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Walks {@code src/test/resources/templates/}: published chat templates ({@code benign-*}) must
 * give nothing at MEDIUM or above; every injection payload ({@code malicious-*}, each hidden behind
 * a different obfuscation) must be a CRITICAL {@code TPL-001}.
 */
class ChatTemplateCorpusTest {
  static final Path ROOT = Path.of("src/test/resources/templates");

  static Stream<Path> templates() throws IOException {
    try (Stream<Path> files = Files.list(ROOT)) {
      List<Path> out = files.filter(p -> p.toString().endsWith(".jinja")).sorted().toList();
      assertThat(out).hasSizeGreaterThan(10);
      return out.stream();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("templates")
  void templateGetsTheVerdictItsNameSays(Path file) throws IOException {
    String template = Files.readString(file, StandardCharsets.UTF_8);
    List<TemplateIssue> issues = ChatTemplateAnalyzer.defaults().inspect(template);
    if (file.getFileName().toString().startsWith("benign-")) {
      assertThat(issues)
          .as(issues.toString())
          .noneMatch(i -> i.severity().atLeast(Severity.MEDIUM));
    } else {
      assertThat(issues)
          .as(issues.toString())
          .anyMatch(i -> i.ruleId().equals("TPL-001") && i.severity() == Severity.CRITICAL);
    }
  }
}
