package io.sentrascan.functions.largemodel;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sentrascan.events.EventJson;
import io.sentrascan.functions.scan.ScanTableDesign;
import io.sentrascan.scanner.FileResult;
import io.sentrascan.scanner.Policy;
import io.sentrascan.scanner.ScanEngine;
import io.sentrascan.scanner.Sources;
import io.sentrascan.scanner.Verdict;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Throwaway stand-ins for the large-model functions, written to the documented input and output
 * shapes, that the harness was built against before the real handlers existed: a plan of one chunk
 * per object, chunks scanned whole with the default engine into partial results in S3, and an
 * aggregate that writes one summary item (conditionally, so a replay writes nothing). They are not
 * the product; {@code LargeModelStateMachineTest} runs the real handlers.
 */
final class StateMachineStubHandlers {
  private StateMachineStubHandlers() {}

  /** The error a stub chunk throws for a failure worth retrying. */
  static final class StubTransientError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    StubTransientError(String message) {
      super(message);
    }
  }

  /** What the stubs share: clients, buckets, and faults the tests set. */
  static final class Env {
    final S3Client s3;
    final DynamoDbClient dynamoDb;
    final String resultsBucket;
    final String table;

    /** Chunk ids whose next invocations fail transiently, with how many remain. */
    final Map<String, AtomicInteger> transientFailures = new ConcurrentHashMap<>();

    Env(S3Client s3, DynamoDbClient dynamoDb, String resultsBucket, String table) {
      this.s3 = s3;
      this.dynamoDb = dynamoDb;
      this.resultsBucket = resultsBucket;
      this.table = table;
    }
  }

  private abstract static class JsonHandler implements RequestStreamHandler {
    final Env env;

    JsonHandler(Env env) {
      this.env = env;
    }

    @Override
    public void handleRequest(InputStream in, OutputStream out, Context context)
        throws IOException {
      JsonNode answer = handle(EventJson.tree(new String(in.readAllBytes(), UTF8)));
      out.write(EventJson.write(answer).getBytes(UTF8));
    }

    abstract JsonNode handle(JsonNode input) throws IOException;
  }

  /** Plan: one FILES chunk per object under the prefix (or the one key). */
  static final class Plan extends JsonHandler {
    Plan(Env env) {
      super(env);
    }

    @Override
    JsonNode handle(JsonNode request) {
      String scanId = request.path("scanId").asText();
      String bucket = request.path("bucket").asText();
      List<S3Object> objects =
          request.hasNonNull("prefix")
              ? env
                  .s3
                  .listObjectsV2Paginator(
                      b -> b.bucket(bucket).prefix(request.path("prefix").asText()))
                  .contents()
                  .stream()
                  .toList()
              : List.of(
                  S3Object.builder()
                      .key(request.path("key").asText())
                      .size(
                          env.s3
                              .headObject(b -> b.bucket(bucket).key(request.path("key").asText()))
                              .contentLength())
                      .build());
      StringBuilder plan = new StringBuilder();
      long total = 0;
      int n = 0;
      for (S3Object o : objects) {
        ObjectNode chunk = JsonNodeFactory.instance.objectNode();
        chunk.put("schemaVersion", "1.0").put("chunkId", String.format("c%06d", ++n));
        chunk.put("kind", "FILES");
        chunk
            .putArray("ranges")
            .addObject()
            .put("bucket", bucket)
            .put("key", o.key())
            .put("size", o.size())
            .put("start", 0)
            .put("end", o.size());
        plan.append(chunk).append('\n');
        total += o.size();
      }
      String planKey = "large-scans/" + scanId + "/plan.jsonl";
      env.s3.putObject(
          b -> b.bucket(env.resultsBucket).key(planKey), RequestBody.fromString(plan.toString()));
      ObjectNode out = JsonNodeFactory.instance.objectNode();
      out.put("schemaVersion", "1.0").put("scanId", scanId);
      out.put("planBucket", env.resultsBucket).put("planKey", planKey);
      out.put("chunkCount", n).put("fileCount", n).put("totalBytes", total);
      return out;
    }
  }

  /** ScanChunk: scans each chunk's object whole and writes one partial per chunk. */
  static final class ScanChunk extends JsonHandler {
    ScanChunk(Env env) {
      super(env);
    }

    @Override
    JsonNode handle(JsonNode batch) {
      String scanId = batch.at("/BatchInput/scanId").asText();
      String planBucket = batch.at("/BatchInput/planBucket").asText();
      ArrayNode done = JsonNodeFactory.instance.arrayNode();
      for (JsonNode chunk : batch.path("Items")) {
        String chunkId = chunk.path("chunkId").asText();
        AtomicInteger failures = env.transientFailures.get(chunkId);
        if (failures != null && failures.getAndDecrement() > 0) {
          throw new StubTransientError("S3 answered 503 SlowDown for chunk " + chunkId);
        }
        JsonNode range = chunk.at("/ranges/0");
        String uri = "s3://" + range.path("bucket").asText() + "/" + range.path("key").asText();
        byte[] data =
            env.s3
                .getObjectAsBytes(
                    b -> b.bucket(range.path("bucket").asText()).key(range.path("key").asText()))
                .asByteArray();
        List<FileResult> files = ScanEngine.defaults().scanSource(Sources.bytes(data, uri));
        ObjectNode partial = JsonNodeFactory.instance.objectNode();
        partial.put("verdict", Policy.defaults().verdict(files).name());
        ArrayNode rules = partial.putArray("ruleIds");
        files.forEach(f -> f.findings().forEach(x -> rules.add(x.ruleId())));
        env.s3.putObject(
            b -> b.bucket(planBucket).key("large-scans/" + scanId + "/partials/" + chunkId),
            RequestBody.fromString(partial.toString()));
        done.add(chunkId);
      }
      ObjectNode out = JsonNodeFactory.instance.objectNode();
      out.put("scanId", scanId).set("chunkIds", done);
      return out;
    }
  }

  /** Aggregate: merges the partials, or records the failure, in one conditional put. */
  static final class Aggregate extends JsonHandler {
    Aggregate(Env env) {
      super(env);
    }

    @Override
    JsonNode handle(JsonNode state) throws IOException {
      String scanId = state.path("scanId").asText();
      Verdict verdict = Verdict.PASS;
      Set<String> rules = new TreeSet<>();
      for (S3Object o :
          env.s3
              .listObjectsV2Paginator(
                  b -> b.bucket(env.resultsBucket).prefix("large-scans/" + scanId + "/partials/"))
              .contents()) {
        JsonNode partial =
            EventJson.tree(
                env.s3
                    .getObjectAsBytes(b -> b.bucket(env.resultsBucket).key(o.key()))
                    .asUtf8String());
        partial.path("ruleIds").forEach(r -> rules.add(r.asText()));
        if (partial.path("verdict").asText().equals("FAIL")) {
          verdict = Verdict.FAIL;
        }
      }
      String error = null;
      if (state.hasNonNull("failure")) {
        verdict = Verdict.ERROR;
        error = state.at("/failure/Error").asText() + ": " + state.at("/failure/Cause").asText();
      }
      Map<String, AttributeValue> item = new HashMap<>(ScanTableDesign.summaryKey(scanId));
      item.put("verdict", ScanTableDesign.s(verdict.name()));
      if (!rules.isEmpty()) {
        item.put("ruleIds", AttributeValue.fromSs(List.copyOf(rules)));
      }
      if (error != null) {
        item.put("error", ScanTableDesign.s(error));
      }
      boolean written = true;
      try {
        env.dynamoDb.putItem(
            b -> b.tableName(env.table).item(item).conditionExpression("attribute_not_exists(pk)"));
      } catch (ConditionalCheckFailedException e) {
        written = false; // a replay: the scan is recorded already
      }
      ObjectNode out = JsonNodeFactory.instance.objectNode();
      out.put("scanId", scanId).put("verdict", verdict.name()).put("written", written);
      return out;
    }
  }

  private static final java.nio.charset.Charset UTF8 = StandardCharsets.UTF_8;
}
