package io.sentrascan.functions.scan;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.sentrascan.events.EventJson;
import io.sentrascan.events.ModelScanCompleted;
import io.sentrascan.functions.testing.FlakyDynamoDb;
import io.sentrascan.functions.testing.TestScanners;
import io.sentrascan.scanner.Limits;
import io.sentrascan.scanner.ScanEngine;
import io.sentrascan.scanner.Scanner;
import io.sentrascan.scanner.Scanners;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.s3.model.ChecksumAlgorithm;
import software.amazon.awssdk.services.s3.model.ChecksumMode;
import software.amazon.awssdk.services.s3.model.ChecksumType;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;

/**
 * Reuse by content digest: S3's full-object SHA-256, known before the object is read, finds an
 * earlier scan of the same bytes by the same scanner version; without it the object is scanned.
 */
class ScanObjectHandlerReuseTest extends ScanPipelineTestBase {
  private final AtomicInteger filesScanned = new AtomicInteger();

  private ScanObjectHandler countingHandler() {
    List<Scanner> scanners = new ArrayList<>(Scanners.defaults());
    scanners.add(0, TestScanners.failing());
    scanners.add(0, TestScanners.counting(filesScanned));
    return new ScanObjectHandler(
        s3, dynamoDb, eventBridge, new ScanEngine(scanners, Limits.defaults()), ticking(), config);
  }

  /** An upload whose client asks S3 to verify and keep the content's SHA-256. */
  private static PutObjectResponse uploadWithSha256(String key, byte[] data) {
    return s3.putObject(
        b -> b.bucket(MODELS).key(key).checksumAlgorithm(ChecksumAlgorithm.SHA256),
        RequestBody.fromBytes(data));
  }

  @Test
  void s3MockStatesTheFullObjectSha256OfASingleUpload() throws Exception {
    byte[] benign = resource("models/benign-model.pkl");
    PutObjectResponse put = uploadWithSha256("checksum.pkl", benign);

    HeadObjectResponse head =
        s3.headObject(
            b ->
                b.bucket(MODELS)
                    .key("checksum.pkl")
                    .versionId(put.versionId())
                    .checksumMode(ChecksumMode.ENABLED));

    // S3Mock sends the value but no x-amz-checksum-type (S3 sends FULL_OBJECT here).
    assertThat(head.checksumType()).isNull();
    assertThat(DigestReuse.fullObjectSha256(head))
        .isEqualTo(ScanObjectHandlerEndToEndTest.sha256(benign));
    assertThat(
            DigestReuse.fullObjectSha256(
                head.toBuilder().checksumType(ChecksumType.FULL_OBJECT).build()))
        .isEqualTo(ScanObjectHandlerEndToEndTest.sha256(benign));
  }

  @Test
  void aCompositeChecksumOfPartsIsNotAContentDigest() {
    String value = "n4bQgYhMfWWaL+qgxVrQFaO/TxsrC4Is0V1sFbDwCgg=";
    HeadObjectResponse plain = HeadObjectResponse.builder().checksumSHA256(value).build();

    assertThat(DigestReuse.fullObjectSha256(plain)).hasSize(64);
    assertThat(
            DigestReuse.fullObjectSha256(
                plain.toBuilder().checksumType(ChecksumType.COMPOSITE).build()))
        .isNull();
    assertThat(
            DigestReuse.fullObjectSha256(
                HeadObjectResponse.builder().checksumSHA256(value + "-3").build()))
        .isNull();
    assertThat(
            DigestReuse.fullObjectSha256(
                HeadObjectResponse.builder().checksumSHA256("AAAA").build()))
        .isNull();
    assertThat(DigestReuse.fullObjectSha256(HeadObjectResponse.builder().build())).isNull();
  }

  @Test
  void theSameBytesUnderAnotherKeyReuseTheEarlierScanInsteadOfReadingThem() throws Exception {
    byte[] malicious = resource("models/malicious-model.pkl");
    ScanObjectHandler handler = countingHandler();
    PutObjectResponse first = uploadWithSha256("team-a/model.pkl", malicious);
    JsonNode scanned = invoke(handler, s3Event("team-a/model.pkl", first, malicious.length)).get(0);
    int afterFirst = filesScanned.get();
    PutObjectResponse copy = uploadWithSha256("team-b/copy.pkl", malicious);

    JsonNode reused = invoke(handler, s3Event("team-b/copy.pkl", copy, malicious.length)).get(0);

    assertThat(afterFirst).isPositive();
    assertThat(filesScanned.get()).as("no file was read for the copy").isEqualTo(afterFirst);
    String firstId = scanned.get("scanId").asText();
    String copyId = reused.get("scanId").asText();
    assertThat(copyId).isNotEqualTo(firstId);
    assertThat(reused.get("verdict").asText()).isEqualTo("FAIL");
    Map<String, AttributeValue> original = item(firstId);
    Map<String, AttributeValue> item = item(copyId);
    assertThat(original).doesNotContainKey("reusedFrom");
    assertThat(item.get("reusedFrom").s()).isEqualTo(firstId);
    assertThat(item.get("key").s()).isEqualTo("team-b/copy.pkl");
    assertThat(item.get("versionId").s()).isEqualTo(copy.versionId());
    assertThat(item.get("sha256").s())
        .isEqualTo(ScanObjectHandlerEndToEndTest.sha256(malicious))
        .isEqualTo(original.get("sha256").s());
    assertThat(item.get("counts")).isEqualTo(original.get("counts"));
    assertThat(item.get("sbomLocation")).isEqualTo(original.get("sbomLocation"));
    assertThat(item.get("topFindings").l().get(0).m().get("path").s())
        .isEqualTo("s3://" + MODELS + "/team-b/copy.pkl");
    // The report is the earlier one, in the copy's own report item.
    ScanRecordStore store = new ScanRecordStore(dynamoDb, table, java.time.Duration.ZERO);
    assertThat(store.findReport(copyId)).isEqualTo(store.findReport(firstId)).isPresent();
    // The copy is tagged and announced like any scanned object.
    assertThat(tags("team-b/copy.pkl", copy.versionId()))
        .containsEntry("sentrascan:verdict", "FAIL")
        .containsEntry("sentrascan:scan-id", copyId);
    ModelScanCompleted event =
        EventJson.read(eventBus.entries().get(1).get("Detail").asText(), ModelScanCompleted.class);
    assertThat(event.scanId()).isEqualTo(copyId);
    assertThat(event.verdict()).isEqualTo("FAIL");
    assertThat(event.key()).isEqualTo("team-b/copy.pkl");
    // A copy of the copy still names the scan that read the bytes.
    PutObjectResponse third = uploadWithSha256("team-c/again.pkl", malicious);
    JsonNode again = invoke(handler, s3Event("team-c/again.pkl", third, malicious.length)).get(0);
    assertThat(item(again.get("scanId").asText()).get("reusedFrom").s()).isEqualTo(firstId);
    assertThat(filesScanned.get()).isEqualTo(afterFirst);
  }

  @Test
  void withoutAnS3Sha256TheSameBytesAreScannedAgain() throws Exception {
    byte[] benign = resource("models/benign-model.pkl");
    ScanObjectHandler handler = countingHandler();
    PutObjectResponse first = uploadWithSha256("first.pkl", benign);
    invoke(handler, s3Event("first.pkl", first, benign.length));
    int afterFirst = filesScanned.get();
    // The SDK's default upload checksum is CRC32: S3 knows no SHA-256 of this one.
    PutObjectResponse plain = upload("plain.pkl", benign);

    JsonNode outcome = invoke(handler, s3Event("plain.pkl", plain, benign.length)).get(0);

    assertThat(filesScanned.get()).isGreaterThan(afterFirst);
    Map<String, AttributeValue> item = item(outcome.get("scanId").asText());
    assertThat(item).doesNotContainKey("reusedFrom");
    assertThat(item.get("verdict").s()).isEqualTo("PASS");
    assertThat(item.get("sha256").s()).isEqualTo(ScanObjectHandlerEndToEndTest.sha256(benign));
  }

  @Test
  void anErrorVerdictOrAnotherScannerVersionIsNotReused() throws Exception {
    byte[] broken = "BROKEN model bytes".getBytes(StandardCharsets.UTF_8);
    byte[] benign = resource("models/benign-model.pkl");
    ScanObjectHandler handler = countingHandler();
    PutObjectResponse err = uploadWithSha256("broken-1.bin", broken);
    JsonNode failed = invoke(handler, s3Event("broken-1.bin", err, broken.length)).get(0);
    PutObjectResponse old = uploadWithSha256("old-1.pkl", benign);
    JsonNode oldScan = invoke(handler, s3Event("old-1.pkl", old, benign.length)).get(0);
    // As if an earlier scanner version had written it.
    dynamoDb.updateItem(
        b ->
            b.tableName(table)
                .key(ScanTableDesign.summaryKey(oldScan.get("scanId").asText()))
                .updateExpression("SET scannerVersion = :v")
                .expressionAttributeValues(Map.of(":v", ScanTableDesign.s("0.0.1-older"))));
    int before = filesScanned.get();

    PutObjectResponse err2 = uploadWithSha256("broken-2.bin", broken);
    JsonNode failedAgain = invoke(handler, s3Event("broken-2.bin", err2, broken.length)).get(0);
    PutObjectResponse old2 = uploadWithSha256("old-2.pkl", benign);
    JsonNode rescanned = invoke(handler, s3Event("old-2.pkl", old2, benign.length)).get(0);

    assertThat(failed.get("verdict").asText()).isEqualTo("ERROR");
    assertThat(item(failed.get("scanId").asText()).get("sha256")).isNotNull();
    assertThat(failedAgain.get("verdict").asText()).isEqualTo("ERROR");
    assertThat(rescanned.get("verdict").asText()).isEqualTo("PASS");
    assertThat(filesScanned.get()).isEqualTo(before + 2);
    assertThat(item(failedAgain.get("scanId").asText())).doesNotContainKey("reusedFrom");
    assertThat(item(rescanned.get("scanId").asText())).doesNotContainKey("reusedFrom");
  }

  @Test
  void whenTheIndexCannotBeQueriedTheObjectIsScannedAndRecordedAnyway() throws Exception {
    byte[] benign = resource("models/benign-model.pkl");
    FlakyDynamoDb denied = new FlakyDynamoDb(dynamoDb);
    ScanObjectHandler handler = handler(denied, config.withRetentionDays(7));
    PutObjectResponse first = uploadWithSha256("denied.pkl", benign);
    invoke(handler, s3Event("denied.pkl", first, benign.length));
    denied.failQueries();
    PutObjectResponse second = uploadWithSha256("denied.pkl", benign);

    JsonNode outcome = invoke(handler, s3Event("denied.pkl", second, benign.length)).get(0);

    Map<String, AttributeValue> item = item(outcome.get("scanId").asText());
    assertThat(item.get("verdict").s()).isEqualTo("PASS");
    assertThat(item).doesNotContainKeys("reusedFrom", "expiresAt");
    assertThat(item.get("notified").bool()).isTrue();
    assertThat(lastContext.logLines())
        .anyMatch(l -> l.contains("\"level\":\"WARN\"") && l.contains("scanning it"))
        .anyMatch(l -> l.contains("\"level\":\"WARN\"") && l.contains("superseded"));
  }
}
