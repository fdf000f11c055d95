package io.sentrascan.functions.largemodel;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.sentrascan.events.EventJson;
import io.sentrascan.events.LargeScanRequest;
import io.sentrascan.functions.scan.ScanConfig;
import io.sentrascan.functions.scan.ScanObjectHandler;
import io.sentrascan.functions.testing.AwsTestClients;
import io.sentrascan.functions.testing.RecordingStepFunctions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;

/**
 * Issue #6 end to end, in every build: a model folder uploaded file by file and then its marker.
 * The files' own events are scanned one by one as any upload; the marker's event starts the
 * workflow, and the execution input the scan function sent, run through Plan, ScanChunk and
 * Aggregate, records the folder as FAIL under the marker revision's scan id, keyed by the prefix.
 */
class FolderMarkerWorkflowTest extends LargeModelTestBase {
  private static final String ARN = "arn:aws:states:eu-west-1:123456789012:stateMachine:large";

  @Test
  void uploadingTheMarkerLastScansTheFolderAsOneModel() throws Exception {
    Map<String, String> files = new LinkedHashMap<>();
    files.put("config.json", "hfconfig/benign-llama3-config.json");
    files.put("model-00001-of-00002.bin", "pytorch/benign-state-dict.pt");
    files.put("model-00002-of-00002.bin", "pytorch/malicious-extra-pkl-entry.pt");
    String prefix = "marker-" + table + "/";
    try (RecordingStepFunctions stepFunctions = new RecordingStepFunctions()) {
      ScanObjectHandler scan =
          new ScanObjectHandler(
              s3,
              dynamoDb,
              eventBridge,
              AwsTestClients.sfn(stepFunctions.endpoint()),
              testEngine(),
              ticking(),
              config.withLargeModelStateMachineArn(ARN));
      for (Map.Entry<String, String> f : files.entrySet()) {
        byte[] data = fixture(f.getValue());
        PutObjectResponse put = upload(prefix + f.getKey(), data);
        invoke(scan, s3Event(prefix + f.getKey(), put, data.length));
      }
      PutObjectResponse marker = upload(prefix + ScanConfig.DEFAULT_FOLDER_MARKER, new byte[0]);
      JsonNode handedOff =
          invoke(scan, s3Event(prefix + ScanConfig.DEFAULT_FOLDER_MARKER, marker, 0)).get(0);

      // Every file got its own record; the marker got none and started one execution.
      assertThat(summaries())
          .extracting(i -> i.get("key").s())
          .containsExactlyInAnyOrderElementsOf(
              files.keySet().stream().map(prefix::concat).toList());
      assertThat(stepFunctions.requests()).hasSize(1);
      LargeScanRequest request =
          EventJson.read(
              stepFunctions.requests().get(0).body().get("input").asText(), LargeScanRequest.class);

      Run run = run(request, largeConfig(700, 250));

      String scanId = handedOff.get("scanId").asText();
      assertThat(run.outcome().get("scanId").asText()).isEqualTo(scanId);
      assertThat(run.outcome().get("verdict").asText()).isEqualTo("FAIL");
      Map<String, AttributeValue> folder = item(scanId);
      assertThat(folder.get("verdict").s()).isEqualTo("FAIL");
      assertThat(folder.get("key").s()).isEqualTo(prefix);
      assertThat(folder).doesNotContainKey("reason");
      // The folder record joins the files' own records; none of them was replaced.
      List<String> keys = summaries().stream().map(i -> i.get("key").s()).toList();
      assertThat(keys).hasSize(files.size() + 1).contains(prefix);
    }
  }
}
