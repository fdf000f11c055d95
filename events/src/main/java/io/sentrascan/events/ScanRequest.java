package io.sentrascan.events;

import org.jspecify.annotations.Nullable;

/** What one entry of an inbound event asks of the scan function. */
public sealed interface ScanRequest {

  /** An object was created: scan it. */
  record Scan(ObjectRef object) implements ScanRequest {}

  /**
   * The entry names an object, but it cannot be scanned (a deletion, a key that is not valid URL
   * encoding). The function records it with verdict ERROR so that it is visible, not dropped.
   */
  record Unscannable(ObjectRef object, String reason) implements ScanRequest {}

  /**
   * The entry names no object that can be identified. The function fails the invocation so that the
   * event goes to the dead-letter queue.
   */
  record Malformed(String reason) implements ScanRequest {}

  /**
   * A notification that asks for nothing, such as S3's {@code s3:TestEvent}; logged, not scanned.
   */
  record Ignored(String reason) implements ScanRequest {}

  /** The object this entry names, or null. */
  default @Nullable ObjectRef objectOrNull() {
    if (this instanceof Scan s) {
      return s.object();
    }
    if (this instanceof Unscannable u) {
      return u.object();
    }
    return null;
  }
}
