package io.sentrascan.functions.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sentrascan.events.EventJson;
import io.sentrascan.functions.scan.ScanConfig;
import io.sentrascan.functions.scan.ScanObjectHandler;
import io.sentrascan.functions.scan.ScanTableDesign;
import io.sentrascan.functions.testing.AwsTestClients;
import io.sentrascan.functions.testing.TestLambdaContext;
import io.sentrascan.scanner.ScanEngine;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Properties;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketVersioningStatus;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;

/**
 * Benchmark, not a test: the scan handler in a fresh JVM, from JVM start to ready (with or without
 * the SnapStart priming hook run before "ready") and through its first invocation; prints one JSON
 * line with the times and the JVM's peak RSS. {@code setup} uploads the models and writes the S3
 * events the runs use. Run by {@code functions/bench/run.sh}.
 *
 * <pre>
 * setup ENDPOINTS DYNAMODB OUT_DIR SMALL_MODEL COPIES BIG_MODEL TABLES
 * run   ENDPOINTS DYNAMODB prime|noprime EVENT_FILE TABLE
 * </pre>
 */
public final class HandlerBench {
  static final String MODELS = "bench-models";
  static final String RESULTS = "bench-results";

  private HandlerBench() {}

  public static void main(String[] args) throws Exception {
    Properties endpoints = new Properties();
    try (var in = Files.newInputStream(Path.of(args[1]))) {
      endpoints.load(in);
    }
    URI s3Endpoint = URI.create(endpoints.getProperty("s3"));
    URI events = URI.create(endpoints.getProperty("events"));
    URI dynamo = URI.create(args[2]);
    if (args[0].equals("setup")) {
      setup(s3Endpoint, dynamo, args);
    } else {
      run(s3Endpoint, dynamo, events, args[3].equals("prime"), Path.of(args[4]), args[5]);
    }
  }

  private static void setup(URI s3Endpoint, URI dynamo, String[] args) throws IOException {
    S3Client s3 = AwsTestClients.s3(s3Endpoint);
    DynamoDbClient db = AwsTestClients.dynamoDb(dynamo);
    Path out = Path.of(args[3]);
    Files.createDirectories(out);
    s3.createBucket(b -> b.bucket(MODELS));
    s3.putBucketVersioning(
        b ->
            b.bucket(MODELS)
                .versioningConfiguration(v -> v.status(BucketVersioningStatus.ENABLED)));
    s3.createBucket(b -> b.bucket(RESULTS));
    byte[] small = Files.readAllBytes(Path.of(args[4]));
    int copies = Integer.parseInt(args[5]);
    for (int i = 1; i <= copies; i++) {
      String key = "init/model-" + i + ".pt";
      PutObjectResponse put =
          s3.putObject(b -> b.bucket(MODELS).key(key), RequestBody.fromBytes(small));
      Files.writeString(out.resolve("small-" + i + ".json"), event(key, put, small.length));
    }
    Path big = Path.of(args[6]);
    long size = Files.size(big);
    PutObjectResponse put =
        s3.putObject(b -> b.bucket(MODELS).key("big/model-1gb.pt"), RequestBody.fromFile(big));
    Files.writeString(out.resolve("big.json"), event("big/model-1gb.pt", put, size));
    Files.writeString(
        out.resolve("big.properties"),
        "bucket="
            + MODELS
            + "\nkey=big/model-1gb.pt\nversionId="
            + put.versionId()
            + "\nsize="
            + size
            + "\n");
    for (int t = 1; t <= Integer.parseInt(args[7]); t++) {
      String name = "bench-" + t;
      db.createTable(ScanTableDesign.createTableRequest(name));
    }
  }

  private static String event(String key, PutObjectResponse put, long size) throws IOException {
    ObjectNode event =
        (ObjectNode) EventJson.tree(EventJson.sample("s3-notification-object-created.json"));
    ((ObjectNode) event.at("/Records/0/s3/bucket")).put("name", MODELS);
    ObjectNode object = (ObjectNode) event.at("/Records/0/s3/object");
    object.put("key", key);
    object.put("size", size);
    object.put("eTag", put.eTag().replace("\"", ""));
    object.put("versionId", put.versionId());
    return event.toString();
  }

  private static void run(
      URI s3Endpoint, URI dynamo, URI events, boolean prime, Path eventFile, String table)
      throws Exception {
    String event = Files.readString(eventFile);
    long jvmStart = ManagementFactory.getRuntimeMXBean().getStartTime();
    long t0 = System.currentTimeMillis();
    ScanObjectHandler handler =
        new ScanObjectHandler(
            AwsTestClients.s3(s3Endpoint),
            AwsTestClients.dynamoDb(dynamo),
            AwsTestClients.eventBridge(events),
            ScanEngine.defaults(),
            Clock.systemUTC(),
            new ScanConfig(
                RESULTS,
                table,
                "bench-bus",
                ScanConfig.DEFAULT_REPORT_INLINE_MAX_BYTES,
                true,
                ScanConfig.DEFAULT_MAX_OBJECT_BYTES,
                RESULTS));
    if (prime) {
      handler.beforeCheckpoint(null);
    }
    long ready = System.currentTimeMillis();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    handler.handleRequest(
        new ByteArrayInputStream(event.getBytes(StandardCharsets.UTF_8)),
        out,
        new TestLambdaContext());
    long done = System.currentTimeMillis();
    JsonNode outcome = EventJson.tree(out.toString(StandardCharsets.UTF_8)).get(0);
    System.out.println(
        "{\"prime\":"
            + prime
            + ",\"jvmToMainMs\":"
            + (t0 - jvmStart)
            + ",\"jvmToReadyMs\":"
            + (ready - jvmStart)
            + ",\"firstInvocationMs\":"
            + (done - ready)
            + ",\"verdict\":\""
            + outcome.get("verdict").asText()
            + "\",\"duplicate\":"
            + outcome.get("duplicate").asBoolean()
            + ",\"vmHwmKb\":"
            + vmHwmKb()
            + "}");
  }

  /** Peak resident set size of this JVM, from the kernel. */
  public static long vmHwmKb() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmHWM:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    return -1;
  }
}
