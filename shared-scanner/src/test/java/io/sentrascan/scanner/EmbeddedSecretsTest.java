package io.sentrascan.scanner;

import static org.assertj.core.api.Assertions.assertThat;

import io.sentrascan.scanner.report.ReportFormat;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Secrets in the strings of pickles and in GGUF metadata (gen_secrets_embedded.py): found, located
 * by opcode offset or metadata key, and never shown whole in any report format.
 */
class EmbeddedSecretsTest {
  private static final Path FIXTURES = Path.of("src/test/resources/fixtures");

  private static List<Finding> findings(String fixture) throws IOException {
    ScanResult result =
        ScanEngine.defaults().scan(List.of(FIXTURES.resolve(fixture)), Policy.defaults(), p -> {});
    return result.findings();
  }

  private static Finding only(List<Finding> findings, String ruleId) {
    List<Finding> matching = findings.stream().filter(f -> f.ruleId().equals(ruleId)).toList();
    assertThat(matching).as(ruleId + " in " + findings).hasSize(1);
    return matching.get(0);
  }

  @Test
  void awsKeyPairInOnePickleStringIsLocatedAtItsOpcode() throws IOException {
    List<Finding> findings = findings("pickle/malicious-aws-key-pair-string.pkl");
    Finding keyId = only(findings, "SEC-001");
    Finding secret = only(findings, "SEC-002");
    // Both sit in the same BINUNICODE string: the opcode's offset, past the PROTO/FRAME header.
    assertThat(keyId.location().offset()).isGreaterThan(10).isEqualTo(secret.location().offset());
    assertThat(keyId.description()).startsWith("The pickle string at offset ");
    assertThat(keyId.evidence()).contains("aws_access_key_id = AKIA…(20 chars)");
    assertThat(secret.evidence()).contains("aws_secret_access_key = ").contains("…(40 chars)");
  }

  @Test
  void secretKeyIsRecognisedNextToItsDictKey() throws IOException {
    List<Finding> findings = findings("pickle/malicious-aws-keys-as-dict-items.pkl");
    only(findings, "SEC-001");
    Finding secret = only(findings, "SEC-002");
    assertThat(secret.evidence()).startsWith("aws_secret_access_key: ");
  }

  @Test
  void tokenStoredAsBytesIsFound() throws IOException {
    Finding token = only(findings("pickle/malicious-hf-token-in-bytes.pkl"), "SEC-007");
    assertThat(token.evidence()).isEqualTo("Bearer hf_H…(37 chars)");
  }

  @Test
  void ggufSecretIsLocatedByMetadataKey() throws IOException {
    Finding token = only(findings("gguf/malicious-hf-token-in-metadata.gguf"), "SEC-007");
    assertThat(token.location().context()).isEqualTo("general.description");
    assertThat(token.location().offset()).isPositive();
    assertThat(token.description()).startsWith("The GGUF metadata general.description holds");

    Finding github = only(findings("gguf/malicious-github-token-in-array.gguf"), "SEC-010");
    assertThat(github.location().context()).isEqualTo("general.source.urls");
  }

  @Test
  void randomLookingNamesAndDigestsAreNotSecrets() throws IOException {
    assertThat(findings("pickle/benign-random-tensor-names.pkl"))
        .noneMatch(f -> f.ruleId().startsWith("SEC-"));
    assertThat(findings("gguf/benign-random-metadata-strings.gguf"))
        .noneMatch(f -> f.ruleId().startsWith("SEC-"));
  }

  @Test
  void noReportEverShowsAPlantedValue() throws IOException {
    List<String> planted =
        Files.readAllLines(Path.of("src/test/resources/secrets-embedded-planted.txt")).stream()
            .filter(l -> !l.isBlank() && !l.startsWith("#"))
            .toList();
    assertThat(planted).hasSize(7);
    List<Path> targets =
        List.of(
            FIXTURES.resolve("pickle/malicious-aws-key-pair-string.pkl"),
            FIXTURES.resolve("pickle/malicious-aws-keys-as-dict-items.pkl"),
            FIXTURES.resolve("pickle/malicious-hf-token-in-bytes.pkl"),
            FIXTURES.resolve("gguf/malicious-hf-token-in-metadata.gguf"),
            FIXTURES.resolve("gguf/malicious-github-token-in-array.gguf"));
    ScanResult result = ScanEngine.defaults().scan(targets, Policy.defaults(), p -> {});
    assertThat(result.findings()).filteredOn(f -> f.ruleId().startsWith("SEC-")).hasSize(7);
    for (ReportFormat format : ReportFormat.values()) {
      StringWriter out = new StringWriter();
      format.writer(false).write(result, out);
      String report = out.toString();
      for (String value : planted) {
        assertThat(report).as(format + " report").doesNotContain(value);
      }
    }
  }
}
