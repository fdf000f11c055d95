package io.sentrascan.functions.scan;

import com.adobe.testing.s3mock.junit5.S3MockExtension;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sentrascan.events.EventJson;
import io.sentrascan.functions.testing.AwsTestClients;
import io.sentrascan.functions.testing.Dynalite;
import io.sentrascan.functions.testing.LocalS3;
import io.sentrascan.functions.testing.RecordingEventBridge;
import io.sentrascan.functions.testing.TestLambdaContext;
import io.sentrascan.functions.testing.TestScanners;
import io.sentrascan.scanner.Limits;
import io.sentrascan.scanner.ScanEngine;
import io.sentrascan.scanner.Scanner;
import io.sentrascan.scanner.Scanners;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketAlreadyOwnedByYouException;
import software.amazon.awssdk.services.s3.model.BucketVersioningStatus;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;
import software.amazon.awssdk.services.s3.model.Tag;

/**
 * The scan function against real protocol servers: S3Mock in this JVM, dynalite on Node.js, and a
 * recording HTTP server for EventBridge. Every test gets a fresh table and an empty event log;
 * events are the bundled sample JSON with the uploaded object's version, size and ETag filled in.
 */
@ExtendWith(Dynalite.class)
public abstract class ScanPipelineTestBase {
  @RegisterExtension static final S3MockExtension S3_MOCK = LocalS3.extension();

  protected static final String MODELS = "sentrascan-models";
  protected static final String RESULTS = "sentrascan-results";
  protected static final String SBOMS = "sentrascan-sboms";
  private static final AtomicLong TABLES = new AtomicLong();

  protected static S3Client s3;
  protected static DynamoDbClient dynamoDb;
  protected static EventBridgeClient eventBridge;
  protected static RecordingEventBridge eventBus;

  protected String table;
  protected ScanConfig config;
  protected TestLambdaContext lastContext;

  @BeforeAll
  static void servers() throws IOException {
    s3 = AwsTestClients.s3(LocalS3.endpoint(S3_MOCK));
    dynamoDb = AwsTestClients.dynamoDb(Dynalite.endpoint());
    eventBus = new RecordingEventBridge();
    eventBridge = AwsTestClients.eventBridge(eventBus.endpoint());
    // Subclasses share this S3Mock instance; it restarts per class and keeps its folder, so the
    // buckets may exist already. Tests never depend on another test's objects.
    createBucketIfMissing(MODELS);
    s3.putBucketVersioning(
        b ->
            b.bucket(MODELS)
                .versioningConfiguration(v -> v.status(BucketVersioningStatus.ENABLED)));
    createBucketIfMissing(RESULTS);
    createBucketIfMissing(SBOMS);
  }

  private static void createBucketIfMissing(String bucket) {
    try {
      s3.createBucket(b -> b.bucket(bucket));
    } catch (BucketAlreadyOwnedByYouException e) {
      // created by the previous test class on this S3Mock
    }
  }

  @AfterAll
  static void stopEventBus() {
    eventBus.close();
  }

  @BeforeEach
  void freshTable() {
    table = "scans-" + getClass().getSimpleName() + "-" + TABLES.incrementAndGet();
    dynamoDb.createTable(ScanTableDesign.createTableRequest(table));
    // dynalite activates a table on a timer even with --createTableMs 0: a test whose first call
    // is a read can otherwise race it and get ResourceNotFoundException.
    Dynalite.awaitActive(dynamoDb, table);
    config =
        new ScanConfig(
            RESULTS,
            table,
            "sentrascan-bus",
            ScanConfig.DEFAULT_REPORT_INLINE_MAX_BYTES,
            true,
            ScanConfig.DEFAULT_MAX_OBJECT_BYTES,
            SBOMS);
    eventBus.clear();
  }

  /** The engine the tests scan with: every real scanner, plus one that always fails. */
  protected static ScanEngine testEngine() {
    List<Scanner> scanners = new ArrayList<>(Scanners.defaults());
    scanners.add(0, TestScanners.failing());
    return new ScanEngine(scanners, Limits.defaults());
  }

  protected ScanObjectHandler handler() {
    return handler(dynamoDb, config);
  }

  ScanObjectHandler handler(DynamoDbClient db, ScanConfig cfg) {
    return new ScanObjectHandler(s3, db, eventBridge, testEngine(), ticking(), cfg);
  }

  /** A clock one second later on every read, so that "newest first" has something to order. */
  protected static Clock ticking() {
    AtomicLong seconds = new AtomicLong();
    Instant start = Instant.parse("2026-11-27T03:00:00Z");
    return new Clock() {
      @Override
      public ZoneId getZone() {
        return ZoneOffset.UTC;
      }

      @Override
      public Clock withZone(ZoneId zone) {
        return this;
      }

      @Override
      public Instant instant() {
        return start.plusSeconds(seconds.incrementAndGet());
      }
    };
  }

  /** Invokes the handler as Lambda does, and returns its JSON answer. */
  protected JsonNode invoke(ScanObjectHandler handler, String event) throws IOException {
    lastContext = new TestLambdaContext();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    handler.handleRequest(
        new ByteArrayInputStream(event.getBytes(StandardCharsets.UTF_8)), out, lastContext);
    return EventJson.tree(out.toString(StandardCharsets.UTF_8));
  }

  /**
   * An object with one MEDIUM finding and nothing else: the benign NumPy sample followed by 16 zero
   * bytes its header does not declare (NPY-002).
   */
  protected static byte[] mediumOnly() {
    try {
      byte[] npy =
          Files.readAllBytes(
              Path.of(
                  System.getProperty("sentrascan.repoRoot", ".."),
                  "shared-scanner/samples/benign/weights.npy"));
      return Arrays.copyOf(npy, npy.length + 16);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  protected static byte[] resource(String name) {
    try (InputStream in = ScanPipelineTestBase.class.getResourceAsStream("/" + name)) {
      if (in == null) {
        throw new IllegalArgumentException("no test resource " + name);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  protected static PutObjectResponse upload(String key, byte[] data) {
    return s3.putObject(b -> b.bucket(MODELS).key(key), RequestBody.fromBytes(data));
  }

  /** A key as S3 writes it into events: form-encoded, slashes kept. */
  static String encodeKey(String key) {
    return URLEncoder.encode(key, StandardCharsets.UTF_8).replace("%2F", "/");
  }

  /** The S3 notification sample, naming this upload. */
  protected static String s3Event(String key, PutObjectResponse put, long size) {
    try {
      ObjectNode event =
          (ObjectNode) EventJson.tree(EventJson.sample("s3-notification-object-created.json"));
      ((ObjectNode) event.at("/Records/0/s3/bucket")).put("name", MODELS);
      ObjectNode object = (ObjectNode) event.at("/Records/0/s3/object");
      object.put("key", encodeKey(key));
      object.put("size", size);
      object.put("eTag", put.eTag().replace("\"", ""));
      object.put("versionId", put.versionId());
      return event.toString();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The EventBridge sample, naming this upload. */
  static String eventBridgeEvent(String key, PutObjectResponse put, long size) {
    try {
      ObjectNode event =
          (ObjectNode) EventJson.tree(EventJson.sample("eventbridge-object-created.json"));
      ((ObjectNode) event.at("/detail/bucket")).put("name", MODELS);
      ObjectNode object = (ObjectNode) event.at("/detail/object");
      object.put("key", encodeKey(key));
      object.put("size", size);
      object.put("etag", put.eTag().replace("\"", ""));
      object.put("version-id", put.versionId());
      return event.toString();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  protected Map<String, AttributeValue> item(String scanId) {
    return dynamoDb
        .getItem(
            b -> b.tableName(table).key(ScanTableDesign.summaryKey(scanId)).consistentRead(true))
        .item();
  }

  List<Map<String, AttributeValue>> query(String index, String partitionKey, String partition) {
    return dynamoDb
        .query(
            QueryRequest.builder()
                .tableName(table)
                .indexName(index)
                .keyConditionExpression(partitionKey + " = :p")
                .expressionAttributeValues(Map.of(":p", ScanTableDesign.s(partition)))
                .scanIndexForward(false)
                .build())
        .items();
  }

  /** The scan records (summary items), without the report items next to them. */
  protected List<Map<String, AttributeValue>> summaries() {
    return allItems().stream().filter(i -> i.get("sk").s().equals("SUMMARY")).toList();
  }

  List<Map<String, AttributeValue>> allItems() {
    return dynamoDb.scan(b -> b.tableName(table)).items();
  }

  protected static Map<String, String> tags(String key, String versionId) {
    Map<String, String> out = new TreeMap<>();
    for (Tag t :
        s3.getObjectTagging(b -> b.bucket(MODELS).key(key).versionId(versionId)).tagSet()) {
      out.put(t.key(), t.value());
    }
    return out;
  }
}
