package io.sentrascan.scanner.baseline;

/** A baseline file that cannot be read, is not JSON, or is not a SentraScan baseline. */
public final class InvalidBaselineException extends Exception {
  private static final long serialVersionUID = 1L;

  public InvalidBaselineException(String message) {
    super(message);
  }

  public InvalidBaselineException(String message, Throwable cause) {
    super(message, cause);
  }
}
