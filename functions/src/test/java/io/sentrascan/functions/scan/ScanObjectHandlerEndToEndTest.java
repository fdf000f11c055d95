package io.sentrascan.functions.scan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.sentrascan.events.EventJson;
import io.sentrascan.events.ModelScanCompleted;
import io.sentrascan.functions.testing.Dynalite;
import io.sentrascan.functions.testing.FlakyDynamoDb;
import io.sentrascan.functions.testing.LocalS3;
import io.sentrascan.functions.testing.RecordingEventBridge;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;

/** Upload, event, scan, record, tag, announce; replays and failures on the way. */
class ScanObjectHandlerEndToEndTest extends ScanPipelineTestBase {
  private static final String MALICIOUS_KEY = "team a/bert+finetuned/modelé.pkl";
  private static final String BENIGN_KEY = "team a/resnet+50 (copy).pkl";

  @Test
  void aMaliciousAndABenignUploadGetTheirVerdictsInTheTableOnTheObjectsAndOnTheBus()
      throws Exception {
    byte[] malicious = resource("models/malicious-model.pkl");
    byte[] benign = resource("models/benign-model.pkl");
    PutObjectResponse badPut = upload(MALICIOUS_KEY, malicious);
    PutObjectResponse goodPut = upload(BENIGN_KEY, benign);
    ScanObjectHandler handler = handler();

    JsonNode bad = invoke(handler, s3Event(MALICIOUS_KEY, badPut, malicious.length)).get(0);
    JsonNode good = invoke(handler, eventBridgeEvent(BENIGN_KEY, goodPut, benign.length)).get(0);

    // the handler's answer
    assertThat(bad.get("verdict").asText()).isEqualTo("FAIL");
    assertThat(bad.get("key").asText()).isEqualTo(MALICIOUS_KEY);
    assertThat(bad.get("duplicate").asBoolean()).isFalse();
    assertThat(good.get("verdict").asText()).isEqualTo("PASS");
    assertThat(good.get("key").asText()).isEqualTo(BENIGN_KEY);

    // DynamoDB: the summary by scan id, with everything a reader of the table needs
    Map<String, AttributeValue> badItem = item(bad.get("scanId").asText());
    assertThat(badItem.get("verdict").s()).isEqualTo("FAIL");
    assertThat(badItem.get("bucket").s()).isEqualTo(MODELS);
    assertThat(badItem.get("key").s()).isEqualTo(MALICIOUS_KEY);
    assertThat(badItem.get("versionId").s()).isEqualTo(badPut.versionId());
    assertThat(badItem.get("sha256").s()).isEqualTo(sha256(malicious));
    assertThat(badItem.get("size").n()).isEqualTo(Integer.toString(malicious.length));
    assertThat(badItem.get("counts").m().get("CRITICAL").n()).isEqualTo("1");
    assertThat(badItem.get("topFindings").l().get(0).m().get("ruleId").s()).isEqualTo("PKL-001");
    assertThat(badItem.get("notified").bool()).isTrue();
    assertThat(badItem.get("reportInline").bool()).isTrue();
    assertThat(badItem).doesNotContainKeys("reportLocation", "report");
    JsonNode report =
        EventJson.tree(
            new ScanRecordStore(dynamoDb, table, java.time.Duration.ZERO)
                .findReport(bad.get("scanId").asText())
                .orElseThrow());
    assertThat(report.get("scanId").asText()).isEqualTo(bad.get("scanId").asText());
    assertThat(report.get("verdict").asText()).isEqualTo("FAIL");
    assertThat(report.get("findings").get(0).get("ruleId").asText()).isEqualTo("PKL-001");
    // ... by object, by digest and by verdict
    assertThat(
            query(
                ScanTableDesign.BY_OBJECT,
                "gsi1pk",
                ScanTableDesign.objectPartition(MODELS, BENIGN_KEY)))
        .singleElement()
        .satisfies(i -> assertThat(i.get("verdict").s()).isEqualTo("PASS"));
    assertThat(
            query(
                ScanTableDesign.BY_DIGEST,
                "gsi2pk",
                ScanTableDesign.digestPartition(sha256(benign))))
        .singleElement()
        .satisfies(i -> assertThat(i.get("key").s()).isEqualTo(BENIGN_KEY));
    assertThat(query(ScanTableDesign.BY_VERDICT, "gsi3pk", "VERDICT#FAIL#2026-11"))
        .singleElement()
        .satisfies(i -> assertThat(i.get("scanId").s()).isEqualTo(bad.get("scanId").asText()));

    // S3: the exact versions carry verdict and scan id
    assertThat(tags(MALICIOUS_KEY, badPut.versionId()))
        .containsEntry("sentrascan:verdict", "FAIL")
        .containsEntry("sentrascan:scan-id", bad.get("scanId").asText());
    assertThat(tags(BENIGN_KEY, goodPut.versionId())).containsEntry("sentrascan:verdict", "PASS");

    // EventBridge: what the SDK sent, byte for byte as JSON
    List<RecordingEventBridge.Request> requests = eventBus.requests();
    assertThat(requests).hasSize(2);
    assertThat(requests)
        .allSatisfy(
            r -> {
              assertThat(r.target()).isEqualTo("AWSEvents.PutEvents");
              assertThat(r.contentType()).startsWith("application/x-amz-json-1.1");
              assertThat(r.authorization()).startsWith("AWS4-HMAC-SHA256");
            });
    JsonNode entry = eventBus.entries().get(0);
    assertThat(entry.get("Source").asText()).isEqualTo("io.sentrascan");
    assertThat(entry.get("DetailType").asText()).isEqualTo("Model Scan Completed");
    assertThat(entry.get("EventBusName").asText()).isEqualTo("sentrascan-bus");
    ModelScanCompleted event =
        EventJson.read(entry.get("Detail").asText(), ModelScanCompleted.class);
    assertThat(event.version()).isEqualTo(ModelScanCompleted.VERSION);
    assertThat(event.scanId()).isEqualTo(bad.get("scanId").asText());
    assertThat(event.key()).isEqualTo(MALICIOUS_KEY);
    assertThat(event.versionId()).isEqualTo(badPut.versionId());
    assertThat(event.sha256()).isEqualTo(sha256(malicious));
    assertThat(event.verdict()).isEqualTo("FAIL");
    assertThat(event.countsBySeverity())
        .containsExactly(
            Map.entry("CRITICAL", 1),
            Map.entry("HIGH", 0),
            Map.entry("MEDIUM", 0),
            Map.entry("LOW", 0),
            Map.entry("INFO", 0));
    assertThat(event.topFindings())
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.ruleId()).isEqualTo("PKL-001");
              assertThat(f.severity()).isEqualTo("CRITICAL");
              assertThat(f.path()).isEqualTo("s3://" + MODELS + "/" + MALICIOUS_KEY);
            });
    assertThat(event.reportLocation()).isNull();
    assertThat(event.scannerVersion()).isNotBlank();
    ModelScanCompleted second =
        EventJson.read(eventBus.entries().get(1).get("Detail").asText(), ModelScanCompleted.class);
    assertThat(second.verdict()).isEqualTo("PASS");
    assertThat(second.topFindings()).isEmpty();
  }

  @Test
  void replayingAnEventYieldsOneRecordOneTagSetAndOneEvent() throws Exception {
    byte[] malicious = resource("models/malicious-model.pkl");
    PutObjectResponse put = upload(MALICIOUS_KEY, malicious);
    String event = s3Event(MALICIOUS_KEY, put, malicious.length);
    ScanObjectHandler handler = handler();

    JsonNode first = invoke(handler, event).get(0);
    Map<String, AttributeValue> before = item(first.get("scanId").asText());
    JsonNode again = invoke(handler, event).get(0);
    JsonNode viaOtherShape =
        invoke(handler(), eventBridgeEvent(MALICIOUS_KEY, put, malicious.length)).get(0);

    assertThat(again.get("scanId").asText()).isEqualTo(first.get("scanId").asText());
    assertThat(again.get("duplicate").asBoolean()).isTrue();
    assertThat(again.get("verdict").asText()).isEqualTo("FAIL");
    assertThat(viaOtherShape.get("scanId").asText()).isEqualTo(first.get("scanId").asText());
    assertThat(viaOtherShape.get("duplicate").asBoolean()).isTrue();
    assertThat(allItems())
        .extracting(i -> i.get("sk").s())
        .containsExactlyInAnyOrder("SUMMARY", "REPORT");
    assertThat(item(first.get("scanId").asText())).isEqualTo(before);
    assertThat(eventBus.entries()).hasSize(1);
    assertThat(lastContext.logLines()).anyMatch(l -> l.contains("already scanned"));
  }

  @Test
  void aNewVersionOfTheSameKeyIsANewRecordAndTheObjectsHistoryIsNewestFirst() throws Exception {
    byte[] benign = resource("models/benign-model.pkl");
    byte[] malicious = resource("models/malicious-model.pkl");
    ScanObjectHandler handler = handler();
    PutObjectResponse v1 = upload(BENIGN_KEY, benign);
    invoke(handler, s3Event(BENIGN_KEY, v1, benign.length));
    PutObjectResponse v2 = upload(BENIGN_KEY, malicious);
    invoke(handler, s3Event(BENIGN_KEY, v2, malicious.length));

    List<Map<String, AttributeValue>> history =
        query(
            ScanTableDesign.BY_OBJECT,
            "gsi1pk",
            ScanTableDesign.objectPartition(MODELS, BENIGN_KEY));

    assertThat(history)
        .extracting(i -> i.get("versionId").s())
        .containsExactly(v2.versionId(), v1.versionId());
    assertThat(history).extracting(i -> i.get("verdict").s()).containsExactly("FAIL", "PASS");
    assertThat(tags(BENIGN_KEY, v1.versionId())).containsEntry("sentrascan:verdict", "PASS");
    assertThat(tags(BENIGN_KEY, v2.versionId())).containsEntry("sentrascan:verdict", "FAIL");
  }

  @Test
  void aDynamoDbWriteThatFailsOnceIsRetriedAndTheRecordLands() throws Exception {
    byte[] benign = resource("models/benign-model.pkl");
    PutObjectResponse put = upload(BENIGN_KEY, benign);
    FlakyDynamoDb flaky = new FlakyDynamoDb(dynamoDb);
    flaky.failNextPuts(1);

    JsonNode outcome =
        invoke(handler(flaky, config), s3Event(BENIGN_KEY, put, benign.length)).get(0);

    assertThat(flaky.failedPuts()).isEqualTo(1);
    assertThat(flaky.puts()).isEqualTo(3); // the report item, its retry, the summary
    assertThat(item(outcome.get("scanId").asText()).get("verdict").s()).isEqualTo("PASS");
    assertThat(eventBus.entries()).hasSize(1);
    assertThat(tags(BENIGN_KEY, put.versionId())).containsEntry("sentrascan:verdict", "PASS");
  }

  @Test
  void whenDynamoDbStaysDownTheInvocationFailsAndItsRetryLandsTheRecord() throws Exception {
    byte[] benign = resource("models/benign-model.pkl");
    PutObjectResponse put = upload(BENIGN_KEY, benign);
    String event = s3Event(BENIGN_KEY, put, benign.length);
    FlakyDynamoDb flaky = new FlakyDynamoDb(dynamoDb);
    flaky.failNextPuts(ScanRecordStore.ATTEMPTS);

    assertThatThrownBy(() -> invoke(handler(flaky, config), event))
        .isInstanceOf(ScanObjectHandler.ScanFailedException.class)
        .hasMessageContaining("s3://" + MODELS + "/" + BENIGN_KEY)
        .hasMessageContaining("DynamoDB");
    assertThat(allItems()).isEmpty();
    assertThat(eventBus.entries()).isEmpty();
    assertThat(lastContext.logLines())
        .anyMatch(l -> l.contains("\"level\":\"ERROR\"") && l.contains("retries"));

    // Lambda retries the event (or it is replayed from the DLQ) once DynamoDB is back.
    JsonNode outcome = invoke(handler(flaky, config), event).get(0);

    assertThat(outcome.get("duplicate").asBoolean()).isFalse();
    assertThat(summaries())
        .singleElement()
        .satisfies(i -> assertThat(i.get("verdict").s()).isEqualTo("PASS"));
    assertThat(eventBus.entries()).hasSize(1);
  }

  @Test
  void anEventBridgeRejectionFailsTheInvocationAndTheReplayOnlyFinishesTheRecord()
      throws Exception {
    byte[] benign = resource("models/benign-model.pkl");
    PutObjectResponse put = upload(BENIGN_KEY, benign);
    String event = s3Event(BENIGN_KEY, put, benign.length);
    eventBus.rejectNext(1);

    assertThatThrownBy(() -> invoke(handler(), event))
        .isInstanceOf(ScanObjectHandler.ScanFailedException.class)
        .hasMessageContaining("EventBridge rejected");
    assertThat(summaries())
        .singleElement()
        .satisfies(i -> assertThat(i.get("notified").bool()).isFalse());

    JsonNode outcome = invoke(handler(), event).get(0);

    assertThat(outcome.get("duplicate").asBoolean()).isTrue();
    assertThat(summaries())
        .singleElement()
        .satisfies(i -> assertThat(i.get("notified").bool()).isTrue());
    assertThat(eventBus.requests()).hasSize(2); // the rejected one and the accepted one
    assertThat(eventBus.entries().get(1).get("Detail").asText())
        .contains(outcome.get("scanId").asText());
  }

  @Test
  void aReportOverTheInlineLimitGoesToTheResultsBucketAndTheRecordPointsToIt() throws Exception {
    byte[] malicious = resource("models/malicious-model.pkl");
    PutObjectResponse put = upload(MALICIOUS_KEY, malicious);
    ScanConfig small = config.withReportInlineMaxBytes(100);

    JsonNode outcome =
        invoke(handler(dynamoDb, small), s3Event(MALICIOUS_KEY, put, malicious.length)).get(0);

    String scanId = outcome.get("scanId").asText();
    Map<String, AttributeValue> item = item(scanId);
    assertThat(item.get("reportInline").bool()).isFalse();
    assertThat(
            dynamoDb
                .getItem(b -> b.tableName(table).key(ScanTableDesign.reportKey(scanId)))
                .hasItem())
        .isFalse();
    assertThat(item.get("reportLocation").s())
        .isEqualTo("s3://" + RESULTS + "/reports/" + scanId + ".json");
    JsonNode report =
        EventJson.tree(
            s3.getObjectAsBytes(b -> b.bucket(RESULTS).key("reports/" + scanId + ".json"))
                .asUtf8String());
    assertThat(report.get("scanId").asText()).isEqualTo(scanId);
    assertThat(report.get("findings").get(0).get("ruleId").asText()).isEqualTo("PKL-001");
    ModelScanCompleted event =
        EventJson.read(eventBus.entries().get(0).get("Detail").asText(), ModelScanCompleted.class);
    assertThat(event.reportLocation()).isEqualTo(item.get("reportLocation").s());
  }

  @Test
  void theOwnersTagsAreKeptNextToTheVerdict() throws Exception {
    byte[] benign = resource("models/benign-model.pkl");
    PutObjectResponse put =
        s3.putObject(
            b -> b.bucket(MODELS).key("tagged.pkl").tagging("team=vision&stage=prod"),
            software.amazon.awssdk.core.sync.RequestBody.fromBytes(benign));

    invoke(handler(), s3Event("tagged.pkl", put, benign.length));

    assertThat(tags("tagged.pkl", put.versionId()))
        .containsEntry("team", "vision")
        .containsEntry("stage", "prod")
        .containsEntry("sentrascan:verdict", "PASS")
        .hasSize(4);
  }

  @Test
  void theHandlerAsDeployedBuildsItsClientsFromTheEnvironment() throws Exception {
    // The SDK's own settings, as LocalStack users set them (AWS_ENDPOINT_URL_S3, …): here as
    // system properties, the SDK's equivalent that a test can set.
    Map<String, String> settings =
        Map.of(
            "aws.region",
            "eu-west-1",
            "aws.accessKeyId",
            "test",
            "aws.secretAccessKey",
            "test",
            "aws.endpointUrlS3",
            LocalS3.endpoint(S3_MOCK).toString(),
            "aws.endpointUrlDynamoDb",
            Dynalite.endpoint().toString(),
            "aws.endpointUrlEventBridge",
            eventBus.endpoint().toString());
    settings.forEach(System::setProperty);
    try {
      ScanObjectHandler deployed =
          new ScanObjectHandler(
              ScanConfig.fromEnvironment(
                  Map.of(
                      "RESULTS_BUCKET",
                      RESULTS,
                      "TABLE_NAME",
                      table,
                      "EVENT_BUS_NAME",
                      "sentrascan-bus",
                      "S3_FORCE_PATH_STYLE",
                      "true")));
      byte[] benign = resource("models/benign-model.pkl");
      PutObjectResponse put = upload(BENIGN_KEY, benign);

      JsonNode outcome = invoke(deployed, s3Event(BENIGN_KEY, put, benign.length)).get(0);

      // The default registry has no pickle scanner on this branch yet: the file is skipped, not
      // failed, and the pipeline around it is what this test is about.
      assertThat(item(outcome.get("scanId").asText()).get("notified").bool()).isTrue();
      assertThat(tags(BENIGN_KEY, put.versionId()))
          .containsEntry("sentrascan:scan-id", outcome.get("scanId").asText());
      assertThat(eventBus.entries()).hasSize(1);
    } finally {
      settings.keySet().forEach(System::clearProperty);
    }
  }

  static String sha256(byte[] data) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
  }
}
