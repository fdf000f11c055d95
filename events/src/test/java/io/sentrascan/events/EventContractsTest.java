package io.sentrascan.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class EventContractsTest {

  @ParameterizedTest
  @ValueSource(
      strings = {
        "s3-notification-object-created.json",
        "s3-notification-object-removed.json",
      })
  void anS3NotificationSampleSurvivesARoundTrip(String sample) throws Exception {
    S3EventNotification event = EventJson.read(EventJson.sample(sample), S3EventNotification.class);

    S3EventNotification again = EventJson.read(EventJson.write(event), S3EventNotification.class);

    assertThat(again).isEqualTo(event);
    assertThat(event.records())
        .singleElement()
        .satisfies(r -> assertThat(r.eventVersion()).isEqualTo("2.1"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"eventbridge-object-created.json", "eventbridge-object-deleted.json"})
  void anEventBridgeSampleSurvivesARoundTrip(String sample) throws Exception {
    EventBridgeS3Event event = EventJson.read(EventJson.sample(sample), EventBridgeS3Event.class);

    assertThat(EventJson.read(EventJson.write(event), EventBridgeS3Event.class)).isEqualTo(event);
    assertThat(event.version()).isEqualTo("0");
    assertThat(EventJson.tree(EventJson.write(event)).has("detail-type")).isTrue();
    assertThat(EventJson.tree(EventJson.write(event)).at("/detail/object/version-id").isTextual())
        .isTrue();
  }

  @Test
  void theModelScanCompletedSampleMatchesWhatTheRecordWrites() throws Exception {
    String sample = EventJson.sample("model-scan-completed.json");
    ModelScanCompleted event = EventJson.read(sample, ModelScanCompleted.class);

    assertThat(event.version()).isEqualTo(ModelScanCompleted.VERSION);
    assertThat(event.scannedAt()).isEqualTo(Instant.parse("2026-11-27T03:00:02.125Z"));
    assertThat(event.countsBySeverity()).containsEntry("CRITICAL", 1);
    // Every field of the sample is a field of the record and back: no field is lost or renamed.
    assertThat(EventJson.tree(EventJson.write(event))).isEqualTo(EventJson.tree(sample));
  }

  @ParameterizedTest
  @CsvSource({
    "eventbridge-model-scan-completed-fail.json, FAIL",
    "eventbridge-model-scan-completed-error.json, ERROR",
    "eventbridge-model-scan-completed-pass.json, PASS"
  })
  void theModelScanCompletedEnvelopeSamplesCarryTheContractAsDetail(String sample, String verdict)
      throws Exception {
    JsonNode envelope = EventJson.tree(EventJson.sample(sample));

    assertThat(envelope.get("detail-type").asText()).isEqualTo(ModelScanCompleted.DETAIL_TYPE);
    assertThat(envelope.get("source").asText()).isEqualTo(ModelScanCompleted.SOURCE);
    ModelScanCompleted detail = EventJson.convert(envelope.get("detail"), ModelScanCompleted.class);
    assertThat(detail.verdict()).isEqualTo(verdict);
    assertThat(EventJson.tree(EventJson.write(detail))).isEqualTo(envelope.get("detail"));
  }

  @Test
  void modelScanCompletedWritesEveryFieldEvenWhenAbsent() throws Exception {
    Map<String, Integer> counts = new LinkedHashMap<>();
    counts.put("CRITICAL", 0);
    counts.put("HIGH", 0);
    ModelScanCompleted event =
        new ModelScanCompleted(
            ModelScanCompleted.VERSION,
            "id",
            "b",
            "k",
            null,
            null,
            null,
            "ERROR",
            "object version no longer exists",
            counts,
            List.of(),
            null,
            null,
            "dev",
            Instant.EPOCH);

    JsonNode tree = EventJson.tree(EventJson.write(event));

    assertThat(tree.has("versionId")).isTrue();
    assertThat(tree.get("versionId").isNull()).isTrue();
    assertThat(tree.get("scannedAt").asText()).isEqualTo("1970-01-01T00:00:00Z");
    assertThat(tree.get("countsBySeverity").fieldNames())
        .toIterable()
        .containsExactly("CRITICAL", "HIGH");
    assertThat(EventJson.read(EventJson.write(event), ModelScanCompleted.class)).isEqualTo(event);
  }

  @Test
  void unknownFieldsAreTolerated() throws Exception {
    ObjectNode s3 =
        (ObjectNode) EventJson.tree(EventJson.sample("s3-notification-object-created.json"));
    s3.put("addedByAwsNextYear", true);
    ((ObjectNode) s3.at("/Records/0/s3/object")).putObject("checksum").put("crc64", "x");
    ObjectNode done = (ObjectNode) EventJson.tree(EventJson.sample("model-scan-completed.json"));
    done.put("version", "1.1");
    done.put("fieldFromANewerProducer", 42);

    S3EventNotification n = EventJson.read(s3.toString(), S3EventNotification.class);
    ModelScanCompleted m = EventJson.read(done.toString(), ModelScanCompleted.class);

    assertThat(n.records().get(0).s3().object().size()).isEqualTo(1024L);
    assertThat(m.version()).isEqualTo("1.1");
    assertThat(m.verdict()).isEqualTo("FAIL");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "red+flower.jpg | red flower.jpg",
        "c%2B%2B/model.bin | c++/model.bin",
        "a%2Bb+c | a+b c",
        "models/caf%C3%A9/%E6%A8%A1%E5%9E%8B.pt | models/café/模型.pt",
        "100%25/x%3Dy%26z | 100%/x=y&z",
        "dt%3D2026-11-27/_SUCCESS | dt=2026-11-27/_SUCCESS",
        "plain/key.bin | plain/key.bin",
        "%28copy%29+%231 | (copy) #1",
      })
  void keysAreUrlDecoded(String encoded, String key) {
    assertThat(ObjectKeys.decode(encoded)).isEqualTo(key);
    assertThat(new S3EventNotification.S3Object(encoded, null, null, null, null).decodedKey())
        .isEqualTo(key);
    assertThat(new EventBridgeS3Event.S3Object(encoded, null, null, null, null).decodedKey())
        .isEqualTo(key);
  }

  @Test
  void aStrayPercentIsNotSilentlyTurnedIntoAnotherKey() {
    assertThatThrownBy(() -> ObjectKeys.decode("100%zz"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ObjectKeys.decode("trailing%2"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
