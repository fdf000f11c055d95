package io.sentrascan.functions.scan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.sentrascan.events.EventJson;
import io.sentrascan.events.ModelScanCompleted;
import io.sentrascan.functions.largemodel.LargeModelConfig;
import io.sentrascan.scanner.Severity;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.ChecksumAlgorithm;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;

/**
 * {@code FAIL_ON}: the CDK app sets it on the scan function and the large-model functions, and the
 * verdict follows it. The object is the benign NumPy sample with bytes after its array: one MEDIUM
 * finding (NPY-002) and nothing else, so it passes at the default threshold and fails at {@code
 * medium}.
 */
class ScanObjectHandlerFailOnTest extends ScanPipelineTestBase {
  private static final Map<String, String> REQUIRED =
      Map.of("RESULTS_BUCKET", "results", "TABLE_NAME", "table", "EVENT_BUS_NAME", "bus");

  private static Map<String, String> env(String failOn) {
    Map<String, String> env = new HashMap<>(REQUIRED);
    env.put("FAIL_ON", failOn);
    return env;
  }

  private JsonNode scan(String key, ScanConfig cfg) throws IOException {
    byte[] model = mediumOnly();
    PutObjectResponse put = upload(key, model);
    return invoke(handler(dynamoDb, cfg), s3Event(key, put, model.length)).get(0);
  }

  @Test
  void aMediumOnlyObjectPassesByDefaultAndFailsWithFailOnMedium() throws Exception {
    ScanConfig byDefault = config.withFailOn(ScanConfig.fromEnvironment(REQUIRED).failOn());
    ScanConfig medium = config.withFailOn(ScanConfig.fromEnvironment(env("medium")).failOn());

    JsonNode passed = scan("fail-on/default.npy", byDefault);
    JsonNode failed = scan("fail-on/medium.npy", medium);

    assertThat(passed.get("verdict").asText()).isEqualTo("PASS");
    assertThat(failed.get("verdict").asText()).isEqualTo("FAIL");
    ModelScanCompleted event =
        EventJson.read(eventBus.entries().get(1).get("Detail").asText(), ModelScanCompleted.class);
    assertThat(event.verdict()).isEqualTo("FAIL");
    assertThat(event.countsBySeverity())
        .containsExactly(
            Map.entry("CRITICAL", 0),
            Map.entry("HIGH", 0),
            Map.entry("MEDIUM", 1),
            Map.entry("LOW", 0),
            Map.entry("INFO", 0));
    assertThat(event.topFindings())
        .singleElement()
        .satisfies(f -> assertThat(f.ruleId()).isEqualTo("NPY-002"));
    assertThat(tags("fail-on/medium.npy", null)).containsEntry("sentrascan:verdict", "FAIL");
    assertThat(tags("fail-on/default.npy", null)).containsEntry("sentrascan:verdict", "PASS");
  }

  @Test
  void anEarlierPassUnderAnotherThresholdIsNotReused() throws Exception {
    byte[] model = mediumOnly();
    PutObjectResponse first =
        s3.putObject(
            b -> b.bucket(MODELS).key("fail-on/a.npy").checksumAlgorithm(ChecksumAlgorithm.SHA256),
            RequestBody.fromBytes(model));
    JsonNode passed = invoke(handler(), s3Event("fail-on/a.npy", first, model.length)).get(0);
    PutObjectResponse copy =
        s3.putObject(
            b -> b.bucket(MODELS).key("fail-on/b.npy").checksumAlgorithm(ChecksumAlgorithm.SHA256),
            RequestBody.fromBytes(model));

    JsonNode failed =
        invoke(
                handler(dynamoDb, config.withFailOn(Severity.MEDIUM)),
                s3Event("fail-on/b.npy", copy, model.length))
            .get(0);

    assertThat(passed.get("verdict").asText()).isEqualTo("PASS");
    assertThat(failed.get("verdict").asText()).isEqualTo("FAIL");
    assertThat(item(failed.get("scanId").asText())).doesNotContainKey("reusedFrom");
  }

  @Test
  void failOnIsReadInAnyCaseDefaultsToHighAndAnyOtherValueStopsTheFunctionAtInit() {
    assertThat(ScanConfig.fromEnvironment(REQUIRED).failOn()).isEqualTo(Severity.HIGH);
    assertThat(ScanConfig.fromEnvironment(env(" ")).failOn()).isEqualTo(Severity.HIGH);
    assertThat(ScanConfig.fromEnvironment(env("critical")).policy().failOn())
        .isEqualTo(Severity.CRITICAL);
    assertThat(ScanConfig.fromEnvironment(env("Low")).failOn()).isEqualTo(Severity.LOW);
    assertThat(ScanConfig.fromEnvironment(env("info")).policy().strict()).isFalse();
    assertThatThrownBy(() -> ScanConfig.fromEnvironment(env("severe")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("FAIL_ON='severe': expected critical, high, medium, low or info");
    // The large-model functions read the same variable, through the scan function's settings.
    assertThat(LargeModelConfig.fromEnvironment(env("medium")).policy().failOn())
        .isEqualTo(Severity.MEDIUM);
    assertThat(LargeModelConfig.fromEnvironment(env("")).policy().failOn())
        .isEqualTo(Severity.HIGH);
    assertThatThrownBy(() -> LargeModelConfig.fromEnvironment(env("HIGHEST")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("FAIL_ON='HIGHEST'");
  }
}
