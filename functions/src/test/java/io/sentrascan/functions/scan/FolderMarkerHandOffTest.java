package io.sentrascan.functions.scan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.sentrascan.events.EventJson;
import io.sentrascan.events.LargeScanRequest;
import io.sentrascan.functions.testing.AwsTestClients;
import io.sentrascan.functions.testing.RecordingStepFunctions;
import java.io.IOException;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;
import software.amazon.awssdk.services.sfn.SfnClient;

/**
 * Issue #6's folder trigger: the upload of a model folder's marker file ({@code FOLDER_MARKER},
 * default {@code .sentrascan-folder}) hands the marker's parent prefix to the large-model workflow
 * as a folder scan, once per marker revision; without a workflow the marker gets an ERROR record
 * that says why. The folder's other files are still scanned one by one by their own events.
 */
class FolderMarkerHandOffTest extends ScanPipelineTestBase {
  private static final String ARN = "arn:aws:states:eu-west-1:123456789012:stateMachine:large";
  private static final String MARKER = ScanConfig.DEFAULT_FOLDER_MARKER;

  private RecordingStepFunctions stepFunctions;
  private SfnClient sfn;

  @BeforeEach
  void startStepFunctions() throws IOException {
    stepFunctions = new RecordingStepFunctions();
    sfn = AwsTestClients.sfn(stepFunctions.endpoint());
  }

  @AfterEach
  void stopStepFunctions() {
    stepFunctions.close();
  }

  private ScanObjectHandler handler(ScanConfig cfg) {
    return new ScanObjectHandler(s3, dynamoDb, eventBridge, sfn, testEngine(), ticking(), cfg);
  }

  private ScanObjectHandler withWorkflow() {
    return handler(config.withLargeModelStateMachineArn(ARN));
  }

  private JsonNode uploadAndInvoke(ScanObjectHandler handler, String key, byte[] data)
      throws IOException {
    PutObjectResponse put = upload(key, data);
    return invoke(handler, s3Event(key, put, data.length)).get(0);
  }

  @Test
  void theMarkerHandsItsFolderToTheWorkflowOncePerMarkerRevision() throws Exception {
    upload("folders/bert/shard-0.pkl", resource("models/benign-model.pkl"));
    upload("folders/bert/shard-1.pkl", resource("models/malicious-model.pkl"));
    PutObjectResponse put = upload("folders/bert/" + MARKER, new byte[0]);
    String event = s3Event("folders/bert/" + MARKER, put, 0);

    JsonNode first = invoke(withWorkflow(), event).get(0);
    JsonNode again = invoke(withWorkflow(), event).get(0);

    assertThat(first.get("verdict").asText()).isEqualTo("PENDING");
    assertThat(first.get("key").asText()).isEqualTo("folders/bert/");
    assertThat(first.get("reason").asText()).contains("large-model workflow");
    assertThat(first.get("duplicate").asBoolean()).isFalse();
    assertThat(again.get("duplicate").asBoolean()).isTrue();
    assertThat(again.get("scanId").asText()).isEqualTo(first.get("scanId").asText());
    assertThat(stepFunctions.requests()).hasSize(2);
    RecordingStepFunctions.Request start = stepFunctions.requests().get(0);
    assertThat(start.target()).isEqualTo("AWSStepFunctions.StartExecution");
    assertThat(start.body().get("stateMachineArn").asText()).isEqualTo(ARN);
    String scanId = first.get("scanId").asText();
    assertThat(start.body().get("name").asText()).isEqualTo(scanId);
    assertThat(stepFunctions.requests().get(1).body().get("name").asText()).isEqualTo(scanId);
    LargeScanRequest request =
        EventJson.read(start.body().get("input").asText(), LargeScanRequest.class);
    assertThat(request.problem()).isNull();
    assertThat(request.isPrefix()).isTrue();
    assertThat(request.scanId()).isEqualTo(scanId);
    assertThat(request.bucket()).isEqualTo(MODELS);
    assertThat(request.prefix()).isEqualTo("folders/bert/");
    assertThat(request.key()).isNull();
    // The marker is not scanned: the workflow writes the folder's record and event.
    assertThat(summaries()).isEmpty();
    assertThat(eventBus.entries()).isEmpty();

    // Uploading the marker again (a new revision) asks for a new scan of the folder.
    JsonNode rescan = uploadAndInvoke(withWorkflow(), "folders/bert/" + MARKER, new byte[0]);
    assertThat(rescan.get("duplicate").asBoolean()).isFalse();
    assertThat(rescan.get("scanId").asText()).isNotEqualTo(scanId);
    assertThat(stepFunctions.requests()).hasSize(3);
  }

  @Test
  void theFolderFilesOwnEventsAreStillScannedOneByOne() throws Exception {
    JsonNode shard =
        uploadAndInvoke(
            withWorkflow(), "folders/gpt/shard-1.pkl", resource("models/malicious-model.pkl"));

    assertThat(shard.get("verdict").asText()).isEqualTo("FAIL");
    assertThat(shard.get("key").asText()).isEqualTo("folders/gpt/shard-1.pkl");
    assertThat(stepFunctions.requests()).isEmpty();
    assertThat(summaries()).hasSize(1);
  }

  @Test
  void withoutAStateMachineTheMarkerGetsAnErrorRecordNamingTheFolder() throws Exception {
    JsonNode outcome = uploadAndInvoke(handler(config), "folders/t5/" + MARKER, new byte[0]);

    assertThat(outcome.get("verdict").asText()).isEqualTo("ERROR");
    assertThat(outcome.get("reason").asText())
        .contains("s3://" + MODELS + "/folders/t5/")
        .contains("LARGE_MODEL_STATE_MACHINE_ARN");
    assertThat(stepFunctions.requests()).isEmpty();
    assertThat(summaries()).hasSize(1);
    assertThat(item(outcome.get("scanId").asText()).get("verdict").s()).isEqualTo("ERROR");
    // Announced like any ERROR, so the notifier tells the team.
    assertThat(eventBus.entries()).hasSize(1);
    JsonNode detail = EventJson.tree(eventBus.entries().get(0).get("Detail").asText());
    assertThat(detail.get("verdict").asText()).isEqualTo("ERROR");
  }

  @Test
  void aMarkerAtTheBucketRootIsRefusedNotAWholeBucketScan() throws Exception {
    JsonNode outcome = uploadAndInvoke(withWorkflow(), MARKER, new byte[0]);

    assertThat(outcome.get("verdict").asText()).isEqualTo("ERROR");
    assertThat(outcome.get("reason").asText()).contains("bucket root");
    assertThat(stepFunctions.requests()).isEmpty();
  }

  @Test
  void onlyTheExactFileNameIsAMarker() throws Exception {
    JsonNode lookalike =
        uploadAndInvoke(
            withWorkflow(), "folders/x/model" + MARKER, resource("models/benign-model.pkl"));

    assertThat(lookalike.get("verdict").asText()).isEqualTo("PASS");
    assertThat(stepFunctions.requests()).isEmpty();
  }

  @Test
  void theEnvironmentNamesTheMarker() throws Exception {
    Map<String, String> base =
        Map.of("RESULTS_BUCKET", "r", "TABLE_NAME", "t", "EVENT_BUS_NAME", "b");
    assertThat(ScanConfig.fromEnvironment(base).folderMarker()).isEqualTo(MARKER);
    java.util.HashMap<String, String> custom = new java.util.HashMap<>(base);
    custom.put("FOLDER_MARKER", "READY");
    assertThat(ScanConfig.fromEnvironment(custom).folderMarker()).isEqualTo("READY");
    custom.put("FOLDER_MARKER", "a/READY");
    assertThatThrownBy(() -> ScanConfig.fromEnvironment(custom))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("FOLDER_MARKER");

    JsonNode outcome =
        uploadAndInvoke(
            handler(config.withLargeModelStateMachineArn(ARN).withFolderMarker("READY")),
            "folders/llama/READY",
            new byte[0]);
    assertThat(outcome.get("verdict").asText()).isEqualTo("PENDING");
    assertThat(
            EventJson.read(
                    stepFunctions.requests().get(0).body().get("input").asText(),
                    LargeScanRequest.class)
                .prefix())
        .isEqualTo("folders/llama/");
  }
}
