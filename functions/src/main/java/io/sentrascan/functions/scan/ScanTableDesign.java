package io.sentrascan.functions.scan;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.Projection;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/**
 * The scan table, documented in the README ("Serverless pipeline"). One item per scanned object
 * revision:
 *
 * <ul>
 *   <li>{@code pk = SCAN#<scanId>}, {@code sk = SUMMARY}: a lookup by scan id is a strongly
 *       consistent GetItem, and because the scan id is derived from bucket, key and version (see
 *       {@link ScanIds}) the same key is the idempotency guard of the conditional write;
 *   <li>{@value #BY_OBJECT}: {@code gsi1pk = OBJ#<bucket>/<key>}, {@code gsi1sk =
 *       <scannedAt>#<scanId>}: the scans of one object, newest first;
 *   <li>{@value #BY_DIGEST}: {@code gsi2pk = SHA256#<hex>}, {@code gsi2sk = <scannedAt>#<scanId>}:
 *       every object with the same content (absent when the content could not be read);
 *   <li>{@value #BY_VERDICT}: {@code gsi3pk = VERDICT#<verdict>#<yyyy-MM>}, {@code gsi3sk =
 *       <scannedAt>#<scanId>}: one partition per verdict and month, so a busy month does not make
 *       one hot partition and a time range is a few queries.
 * </ul>
 *
 * <p>A report small enough to be inline is a second item of the scan's partition, {@code sk =
 * REPORT}; it has no index keys, so the indexes (which project all attributes) hold summaries only.
 * The {@code sk} leaves room for more items per scan (findings pages, SBOM pointers) without a
 * second table. Timestamps are ISO-8601 UTC with milliseconds, so that they sort as text.
 */
public final class ScanTableDesign {
  public static final String BY_OBJECT = "byObject";
  public static final String BY_DIGEST = "byDigest";
  public static final String BY_VERDICT = "byVerdict";
  static final String SUMMARY = "SUMMARY";
  static final String REPORT = "REPORT";

  private static final DateTimeFormatter SORTABLE =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter MONTH =
      DateTimeFormatter.ofPattern("yyyy-MM").withZone(ZoneOffset.UTC);

  private ScanTableDesign() {}

  /** The table as tests and local setups create it; the CDK stack must declare the same. */
  public static CreateTableRequest createTableRequest(String tableName) {
    List<AttributeDefinition> attrs = new ArrayList<>();
    for (String name :
        new String[] {"pk", "sk", "gsi1pk", "gsi1sk", "gsi2pk", "gsi2sk", "gsi3pk", "gsi3sk"}) {
      attrs.add(
          AttributeDefinition.builder()
              .attributeName(name)
              .attributeType(ScalarAttributeType.S)
              .build());
    }
    return CreateTableRequest.builder()
        .tableName(tableName)
        .billingMode(BillingMode.PAY_PER_REQUEST)
        .attributeDefinitions(attrs)
        .keySchema(key("pk", "sk"))
        .globalSecondaryIndexes(
            index(BY_OBJECT, "gsi1pk", "gsi1sk"),
            index(BY_DIGEST, "gsi2pk", "gsi2sk"),
            index(BY_VERDICT, "gsi3pk", "gsi3sk"))
        .build();
  }

  /** The primary key of a scan's summary item. */
  public static Map<String, AttributeValue> summaryKey(String scanId) {
    Map<String, AttributeValue> key = new HashMap<>();
    key.put("pk", s("SCAN#" + scanId));
    key.put("sk", s(SUMMARY));
    return key;
  }

  /** The primary key of a scan's inline report item. */
  public static Map<String, AttributeValue> reportKey(String scanId) {
    Map<String, AttributeValue> key = new HashMap<>();
    key.put("pk", s("SCAN#" + scanId));
    key.put("sk", s(REPORT));
    return key;
  }

  /** The {@value #BY_OBJECT} partition of an object. */
  public static String objectPartition(String bucket, String key) {
    return "OBJ#" + bucket + "/" + key;
  }

  /** The {@value #BY_DIGEST} partition of a content digest. */
  public static String digestPartition(String sha256) {
    return "SHA256#" + sha256;
  }

  /** The {@value #BY_VERDICT} partition of a verdict in the month of {@code at}. */
  public static String verdictPartition(String verdict, java.time.Instant at) {
    return "VERDICT#" + verdict + "#" + MONTH.format(at);
  }

  /** A time as the sort keys hold it: ISO-8601 UTC with milliseconds, which sorts as text. */
  public static String sortable(java.time.Instant at) {
    return SORTABLE.format(at);
  }

  /** A string attribute. */
  public static AttributeValue s(String value) {
    return AttributeValue.builder().s(value).build();
  }

  private static List<KeySchemaElement> key(String hash, String range) {
    return List.of(
        KeySchemaElement.builder().attributeName(hash).keyType(KeyType.HASH).build(),
        KeySchemaElement.builder().attributeName(range).keyType(KeyType.RANGE).build());
  }

  private static GlobalSecondaryIndex index(String name, String hash, String range) {
    return GlobalSecondaryIndex.builder()
        .indexName(name)
        .keySchema(key(hash, range))
        .projection(Projection.builder().projectionType(ProjectionType.ALL).build())
        .build();
  }
}
