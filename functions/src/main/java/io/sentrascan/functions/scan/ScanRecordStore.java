package io.sentrascan.functions.scan;

import static io.sentrascan.functions.scan.ScanTableDesign.s;

import io.sentrascan.events.ModelScanCompleted;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/**
 * Reads and writes scan records in the scan table. Writes are conditional on the item not existing
 * (the same object revision is recorded once) and are retried here on failures the SDK's own
 * retries did not absorb (a dropped connection, a 5xx after its attempts): the record must land or
 * the invocation must fail so that Lambda retries it.
 */
final class ScanRecordStore {
  static final int ATTEMPTS = 3;

  private final DynamoDbClient dynamoDb;
  private final String table;
  private final Duration backoff;

  ScanRecordStore(DynamoDbClient dynamoDb, String table, Duration backoff) {
    this.dynamoDb = dynamoDb;
    this.table = table;
    this.backoff = backoff;
  }

  /** The outcome of {@link #putIfAbsent}. */
  record Stored(ScanRecord record, boolean duplicate) {}

  /** The stored record of a scan id, read strongly consistent. */
  Optional<ScanRecord> find(String scanId) {
    GetItemResponse response =
        withRetries(
            "read scan " + scanId,
            () ->
                dynamoDb.getItem(
                    GetItemRequest.builder()
                        .tableName(table)
                        .key(ScanTableDesign.summaryKey(scanId))
                        .consistentRead(true)
                        .build()));
    return response.hasItem() && !response.item().isEmpty()
        ? Optional.of(fromItem(response.item()))
        : Optional.empty();
  }

  /**
   * Writes the record unless one with its scan id exists; then returns the existing one. A retry
   * after a write whose answer was lost finds its own record and reports it as a duplicate, which
   * is harmless: the content is the same.
   */
  Stored putIfAbsent(ScanRecord record) {
    if (record.report() != null) {
      putReport(record.scanId(), record.report());
    }
    try {
      withRetries(
          "write scan " + record.scanId(),
          () ->
              dynamoDb.putItem(
                  PutItemRequest.builder()
                      .tableName(table)
                      .item(toItem(record))
                      .conditionExpression("attribute_not_exists(pk)")
                      .build()));
      return new Stored(record, false);
    } catch (ConditionalCheckFailedException e) {
      ScanRecord existing =
          find(record.scanId())
              .orElseThrow(
                  () ->
                      new IllegalStateException(
                          "scan " + record.scanId() + " exists by its condition but cannot be read",
                          e));
      return new Stored(existing, true);
    }
  }

  /**
   * The inline report lives in its own item of the scan's partition, so that the summary stays
   * small and the indexes (which project all attributes) never copy reports. Written before the
   * summary so the summary never points to nothing; conditional so that a concurrent or repeated
   * scan never replaces the report of a summary already written.
   */
  private void putReport(String scanId, String report) {
    Map<String, AttributeValue> item = new HashMap<>(ScanTableDesign.reportKey(scanId));
    item.put("report", s(report));
    try {
      withRetries(
          "write report of scan " + scanId,
          () ->
              dynamoDb.putItem(
                  PutItemRequest.builder()
                      .tableName(table)
                      .item(item)
                      .conditionExpression("attribute_not_exists(pk)")
                      .build()));
    } catch (ConditionalCheckFailedException e) {
      // An earlier attempt stored the report of the same object revision: keep it.
    }
  }

  /** The inline JSON report of a scan, or empty when it is in the results bucket or absent. */
  Optional<String> findReport(String scanId) {
    GetItemResponse response =
        withRetries(
            "read report of scan " + scanId,
            () ->
                dynamoDb.getItem(
                    GetItemRequest.builder()
                        .tableName(table)
                        .key(ScanTableDesign.reportKey(scanId))
                        .consistentRead(true)
                        .build()));
    return response.hasItem() && response.item().containsKey("report")
        ? Optional.of(response.item().get("report").s())
        : Optional.empty();
  }

  /** Marks the record as tagged and announced. */
  void markNotified(String scanId) {
    withRetries(
        "mark scan " + scanId + " notified",
        () ->
            dynamoDb.updateItem(
                UpdateItemRequest.builder()
                    .tableName(table)
                    .key(ScanTableDesign.summaryKey(scanId))
                    .updateExpression("SET notified = :t")
                    .conditionExpression("attribute_exists(pk)")
                    .expressionAttributeValues(
                        Map.of(":t", AttributeValue.builder().bool(true).build()))
                    .build()));
  }

  private <T> T withRetries(String what, Supplier<T> call) {
    SdkException last = null;
    for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
      try {
        return call.get();
      } catch (ConditionalCheckFailedException e) {
        throw e;
      } catch (SdkException e) {
        if (!retryable(e)) {
          throw e;
        }
        last = e;
        sleep(backoff.multipliedBy(attempt));
      }
    }
    throw new IllegalStateException(
        "DynamoDB: could not " + what + " in " + ATTEMPTS + " attempts: " + last.getMessage(),
        last);
  }

  private static boolean retryable(SdkException e) {
    if (e instanceof SdkClientException) {
      return true; // the request may not have arrived: conditional writes make a resend safe
    }
    if (e instanceof DynamoDbException d) {
      return d.statusCode() >= 500 || d.isThrottlingException() || d.statusCode() == 429;
    }
    return e.retryable();
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting to retry", e);
    }
  }

  static Map<String, AttributeValue> toItem(ScanRecord r) {
    Map<String, AttributeValue> item = new HashMap<>(ScanTableDesign.summaryKey(r.scanId()));
    String sort = ScanTableDesign.sortable(r.scannedAt()) + "#" + r.scanId();
    item.put("gsi1pk", s(ScanTableDesign.objectPartition(r.bucket(), r.key())));
    item.put("gsi1sk", s(sort));
    if (r.sha256() != null) {
      item.put("gsi2pk", s(ScanTableDesign.digestPartition(r.sha256())));
      item.put("gsi2sk", s(sort));
    }
    item.put("gsi3pk", s(ScanTableDesign.verdictPartition(r.verdict(), r.scannedAt())));
    item.put("gsi3sk", s(sort));
    item.put("scanId", s(r.scanId()));
    item.put("bucket", s(r.bucket()));
    item.put("key", s(r.key()));
    putIfPresent(item, "versionId", r.versionId());
    item.put("revision", s(r.revision()));
    putIfPresent(item, "sha256", r.sha256());
    if (r.size() != null) {
      item.put("size", n(r.size()));
    }
    item.put("verdict", s(r.verdict()));
    putIfPresent(item, "reason", r.reason());
    Map<String, AttributeValue> counts = new LinkedHashMap<>();
    r.countsBySeverity().forEach((k, v) -> counts.put(k, n(v)));
    item.put("counts", AttributeValue.builder().m(counts).build());
    List<AttributeValue> top = new ArrayList<>();
    for (ModelScanCompleted.TopFinding f : r.topFindings()) {
      top.add(
          AttributeValue.builder()
              .m(
                  Map.of(
                      "ruleId", s(f.ruleId()),
                      "severity", s(f.severity()),
                      "title", s(f.title()),
                      "path", s(f.path())))
              .build());
    }
    item.put("topFindings", AttributeValue.builder().l(top).build());
    item.put("scannerVersion", s(r.scannerVersion()));
    item.put("scannedAt", s(ScanTableDesign.sortable(r.scannedAt())));
    item.put("durationMillis", n(r.durationMillis()));
    item.put("reportInline", AttributeValue.builder().bool(r.report() != null).build());
    putIfPresent(item, "reportLocation", r.reportLocation());
    putIfPresent(item, "sbomLocation", r.sbomLocation());
    item.put("notified", AttributeValue.builder().bool(r.notified()).build());
    putIfPresent(item, "sequencer", r.sequencer());
    putIfPresent(item, "reusedFrom", r.reusedFrom());
    return item;
  }

  static ScanRecord fromItem(Map<String, AttributeValue> item) {
    Map<String, Integer> counts = new LinkedHashMap<>();
    // Most severe first, whatever order the map came back in.
    for (String sev : new String[] {"CRITICAL", "HIGH", "MEDIUM", "LOW", "INFO"}) {
      AttributeValue v = item.get("counts") == null ? null : item.get("counts").m().get(sev);
      if (v != null) {
        counts.put(sev, Integer.parseInt(v.n()));
      }
    }
    List<ModelScanCompleted.TopFinding> top = new ArrayList<>();
    if (item.get("topFindings") != null) {
      for (AttributeValue v : item.get("topFindings").l()) {
        Map<String, AttributeValue> m = v.m();
        top.add(
            new ModelScanCompleted.TopFinding(
                m.get("ruleId").s(), m.get("severity").s(), m.get("title").s(), m.get("path").s()));
      }
    }
    return new ScanRecord(
        item.get("scanId").s(),
        item.get("bucket").s(),
        item.get("key").s(),
        str(item, "versionId"),
        item.get("revision").s(),
        str(item, "sha256"),
        item.get("size") == null ? null : Long.parseLong(item.get("size").n()),
        item.get("verdict").s(),
        str(item, "reason"),
        counts,
        top,
        item.get("scannerVersion").s(),
        Instant.parse(item.get("scannedAt").s()),
        Long.parseLong(item.get("durationMillis").n()),
        null, // the report is its own item: findReport
        str(item, "reportLocation"),
        str(item, "sbomLocation"),
        item.get("notified") != null && Boolean.TRUE.equals(item.get("notified").bool()),
        str(item, "sequencer"),
        str(item, "reusedFrom"));
  }

  private static @Nullable String str(Map<String, AttributeValue> item, String name) {
    AttributeValue v = item.get(name);
    return v == null ? null : v.s();
  }

  private static void putIfPresent(
      Map<String, AttributeValue> item, String name, @Nullable String value) {
    if (value != null) {
      item.put(name, s(value));
    }
  }

  private static AttributeValue n(long value) {
    return AttributeValue.builder().n(Long.toString(value)).build();
  }
}
