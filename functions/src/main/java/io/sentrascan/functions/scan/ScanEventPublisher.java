package io.sentrascan.functions.scan;

import io.sentrascan.events.EventJson;
import io.sentrascan.events.ModelScanCompleted;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequest;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequestEntry;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResponse;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResultEntry;

/** Puts {@code Model Scan Completed} on the event bus. */
final class ScanEventPublisher {
  private final EventBridgeClient eventBridge;
  private final String busName;

  ScanEventPublisher(EventBridgeClient eventBridge, String busName) {
    this.eventBridge = eventBridge;
    this.busName = busName;
  }

  /**
   * Publishes one event.
   *
   * @throws IllegalStateException when EventBridge accepted the call but rejected the entry
   *     (PutEvents reports those in its answer, not as an error), so that the caller retries
   */
  void publish(ModelScanCompleted event) {
    PutEventsResponse response =
        eventBridge.putEvents(
            PutEventsRequest.builder()
                .entries(
                    PutEventsRequestEntry.builder()
                        .eventBusName(busName)
                        .source(ModelScanCompleted.SOURCE)
                        .detailType(ModelScanCompleted.DETAIL_TYPE)
                        .detail(EventJson.write(event))
                        .build())
                .build());
    Integer failed = response.failedEntryCount();
    if (failed != null && failed > 0) {
      PutEventsResultEntry entry = response.entries().isEmpty() ? null : response.entries().get(0);
      throw new IllegalStateException(
          "EventBridge rejected Model Scan Completed for scan "
              + event.scanId()
              + ": "
              + (entry == null ? "no detail" : entry.errorCode() + " " + entry.errorMessage()));
    }
  }
}
