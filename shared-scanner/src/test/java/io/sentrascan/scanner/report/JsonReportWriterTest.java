package io.sentrascan.scanner.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Schema;
import com.networknt.schema.SpecificationVersion;
import io.sentrascan.scanner.Policy;
import io.sentrascan.scanner.ScanResult;
import io.sentrascan.scanner.Severity;
import io.sentrascan.testing.JsonSchemas;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class JsonReportWriterTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Schema SCHEMA =
      JsonSchemas.fromClasspath(
          JsonReportWriter.SCHEMA_RESOURCE, SpecificationVersion.DRAFT_2020_12);
  private final JsonReportWriter writer = new JsonReportWriter();

  @Test
  void reportsOfEveryShapeMatchTheSchema() {
    JsonSchemas.assertValid(SCHEMA, writer.render(ReportFixtures.sample()));
    JsonSchemas.assertValid(SCHEMA, writer.render(ReportFixtures.empty()));
    JsonSchemas.assertValid(
        SCHEMA, writer.render(ReportFixtures.scanInputs(new Policy(Severity.LOW, true))));
  }

  @Test
  void schemaRejectsAReportWithAnUndocumentedField() throws Exception {
    // The schema is closed, so a new field cannot slip into reports without a schema change.
    ObjectNode tree = (ObjectNode) JSON.readTree(writer.render(ReportFixtures.sample()));
    tree.put("surprise", true);
    assertThat(JsonSchemas.violations(SCHEMA, tree.toString())).isNotEmpty();
    ObjectNode missing = (ObjectNode) JSON.readTree(writer.render(ReportFixtures.sample()));
    missing.remove("verdict");
    assertThat(JsonSchemas.violations(SCHEMA, missing.toString())).isNotEmpty();
  }

  @Test
  void schemaVersionInTheReportIsOneTheSchemaAccepts() throws Exception {
    JsonNode schema =
        JSON.readTree(JsonReportWriter.class.getResourceAsStream(JsonReportWriter.SCHEMA_RESOURCE));
    String pattern = schema.at("/properties/schemaVersion/pattern").asText();
    assertThat(JsonReportWriter.SCHEMA_VERSION).matches(pattern);
  }

  @Test
  void theFormatDocumentNamesTheSchemaVersionAndEveryField() throws Exception {
    Path doc = Path.of(System.getProperty("sentrascan.repoRoot", ".."), "docs", "report-format.md");
    String text = Files.readString(doc, StandardCharsets.UTF_8);
    assertThat(text).contains("schema version " + JsonReportWriter.SCHEMA_VERSION);
    JsonNode schema =
        JSON.readTree(JsonReportWriter.class.getResourceAsStream(JsonReportWriter.SCHEMA_RESOURCE));
    for (String pointer : List.of("/required", "/$defs/file/required", "/$defs/finding/required")) {
      schema.at(pointer).forEach(key -> assertThat(text).contains("\"" + key.asText() + "\""));
    }
  }

  @Test
  void topLevelKeysComeInTheDocumentedOrder() throws Exception {
    JsonNode tree = JSON.readTree(writer.render(ReportFixtures.sample()));
    List<String> keys = new ArrayList<>();
    tree.fieldNames().forEachRemaining(keys::add);
    assertThat(keys)
        .containsExactly(
            "schemaVersion",
            "scanId",
            "tool",
            "startedAt",
            "durationMillis",
            "targets",
            "policy",
            "verdict",
            "counts",
            "files",
            "findings");
  }

  @Test
  void countsListEverySeverityIncludingZeros() throws Exception {
    JsonNode counts = JSON.readTree(writer.render(ReportFixtures.empty())).path("counts");
    List<String> severities = new ArrayList<>();
    counts.path("bySeverity").fieldNames().forEachRemaining(severities::add);
    assertThat(severities).containsExactly("CRITICAL", "HIGH", "MEDIUM", "LOW", "INFO");
    counts.path("bySeverity").forEach(n -> assertThat(n.asInt()).isZero());

    JsonNode sample = JSON.readTree(writer.render(ReportFixtures.sample())).path("counts");
    assertThat(sample.path("bySeverity").path("CRITICAL").asInt()).isEqualTo(1);
    assertThat(sample.path("bySeverity").path("HIGH").asInt()).isEqualTo(1);
    assertThat(sample.path("findings").asInt()).isEqualTo(5);
    assertThat(sample.path("skipped").asInt()).isEqualTo(1);
    assertThat(sample.path("withErrors").asInt()).isEqualTo(1);
  }

  @Test
  void fileAndFindingFieldsCarryTheResult() throws Exception {
    ScanResult result = ReportFixtures.sample();
    JsonNode tree = JSON.readTree(writer.render(result));
    assertThat(tree.path("verdict").asText()).isEqualTo("FAIL");
    assertThat(tree.at("/tool/name").asText()).isEqualTo("SentraScan");
    assertThat(tree.at("/tool/scanners/zip").asText()).isEqualTo("2.0.0");
    assertThat(tree.at("/policy/failOn").asText()).isEqualTo("HIGH");

    JsonNode nested = tree.path("files").get(1);
    assertThat(nested.path("path").asText()).isEqualTo("models/model.zip!/archive/data.pkl");
    assertThat(nested.path("depth").asInt()).isEqualTo(1);
    assertThat(nested.path("sha256").asText()).isEqualTo(ReportFixtures.SHA);
    assertThat(nested.at("/digests/SHA-256").asText()).isEqualTo(ReportFixtures.SHA);
    assertThat(nested.at("/errors/0").asText()).isEqualTo("read failed: simulated");
    assertThat(nested.at("/properties/imports/1").asText()).isEqualTo("torch._utils");

    JsonNode skipped = tree.path("files").get(2);
    assertThat(skipped.path("scanner").isNull()).isTrue();
    assertThat(skipped.path("sha256").isNull()).isTrue();
    assertThat(skipped.path("skipped").asText()).contains("no scanner");

    JsonNode bomb = tree.path("findings").get(2);
    assertThat(bomb.path("ruleId").asText()).isEqualTo("CORE-005");
    assertThat(bomb.path("severity").asText()).isEqualTo("CRITICAL");
    assertThat(bomb.path("failsPolicy").asBoolean()).isTrue();
    assertThat(bomb.at("/location/offset").asLong()).isEqualTo(128);
    assertThat(bomb.at("/location/context").asText()).isEqualTo("entry data.pkl");
    assertThat(bomb.path("remediation").asText()).isNotEmpty();

    JsonNode unknownImport = tree.path("findings").get(1);
    assertThat(unknownImport.path("failsPolicy").asBoolean()).isFalse();
    assertThat(unknownImport.at("/location/offset").asLong()).isEqualTo(-1);
  }

  @Test
  void outputIsPrettyWithUnixLineEnds() {
    String json = writer.render(ReportFixtures.sample());
    assertThat(json).startsWith("{\n  \"schemaVersion\": \"").endsWith("}\n").doesNotContain("\r");
  }
}
