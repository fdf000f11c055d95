package io.sentrascan.functions.largemodel;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import io.sentrascan.events.EventJson;
import io.sentrascan.events.LargeScanPlan;
import io.sentrascan.events.LargeScanRequest;
import io.sentrascan.events.PlanChunk;
import io.sentrascan.functions.scan.S3RangeSource;
import io.sentrascan.functions.scan.ScanPipelineTestBase;
import io.sentrascan.functions.testing.TestLambdaContext;
import io.sentrascan.scanner.Policy;
import io.sentrascan.scanner.ScanEngine;
import io.sentrascan.scanner.ScanResult;
import io.sentrascan.scanner.sbom.MlBomBuilder;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Runs the large-model workflow's three handlers the way the state machine does, through their JSON
 * contracts: Plan on the request, the plan's lines batched as the distributed Map's item batcher
 * batches them (at most 16 items and 128 KiB), ScanChunk on every batch, then Aggregate on the
 * execution state. Against S3Mock, dynalite and the recording EventBridge of the scan tests.
 */
abstract class LargeModelTestBase extends ScanPipelineTestBase {
  /** Step Functions' limit on a task's input and output. */
  static final int STATE_LIMIT_BYTES = 256 * 1024;

  LargeModelConfig largeConfig(long batchFileBytes, long hashShardBytes) {
    return new LargeModelConfig(config, hashShardBytes, batchFileBytes);
  }

  PlanHandler planHandler(LargeModelConfig cfg) {
    return new PlanHandler(s3, testEngine(), cfg);
  }

  ScanChunkHandler chunkHandler() {
    return new ScanChunkHandler(s3, testEngine());
  }

  AggregateHandler aggregateHandler(LargeModelConfig cfg) {
    return new AggregateHandler(s3, dynamoDb, eventBridge, testEngine(), ticking(), cfg);
  }

  /** What one run produced, as JSON. */
  record Run(JsonNode plan, List<PlanChunk> chunks, List<String> batches, JsonNode outcome) {}

  /** Plan, scan every batch, aggregate: the happy path of the state machine. */
  Run run(LargeScanRequest request, LargeModelConfig cfg) throws IOException {
    String input = EventJson.write(request);
    JsonNode plan = invokeJson(planHandler(cfg), input);
    List<PlanChunk> chunks = readPlan(plan);
    List<String> batches =
        ItemBatcher.batches(request.scanId(), plan.get("planBucket").asText(), chunks);
    for (String batch : batches) {
      invokeJson(chunkHandler(), batch);
    }
    JsonNode outcome =
        invokeJson(aggregateHandler(cfg), ItemBatcher.aggregateInput(input, plan, null));
    return new Run(plan, chunks, batches, outcome);
  }

  static List<PlanChunk> readPlan(JsonNode plan) throws IOException {
    String jsonl =
        s3.getObjectAsBytes(
                b -> b.bucket(plan.get("planBucket").asText()).key(plan.get("planKey").asText()))
            .asUtf8String();
    List<PlanChunk> out = new ArrayList<>();
    for (String line : jsonl.split("\n")) {
      if (!line.isBlank()) {
        out.add(EventJson.read(line, PlanChunk.class));
      }
    }
    return out;
  }

  JsonNode invokeJson(RequestStreamHandler handler, String input) throws IOException {
    lastContext = new TestLambdaContext();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    handler.handleRequest(
        new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)), out, lastContext);
    return EventJson.tree(out.toString(StandardCharsets.UTF_8));
  }

  /** The one-invocation path over the same objects: every object scanned whole, in key order. */
  static ScanResult singleInvocation(String prefix) {
    List<S3RangeSource> sources = new ArrayList<>();
    for (S3Object o : s3.listObjectsV2Paginator(b -> b.bucket(MODELS).prefix(prefix)).contents()) {
      sources.add(
          new S3RangeSource(
              s3,
              MODELS,
              o.key(),
              null,
              null,
              o.size(),
              "s3://" + MODELS + "/" + o.key(),
              S3RangeSource.BLOCK_BYTES));
    }
    ScanEngine engine = testEngine().withDigests(MlBomBuilder.DIGESTS);
    return engine.scanSources(sources, Policy.defaults());
  }

  static byte[] fixture(String path) {
    try {
      return Files.readAllBytes(
          Path.of(
              System.getProperty("sentrascan.repoRoot", ".."),
              "shared-scanner/src/test/resources/fixtures",
              path));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String planKey(String scanId) {
    return LargeScanPlan.planKey(scanId);
  }
}
