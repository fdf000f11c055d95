package io.sentrascan.functions.scan;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.sentrascan.events.EventJson;
import io.sentrascan.events.LargeScanRequest;
import io.sentrascan.functions.testing.AwsTestClients;
import io.sentrascan.functions.testing.RecordingStepFunctions;
import java.io.IOException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;
import software.amazon.awssdk.services.sfn.SfnClient;

/**
 * An object over MAX_OBJECT_BYTES goes to the large-model workflow when
 * LARGE_MODEL_STATE_MACHINE_ARN is set: StartExecution named after the scan id, with the
 * LargeScanRequest as input; no record is written here (the workflow writes it), and a redelivered
 * event is a duplicate, not a second execution.
 */
class LargeModelHandOffTest extends ScanPipelineTestBase {
  private static final String ARN = "arn:aws:states:eu-west-1:123456789012:stateMachine:large";

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

  private ScanObjectHandler handOffHandler() {
    return new ScanObjectHandler(
        s3,
        dynamoDb,
        eventBridge,
        sfn,
        testEngine(),
        ticking(),
        config.withMaxObjectBytes(10).withLargeModelStateMachineArn(ARN));
  }

  @Test
  void anObjectOverTheLimitStartsOneExecutionNamedAfterTheScanId() throws Exception {
    byte[] model = resource("models/malicious-model.pkl");
    PutObjectResponse put = upload("handoff/big-model.pkl", model);
    String event = s3Event("handoff/big-model.pkl", put, model.length);

    JsonNode first = invoke(handOffHandler(), event).get(0);
    JsonNode again = invoke(handOffHandler(), event).get(0);

    assertThat(first.get("verdict").asText()).isEqualTo("PENDING");
    assertThat(first.get("duplicate").asBoolean()).isFalse();
    assertThat(again.get("duplicate").asBoolean()).isTrue();
    assertThat(stepFunctions.requests()).hasSize(2);
    RecordingStepFunctions.Request start = stepFunctions.requests().get(0);
    assertThat(start.target()).isEqualTo("AWSStepFunctions.StartExecution");
    assertThat(start.authorization()).startsWith("AWS4-HMAC-SHA256");
    assertThat(start.body().get("stateMachineArn").asText()).isEqualTo(ARN);
    String scanId = first.get("scanId").asText();
    assertThat(start.body().get("name").asText()).isEqualTo(scanId);
    LargeScanRequest request =
        EventJson.read(start.body().get("input").asText(), LargeScanRequest.class);
    assertThat(request.problem()).isNull();
    assertThat(request.scanId()).isEqualTo(scanId);
    assertThat(request.bucket()).isEqualTo(MODELS);
    assertThat(request.key()).isEqualTo("handoff/big-model.pkl");
    assertThat(request.prefix()).isNull();
    assertThat(request.versionId()).isEqualTo(put.versionId());
    assertThat(request.eTag()).isEqualTo(put.eTag().replace("\"", ""));
    assertThat(request.size()).isEqualTo(model.length);
    assertThat(request.schemaVersion()).isEqualTo(LargeScanRequest.SCHEMA_VERSION);
    // The workflow writes the record and the event; the scan function wrote neither.
    assertThat(summaries()).isEmpty();
    assertThat(eventBus.entries()).isEmpty();
  }

  @Test
  void withoutAStateMachineTheObjectStillGetsAnErrorRecord() throws Exception {
    byte[] model = resource("models/benign-model.pkl");
    PutObjectResponse put = upload("handoff/no-workflow.pkl", model);

    JsonNode outcome =
        invoke(
                new ScanObjectHandler(
                    s3,
                    dynamoDb,
                    eventBridge,
                    sfn,
                    testEngine(),
                    ticking(),
                    config.withMaxObjectBytes(10)),
                s3Event("handoff/no-workflow.pkl", put, model.length))
            .get(0);

    assertThat(outcome.get("verdict").asText()).isEqualTo("ERROR");
    assertThat(outcome.get("reason").asText()).contains("MAX_OBJECT_BYTES");
    assertThat(stepFunctions.requests()).isEmpty();
  }

  @Test
  void theEnvironmentNamesTheStateMachine() {
    ScanConfig withArn =
        ScanConfig.fromEnvironment(
            java.util.Map.of(
                "RESULTS_BUCKET", "r",
                "TABLE_NAME", "t",
                "EVENT_BUS_NAME", "b",
                "LARGE_MODEL_STATE_MACHINE_ARN", ARN));
    ScanConfig without =
        ScanConfig.fromEnvironment(
            java.util.Map.of("RESULTS_BUCKET", "r", "TABLE_NAME", "t", "EVENT_BUS_NAME", "b"));

    assertThat(withArn.largeModelStateMachineArn()).isEqualTo(ARN);
    assertThat(without.largeModelStateMachineArn()).isNull();
  }
}
