package io.sentrascan.functions.bench;

import com.adobe.testing.s3mock.S3MockApplication;
import io.sentrascan.functions.testing.RecordingEventBridge;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Benchmark helper, not a test: S3Mock and an EventBridge stand-in in their own JVM, so that the
 * measured handler JVM holds nothing but the handler. Writes {@code s3=} and {@code events=}
 * endpoints to the file given, then serves until killed. Run by {@code functions/bench/run.sh}.
 */
public final class BenchServers {
  private BenchServers() {}

  // getHttpPort() is what S3Mock's own JUnit extension reads; there is no replacement in 4.12.4.
  @SuppressWarnings("removal")
  public static void main(String[] args) throws IOException, InterruptedException {
    Path root = Path.of(args[0]);
    Path endpoints = Path.of(args[1]);
    Files.createDirectories(root);
    Map<String, Object> props = new HashMap<>();
    props.put(S3MockApplication.PROP_HTTP_PORT, S3MockApplication.RANDOM_PORT);
    props.put(S3MockApplication.PROP_HTTPS_PORT, S3MockApplication.RANDOM_PORT);
    props.put(S3MockApplication.PROP_SECURE_CONNECTION, false);
    props.put(S3MockApplication.PROP_ROOT_DIRECTORY, root.toString());
    props.put(S3MockApplication.PROP_SILENT, true);
    S3MockApplication s3 = S3MockApplication.start(props);
    // Records every request; a benchmark sends a handful.
    RecordingEventBridge events = new RecordingEventBridge();
    Files.writeString(
        endpoints,
        "s3=http://127.0.0.1:" + s3.getHttpPort() + "\nevents=" + events.endpoint() + "\n",
        StandardCharsets.UTF_8);
    Thread.currentThread().join();
  }
}
