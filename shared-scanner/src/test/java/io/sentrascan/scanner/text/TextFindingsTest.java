package io.sentrascan.scanner.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sentrascan.scanner.FileResult;
import io.sentrascan.scanner.Finding;
import io.sentrascan.scanner.ScanEngine;
import io.sentrascan.scanner.Severity;
import io.sentrascan.scanner.Sources;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

class TextFindingsTest {
  private final FakeSecrets fake = new FakeSecrets(42);
  private final TextFindings text = new TextFindings(TextPolicy.defaults());

  private List<String> rules(String s) {
    return text.find(s).stream().map(TextMatch::ruleId).toList();
  }

  @Test
  void everySecretKindIsFoundUnderItsRule() {
    String jwtHeader =
        Base64.getUrlEncoder()
            .withoutPadding()
            .encodeToString("{\"alg\":\"RS256\"}".getBytes(StandardCharsets.UTF_8));
    String jwtBody =
        Base64.getUrlEncoder()
            .withoutPadding()
            .encodeToString("{\"sub\":\"123\"}".getBytes(StandardCharsets.UTF_8));
    assertThat(rules("key = " + fake.awsKeyId())).containsExactly("SEC-001");
    assertThat(rules("aws_secret_access_key = \"" + fake.awsSecret() + "\""))
        .containsExactly("SEC-002");
    assertThat(rules("key: " + fake.gcpApiKey())).containsExactly("SEC-004");
    assertThat(rules("token=" + fake.hf())).containsExactly("SEC-007");
    assertThat(rules("OPENAI_API_KEY=" + fake.openAi())).containsExactly("SEC-008");
    assertThat(rules("ANTHROPIC_API_KEY=" + fake.anthropic())).containsExactly("SEC-009");
    assertThat(rules("GH=" + fake.github())).containsExactly("SEC-010");
    assertThat(rules("SLACK=" + fake.slack())).containsExactly("SEC-011");
    assertThat(
            rules(
                "-----BEGIN OPENSSH PRIVATE KEY-----\n"
                    + fake.chars(FakeSecrets.ALNUM, 64)
                    + "\n-----END OPENSSH PRIVATE KEY-----"))
        .containsExactly("SEC-013");
    assertThat(rules("DB=mongodb+srv://svc:" + fake.chars(FakeSecrets.ALNUM, 12) + "@c0.mongo.net"))
        .containsExactly("SEC-014");
    assertThat(
            rules(
                "Authorization: Bearer "
                    + jwtHeader
                    + "."
                    + jwtBody
                    + "."
                    + fake.chars(FakeSecrets.ALNUM, 40)))
        .containsExactly("SEC-015");
  }

  @Test
  void placeholdersAndLowEntropyValuesStayQuiet() {
    assertThat(text.find("AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE")).isEmpty();
    assertThat(text.find("aws_secret_access_key=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"))
        .isEmpty();
    assertThat(text.find("HF_TOKEN=hf_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx")).isEmpty();
    assertThat(text.find("token=hf_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")).isEmpty();
    assertThat(text.find("url = postgres://user:${DB_PASSWORD}@db/x")).isEmpty();
    assertThat(text.find("url = postgres://user:password@db/x")).isEmpty();
    assertThat(text.find("url = postgres://user:<password>@db/x")).isEmpty();
    assertThat(text.find("key = AKIA<your-key-here>")).isEmpty();
    assertThat(text.find("-----BEGIN PRIVATE KEY-----\n...\n-----END PRIVATE KEY-----")).isEmpty();
  }

  @Test
  void aJwtNeedsADecodableHeaderWithAnAlgorithm() {
    String notJson =
        Base64.getUrlEncoder()
            .withoutPadding()
            .encodeToString("{\"x\":1}".getBytes(StandardCharsets.UTF_8));
    String body = "eyJzdWIiOiIxMjM0NTY3ODkwIn0";
    assertThat(text.find(notJson + "." + body + "." + fake.chars(FakeSecrets.ALNUM, 30))).isEmpty();
  }

  @Test
  void maskKeepsAFewLeadingCharactersAndTheLength() {
    assertThat(TextFindings.mask("AKIA1234567890ABCDEF")).isEqualTo("AKIA…(20 chars)");
    assertThat(TextFindings.mask("hunter2x9")).isEqualTo("h…(9 chars)");
    assertThat(TextFindings.mask("abc")).isEqualTo("…(3 chars)");
  }

  @Test
  void findingsNeverShowTheSecretAndPointAtItsLineColumnAndByte() {
    String key = fake.awsKeyId();
    String secret = fake.awsSecret();
    // "é" is two bytes in UTF-8: the byte offset must count it so.
    String content = "# café settings\nid = " + key + " aws_secret_key=" + secret + "\n";
    List<FileResult> files =
        ScanEngine.defaults()
            .scanSource(Sources.bytes(content.getBytes(StandardCharsets.UTF_8), "prod.env"));
    List<Finding> findings = files.get(0).findings();
    assertThat(findings).extracting(Finding::ruleId).containsExactly("SEC-001", "SEC-002");
    Finding id = findings.get(0);
    assertThat(id.severity()).isEqualTo(Severity.HIGH);
    assertThat(id.location().context()).isEqualTo("line 2, column 6");
    assertThat(id.location().offset())
        .isEqualTo("# café settings\nid = ".getBytes(StandardCharsets.UTF_8).length);
    assertThat(findings.get(1).severity()).isEqualTo(Severity.CRITICAL);
    for (Finding f : findings) {
      assertThat(f.toString()).doesNotContain(key).doesNotContain(secret);
      assertThat(f.evidence()).contains("AKIA…(20 chars)");
    }
  }

  @Test
  void redactMasksEverySecretInALine() {
    String token = fake.hf();
    String line = "api = HfApi(token=\"" + token + "\")";
    assertThat(text.redact(line))
        .isEqualTo(
            "api = HfApi(token=\"hf_…(37 chars)\")".replace("hf_…", token.substring(0, 4) + "…"));
    assertThat(text.redact("nothing here")).isEqualTo("nothing here");
  }

  @Test
  void thePolicyRaisesLowersOrSwitchesOffRules() {
    String s = "mail jane.doe@university.edu from 8.8.4.4";
    assertThat(text.find(s))
        .extracting(TextMatch::ruleId, TextMatch::severity)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("PII-001", Severity.LOW),
            org.assertj.core.groups.Tuple.tuple("PII-005", Severity.LOW));
    TextFindings tuned = new TextFindings(TextPolicy.parse("PII-001=HIGH, pii-005=off"));
    assertThat(tuned.find(s))
        .extracting(TextMatch::ruleId, TextMatch::severity)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("PII-001", Severity.HIGH));
    TextFindings byMethod =
        new TextFindings(
            TextPolicy.defaults().withSeverity("PII-005", Severity.MEDIUM).without("PII-001"));
    assertThat(byMethod.find(s)).extracting(TextMatch::severity).containsExactly(Severity.MEDIUM);
    assertThatThrownBy(() -> TextPolicy.parse("PII-001"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> TextPolicy.parse("PII-001=LOUD")).hasMessageContaining("LOUD");
    assertThatThrownBy(() -> TextPolicy.parse("PY-001=LOW")).hasMessageContaining("PY-001");
  }

  @Test
  void theSystemPropertyTunesNewScanners() {
    String old = System.getProperty(TextPolicy.PROPERTY);
    System.setProperty(TextPolicy.PROPERTY, "PII-001=MEDIUM");
    try {
      assertThat(TextFindings.defaults().find("x jane.doe@university.edu"))
          .extracting(TextMatch::severity)
          .containsExactly(Severity.MEDIUM);
    } finally {
      if (old == null) {
        System.clearProperty(TextPolicy.PROPERTY);
      } else {
        System.setProperty(TextPolicy.PROPERTY, old);
      }
    }
  }

  @Test
  void aFloodOfMatchesIsCapped() {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 1000; i++) {
      sb.append(fake.hf()).append('\n');
    }
    assertThat(text.find(sb)).hasSize(TextFindings.MAX_MATCHES);
  }

  @Test
  void entropyIsBitsPerCharacter() {
    assertThat(TextFindings.entropy("aaaa")).isZero();
    assertThat(TextFindings.entropy("abcd")).isEqualTo(2.0);
  }
}
