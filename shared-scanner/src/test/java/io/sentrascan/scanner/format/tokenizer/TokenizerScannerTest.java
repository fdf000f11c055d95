package io.sentrascan.scanner.format.tokenizer;

import static io.sentrascan.testing.FormatFixtures.only;
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

class TokenizerScannerTest {
  static final Path FIXTURES = Path.of("src/test/resources/fixtures/tokenizer");
  private static final ScanEngine ENGINE = ScanEngine.defaults().withDigests(List.of());

  private static FileResult scan(String name) throws IOException {
    return scanBytes(Files.readAllBytes(FIXTURES.resolve(name)), name);
  }

  private static FileResult scanJson(String json) {
    return scanBytes(json.getBytes(StandardCharsets.UTF_8), "tokenizer_config.json");
  }

  private static FileResult scanBytes(byte[] data, String name) {
    return ENGINE.scanSource(Sources.bytes(data, name)).get(0);
  }

  @Test
  void eachKindOfTokenizerFileIsRecognisedAndClean() throws IOException {
    FileResult config = scan("benign-llama3-tokenizer_config.json");
    assertThat(config.scanner()).isEqualTo("tokenizer");
    assertThat(config.format()).isEqualTo("tokenizer-config");
    assertThat(config.findings()).isEmpty();
    assertThat(config.properties().get("tokenizer.chat_template")).containsExactly("default");
    FileResult json = scan("benign-tokenizer.json");
    assertThat(json.format()).isEqualTo("tokenizer-json");
    assertThat(json.findings()).isEmpty();
    FileResult map = scan("benign-special_tokens_map.json");
    assertThat(map.format()).isEqualTo("special-tokens-map");
    assertThat(map.findings()).isEmpty();
    FileResult list = scan("benign-template-list-tokenizer_config.json");
    assertThat(list.properties().get("tokenizer.chat_template"))
        .containsExactly("default", "tool_use");
  }

  @Test
  void templateInjectionInANamedTemplateIsLocatedByName() throws IOException {
    Finding f = only(scan("malicious-ssti-template-list-tokenizer_config.json"), "TPL-001");
    assertThat(f.location().context()).isEqualTo("chat_template[rag], template line 3");
    assertThat(f.location().offset()).isPositive();
  }

  @Test
  void anomalousSpecialTokensAreMedium() throws IOException {
    FileResult file = scan("malicious-injected-special-tokens-ssti_tokenizer_config.json");
    List<Finding> tok = file.findings().stream().filter(f -> f.ruleId().equals("TOK-001")).toList();
    assertThat(tok)
        .extracting(f -> f.location().context())
        .containsExactly("bos_token", "additional_special_tokens[1]");
    assertThat(tok).allMatch(f -> f.severity() == Severity.MEDIUM);
    assertThat(tok.get(1).description()).contains("role marker <|im_start|>");
    Finding shadow = only(file, "TOK-002");
    assertThat(shadow.severity()).isEqualTo(Severity.MEDIUM);
    assertThat(shadow.evidence()).isEqualTo("the");
  }

  @Test
  void oversizedAndHiddenCharacterTokens() {
    String big = "x".repeat(300);
    FileResult file =
        scanJson(
            "{\"tokenizer_class\": \"X\", \"eos_token\": \""
                + big
                + "\", \"pad_token\":"
                + " \"<pad\\u202e>\", \"unk_token\": \"<unk\\u0007>\"}");
    List<Finding> tok = file.findings().stream().filter(f -> f.ruleId().equals("TOK-001")).toList();
    assertThat(tok).hasSize(3);
    assertThat(tok.get(0).description()).contains("300 characters");
    assertThat(tok.get(1).description()).contains("U+202E");
    assertThat(tok.get(2).description()).contains("control character U+0007");
  }

  @Test
  void addedTokensThatAreVocabularyWordsShadowThem() {
    String json =
        "{\"version\": \"1.0\", \"added_tokens\": ["
            + "{\"id\": 5, \"content\": \"banana\", \"special\": false, \"normalized\": false},"
            + "{\"id\": 6, \"content\": \"<|eot|>\", \"special\": true, \"normalized\": false},"
            + "{\"id\": 7, \"content\": \"apple\", \"special\": false, \"normalized\": true}],"
            + " \"model\": {\"type\": \"BPE\", \"merges\": [\"a b\"], \"vocab\":"
            + " {\"banana\": 5, \"apple\": 7, \"<|eot|>\": 6}}}";
    FileResult file = scanBytes(json.getBytes(StandardCharsets.UTF_8), "tokenizer.json");
    Finding f = only(file, "TOK-002");
    assertThat(f.severity()).isEqualTo(Severity.LOW);
    assertThat(f.evidence()).isEqualTo("banana");
    String unigram =
        "{\"version\": \"1.0\", \"added_tokens\": [{\"id\": 1, \"content\": \"\u2581banana\","
            + " \"special\": true}], \"model\": {\"type\": \"Unigram\", \"vocab\":"
            + " [[\"<unk>\", 0.0], [\"\u2581banana\", -3.5]]}}";
    Finding u = only(scanBytes(unigram.getBytes(StandardCharsets.UTF_8), "t.json"), "TOK-002");
    assertThat(u.severity()).isEqualTo(Severity.MEDIUM);
  }

  @Test
  void customTokenizerCodeIsReported() {
    FileResult file =
        scanJson(
            "{\"tokenizer_class\": \"ChatGLMTokenizer\", \"auto_map\": {\"AutoTokenizer\":"
                + " [\"tokenization_chatglm.ChatGLMTokenizer\", null]}}");
    Finding f = only(file, "CFG-001");
    assertThat(f.description()).contains("tokenization_chatglm.py");
  }

  @Test
  void largeVocabulariesAreStreamed() {
    StringBuilder sb =
        new StringBuilder(
            "{\"version\": \"1.0\", \"added_tokens\": [{\"id\": 0, \"content\": \"zebra\","
                + " \"special\": true}], \"model\": {\"type\": \"BPE\", \"vocab\": {");
    for (int i = 0; i < 300_000; i++) {
      sb.append("\"tok").append(i).append("\": ").append(i).append(',');
    }
    sb.append("\"zebra\": 300000}, \"merges\": [");
    for (int i = 0; i < 100_000; i++) {
      sb.append("\"t o").append(i).append("\",");
    }
    sb.append("\"a b\"]}}");
    FileResult file = scanBytes(sb.toString().getBytes(StandardCharsets.UTF_8), "tokenizer.json");
    assertThat(only(file, "TOK-002").evidence()).isEqualTo("zebra");
  }

  @Test
  void configsAndOtherJsonAreNotClaimed() {
    assertThat(scanJson("{\"model_type\": \"t5\", \"tokenizer_class\": \"T5Tokenizer\"}").scanner())
        .isNotEqualTo("tokenizer");
    assertThat(scanJson("{\"cells\": [], \"nbformat\": 4}").scanner()).isNotEqualTo("tokenizer");
    assertThat(scanJson("[\"bos_token\"]").scanner()).isNull();
  }

  @Test
  void mutatedFilesNeverEndInAnError() throws IOException {
    java.util.Random random = new java.util.Random(11);
    for (String name :
        List.of(
            "benign-tokenizer.json",
            "benign-llama3-tokenizer_config.json",
            "../hfconfig/benign-llama3-config.json")) {
      byte[] data = Files.readAllBytes(FIXTURES.resolve(name));
      for (int n = 0; n < 300; n++) {
        byte[] copy = data.clone();
        for (int k = 0; k < 3; k++) {
          copy[1 + random.nextInt(copy.length - 1)] = (byte) random.nextInt(256);
        }
        FileResult file = scanBytes(copy, "mutated.json");
        assertThat(file.errors()).as(name + " mutation " + n).isEmpty();
      }
    }
  }

  @Test
  void brokenJsonIsMalformed() throws IOException {
    FileResult file = scan("malformed-truncated-tokenizer.json");
    assertThat(only(file, "CORE-001").description()).contains("not valid JSON");
    assertThat(file.errors()).isEmpty();
    FileResult deep = scanJson("{\"chat_template\": " + "[".repeat(3000) + "]".repeat(3000) + "}");
    assertThat(only(deep, "CORE-001").severity()).isEqualTo(Severity.HIGH);
  }
}
