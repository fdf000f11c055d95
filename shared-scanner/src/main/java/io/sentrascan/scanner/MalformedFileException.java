package io.sentrascan.scanner;

import java.io.IOException;

/** The bytes do not follow their format. The engine records it as a finding, not a crash. */
public final class MalformedFileException extends IOException {
  private static final long serialVersionUID = 1L;

  private final long offset;

  public MalformedFileException(String message, long offset) {
    super(message);
    this.offset = offset;
  }

  public MalformedFileException(String message, long offset, Throwable cause) {
    super(message, cause);
    this.offset = offset;
  }

  /** Where the problem was found, or -1. */
  public long offset() {
    return offset;
  }
}
