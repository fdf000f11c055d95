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
    String execution = execute(scanId, input);
    if (execution == null) {
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

  /**
   * Starts the workflow on a model folder, {@code prefix}, whose marker object {@code marker} was
   * just uploaded. The scan id (and execution name) is the marker revision's: a redelivered marker
   * event asks for the same name, while a new upload of the marker (a new revision) scans the
   * folder again.
   */
  ScanRecorder.Outcome startFolder(String scanId, ObjectRef marker, String prefix, JsonLog log) {
    String input = EventJson.write(LargeScanRequest.forPrefix(scanId, marker.bucket(), prefix));
    String started = execute(scanId, input);
    boolean duplicate = started == null;
    String execution = started == null ? scanId : started;
    log.info(
        duplicate
            ? "large-model workflow already started for this folder marker revision"
            : "model folder marker uploaded; folder handed to the large-model workflow",
        "scanId",
        scanId,
        "bucket",
        marker.bucket(),
        "prefix",
        prefix,
        "marker",
        marker.key(),
        "versionId",
        marker.versionId(),
        "execution",
        execution);
    return new ScanRecorder.Outcome(
        scanId,
        marker.bucket(),
        prefix,
        null,
        "PENDING",
        "model folder scanned by the large-model workflow (execution " + execution + ")",
        duplicate);
  }

  /** The execution ARN, or null when an execution of this name exists already. */
  private @Nullable String execute(String name, String input) {
    try {
      return sfn.startExecution(
              StartExecutionRequest.builder()
                  .stateMachineArn(stateMachineArn)
                  .name(name)
                  .input(input)
                  .build())
          .executionArn();
    } catch (ExecutionAlreadyExistsException e) {
      return null;
    }
  }
}
