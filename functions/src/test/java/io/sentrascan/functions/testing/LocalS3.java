package io.sentrascan.functions.testing;

import com.adobe.testing.s3mock.junit5.S3MockExtension;
import java.net.URI;

/** S3Mock in this JVM, on free ports (other builds may run one on the default ports). */
public final class LocalS3 {
  private static final java.util.concurrent.atomic.AtomicInteger COUNT =
      new java.util.concurrent.atomic.AtomicInteger();

  private LocalS3() {}

  public static S3MockExtension extension() {
    return S3MockExtension.builder()
        .silent()
        .withSecureConnection(false)
        .withHttpPort(0)
        .withHttpsPort(0)
        // One folder per instance: a second S3Mock in the same JVM would load the first one's
        // buckets.
        .withRootFolder(
            System.getProperty("sentrascan.repoRoot", "..")
                + "/functions/target/s3mock-"
                + ProcessHandle.current().pid()
                + "-"
                + COUNT.incrementAndGet())
        .build();
  }

  public static URI endpoint(S3MockExtension s3Mock) {
    return URI.create("http://127.0.0.1:" + s3Mock.getHttpPort());
  }
}
