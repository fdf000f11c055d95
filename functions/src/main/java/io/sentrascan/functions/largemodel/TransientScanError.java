package io.sentrascan.functions.largemodel;

/**
 * A failure worth retrying: S3 throttled ({@code SlowDown}, 503, 429), answered 5xx, or the
 * connection broke. The Java Lambda runtime reports an uncaught exception's fully qualified class
 * name as the {@code errorType}, so the state machine's {@code Retry} names {@code
 * io.sentrascan.functions.largemodel.TransientScanError}; any other exception fails the task.
 */
public final class TransientScanError extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** The error name Step Functions sees. */
  public static final String ERROR_NAME = TransientScanError.class.getName();

  public TransientScanError(String message, Throwable cause) {
    super(message, cause);
  }
}
