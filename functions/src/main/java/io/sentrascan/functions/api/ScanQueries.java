package io.sentrascan.functions.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sentrascan.functions.scan.ScanTableDesign;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/**
 * The reads behind the query API, on the scan table's keys and indexes (see {@link
 * ScanTableDesign}) and the results and SBOM buckets. Summaries are turned into the API's JSON
 * here: index keys and bookkeeping attributes are never shown.
 */
final class ScanQueries {
  static final List<String> VERDICTS = List.of("FAIL", "ERROR", "PASS");

  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  private final DynamoDbClient dynamoDb;
  private final S3Client s3;
  private final ApiConfig config;

  ScanQueries(DynamoDbClient dynamoDb, S3Client s3, ApiConfig config) {
    this.dynamoDb = dynamoDb;
    this.s3 = s3;
    this.config = config;
  }

  /** The summary item of a scan. */
  Optional<Map<String, AttributeValue>> summary(String scanId) {
    GetItemResponse r =
        dynamoDb.getItem(
            b -> b.tableName(config.tableName()).key(ScanTableDesign.summaryKey(scanId)));
    return r.hasItem() && !r.item().isEmpty() ? Optional.of(r.item()) : Optional.empty();
  }

  /** The full JSON report of a scan: inline in the table, or in the results bucket. */
  Optional<String> report(Map<String, AttributeValue> summary) {
    String scanId = summary.get("scanId").s();
    GetItemResponse r =
        dynamoDb.getItem(
            b -> b.tableName(config.tableName()).key(ScanTableDesign.reportKey(scanId)));
    if (r.hasItem() && r.item().containsKey("report")) {
      return Optional.of(r.item().get("report").s());
    }
    String location = str(summary, "reportLocation");
    return location == null
        ? Optional.empty()
        : read(config.resultsBucket(), location).map(ResponseBytes::asUtf8String);
  }

  /** The ML-BOM of a scan, as stored. */
  Optional<byte[]> sbom(Map<String, AttributeValue> summary) {
    String location = str(summary, "sbomLocation");
    return location == null
        ? Optional.empty()
        : read(config.sbomBucket(), location).map(ResponseBytes::asByteArray);
  }

  /**
   * Reads an {@code s3://} location, only from the bucket this API serves: a record never makes the
   * API read another bucket.
   */
  private Optional<ResponseBytes<GetObjectResponse>> read(String bucket, String location) {
    String prefix = "s3://" + bucket + "/";
    if (!location.startsWith(prefix)) {
      return Optional.empty();
    }
    String key = location.substring(prefix.length());
    try {
      return Optional.of(s3.getObjectAsBytes(b -> b.bucket(bucket).key(key)));
    } catch (NoSuchKeyException e) {
      return Optional.empty();
    }
  }

  /** The newest scans of one content digest. */
  List<Map<String, AttributeValue>> byDigest(String sha256, int limit) {
    return dynamoDb
        .query(
            QueryRequest.builder()
                .tableName(config.tableName())
                .indexName(ScanTableDesign.BY_DIGEST)
                .keyConditionExpression("gsi2pk = :p")
                .expressionAttributeValues(
                    Map.of(":p", ScanTableDesign.s(ScanTableDesign.digestPartition(sha256))))
                .scanIndexForward(false)
                .limit(limit)
                .build())
        .items();
  }

  /**
   * The {@value ScanTableDesign#BY_VERDICT} partitions a time range covers: months newest first,
   * then verdicts in {@link #VERDICTS} order.
   */
  static List<String> verdictPartitions(List<String> verdicts, Instant from, Instant to) {
    List<String> out = new ArrayList<>();
    YearMonth first = YearMonth.from(from.atOffset(ZoneOffset.UTC));
    for (YearMonth m = YearMonth.from(to.atOffset(ZoneOffset.UTC));
        !m.isBefore(first);
        m = m.minusMonths(1)) {
      Instant inMonth = m.atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC);
      for (String v : verdicts) {
        out.add(ScanTableDesign.verdictPartition(v, inMonth));
      }
    }
    return out;
  }

  /** One query of a {@value ScanTableDesign#BY_VERDICT} partition within a time range. */
  QueryResponse verdictPage(
      String partition,
      Instant from,
      Instant to,
      @Nullable String bucket,
      @Nullable String keyPrefix,
      int limit,
      @Nullable Map<String, AttributeValue> startKey,
      @Nullable String projection) {
    return page(
        ScanTableDesign.BY_VERDICT,
        "gsi3",
        partition,
        from,
        to,
        bucket,
        keyPrefix,
        null,
        limit,
        startKey,
        projection);
  }

  /**
   * One query of an object's {@value ScanTableDesign#BY_OBJECT} partition within a time range, the
   * verdict (if any) as a filter.
   */
  QueryResponse objectPage(
      String bucket,
      String key,
      @Nullable String verdict,
      Instant from,
      Instant to,
      int limit,
      @Nullable Map<String, AttributeValue> startKey) {
    return page(
        ScanTableDesign.BY_OBJECT,
        "gsi1",
        ScanTableDesign.objectPartition(bucket, key),
        from,
        to,
        null,
        null,
        verdict,
        limit,
        startKey,
        null);
  }

  @SuppressWarnings("TooManyParameters") // one query's parts; the two callers above name them
  private QueryResponse page(
      String index,
      String keyPrefixOfIndex,
      String partition,
      Instant from,
      Instant to,
      @Nullable String bucket,
      @Nullable String keyPrefix,
      @Nullable String verdict,
      int limit,
      @Nullable Map<String, AttributeValue> startKey,
      @Nullable String projection) {
    Map<String, AttributeValue> values = new HashMap<>();
    values.put(":p", ScanTableDesign.s(partition));
    values.put(":from", ScanTableDesign.s(ScanTableDesign.sortable(from)));
    // Sort keys are "<time>#<scanId>": '~' sorts after every character of a scan id.
    values.put(":to", ScanTableDesign.s(ScanTableDesign.sortable(to) + "~"));
    Map<String, String> names = new HashMap<>();
    List<String> filters = new ArrayList<>();
    if (bucket != null) {
      names.put("#b", "bucket");
      values.put(":b", ScanTableDesign.s(bucket));
      filters.add("#b = :b");
    }
    if (verdict != null) {
      names.put("#v", "verdict");
      values.put(":v", ScanTableDesign.s(verdict));
      filters.add("#v = :v");
    }
    if (keyPrefix != null) {
      names.put("#k", "key");
      values.put(":k", ScanTableDesign.s(keyPrefix));
      filters.add("begins_with(#k, :k)");
    }
    QueryRequest.Builder q =
        QueryRequest.builder()
            .tableName(config.tableName())
            .indexName(index)
            .keyConditionExpression(
                keyPrefixOfIndex + "pk = :p AND " + keyPrefixOfIndex + "sk BETWEEN :from AND :to")
            .expressionAttributeValues(values)
            .scanIndexForward(false)
            .limit(limit);
    if (!filters.isEmpty()) {
      q.filterExpression(String.join(" AND ", filters));
    }
    if (projection != null) {
      names.put("#v", "verdict");
      names.put("#c", "counts");
      q.projectionExpression(projection);
    }
    if (!names.isEmpty()) {
      q.expressionAttributeNames(names);
    }
    if (startKey != null) {
      q.exclusiveStartKey(startKey);
    }
    return dynamoDb.query(q.build());
  }

  /** A summary as the API shows it. */
  static ObjectNode view(Map<String, AttributeValue> item) {
    ObjectNode o = JSON.objectNode();
    o.put("scanId", str(item, "scanId"));
    o.put("bucket", str(item, "bucket"));
    o.put("key", str(item, "key"));
    o.put("versionId", str(item, "versionId"));
    o.put("sha256", str(item, "sha256"));
    if (item.get("size") != null) {
      o.put("size", Long.parseLong(item.get("size").n()));
    } else {
      o.putNull("size");
    }
    o.put("verdict", str(item, "verdict"));
    o.put("reason", str(item, "reason"));
    ObjectNode counts = o.putObject("countsBySeverity");
    for (Map.Entry<String, Integer> e : counts(item).entrySet()) {
      counts.put(e.getKey(), e.getValue());
    }
    ArrayNode top = o.putArray("topFindings");
    if (item.get("topFindings") != null) {
      for (AttributeValue v : item.get("topFindings").l()) {
        ObjectNode f = top.addObject();
        for (String field : new String[] {"ruleId", "severity", "title", "path"}) {
          f.put(field, str(v.m(), field));
        }
      }
    }
    o.put("scannerVersion", str(item, "scannerVersion"));
    o.put("scannedAt", str(item, "scannedAt"));
    o.put("reportLocation", str(item, "reportLocation"));
    o.put("sbomLocation", str(item, "sbomLocation"));
    o.put("reusedFrom", str(item, "reusedFrom"));
    return o;
  }

  /** Counts by severity, most severe first. */
  static Map<String, Integer> counts(Map<String, AttributeValue> item) {
    Map<String, Integer> out = new LinkedHashMap<>();
    AttributeValue counts = item.get("counts");
    for (String sev : new String[] {"CRITICAL", "HIGH", "MEDIUM", "LOW", "INFO"}) {
      AttributeValue v = counts == null ? null : counts.m().get(sev);
      out.put(sev, v == null ? 0 : Integer.parseInt(v.n()));
    }
    return out;
  }

  static @Nullable String str(Map<String, AttributeValue> item, String name) {
    AttributeValue v = item.get(name);
    return v == null ? null : v.s();
  }

  /** The findings array of a JSON report, or an empty one. */
  static JsonNode findings(JsonNode report) {
    JsonNode f = report.get("findings");
    return f != null && f.isArray() ? f : JSON.arrayNode();
  }
}
