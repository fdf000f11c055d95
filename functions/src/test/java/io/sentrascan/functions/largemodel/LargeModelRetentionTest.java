package io.sentrascan.functions.largemodel;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sentrascan.events.EventJson;
import io.sentrascan.events.LargeScanRequest;
import io.sentrascan.events.ObjectRef;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;

/**
 * Retention on the large-model path: the Aggregate step records through the same {@code
 * ScanRecorder} as the scan function, so its records carry the event's sequencer, supersede the
 * object's older records whichever path wrote them, and a folder's records (keyed by the prefix, no
 * sequencer) are ordered by scan time.
 */
class LargeModelRetentionTest extends LargeModelTestBase {
  private static final int DAYS = 30;

  /** One clock for every Aggregate of a test, so that a later run is a later scan. */
  private final Clock clock = ticking();

  @Override
  AggregateHandler aggregateHandler(LargeModelConfig cfg) {
    return new AggregateHandler(s3, dynamoDb, eventBridge, testEngine(), clock, cfg);
  }

  @Test
  void aBigNewerVersionScannedByTheWorkflowSupersedesTheScanFunctionsRecord() throws Exception {
    String key = "retain-" + table + "/model.pt";
    byte[] small = fixture("pytorch/benign-state-dict.pt");
    byte[] big = fixture("pytorch/malicious-extra-pkl-entry.pt");
    config = config.withRetentionDays(DAYS);

    PutObjectResponse v1 = upload(key, small);
    ObjectNode event = (ObjectNode) EventJson.tree(s3Event(key, v1, small.length));
    ((ObjectNode) event.at("/Records/0/s3/object")).put("sequencer", "0055AED6DCD90281E5");
    String first = invoke(handler(), event.toString()).get(0).get("scanId").asText();

    PutObjectResponse v2 = upload(key, big);
    ObjectRef object =
        new ObjectRef(
            MODELS,
            key,
            v2.versionId(),
            (long) big.length,
            v2.eTag().replace("\"", ""),
            "0055AED6DCD90281F0");
    String second = "big-v2-" + table;
    run(LargeScanRequest.forObject(second, object, (long) big.length), largeConfig(500, 1L << 20));

    Map<String, AttributeValue> newest = item(second);
    assertThat(newest.get("sequencer").s()).isEqualTo("0055AED6DCD90281F0");
    assertThat(newest).doesNotContainKeys("expiresAt", "supersededBy");
    assertThat(item(first).get("supersededBy").s()).isEqualTo(second);
    assertThat(item(first)).containsKey("expiresAt");
  }

  @Test
  void aFoldersRecordsAreOrderedByScanTimeAndAnInputSequencerIsIgnored() throws Exception {
    String prefix = "retain-" + table + "/folder/";
    upload(prefix + "config.json", fixture("hfconfig/benign-llama3-config.json"));
    upload(prefix + "weights.pt", fixture("pytorch/benign-state-dict.pt"));
    config = config.withRetentionDays(DAYS);
    LargeModelConfig cfg = largeConfig(1L << 20, 1L << 20);

    // The first scan's input names a sequencer (of some other key): it must not order the folder.
    LargeScanRequest earlier = LargeScanRequest.forPrefix("folder-1-" + table, MODELS, prefix);
    ObjectNode input = (ObjectNode) EventJson.tree(EventJson.write(earlier));
    input.put("sequencer", "FFFFFFFFFFFFFFFFFF");
    run(EventJson.read(input.toString(), LargeScanRequest.class), cfg);
    assertThat(item(earlier.scanId())).doesNotContainKeys("sequencer", "expiresAt");

    LargeScanRequest later = LargeScanRequest.forPrefix("folder-2-" + table, MODELS, prefix);
    run(later, cfg);

    assertThat(item(later.scanId())).doesNotContainKeys("expiresAt", "supersededBy");
    assertThat(item(earlier.scanId()).get("supersededBy").s()).isEqualTo(later.scanId());
  }
}
