package io.sentrascan.functions.scan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sentrascan.events.EventJson;
import io.sentrascan.events.ModelScanCompleted;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;

/**
 * Events and objects that cannot be scanned: each one is logged and recorded or sent to the DLQ.
 */
class ScanObjectHandlerBadInputTest extends ScanPipelineTestBase {

  @Test
  void anObjectDeletedBeforeTheScanGetsAnErrorRecordAndAnErrorEvent() throws Exception {
    byte[] data = resource("models/benign-model.pkl");
    PutObjectResponse put = upload("gone.pkl", data);
    s3.deleteObject(b -> b.bucket(MODELS).key("gone.pkl").versionId(put.versionId()));

    JsonNode outcome = invoke(handler(), s3Event("gone.pkl", put, data.length)).get(0);

    assertThat(outcome.get("verdict").asText()).isEqualTo("ERROR");
    Map<String, AttributeValue> item = item(outcome.get("scanId").asText());
    assertThat(item.get("verdict").s()).isEqualTo("ERROR");
    assertThat(item.get("reason").s()).contains("no longer exists");
    assertThat(item).doesNotContainKey("sha256");
    ModelScanCompleted event =
        EventJson.read(eventBus.entries().get(0).get("Detail").asText(), ModelScanCompleted.class);
    assertThat(event.verdict()).isEqualTo("ERROR");
    assertThat(event.reason()).contains("no longer exists");
    assertThat(lastContext.logLines())
        .anyMatch(l -> l.contains("\"level\":\"ERROR\"") && l.contains("no longer exists"))
        .anyMatch(l -> l.contains("untagged"));
  }

  @Test
  void anObjectOverTheSizeLimitIsRecordedAsErrorNotScanned() throws Exception {
    byte[] data = resource("models/malicious-model.pkl");
    PutObjectResponse put = upload("too-big.pkl", data);

    JsonNode outcome =
        invoke(
                handler(dynamoDb, config.withMaxObjectBytes(10)),
                s3Event("too-big.pkl", put, data.length))
            .get(0);

    Map<String, AttributeValue> item = item(outcome.get("scanId").asText());
    assertThat(item.get("verdict").s()).isEqualTo("ERROR");
    assertThat(item.get("reason").s())
        .contains(data.length + " bytes, over this function's limit of 10")
        .contains("MAX_OBJECT_BYTES");
    assertThat(tags("too-big.pkl", put.versionId())).containsEntry("sentrascan:verdict", "ERROR");
  }

  @Test
  void aScanThatFailsIsRecordedAndTaggedAsErrorWithTheReason() throws Exception {
    byte[] data = "BROKEN model".getBytes(StandardCharsets.UTF_8);
    PutObjectResponse put = upload("broken.bin", data);

    JsonNode outcome = invoke(handler(), s3Event("broken.bin", put, data.length)).get(0);

    Map<String, AttributeValue> item = item(outcome.get("scanId").asText());
    assertThat(item.get("verdict").s()).isEqualTo("ERROR");
    assertThat(item.get("reason").s()).contains("the disk under the test scanner is on fire");
    assertThat(item.get("sha256").s()).hasSize(64);
    assertThat(tags("broken.bin", put.versionId())).containsEntry("sentrascan:verdict", "ERROR");
    assertThat(eventBus.entries()).hasSize(1);
  }

  @ParameterizedTest
  @ValueSource(strings = {"s3-notification-object-removed.json", "eventbridge-object-deleted.json"})
  void aDeletionEventIsRecordedAsErrorAgainstTheObjectItNames(String sample) throws Exception {
    JsonNode outcome = invoke(handler(), EventJson.sample(sample)).get(0);

    assertThat(outcome.get("verdict").asText()).isEqualTo("ERROR");
    assertThat(outcome.get("bucket").asText()).isEqualTo("sentrascan-models");
    assertThat(outcome.get("reason").asText()).contains("not an object creation");
    assertThat(item(outcome.get("scanId").asText()).get("reason").s())
        .contains("not an object creation");
    assertThat(lastContext.logLines()).anyMatch(l -> l.contains("\"level\":\"ERROR\""));
  }

  @Test
  void aKeyThatIsNotValidUrlEncodingIsRecordedUnderTheRawKey() throws Exception {
    ObjectNode event =
        (ObjectNode) EventJson.tree(EventJson.sample("s3-notification-object-created.json"));
    ((ObjectNode) event.at("/Records/0/s3/object")).put("key", "models/100%zz.pkl");

    JsonNode outcome = invoke(handler(), event.toString()).get(0);

    assertThat(outcome.get("key").asText()).isEqualTo("models/100%zz.pkl");
    assertThat(item(outcome.get("scanId").asText()).get("reason").s())
        .contains("not valid URL encoding");
  }

  @Test
  void keysWithSpacesPlusSignsAndUnicodeReachTheRightObject() throws Exception {
    String key = "odd keys/a+b c%20d/模型 #1?.pkl";
    byte[] data = resource("models/benign-model.pkl");
    PutObjectResponse put = upload(key, data);

    JsonNode outcome = invoke(handler(), s3Event(key, put, data.length)).get(0);

    assertThat(outcome.get("verdict").asText()).isEqualTo("PASS");
    assertThat(outcome.get("key").asText()).isEqualTo(key);
    assertThat(tags(key, put.versionId())).containsEntry("sentrascan:verdict", "PASS");
  }

  @Test
  void anEventThatNamesNoObjectFailsTheInvocationForTheDlqAndWritesNothing() {
    String event = "{\"Records\": [{\"eventSource\": \"aws:sqs\", \"body\": \"hello\"}]}";

    assertThatThrownBy(() -> invoke(handler(), event))
        .isInstanceOf(ScanObjectHandler.ScanFailedException.class)
        .hasMessageContaining("eventSource aws:sqs, not aws:s3");
    assertThat(lastContext.logLines())
        .anyMatch(l -> l.contains("\"level\":\"ERROR\"") && l.contains("malformed event"));
    assertThat(allItems()).isEmpty();
    assertThat(eventBus.requests()).isEmpty();
  }

  @Test
  void aBatchWithOneBadEntryStillRecordsTheGoodOneBeforeFailing() throws Exception {
    byte[] data = resource("models/benign-model.pkl");
    PutObjectResponse put = upload("batch.pkl", data);
    ObjectNode event = (ObjectNode) EventJson.tree(s3Event("batch.pkl", put, data.length));
    event.withArray("/Records").addObject().put("eventSource", "aws:s3");

    assertThatThrownBy(() -> invoke(handler(), event.toString()))
        .isInstanceOf(ScanObjectHandler.ScanFailedException.class)
        .hasMessageContaining("Records[1]");
    assertThat(summaries())
        .singleElement()
        .satisfies(i -> assertThat(i.get("key").s()).isEqualTo("batch.pkl"));
  }

  @Test
  void s3sTestEventIsLoggedAndIgnored() throws Exception {
    JsonNode outcomes = invoke(handler(), EventJson.sample("s3-test-event.json"));

    assertThat(outcomes).isEmpty();
    assertThat(lastContext.logLines())
        .anyMatch(l -> l.contains("event ignored") && l.contains("s3:TestEvent"));
    assertThat(allItems()).isEmpty();
  }
}
