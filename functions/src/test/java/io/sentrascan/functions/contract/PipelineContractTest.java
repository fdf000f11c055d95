package io.sentrascan.functions.contract;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sentrascan.events.EventJson;
import io.sentrascan.functions.api.ApiConfig;
import io.sentrascan.functions.api.QueryApiHandler;
import io.sentrascan.functions.scan.ScanConfig;
import io.sentrascan.functions.scan.ScanObjectHandler;
import io.sentrascan.functions.scan.ScanTableDesign;
import io.sentrascan.functions.testing.AwsTestClients;
import io.sentrascan.functions.testing.FlakyDynamoDb;
import io.sentrascan.functions.testing.RecordingEventBridge;
import io.sentrascan.functions.testing.TestLambdaContext;
import io.sentrascan.scanner.ScanEngine;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketAlreadyOwnedByYouException;
import software.amazon.awssdk.services.s3.model.BucketVersioningStatus;
import software.amazon.awssdk.services.s3.model.ChecksumAlgorithm;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;
import software.amazon.awssdk.services.s3.model.Tag;

/**
 * The pipeline's contract, written once and run against every backend that speaks S3's and
 * DynamoDB's protocols: a subclass names the endpoints (S3Mock and dynalite in this JVM's build,
 * LocalStack in Docker where a Docker engine runs). EventBridge is a recording HTTP server in both,
 * so that what the function sent can be checked. The handlers are the real ones, fed the bundled
 * sample events, and results are read back through the query API handler.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class PipelineContractTest {
  private static final String MODELS = "contract-models";
  private static final String RESULTS = "contract-results";
  private static final String SBOMS = "contract-sboms";
  private static final String TOKEN_KEY = "a contract test key of at least 32 bytes";
  private static final AtomicLong TABLES = new AtomicLong();

  private S3Client s3;
  private DynamoDbClient dynamoDb;
  private RecordingEventBridge eventBus;
  private EventBridgeClient eventBridge;
  private String table;
  private ScanConfig config;

  /** The S3 endpoint of this backend. */
  protected abstract URI s3Endpoint();

  /** The DynamoDB endpoint of this backend. */
  protected abstract URI dynamoDbEndpoint();

  @BeforeAll
  void connect() throws IOException {
    s3 = AwsTestClients.s3(s3Endpoint());
    dynamoDb = AwsTestClients.dynamoDb(dynamoDbEndpoint());
    eventBus = new RecordingEventBridge();
    eventBridge = AwsTestClients.eventBridge(eventBus.endpoint());
    for (String bucket : List.of(MODELS, RESULTS, SBOMS)) {
      try {
        s3.createBucket(b -> b.bucket(bucket));
      } catch (BucketAlreadyOwnedByYouException e) {
        // an earlier class on the same server made it
      }
    }
    s3.putBucketVersioning(
        b ->
            b.bucket(MODELS)
                .versioningConfiguration(v -> v.status(BucketVersioningStatus.ENABLED)));
  }

  @AfterAll
  void disconnect() {
    eventBus.close();
  }

  @BeforeEach
  void freshTable() {
    table = "contract-" + getClass().getSimpleName() + "-" + TABLES.incrementAndGet();
    dynamoDb.createTable(ScanTableDesign.createTableRequest(table));
    dynamoDb.waiter().waitUntilTableExists(b -> b.tableName(table));
    config =
        new ScanConfig(
                RESULTS,
                table,
                "sentrascan-bus",
                ScanConfig.DEFAULT_REPORT_INLINE_MAX_BYTES,
                true,
                ScanConfig.DEFAULT_MAX_OBJECT_BYTES,
                SBOMS)
            .withRetentionDays(30);
    eventBus.clear();
  }

  @Test
  void uploadsGetTheirVerdictsWhichTheQueryApiReadsBack() throws Exception {
    byte[] malicious = sample("malicious/pytorch_model.pt");
    byte[] benign = sample("benign/state_dict.pt");
    PutObjectResponse badPut = upload("team a/bad model+1.pt", malicious);
    PutObjectResponse goodPut = upload("team a/good.pt", benign);
    ScanObjectHandler handler = handler(dynamoDb);

    String bad =
        invoke(handler, s3Event("team a/bad model+1.pt", badPut, malicious.length, null))
            .get(0)
            .get("scanId")
            .asText();
    String good =
        invoke(handler, s3Event("team a/good.pt", goodPut, benign.length, null))
            .get(0)
            .get("scanId")
            .asText();

    JsonNode badView = api("/scans/" + bad, Map.of());
    assertThat(badView.get("verdict").asText()).isEqualTo("FAIL");
    assertThat(badView.get("key").asText()).isEqualTo("team a/bad model+1.pt");
    assertThat(badView.get("versionId").asText()).isEqualTo(badPut.versionId());
    assertThat(badView.get("sha256").asText()).isEqualTo(sha256(malicious));
    assertThat(api("/scans/" + good, Map.of()).get("verdict").asText()).isEqualTo("PASS");
    assertThat(api("/scans/" + bad + "/findings", Map.of()).get("findings")).isNotEmpty();
    assertThat(api("/scans", Map.of("verdict", "FAIL")).get("scans"))
        .extracting(s -> s.get("scanId").asText())
        .containsExactly(bad);
    assertThat(api("/scans/by-digest/" + sha256(benign), Map.of()).get("scans"))
        .extracting(s -> s.get("scanId").asText())
        .containsExactly(good);
    assertThat(api("/scans/" + bad + "/sbom", Map.of()).get("bomFormat").asText())
        .isEqualTo("CycloneDX");
    assertThat(tags("team a/bad model+1.pt", badPut.versionId()))
        .containsEntry("sentrascan:verdict", "FAIL")
        .containsEntry("sentrascan:scan-id", bad);
    assertThat(eventBus.entries()).hasSize(2);
  }

  @Test
  void aReplayedEventDuplicatesNothing() throws Exception {
    byte[] malicious = sample("malicious/pytorch_model.pt");
    PutObjectResponse put = upload("replayed.pt", malicious);
    String event = s3Event("replayed.pt", put, malicious.length, null);
    ScanObjectHandler handler = handler(dynamoDb);

    JsonNode first = invoke(handler, event).get(0);
    JsonNode again = invoke(handler, event).get(0);

    assertThat(again.get("scanId").asText()).isEqualTo(first.get("scanId").asText());
    assertThat(again.get("duplicate").asBoolean()).isTrue();
    assertThat(summaries()).hasSize(1);
    assertThat(eventBus.entries()).hasSize(1);
    assertThat(api("/scans", Map.of("bucket", MODELS, "key", "replayed.pt")).get("scans"))
        .hasSize(1);
  }

  @Test
  void aDynamoDbWriteThatFailsOnceStillEndsWithARecord() throws Exception {
    byte[] benign = sample("benign/state_dict.pt");
    PutObjectResponse put = upload("flaky.pt", benign);
    FlakyDynamoDb flaky = new FlakyDynamoDb(dynamoDb);
    flaky.failNextPuts(1);

    JsonNode outcome = invoke(handler(flaky), s3Event("flaky.pt", put, benign.length, null)).get(0);

    assertThat(flaky.failedPuts()).isEqualTo(1);
    assertThat(api("/scans/" + outcome.get("scanId").asText(), Map.of()).get("verdict").asText())
        .isEqualTo("PASS");
    assertThat(summaries()).hasSize(1);
  }

  @Test
  void theSameContentWithAnS3Sha256ReusesTheEarlierScan() throws Exception {
    byte[] malicious = sample("malicious/pytorch_model.pt");
    ScanObjectHandler handler = handler(dynamoDb);
    PutObjectResponse first = uploadWithSha256("original.pt", malicious);
    String original =
        invoke(handler, s3Event("original.pt", first, malicious.length, null))
            .get(0)
            .get("scanId")
            .asText();
    PutObjectResponse copy = uploadWithSha256("copy.pt", malicious);

    String reused =
        invoke(handler, s3Event("copy.pt", copy, malicious.length, null))
            .get(0)
            .get("scanId")
            .asText();

    JsonNode view = api("/scans/" + reused, Map.of());
    assertThat(view.get("reusedFrom").asText()).isEqualTo(original);
    assertThat(view.get("verdict").asText()).isEqualTo("FAIL");
    assertThat(view.get("key").asText()).isEqualTo("copy.pt");
    assertThat(api("/scans/" + reused + "/findings", Map.of()).get("findings")).isNotEmpty();
  }

  @Test
  void onlyTheSupersededRecordOfAnObjectGetsAnExpiry() throws Exception {
    byte[] benign = sample("benign/state_dict.pt");
    ScanObjectHandler handler = handler(dynamoDb);
    PutObjectResponse v1 = upload("versions.pt", benign);
    PutObjectResponse v2 = upload("versions.pt", benign);

    // Out of order: the newer version's event is handled first.
    String newer =
        invoke(handler, s3Event("versions.pt", v2, benign.length, "0055AED6DCD90281F0"))
            .get(0)
            .get("scanId")
            .asText();
    String older =
        invoke(handler, s3Event("versions.pt", v1, benign.length, "0055AED6DCD90281E5"))
            .get(0)
            .get("scanId")
            .asText();

    assertThat(item(newer)).doesNotContainKey("expiresAt");
    assertThat(item(older)).containsKey("expiresAt");
    assertThat(item(older).get("supersededBy").s()).isEqualTo(newer);
  }

  // ---- helpers ---------------------------------------------------------------------------------

  private ScanObjectHandler handler(DynamoDbClient db) {
    return new ScanObjectHandler(s3, db, eventBridge, ScanEngine.defaults(), ticking(), config);
  }

  private JsonNode api(String path, Map<String, String> query) throws IOException {
    QueryApiHandler api =
        new QueryApiHandler(
            s3,
            dynamoDb,
            new ApiConfig(table, RESULTS, SBOMS, TOKEN_KEY, true),
            Clock.fixed(Instant.parse("2026-11-27T04:00:00Z"), ZoneOffset.UTC));
    ObjectNode event = (ObjectNode) EventJson.tree(EventJson.sample("apigw-get-scans.json"));
    event.put("path", path);
    if (query.isEmpty()) {
      event.putNull("queryStringParameters");
    } else {
      event.set("queryStringParameters", EventJson.toTree(query));
    }
    event.putNull("multiValueQueryStringParameters");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    api.handleRequest(
        new ByteArrayInputStream(event.toString().getBytes(StandardCharsets.UTF_8)),
        out,
        new TestLambdaContext());
    JsonNode response = EventJson.tree(out.toString(StandardCharsets.UTF_8));
    assertThat(response.get("statusCode").asInt()).as(path).isEqualTo(200);
    return EventJson.tree(response.get("body").asText());
  }

  private static JsonNode invoke(ScanObjectHandler handler, String event) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    handler.handleRequest(
        new ByteArrayInputStream(event.getBytes(StandardCharsets.UTF_8)),
        out,
        new TestLambdaContext());
    return EventJson.tree(out.toString(StandardCharsets.UTF_8));
  }

  private PutObjectResponse upload(String key, byte[] data) {
    return s3.putObject(b -> b.bucket(MODELS).key(key), RequestBody.fromBytes(data));
  }

  private PutObjectResponse uploadWithSha256(String key, byte[] data) {
    return s3.putObject(
        b -> b.bucket(MODELS).key(key).checksumAlgorithm(ChecksumAlgorithm.SHA256),
        RequestBody.fromBytes(data));
  }

  /** The S3 notification sample naming this upload (and, if given, this sequencer). */
  private static String s3Event(String key, PutObjectResponse put, long size, String sequencer)
      throws IOException {
    ObjectNode event =
        (ObjectNode) EventJson.tree(EventJson.sample("s3-notification-object-created.json"));
    ((ObjectNode) event.at("/Records/0/s3/bucket")).put("name", MODELS);
    ObjectNode object = (ObjectNode) event.at("/Records/0/s3/object");
    object.put("key", URLEncoder.encode(key, StandardCharsets.UTF_8).replace("%2F", "/"));
    object.put("size", size);
    object.put("eTag", put.eTag().replace("\"", ""));
    object.put("versionId", put.versionId());
    if (sequencer != null) {
      object.put("sequencer", sequencer);
    }
    return event.toString();
  }

  private Map<String, AttributeValue> item(String scanId) {
    return dynamoDb
        .getItem(
            b -> b.tableName(table).key(ScanTableDesign.summaryKey(scanId)).consistentRead(true))
        .item();
  }

  private List<Map<String, AttributeValue>> summaries() {
    return dynamoDb.scan(b -> b.tableName(table)).items().stream()
        .filter(i -> i.get("sk").s().equals("SUMMARY"))
        .toList();
  }

  private Map<String, String> tags(String key, String versionId) {
    Map<String, String> out = new java.util.TreeMap<>();
    for (Tag t :
        s3.getObjectTagging(b -> b.bucket(MODELS).key(key).versionId(versionId)).tagSet()) {
      out.put(t.key(), t.value());
    }
    return out;
  }

  /** A model from {@code shared-scanner/samples}. */
  private static byte[] sample(String name) {
    try (InputStream in =
        java.nio.file.Files.newInputStream(
            java.nio.file.Path.of(
                System.getProperty("sentrascan.repoRoot", ".."), "shared-scanner/samples", name))) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String sha256(byte[] data) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
  }

  /** A clock one second later on every read, so that "newest first" has something to order. */
  private static Clock ticking() {
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
}
