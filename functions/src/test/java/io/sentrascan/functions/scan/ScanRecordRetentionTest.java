package io.sentrascan.functions.scan;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sentrascan.events.EventJson;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;

/**
 * The retention TTL: a record gets {@code expiresAt} only once a newer record of the same object
 * exists, so the newest never expires, whatever order the events arrive in. dynalite does not
 * expire items (neither does DynamoDB at once): what is checked is which items carry the attribute
 * and its value, which is what DynamoDB's TTL acts on.
 */
class ScanRecordRetentionTest extends ScanPipelineTestBase {
  private static final String KEY = "models/resnet.pkl";
  private static final int DAYS = 30;

  /** The S3 notification of an upload with the sequencer S3 would have given it. */
  private static String event(PutObjectResponse put, byte[] data, String sequencer)
      throws Exception {
    ObjectNode event = (ObjectNode) EventJson.tree(s3Event(KEY, put, data.length));
    ((ObjectNode) event.at("/Records/0/s3/object")).put("sequencer", sequencer);
    return event.toString();
  }

  private ScanObjectHandler retaining() {
    return handler(dynamoDb, config.withRetentionDays(DAYS));
  }

  private static Instant scannedAt(Map<String, AttributeValue> item) {
    return Instant.parse(item.get("scannedAt").s());
  }

  @Test
  void withoutRetentionNoRecordEverGetsAnExpiry() throws Exception {
    byte[] benign = resource("models/benign-model.pkl");
    PutObjectResponse v1 = upload(KEY, benign);
    PutObjectResponse v2 = upload(KEY, benign);
    ScanObjectHandler handler = handler();

    invoke(handler, event(v1, benign, "0055AED6DCD90281E5"));
    invoke(handler, event(v2, benign, "0055AED6DCD90281F0"));

    assertThat(allItems()).hasSize(4).allSatisfy(i -> assertThat(i).doesNotContainKey("expiresAt"));
  }

  @Test
  void aNewerRevisionStartsTheRetentionOfTheOlderOneAndNeverItsOwn() throws Exception {
    byte[] benign = resource("models/benign-model.pkl");
    byte[] malicious = resource("models/malicious-model.pkl");
    ScanObjectHandler handler = retaining();
    PutObjectResponse v1 = upload(KEY, benign);
    String first =
        invoke(handler, event(v1, benign, "0055AED6DCD90281E5")).get(0).get("scanId").asText();
    assertThat(item(first)).doesNotContainKey("expiresAt");

    PutObjectResponse v2 = upload(KEY, malicious);
    String second =
        invoke(handler, event(v2, malicious, "0055AED6DCD90281F0")).get(0).get("scanId").asText();

    Map<String, AttributeValue> old = item(first);
    Map<String, AttributeValue> newest = item(second);
    assertThat(newest).doesNotContainKeys("expiresAt", "supersededBy");
    assertThat(newest.get("sequencer").s()).isEqualTo("0055AED6DCD90281F0");
    assertThat(old.get("supersededBy").s()).isEqualTo(second);
    long expiresAt = Long.parseLong(old.get("expiresAt").n());
    // Retention counts from when the record was superseded (the test clock ticks 1 s per read).
    long from = scannedAt(newest).plus(Duration.ofDays(DAYS)).getEpochSecond();
    assertThat(expiresAt).isBetween(from, from + 60);
    // The old scan's inline report goes with it; the newest one's stays.
    assertThat(
            dynamoDb
                .getItem(b -> b.tableName(table).key(ScanTableDesign.reportKey(first)))
                .item()
                .get("expiresAt"))
        .isEqualTo(old.get("expiresAt"));
    assertThat(
            dynamoDb.getItem(b -> b.tableName(table).key(ScanTableDesign.reportKey(second))).item())
        .doesNotContainKey("expiresAt");
  }

  @Test
  void anOlderRevisionWhoseEventArrivesLateExpiresItselfAndLeavesTheNewestAlone() throws Exception {
    byte[] benign = resource("models/benign-model.pkl");
    byte[] malicious = resource("models/malicious-model.pkl");
    ScanObjectHandler handler = retaining();
    PutObjectResponse v1 = upload(KEY, benign);
    PutObjectResponse v2 = upload(KEY, malicious);

    // v2's event first (scanned earlier), then v1's: the sequencer, not the scan time, decides.
    String newer =
        invoke(handler, event(v2, malicious, "0055AED6DCD90281F0")).get(0).get("scanId").asText();
    String older =
        invoke(handler, event(v1, benign, "55AED6DCD90281E5")).get(0).get("scanId").asText();

    assertThat(scannedAt(item(older))).isAfter(scannedAt(item(newer)));
    assertThat(item(newer)).doesNotContainKey("expiresAt");
    assertThat(item(older).get("supersededBy").s()).isEqualTo(newer);
    assertThat(item(older)).containsKey("expiresAt");
  }

  @Test
  void replaysAndLaterWritesKeepTheFirstExpiryAndOtherObjectsAreUntouched() throws Exception {
    byte[] benign = resource("models/benign-model.pkl");
    ScanObjectHandler handler = retaining();
    PutObjectResponse v1 = upload(KEY, benign);
    String e1 = event(v1, benign, "0055AED6DCD90281E5");
    String first = invoke(handler, e1).get(0).get("scanId").asText();
    PutObjectResponse other = upload("models/other.pkl", benign);
    JsonNode otherScan = invoke(handler, s3Event("models/other.pkl", other, benign.length)).get(0);
    PutObjectResponse v2 = upload(KEY, benign);
    String e2 = event(v2, benign, "0055AED6DCD90281F0");
    String second = invoke(handler, e2).get(0).get("scanId").asText();
    Map<String, AttributeValue> marked = item(first);

    invoke(handler, e1);
    invoke(handler, e2);
    PutObjectResponse v3 = upload(KEY, benign);
    String third =
        invoke(handler, event(v3, benign, "0055AED6DCD9028200")).get(0).get("scanId").asText();

    assertThat(item(first)).isEqualTo(marked);
    assertThat(item(second).get("supersededBy").s()).isEqualTo(third);
    assertThat(item(third)).doesNotContainKey("expiresAt");
    assertThat(item(otherScan.get("scanId").asText())).doesNotContainKey("expiresAt");
  }

  @Test
  void sequencersCompareAsHexadecimalNumbersOfAnyLength() {
    assertThat(SupersededRecords.compareSequencers("0055AED6DCD90281F0", "55AED6DCD90281E5"))
        .isPositive();
    assertThat(SupersededRecords.compareSequencers("00A", "9")).isPositive();
    assertThat(SupersededRecords.compareSequencers("0a", "A")).isZero();
    assertThat(SupersededRecords.compareSequencers("617f08299329d189", "617F0837B476E463"))
        .isNegative();
  }

  @Test
  void retentionDaysComeFromTheEnvironment() {
    Map<String, String> base =
        Map.of("RESULTS_BUCKET", "r", "TABLE_NAME", "t", "EVENT_BUS_NAME", "b");
    java.util.Map<String, String> withDays = new java.util.HashMap<>(base);
    withDays.put("RETENTION_DAYS", "90");

    assertThat(ScanConfig.fromEnvironment(base).retentionDays()).isZero();
    assertThat(ScanConfig.fromEnvironment(withDays).retentionDays()).isEqualTo(90);
  }
}
