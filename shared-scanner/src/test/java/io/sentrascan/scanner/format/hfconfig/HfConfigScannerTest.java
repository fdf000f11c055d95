package io.sentrascan.scanner.format.hfconfig;

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

class HfConfigScannerTest {
  static final Path FIXTURES = Path.of("src/test/resources/fixtures/hfconfig");
  private static final ScanEngine ENGINE = ScanEngine.defaults().withDigests(List.of());

  private static FileResult scan(String name) throws IOException {
    return scanBytes(Files.readAllBytes(FIXTURES.resolve(name)), name);
  }

  private static FileResult scanJson(String json, String name) {
    return scanBytes(json.getBytes(StandardCharsets.UTF_8), name);
  }

  private static FileResult scanBytes(byte[] data, String name) {
    return ENGINE.scanSource(Sources.bytes(data, name)).get(0);
  }

  @Test
  void benignConfigsRecordModelFactsForTheSbom() throws IOException {
    FileResult llama = scan("benign-llama3-config.json");
    assertThat(llama.scanner()).isEqualTo("hf-config");
    assertThat(llama.findings()).isEmpty();
    assertThat(llama.properties().get("hf.model_type")).containsExactly("llama");
    assertThat(llama.properties().get("hf.architectures")).containsExactly("LlamaForCausalLM");
    assertThat(llama.properties().get("hf.transformers_version")).containsExactly("4.40.0.dev0");
    FileResult generation = scan("benign-generation_config.json");
    assertThat(generation.format()).isEqualTo("hf-generation-config");
    assertThat(generation.findings()).isEmpty();
  }

  @Test
  void autoMapNamesTheModulesAndForeignRepositories() throws IOException {
    FileResult file = scan("malicious-auto-map-config.json");
    Finding f = only(file, "CFG-001");
    assertThat(f.severity()).isEqualTo(Severity.HIGH);
    assertThat(f.location().context()).isEqualTo("auto_map");
    assertThat(f.description())
        .contains("configuration_tinychat.py", "modeling_tinychat.py", "attacker/loader-repo");
    assertThat(f.evidence()).contains("AutoModelForCausalLM -> attacker/loader-repo--modeling");
    assertThat(file.properties().get("hf.remote_code"))
        .containsExactly("configuration_tinychat.py", "modeling_tinychat.py");
    assertThat(only(file, "CFG-003").evidence()).isEqualTo("TinyChatForCausalLM");
    Finding url = only(file, "CFG-004");
    assertThat(url.location().context()).isEqualTo("telemetry_url");
    assertThat(url.evidence()).isEqualTo("http://203.0.113.7");
  }

  @Test
  void trustRemoteCodeIsFoundAnywhereInTheTree() {
    FileResult file =
        scanJson(
            "{\"model_type\": \"llava\", \"text_config\": {\"trust_remote_code\": true}}",
            "config.json");
    assertThat(only(file, "CFG-002").location().context())
        .isEqualTo("text_config.trust_remote_code");
    assertThat(
            scanJson("{\"model_type\": \"llama\", \"trust_remote_code\": false}", "config.json")
                .findings())
        .isEmpty();
  }

  @Test
  void urlsToModelHubsAndForgesAreExpected() {
    FileResult file =
        scanJson(
            "{\"model_type\": \"bert\", \"a\": \"https://huggingface.co/bert-base-uncased\","
                + " \"b\": [\"see https://github.com/org/repo and https://cdn-lfs.hf.co/x\"],"
                + " \"c\": \"https://user:pw@evil.example.net/payload.py\"}",
            "config.json");
    Finding f = only(file, "CFG-004");
    assertThat(f.location().context()).isEqualTo("c");
    assertThat(f.description()).contains("evil.example.net");
  }

  @Test
  void unknownModelTypeWithoutArchitecturesIsCustom() {
    Finding f =
        only(
            scanJson("{\"model_type\": \"mystery-net\", \"hidden_size\": 4}", "x.json"), "CFG-003");
    assertThat(f.location().context()).isEqualTo("model_type");
    assertThat(scanJson("{\"model_type\": \"qwen2_moe\"}", "config.json").findings()).isEmpty();
  }

  @Test
  void detectionIsByContentNotName() {
    assertThat(scanJson("{\"architectures\": [\"BertModel\"]}", "notes.txt").scanner())
        .isEqualTo("hf-config");
    FileResult other = scanJson("{\"weight_map\": {\"a\": \"b\"}}", "config.json");
    assertThat(other.scanner()).isNull();
    FileResult keras =
        scanJson(
            "{\"class_name\": \"Sequential\", \"config\": {}, \"module\": \"keras\"}",
            "config.json");
    assertThat(keras.scanner()).isNull();
  }

  @Test
  void hostileJsonIsMalformedNotACrash() {
    String deep = "{\"model_type\": " + "[".repeat(5000) + "]".repeat(5000) + "}";
    FileResult file = scanJson(deep, "config.json");
    assertThat(only(file, "CORE-001").description()).contains("not valid JSON");
    assertThat(file.errors()).isEmpty();
    FileResult notObject = scanJson("{\"model_type\": \"llama\"} trailing", "config.json");
    assertThat(notObject.errors()).isEmpty();
  }
}
