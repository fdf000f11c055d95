package io.sentrascan.functions.scan;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.sentrascan.events.EventJson;
import io.sentrascan.events.ModelScanCompleted;
import io.sentrascan.scanner.sbom.BomContents;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Object;

/** The ML-BOM the scan function writes to the SBOM bucket (S3Mock), and where it says it is. */
class ScanObjectHandlerSbomTest extends ScanPipelineTestBase {
  private static final String KEY = "sbom/malicious-model.pkl";

  @Test
  void theBomLandsInTheSbomBucketWithTheObjectAndItsFourDigests() throws Exception {
    byte[] model = resource("models/malicious-model.pkl");
    PutObjectResponse put = upload(KEY, model);

    JsonNode outcome = invoke(handler(), s3Event(KEY, put, model.length)).get(0);
    String scanId = outcome.get("scanId").asText();

    String location = "s3://" + SBOMS + "/sboms/" + scanId + ".cdx.json";
    assertThat(item(scanId).get("sbomLocation").s()).isEqualTo(location);
    ModelScanCompleted event =
        EventJson.read(eventBus.entries().get(0).get("Detail").asText(), ModelScanCompleted.class);
    assertThat(event.sbomLocation()).isEqualTo(location);

    byte[] bom = s3.getObjectAsBytes(b -> b.bucket(SBOMS).key(sbomKey(scanId))).asByteArray();
    JsonNode tree = EventJson.tree(new String(bom, java.nio.charset.StandardCharsets.UTF_8));
    assertThat(tree.get("bomFormat").asText()).isEqualTo("CycloneDX");
    assertThat(tree.get("specVersion").asText()).isEqualTo("1.6");
    BomContents contents = BomContents.parse(bom);
    BomContents.Component file =
        contents.components().stream()
            .filter(c -> c.hashes().containsKey("SHA-256"))
            .findFirst()
            .orElseThrow();
    assertThat(file.hashes())
        .containsEntry("SHA-256", digest("SHA-256", model))
        .containsEntry("SHA-512", digest("SHA-512", model))
        .containsEntry("SHA-1", digest("SHA-1", model))
        .containsEntry("MD5", digest("MD5", model));
    assertThat(contents.vulnerabilities()).isNotEmpty();
  }

  @Test
  void aReplayedEventDoesNotWriteTheBomAgain() throws Exception {
    byte[] model = resource("models/malicious-model.pkl");
    PutObjectResponse put = upload(KEY, model);
    String event = s3Event(KEY, put, model.length);
    String scanId = invoke(handler(), event).get(0).get("scanId").asText();
    S3Object first = bomObject(scanId);

    invoke(handler(), event);

    // The record exists, so the replay neither scans nor writes: same ETag, same write time.
    S3Object after = bomObject(scanId);
    assertThat(after.eTag()).isEqualTo(first.eTag());
    assertThat(after.lastModified()).isEqualTo(first.lastModified());
    assertThat(s3.listObjectsV2(b -> b.bucket(SBOMS).prefix("sboms/" + scanId)).contents().size())
        .isEqualTo(1);
  }

  private static S3Object bomObject(String scanId) {
    List<S3Object> objects =
        s3.listObjectsV2(b -> b.bucket(SBOMS).prefix(sbomKey(scanId))).contents();
    assertThat(objects).hasSize(1);
    return objects.get(0);
  }

  private static String sbomKey(String scanId) {
    return ScanObjectWorkflow.sbomKey(scanId);
  }

  private static String digest(String algorithm, byte[] data) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(data));
  }
}
