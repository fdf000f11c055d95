package io.sentrascan.functions.scan;

import static io.sentrascan.functions.scan.ScanTableDesign.s;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/**
 * The retention TTL that never removes the newest record of an object. A record is written without
 * {@value #TTL_ATTRIBUTE}; it gets one only when a newer record of the same bucket and key exists,
 * set by whichever writer first sees both: the writer of the newer record (in-order events), or the
 * writer of the older one (its event arrived late). So the record no other record supersedes never
 * carries an expiry, whatever order events arrive in.
 *
 * <p>"Newer" is S3's order: the event's {@code sequencer} (a hexadecimal number, greater means
 * later, for the same key) when both records have one, else the time of the scan. The decision for
 * a pair needs only those two records, so a writer that cannot see a third one (the indexes are
 * eventually consistent) can only leave an old record unmarked for longer, never mark the newest.
 * The write is conditional on {@value #TTL_ATTRIBUTE} being absent: the first writer's expiry
 * stands, and replays change nothing. Unmarked leftovers of a race are marked by the next write for
 * that object, which looks at every record of the object that has no expiry yet.
 */
final class SupersededRecords {
  /** DynamoDB's TTL attribute of the scan table (epoch seconds), declared by the CDK app. */
  static final String TTL_ATTRIBUTE = "expiresAt";

  /** Pages of the object's unexpired records looked at per write (100 items each). */
  static final int MAX_PAGES = 10;

  private final DynamoDbClient dynamoDb;
  private final String table;
  private final @Nullable Duration retention;
  private final Clock clock;

  /**
   * @param retentionDays how long a superseded record is kept; 0 keeps every record forever (no
   *     record gets an expiry)
   */
  SupersededRecords(DynamoDbClient dynamoDb, String table, int retentionDays, Clock clock) {
    this.dynamoDb = dynamoDb;
    this.table = table;
    this.retention = retentionDays <= 0 ? null : Duration.ofDays(retentionDays);
    this.clock = clock;
  }

  /** One record of an object, as far as ordering goes. */
  record Revision(String scanId, @Nullable String sequencer, Instant scannedAt) {}

  /**
   * Gives every record of {@code written}'s object that a newer record of the same object
   * supersedes its expiry ({@code written} itself included, when its event came late).
   *
   * @return the scan ids this call marked (empty when retention is off or all were marked before)
   */
  List<String> markSuperseded(ScanRecord written) {
    if (retention == null) {
      return List.of();
    }
    List<Revision> revisions = unexpired(written);
    if (revisions.stream().noneMatch(r -> r.scanId().equals(written.scanId()))) {
      // The index has not caught up with the write this call follows.
      revisions.add(new Revision(written.scanId(), written.sequencer(), written.scannedAt()));
    }
    long expiresAt = clock.instant().plus(retention).getEpochSecond();
    List<String> marked = new ArrayList<>();
    for (Revision old : revisions) {
      for (Revision other : revisions) {
        if (isNewer(other, old)) {
          if (expire(old.scanId(), other.scanId(), expiresAt)) {
            marked.add(old.scanId());
          }
          break;
        }
      }
    }
    return marked;
  }

  /** Whether {@code a} is a later revision of the same key than {@code b}. */
  static boolean isNewer(Revision a, Revision b) {
    if (a.scanId().equals(b.scanId())) {
      return false;
    }
    if (a.sequencer() != null && b.sequencer() != null) {
      int bySequencer = compareSequencers(a.sequencer(), b.sequencer());
      if (bySequencer != 0) {
        return bySequencer > 0;
      }
    }
    return a.scannedAt().isAfter(b.scannedAt());
  }

  /**
   * Compares two S3 sequencers as the hexadecimal numbers they are: S3 documents that the greater
   * value is the later event of a key, and that sequencers may differ in length (so compare them
   * zero-padded on the left, which is what ignoring leading zeros does).
   */
  static int compareSequencers(String a, String b) {
    String x = stripLeadingZeros(a.toUpperCase(Locale.ROOT));
    String y = stripLeadingZeros(b.toUpperCase(Locale.ROOT));
    if (x.length() != y.length()) {
      return Integer.compare(x.length(), y.length());
    }
    return x.compareTo(y);
  }

  private static String stripLeadingZeros(String hex) {
    int i = 0;
    while (i < hex.length() - 1 && hex.charAt(i) == '0') {
      i++;
    }
    return hex.substring(i);
  }

  private List<Revision> unexpired(ScanRecord written) {
    List<Revision> out = new ArrayList<>();
    Map<String, AttributeValue> startKey = null;
    for (int page = 0; page < MAX_PAGES; page++) {
      QueryRequest.Builder q =
          QueryRequest.builder()
              .tableName(table)
              .indexName(ScanTableDesign.BY_OBJECT)
              .keyConditionExpression("gsi1pk = :p")
              .filterExpression("attribute_not_exists(#ttl)")
              .projectionExpression("#id, #seq, #at")
              .expressionAttributeNames(
                  Map.of(
                      "#ttl",
                      TTL_ATTRIBUTE,
                      "#id",
                      "scanId",
                      "#seq",
                      "sequencer",
                      "#at",
                      "scannedAt"))
              .expressionAttributeValues(
                  Map.of(":p", s(ScanTableDesign.objectPartition(written.bucket(), written.key()))))
              .scanIndexForward(false)
              .limit(100);
      if (startKey != null) {
        q.exclusiveStartKey(startKey);
      }
      QueryResponse response = dynamoDb.query(q.build());
      for (Map<String, AttributeValue> item : response.items()) {
        AttributeValue seq = item.get("sequencer");
        out.add(
            new Revision(
                item.get("scanId").s(),
                seq == null ? null : seq.s(),
                Instant.parse(item.get("scannedAt").s())));
      }
      if (!response.hasLastEvaluatedKey() || response.lastEvaluatedKey().isEmpty()) {
        break;
      }
      startKey = response.lastEvaluatedKey();
    }
    return out;
  }

  /**
   * Sets the expiry of the scan's inline report item (when there is one) and then of its summary,
   * unless set; true when this call set the summary's. The report goes first: if this stops in
   * between, the summary is still unexpired and the next write for the object does both again.
   */
  private boolean expire(String scanId, String supersededBy, long expiresAt) {
    update(ScanTableDesign.reportKey(scanId), supersededBy, expiresAt);
    return update(ScanTableDesign.summaryKey(scanId), supersededBy, expiresAt);
  }

  private boolean update(Map<String, AttributeValue> key, String supersededBy, long expiresAt) {
    Map<String, AttributeValue> values = new HashMap<>();
    values.put(":t", AttributeValue.builder().n(Long.toString(expiresAt)).build());
    values.put(":by", s(supersededBy));
    try {
      dynamoDb.updateItem(
          UpdateItemRequest.builder()
              .tableName(table)
              .key(key)
              .updateExpression("SET #ttl = :t, supersededBy = :by")
              .conditionExpression("attribute_exists(pk) AND attribute_not_exists(#ttl)")
              .expressionAttributeNames(Map.of("#ttl", TTL_ATTRIBUTE))
              .expressionAttributeValues(values)
              .build());
      return true;
    } catch (ConditionalCheckFailedException e) {
      return false; // marked already (first writer wins), or no such item
    }
  }
}
