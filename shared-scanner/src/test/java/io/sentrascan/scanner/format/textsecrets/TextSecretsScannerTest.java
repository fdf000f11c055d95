package io.sentrascan.scanner.format.textsecrets;

import static org.assertj.core.api.Assertions.assertThat;

import io.sentrascan.scanner.FileResult;
import io.sentrascan.scanner.Finding;
import io.sentrascan.scanner.Policy;
import io.sentrascan.scanner.Probe;
import io.sentrascan.scanner.ScanEngine;
import io.sentrascan.scanner.Severity;
import io.sentrascan.scanner.Sources;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class TextSecretsScannerTest {
  static final Path FIXTURES = Path.of("src/test/resources/fixtures/secrets");

  private static boolean supports(String name, String content) throws IOException {
    return new TextSecretsScanner()
        .supports(Probe.of(Sources.bytes(content.getBytes(StandardCharsets.UTF_8), name)));
  }

  @Test
  void claimsOnlySecretBearingTextFiles() throws IOException {
    assertThat(supports(".env", "A=1\n")).isTrue();
    assertThat(supports(".env.production", "A=1\n")).isTrue();
    assertThat(supports("settings.yaml", "a: 1\n")).isTrue();
    assertThat(supports("setup.cfg", "[x]\n")).isTrue();
    assertThat(supports("credentials", "[default]\n")).isTrue();
    assertThat(supports("server.key", "-----BEGIN EC PRIVATE KEY-----\n")).isTrue();
    assertThat(supports("blob", "-----BEGIN PRIVATE KEY-----\n")).isTrue();
    assertThat(supports("config.json", "{\"a\": 1}")).isFalse();
    assertThat(supports("tokenizer_config.json", "{\"a\": 1}")).isFalse();
    assertThat(supports("notes.txt", "hello\n")).isFalse();
    assertThat(
            new TextSecretsScanner()
                .supports(Probe.of(Sources.bytes(new byte[] {1, 0, 2, 3}, "weights.key"))))
        .isFalse();
  }

  @Test
  void cardNumbersAndSsnsAreMediumAndMasked() throws IOException {
    FileResult file =
        ScanEngine.defaults()
            .scan(List.of(FIXTURES.resolve("pii-card-and-ssn.ini")), Policy.defaults(), p -> {})
            .files()
            .get(0);
    assertThat(file.scanner()).isEqualTo("textsecrets");
    assertThat(file.findings())
        .extracting(Finding::ruleId, Finding::severity)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("PII-004", Severity.MEDIUM),
            org.assertj.core.groups.Tuple.tuple("PII-004", Severity.MEDIUM),
            org.assertj.core.groups.Tuple.tuple("PII-003", Severity.MEDIUM));
    assertThat(file.findings()).allSatisfy(f -> assertThat(f.evidence()).contains("…("));
  }

  @Test
  void placeholdersInAnEnvTemplateAreQuiet() throws IOException {
    FileResult file =
        ScanEngine.defaults()
            .scan(List.of(FIXTURES.resolve("benign-placeholders.env")), Policy.defaults(), p -> {})
            .files()
            .get(0);
    assertThat(file.findings()).isEmpty();
  }
}
