package io.sentrascan.scanner.format.chattemplate;

import static org.assertj.core.api.Assertions.assertThat;

import io.sentrascan.scanner.FileResult;
import io.sentrascan.scanner.Finding;
import io.sentrascan.scanner.ScanEngine;
import io.sentrascan.scanner.Severity;
import io.sentrascan.scanner.Sources;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChatTemplateScannerTest {
  static final Path FIXTURES = Path.of("src/test/resources/fixtures/tokenizer");
  private static final ScanEngine ENGINE = ScanEngine.defaults().withDigests(List.of());

  private static FileResult scan(String text, String name) {
    return ENGINE.scanSource(Sources.bytes(text.getBytes(StandardCharsets.UTF_8), name)).get(0);
  }

  @Test
  void standaloneTemplatesAreAnalysed() throws IOException {
    String text = Files.readString(FIXTURES.resolve("malicious-chat_template.jinja"));
    FileResult file = scan(text, "chat_template.jinja");
    assertThat(file.scanner()).isEqualTo("chat-template");
    assertThat(file.format()).isEqualTo("jinja-chat-template");
    Finding f =
        file.findings().stream()
            .filter(x -> x.ruleId().equals("TPL-001"))
            .findFirst()
            .orElseThrow();
    assertThat(f.severity()).isEqualTo(Severity.CRITICAL);
    assertThat(f.location().context()).isEqualTo("template line 3");
    assertThat(f.location().offset()).isZero();
  }

  @Test
  void contentDecidesNotTheName() throws IOException {
    String qwen = Files.readString(FIXTURES.resolve("benign-qwen25-template-no-extension"));
    FileResult file = scan(qwen, "template");
    assertThat(file.scanner()).isEqualTo("chat-template");
    assertThat(file.findings()).isEmpty();
    assertThat(scan("# Model card\n\nUse {{ messages }} in {% raw %}", "README.md").scanner())
        .isNotEqualTo("chat-template");
    assertThat(scan("print('{{ messages }}')\n", "run.py").scanner()).isNotEqualTo("chat-template");
    assertThat(scan("no tags at all, messages", "x.jinja").scanner()).isNotEqualTo("chat-template");
  }
}
