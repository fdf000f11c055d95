package io.sentrascan.functions.largemodel;

import java.io.IOException;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** Tells a failure worth retrying from one that will not go away. */
final class S3Failures {
  private S3Failures() {}

  /** True for throttling, 5xx answers and broken connections. */
  static boolean isTransient(@Nullable Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof S3Exception s3) {
        int status = s3.statusCode();
        return status == 429 || status >= 500 || s3.isThrottlingException();
      }
      if (t instanceof SdkClientException || t instanceof java.net.SocketException) {
        return true;
      }
      if (t instanceof SdkException sdk && sdk.retryable()) {
        return true;
      }
      if (t == t.getCause()) {
        break;
      }
    }
    return false;
  }

  /** The exception to throw for an S3 call that failed: transient ones are retried by the task. */
  static RuntimeException of(String what, SdkException e) {
    if (isTransient(e)) {
      return new TransientScanError(what + ": " + e.getMessage(), e);
    }
    return e;
  }

  /** An I/O failure of a read, as a transient error when its cause is. */
  static boolean isTransient(IOException e) {
    return isTransient((Throwable) e);
  }
}
