package io.sentrascan.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Reads whatever arrived at the scan function (an S3 event notification or an EventBridge event
 * from S3) into one {@link ScanRequest} per entry. Never throws on bad input: every problem becomes
 * a request that says what was wrong, so the caller can log it and decide.
 */
public final class ScanRequests {
  private ScanRequests() {}

  /** The requests in an event, in the order the event lists them. */
  public static List<ScanRequest> parse(String json) {
    JsonNode root;
    try {
      root = EventJson.tree(json);
    } catch (JsonProcessingException e) {
      return List.of(new ScanRequest.Malformed("the event is not JSON: " + e.getOriginalMessage()));
    }
    if (root == null || !root.isObject()) {
      return List.of(new ScanRequest.Malformed("the event is not a JSON object"));
    }
    try {
      if (root.has("Records")) {
        return fromNotification(EventJson.convert(root, S3EventNotification.class));
      }
      if (root.has("detail-type")) {
        return List.of(fromEventBridge(EventJson.convert(root, EventBridgeS3Event.class)));
      }
    } catch (JsonProcessingException e) {
      return List.of(
          new ScanRequest.Malformed(
              "the event has the shape of an S3 event but a field has the wrong type: "
                  + e.getOriginalMessage()));
    }
    if ("s3:TestEvent".equals(root.path("Event").asText(null))) {
      return List.of(
          new ScanRequest.Ignored("s3:TestEvent from bucket " + root.path("Bucket").asText("?")));
    }
    return List.of(
        new ScanRequest.Malformed(
            "neither an S3 event notification (Records) nor an EventBridge event (detail-type);"
                + " top-level fields: "
                + fieldNames(root)));
  }

  private static List<ScanRequest> fromNotification(S3EventNotification event) {
    if (event.records() == null || event.records().isEmpty()) {
      return List.of(new ScanRequest.Malformed("the S3 notification has no Records"));
    }
    List<ScanRequest> out = new ArrayList<>();
    int index = 0;
    for (S3EventNotification.NotificationRecord r : event.records()) {
      out.add(fromRecord(r, index++));
    }
    return out;
  }

  private static ScanRequest fromRecord(S3EventNotification.NotificationRecord r, int index) {
    String where = "Records[" + index + "]";
    if (r == null) {
      return new ScanRequest.Malformed(where + " is null");
    }
    if (!"aws:s3".equals(r.eventSource())) {
      return new ScanRequest.Malformed(
          where + " has eventSource " + r.eventSource() + ", not aws:s3");
    }
    S3EventNotification.S3Entity s3 = r.s3();
    String bucket = s3 == null || s3.bucket() == null ? null : s3.bucket().name();
    S3EventNotification.S3Object o = s3 == null ? null : s3.object();
    if (isBlank(bucket) || o == null || isBlank(o.key())) {
      return new ScanRequest.Malformed(where + " names no bucket and object key");
    }
    return request(
        where,
        r.eventName(),
        r.eventName() != null && r.eventName().startsWith("ObjectCreated:"),
        bucket,
        o.key(),
        o.versionId(),
        o.size(),
        o.eTag(),
        o.sequencer());
  }

  private static ScanRequest fromEventBridge(EventBridgeS3Event e) {
    if (!EventBridgeS3Event.SOURCE_S3.equals(e.source())) {
      return new ScanRequest.Malformed(
          "EventBridge event from source " + e.source() + ", not " + EventBridgeS3Event.SOURCE_S3);
    }
    EventBridgeS3Event.Detail d = e.detail();
    String bucket = d == null || d.bucket() == null ? null : d.bucket().name();
    EventBridgeS3Event.S3Object o = d == null ? null : d.object();
    if (isBlank(bucket) || o == null || isBlank(o.key())) {
      return new ScanRequest.Malformed(
          "EventBridge " + e.detailType() + " event names no bucket and object key");
    }
    return request(
        "EventBridge event " + e.id(),
        e.detailType(),
        EventBridgeS3Event.OBJECT_CREATED.equals(e.detailType()),
        bucket,
        o.key(),
        o.versionId(),
        o.size(),
        o.etag(),
        o.sequencer());
  }

  @SuppressWarnings("TooManyParameters") // one call site per event shape; a builder adds nothing
  private static ScanRequest request(
      String where,
      @Nullable String eventName,
      boolean created,
      String bucket,
      String encodedKey,
      @Nullable String versionId,
      @Nullable Long size,
      @Nullable String eTag,
      @Nullable String sequencer) {
    String key;
    String keyProblem = null;
    try {
      key = ObjectKeys.decode(encodedKey);
    } catch (IllegalArgumentException e) {
      // Keep the raw key so the record still says which object it was about.
      key = encodedKey;
      keyProblem = "object key " + encodedKey + " is not valid URL encoding: " + e.getMessage();
    }
    ObjectRef ref = new ObjectRef(bucket, key, versionId, size, unquote(eTag), sequencer);
    if (keyProblem != null) {
      return new ScanRequest.Unscannable(ref, where + ": " + keyProblem);
    }
    if (!created) {
      return new ScanRequest.Unscannable(
          ref, where + " is " + eventName + ", not an object creation: there is nothing to scan");
    }
    return new ScanRequest.Scan(ref);
  }

  private static @Nullable String unquote(@Nullable String eTag) {
    if (eTag != null && eTag.length() >= 2 && eTag.startsWith("\"") && eTag.endsWith("\"")) {
      return eTag.substring(1, eTag.length() - 1);
    }
    return eTag;
  }

  private static boolean isBlank(@Nullable String s) {
    return s == null || s.isBlank();
  }

  private static String fieldNames(JsonNode root) {
    List<String> names = new ArrayList<>();
    for (Iterator<String> it = root.fieldNames(); it.hasNext() && names.size() < 10; ) {
      names.add(it.next());
    }
    return names.toString();
  }
}
