package io.sentrascan.scanner.pickle;

import java.io.IOException;

/** A pickle analysis limit (bytes, stack depth, memo size) was reached. */
final class PickleLimitException extends IOException {
  private static final long serialVersionUID = 1L;

  private final long offset;

  PickleLimitException(String message, long offset) {
    super(message);
    this.offset = offset;
  }

  long offset() {
    return offset;
  }
}
