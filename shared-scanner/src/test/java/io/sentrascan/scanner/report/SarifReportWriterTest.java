package io.sentrascan.scanner.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Schema;
import io.sentrascan.scanner.Policy;
import io.sentrascan.scanner.Severity;
import io.sentrascan.scanner.rules.RuleCatalog;
import io.sentrascan.testing.JsonSchemas;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SarifReportWriterTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final SarifReportWriter writer = new SarifReportWriter();

  @Test
  void outputIsValidAgainstTheOfficialSarifSchema() {
    Schema schema = JsonSchemas.sarif();
    JsonSchemas.assertValid(schema, writer.render(ReportFixtures.sample()));
    JsonSchemas.assertValid(schema, writer.render(ReportFixtures.empty()));
    JsonSchemas.assertValid(
        schema, writer.render(ReportFixtures.scanInputs(new Policy(Severity.LOW, true))));
  }

  @Test
  void theOfficialSchemaCatchesABrokenLog() throws Exception {
    // Guards the guard: a validator that accepted anything would make the test above worthless.
    JsonNode log = JSON.readTree(writer.render(ReportFixtures.sample()));
    ((com.fasterxml.jackson.databind.node.ObjectNode) log.at("/runs/0/results/0"))
        .put("level", "fatal");
    assertThat(JsonSchemas.violations(JsonSchemas.sarif(), log.toString())).isNotEmpty();
  }

  @Test
  void driverDescribesTheToolAndEveryReportedRule() throws Exception {
    JsonNode run = JSON.readTree(writer.render(ReportFixtures.sample())).at("/runs/0");
    JsonNode driver = run.at("/tool/driver");
    assertThat(driver.path("name").asText()).isEqualTo("SentraScan");
    assertThat(driver.path("version").asText()).isEqualTo("1.2.3");
    assertThat(driver.path("informationUri").asText()).startsWith("https://");

    List<String> ids = new ArrayList<>();
    driver.path("rules").forEach(r -> ids.add(r.path("id").asText()));
    assertThat(ids).containsExactly("CORE-001", "CORE-005", "TEST-IMPORT", "TEST-INFO", "TEST-LOW");

    JsonNode core1 = driver.path("rules").get(0);
    var catalogRule = RuleCatalog.defaults().rule("CORE-001");
    assertThat(core1.at("/shortDescription/text").asText()).isEqualTo(catalogRule.title());
    assertThat(core1.at("/help/text").asText()).isEqualTo(catalogRule.remediation());
    assertThat(core1.at("/defaultConfiguration/level").asText()).isEqualTo("error");
    assertThat(core1.at("/properties/security-severity").asText()).isEqualTo("8.0");
    List<String> tags = new ArrayList<>();
    core1.at("/properties/tags").forEach(t -> tags.add(t.asText()));
    assertThat(tags).contains("security", "integrity", "external/cwe/cwe-20");

    // every result points at its rule by index
    for (JsonNode result : run.path("results")) {
      int index = result.path("ruleIndex").asInt();
      assertThat(driver.path("rules").get(index).path("id").asText())
          .isEqualTo(result.path("ruleId").asText());
    }
  }

  @Test
  void levelsFollowSeverity() {
    assertThat(SarifReportWriter.level(Severity.CRITICAL)).isEqualTo("error");
    assertThat(SarifReportWriter.level(Severity.HIGH)).isEqualTo("error");
    assertThat(SarifReportWriter.level(Severity.MEDIUM)).isEqualTo("warning");
    assertThat(SarifReportWriter.level(Severity.LOW)).isEqualTo("note");
    assertThat(SarifReportWriter.level(Severity.INFO)).isEqualTo("note");
  }

  @Test
  void nestedEntriesPointAtTheContainerFileAndNameTheEntryLogically() throws Exception {
    JsonNode results = JSON.readTree(writer.render(ReportFixtures.sample())).at("/runs/0/results");
    JsonNode topLevel = results.get(0); // CORE-001 in models/model.zip at 40
    assertThat(topLevel.at("/locations/0/physicalLocation/artifactLocation/uri").asText())
        .isEqualTo("models/model.zip");
    assertThat(topLevel.at("/locations/0/physicalLocation/region/byteOffset").asLong())
        .isEqualTo(40);
    assertThat(topLevel.at("/locations/0/physicalLocation/region/startLine").asInt()).isEqualTo(1);

    JsonNode nested = results.get(2); // CORE-005 in models/model.zip!/archive/data.pkl at 128
    assertThat(nested.at("/locations/0/physicalLocation/artifactLocation/uri").asText())
        .isEqualTo("models/model.zip");
    assertThat(nested.at("/locations/0/physicalLocation/region").has("byteOffset"))
        .as("an offset inside an entry is not an offset in the container")
        .isFalse();
    assertThat(nested.at("/locations/0/logicalLocations/0/fullyQualifiedName").asText())
        .startsWith("models/model.zip!/archive/data.pkl");
    assertThat(nested.at("/message/text").asText()).contains("models/model.zip!/archive/data.pkl");
    assertThat(nested.at("/properties/offset").asLong()).isEqualTo(128);
    assertThat(nested.path("level").asText()).isEqualTo("error");

    JsonNode noOffset = results.get(3); // TEST-LOW, offset -1
    assertThat(noOffset.at("/locations/0/physicalLocation/region").has("byteOffset")).isFalse();
  }

  @Test
  void pathsBecomeUris() {
    assertThat(SarifReportWriter.uri("models/a b.pkl")).isEqualTo("models/a%20b.pkl");
    assertThat(SarifReportWriter.uri("models\\win.pkl")).isEqualTo("models/win.pkl");
    assertThat(SarifReportWriter.uri("/tmp/x.pkl")).isEqualTo("file:///tmp/x.pkl");
    assertThat(SarifReportWriter.uri("./models/x.pkl")).isEqualTo("models/x.pkl");
  }

  @Test
  void fingerprintsAreStableAndDistinct() throws Exception {
    JsonNode a = JSON.readTree(writer.render(ReportFixtures.sample())).at("/runs/0/results");
    JsonNode b = JSON.readTree(writer.render(ReportFixtures.sample())).at("/runs/0/results");
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < a.size(); i++) {
      String fa =
          a.get(i).at("/partialFingerprints").path(SarifReportWriter.FINGERPRINT_KEY).asText();
      String fb =
          b.get(i).at("/partialFingerprints").path(SarifReportWriter.FINGERPRINT_KEY).asText();
      assertThat(fa).hasSize(64).isEqualTo(fb);
      seen.add(fa);
    }
    assertThat(seen).hasSize(a.size());
  }

  @Test
  void scanErrorsBecomeNotificationsAndMarkTheRunUnsuccessful() throws Exception {
    JsonNode invocation =
        JSON.readTree(writer.render(ReportFixtures.sample())).at("/runs/0/invocations/0");
    assertThat(invocation.path("executionSuccessful").asBoolean()).isFalse();
    assertThat(invocation.at("/toolExecutionNotifications/0/message/text").asText())
        .contains("read failed: simulated");
    JsonNode clean =
        JSON.readTree(writer.render(ReportFixtures.empty())).at("/runs/0/invocations/0");
    assertThat(clean.path("executionSuccessful").asBoolean()).isTrue();
  }
}
