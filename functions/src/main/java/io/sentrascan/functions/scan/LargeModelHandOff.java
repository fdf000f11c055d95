package io.sentrascan.functions.scan;

import io.sentrascan.events.EventJson;
import io.sentrascan.events.LargeScanRequest;
import io.sentrascan.events.ObjectRef;
import io.sentrascan.functions.logging.JsonLog;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.ExecutionAlreadyExistsException;
import software.amazon.awssdk.services.sfn.model.StartExecutionRequest;

/**
 * Starts the large-model workflow for an object too large for one scan invocation. The execution is
 * named after the scan id, which is derived from the object revision: a redelivered event asks for
 * the same name, and Step Functions either returns the running execution or refuses with {@code
 * ExecutionAlreadyExists}; both mean the workflow owns the scan and will write its record.
 */
final class LargeModelHandOff {
  private final SfnClient sfn;
  private final String stateMachineArn;

  LargeModelHandOff(SfnClient sfn, String stateMachineArn) {
    this.sfn = sfn;
    this.stateMachineArn = stateMachineArn;
  }

  ScanRecorder.Outcome start(
      String scanId, ObjectRef object, @Nullable String headETag, long size, JsonLog log) {
    // The ETag HEAD saw pins an unversioned object: every ranged read of the workflow carries it
    // in If-Match, so an overwrite during the scan fails the scan instead of mixing two contents.
    ObjectRef pinned =
        new ObjectRef(
            object.bucket(),
            object.key(),
            object.versionId(),
            size,
            headETag != null ? headETag : object.eTag(),
            object.sequencer());
    String input = EventJson.write(LargeScanRequest.forObject(scanId, pinned, size));
    boolean duplicate = false;
    String execution;
    try {
      execution =
          sfn.startExecution(
                  StartExecutionRequest.builder()
                      .stateMachineArn(stateMachineArn)
                      .name(scanId)
                      .input(input)
                      .build())
              .executionArn();
    } catch (ExecutionAlreadyExistsException e) {
      duplicate = true;
      execution = scanId;
    }
    log.info(
        duplicate
            ? "large-model workflow already started for this revision"
            : "object over MAX_OBJECT_BYTES handed to the large-model workflow",
        "scanId",
        scanId,
        "bucket",
        object.bucket(),
        "key",
        object.key(),
        "versionId",
        object.versionId(),
        "size",
        size,
        "execution",
        execution);
    return new ScanRecorder.Outcome(
        scanId,
        object.bucket(),
        object.key(),
        object.versionId(),
        "PENDING",
        "scanned by the large-model workflow (execution " + execution + ")",
        duplicate);
  }
}
