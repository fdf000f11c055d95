package io.sentrascan.functions.largemodel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.sentrascan.events.EventJson;
import io.sentrascan.events.LargeScanPlan;
import io.sentrascan.events.LargeScanRequest;
import io.sentrascan.events.ObjectRef;
import io.sentrascan.events.PlanChunk;
import io.sentrascan.events.StepFailure;
import io.sentrascan.functions.testing.TestLambdaContext;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;

/**
 * Fails closed: a chunk that produced nothing, a failed step, a plan that could not be made, each
 * gives a scan record with verdict ERROR and the reason (never a PASS); throttling throws the error
 * the state machine retries; a second Aggregate changes nothing.
 */
class LargeModelFailuresTest extends LargeModelTestBase {

  private String folder(String name) {
    String prefix = "fail-" + table + "/" + name + "/";
    upload(prefix + "config.json", fixture("hfconfig/benign-llama3-config.json"));
    upload(prefix + "model.bin", fixture("pytorch/malicious-extra-pkl-entry.pt"));
    upload(prefix + "weights.safetensors", fixture("safetensors/benign-linear.safetensors"));
    return prefix;
  }

  @Test
  void aChunkWithoutAResultMakesTheScanErrorNamingItButKeepsWhatWasFound() throws Exception {
    String prefix = folder("missing");
    LargeScanRequest request = LargeScanRequest.forPrefix("missing-" + table, MODELS, prefix);
    LargeModelConfig cfg = largeConfig(700, 1 << 20);
    String input = EventJson.write(request);
    JsonNode plan = invokeJson(planHandler(cfg), input);
    List<PlanChunk> chunks = readPlan(plan);
    for (String batch : ItemBatcher.batches(request.scanId(), RESULTS, chunks)) {
      invokeJson(chunkHandler(), batch);
    }
    PlanChunk lost =
        chunks.stream().filter(c -> c.kind() == PlanChunk.Kind.FILES).findFirst().orElseThrow();
    s3.deleteObject(
        b -> b.bucket(RESULTS).key(LargeScanPlan.partialKey(request.scanId(), lost.chunkId())));

    JsonNode outcome =
        invokeJson(aggregateHandler(cfg), ItemBatcher.aggregateInput(input, plan, null));

    assertThat(outcome.get("verdict").asText()).isEqualTo("ERROR");
    assertThat(outcome.get("reason").asText())
        .contains("chunk " + lost.chunkId() + " (FILES) produced no result");
    Map<String, AttributeValue> item = item(request.scanId());
    assertThat(item.get("verdict").s()).isEqualTo("ERROR");
    // The malicious pickle in the other chunk is still counted and shown.
    assertThat(Integer.parseInt(item.get("counts").m().get("CRITICAL").n())).isPositive();
    JsonNode detail = EventJson.tree(eventBus.entries().get(0).get("Detail").asText());
    assertThat(detail.get("verdict").asText()).isEqualTo("ERROR");
    assertThat(detail.get("reason").asText()).contains(lost.chunkId());
  }

  @Test
  void aFailedMapIsRecordedAsErrorWithTheStepsCause() throws Exception {
    String prefix = folder("map-failed");
    LargeScanRequest request = LargeScanRequest.forPrefix("mapfail-" + table, MODELS, prefix);
    LargeModelConfig cfg = largeConfig(1 << 20, 1 << 20);
    String input = EventJson.write(request);
    JsonNode plan = invokeJson(planHandler(cfg), input);
    StepFailure failure =
        new StepFailure(
            "States.ExceedToleratedFailureThreshold",
            "The specified tolerated failure threshold was exceeded");

    JsonNode outcome =
        invokeJson(
            aggregateHandler(cfg),
            ItemBatcher.aggregateInput(input, plan, EventJson.toTree(failure)));

    assertThat(outcome.get("verdict").asText()).isEqualTo("ERROR");
    assertThat(outcome.get("reason").asText())
        .contains("States.ExceedToleratedFailureThreshold", "tolerated failure threshold");
    assertThat(item(request.scanId()).get("verdict").s()).isEqualTo("ERROR");
  }

  @Test
  void aPlanThatFailedIsRecordedAsErrorWithLambdasErrorMessage() throws Exception {
    ObjectRef gone =
        new ObjectRef(MODELS, "fail-" + table + "/deleted.gguf", "no-such-version", 5L, null, null);
    LargeScanRequest request = LargeScanRequest.forObject("gone-" + table, gone, 5L);
    LargeModelConfig cfg = largeConfig(1 << 20, 1 << 20);
    String input = EventJson.write(request);
    assertThatThrownBy(() -> invokeJson(planHandler(cfg), input))
        .isInstanceOf(ModelListing.Rejected.class)
        .hasMessageContaining("no longer exists");
    // What Step Functions' Catch puts at $.failure for a Lambda task that threw.
    String cause =
        EventJson.write(
            Map.of(
                "errorType",
                ModelListing.Rejected.class.getName(),
                "errorMessage",
                "object version no longer exists: deleted before it could be scanned"));

    JsonNode outcome =
        invokeJson(
            aggregateHandler(cfg),
            ItemBatcher.aggregateInput(
                input,
                null,
                EventJson.toTree(new StepFailure(ModelListing.Rejected.class.getName(), cause))));

    assertThat(outcome.get("verdict").asText()).isEqualTo("ERROR");
    assertThat(outcome.get("reason").asText())
        .isEqualTo(
            "workflow step failed: io.sentrascan.functions.largemodel.ModelListing$Rejected: "
                + "object version no longer exists: deleted before it could be scanned");
    Map<String, AttributeValue> item = item(request.scanId());
    assertThat(item.get("key").s()).isEqualTo(gone.key());
    assertThat(item.get("versionId").s()).isEqualTo("no-such-version");
    assertThat(eventBus.entries()).hasSize(1);
  }

  @Test
  void aSecondAggregateKeepsTheFirstRecordAndSendsNoSecondEvent() throws Exception {
    String prefix = folder("twice");
    LargeScanRequest request = LargeScanRequest.forPrefix("twice-" + table, MODELS, prefix);
    LargeModelConfig cfg = largeConfig(700, 1 << 20);
    Run run = run(request, cfg);
    Map<String, AttributeValue> first = item(request.scanId());

    JsonNode again =
        invokeJson(
            aggregateHandler(cfg),
            ItemBatcher.aggregateInput(EventJson.write(request), run.plan(), null));

    assertThat(run.outcome().get("verdict").asText()).isEqualTo("FAIL");
    assertThat(again.get("duplicate").asBoolean()).isTrue();
    assertThat(again.get("verdict").asText()).isEqualTo("FAIL");
    assertThat(item(request.scanId())).isEqualTo(first);
    assertThat(eventBus.entries()).hasSize(1);
  }

  @Test
  void anObjectOverwrittenAfterPlanningIsNeverScannedAsTheNewContent() throws Exception {
    String prefix = folder("overwritten");
    LargeScanRequest request = LargeScanRequest.forPrefix("overwritten-" + table, MODELS, prefix);
    LargeModelConfig cfg = largeConfig(700, 1 << 20);
    String input = EventJson.write(request);
    JsonNode plan = invokeJson(planHandler(cfg), input);
    // Swapped for benign content between the plan and the chunks: reads carry If-Match.
    PutObjectResponse swapped =
        upload(prefix + "model.bin", fixture("pytorch/benign-state-dict.pt"));
    assertThat(swapped.eTag()).isNotNull();
    for (String batch : ItemBatcher.batches(request.scanId(), RESULTS, readPlan(plan))) {
      invokeJson(chunkHandler(), batch);
    }

    JsonNode outcome =
        invokeJson(aggregateHandler(cfg), ItemBatcher.aggregateInput(input, plan, null));

    assertThat(outcome.get("verdict").asText()).isEqualTo("ERROR");
    assertThat(outcome.get("reason").asText()).contains("model.bin", "412");
    // The new upload is not tagged with this scan's verdict; the unchanged files are.
    assertThat(tags(prefix + "model.bin", null)).doesNotContainKey("sentrascan:scan-id");
    assertThat(tags(prefix + "config.json", null))
        .containsEntry("sentrascan:scan-id", request.scanId());
  }

  @Test
  void aBatchRunInParallelWritesWhatItWritesOneChunkAtATime() throws Exception {
    String prefix = folder("parallel");
    LargeScanRequest request = LargeScanRequest.forPrefix("parallel-" + table, MODELS, prefix);
    JsonNode plan = invokeJson(planHandler(largeConfig(100, 300)), EventJson.write(request));
    List<PlanChunk> chunks = readPlan(plan);
    String batch = ItemBatcher.json(request.scanId(), RESULTS, chunks);
    assertThat(chunks).hasSizeGreaterThan(4);

    JsonNode sequential = invokeJson(new ScanChunkHandler(s3, testEngine(), 1), batch);
    List<String> one = partials(request.scanId(), chunks);
    JsonNode parallel = invokeJson(new ScanChunkHandler(s3, testEngine(), 4), batch);
    List<String> four = partials(request.scanId(), chunks);

    assertThat(parallel).isEqualTo(sequential);
    assertThat(parallel.get("chunkIds")).hasSize(chunks.size());
    assertThat(four).isEqualTo(one);
  }

  /** Every chunk's partial, without its timing. */
  private static List<String> partials(String scanId, List<PlanChunk> chunks) throws Exception {
    List<String> out = new java.util.ArrayList<>();
    for (PlanChunk c : chunks) {
      JsonNode p =
          EventJson.tree(
              s3.getObjectAsBytes(
                      b -> b.bucket(RESULTS).key(LargeScanPlan.partialKey(scanId, c.chunkId())))
                  .asUtf8String());
      ((com.fasterxml.jackson.databind.node.ObjectNode) p).remove("durationMillis");
      out.add(p.toString());
    }
    return out;
  }

  @Test
  void throttlingThrowsTheErrorTheStateMachineRetries() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    HttpServer slowDown =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    slowDown.createContext(
        "/",
        exchange -> {
          calls.incrementAndGet();
          exchange.getRequestBody().readAllBytes();
          byte[] body =
              ("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>SlowDown</Code>"
                      + "<Message>Please reduce your request rate.</Message></Error>")
                  .getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().set("Content-Type", "application/xml");
          exchange.sendResponseHeaders(503, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    slowDown.start();
    try (S3Client throttled =
        S3Client.builder()
            .endpointOverride(URI.create("http://127.0.0.1:" + slowDown.getAddress().getPort()))
            .forcePathStyle(true)
            .region(Region.EU_WEST_1)
            .credentialsProvider(
                StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
            .httpClientBuilder(UrlConnectionHttpClient.builder())
            .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()))
            .build()) {
      PlanChunk.ByteRange range =
          new PlanChunk.ByteRange(MODELS, "m/model.bin", "v1", "e", 2048, 0, 2048);
      String shard =
          ItemBatcher.json(
              "s",
              RESULTS,
              List.of(
                  new PlanChunk(
                      PlanChunk.SCHEMA_VERSION,
                      "c000001",
                      PlanChunk.Kind.HASH_SHARD,
                      List.of(range),
                      null)));
      String files =
          ItemBatcher.json(
              "s",
              RESULTS,
              List.of(
                  new PlanChunk(
                      PlanChunk.SCHEMA_VERSION,
                      "c000002",
                      PlanChunk.Kind.FILES,
                      List.of(range),
                      null)));
      ScanChunkHandler handler = new ScanChunkHandler(throttled, testEngine());
      PlanHandler planner = new PlanHandler(throttled, testEngine(), largeConfig(1 << 20, 1 << 20));

      assertThatThrownBy(() -> invoke(handler, shard))
          .isInstanceOf(TransientScanError.class)
          .hasMessageContaining("m/model.bin");
      assertThatThrownBy(() -> invoke(handler, files)).isInstanceOf(TransientScanError.class);
      assertThatThrownBy(
              () -> invoke(planner, EventJson.write(LargeScanRequest.forPrefix("s", MODELS, "m/"))))
          .isInstanceOf(TransientScanError.class);
      assertThat(calls.get()).isGreaterThanOrEqualTo(3);
      assertThat(TransientScanError.ERROR_NAME)
          .isEqualTo("io.sentrascan.functions.largemodel.TransientScanError");
    } finally {
      slowDown.stop(0);
    }
  }

  private static void invoke(
      com.amazonaws.services.lambda.runtime.RequestStreamHandler h, String in) throws Exception {
    h.handleRequest(
        new ByteArrayInputStream(in.getBytes(StandardCharsets.UTF_8)),
        new ByteArrayOutputStream(),
        new TestLambdaContext());
  }
}
