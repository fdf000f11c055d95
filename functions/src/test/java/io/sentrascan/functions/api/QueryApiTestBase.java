package io.sentrascan.functions.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sentrascan.events.EventJson;
import io.sentrascan.functions.scan.ScanObjectHandler;
import io.sentrascan.functions.scan.ScanPipelineTestBase;
import io.sentrascan.functions.testing.TestLambdaContext;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;

/**
 * The query API against the servers the scan function is tested on (S3Mock, dynalite): records are
 * seeded by running the real scan handler on uploaded models, and requests are the bundled API
 * Gateway sample events with their path, method, query and body replaced.
 */
abstract class QueryApiTestBase extends ScanPipelineTestBase {
  static final String TOKEN_KEY = "a test key of at least thirty-two bytes";
  static final Instant NOW = Instant.parse("2026-11-27T04:00:00Z");

  /** A model from {@code shared-scanner/samples}. */
  static byte[] sample(String name) throws IOException {
    return Files.readAllBytes(
        Path.of(System.getProperty("sentrascan.repoRoot", ".."), "shared-scanner/samples", name));
  }

  private @Nullable ScanObjectHandler scanner;

  /**
   * One scan handler per test: its clock ticks a second per read, so later uploads are newer scans.
   */
  ScanObjectHandler scanner() {
    if (scanner == null) {
      scanner = handler();
    }
    return scanner;
  }

  /** Uploads a model and runs the scan function on its S3 event; returns the scan id. */
  String scan(String key, byte[] model) throws IOException {
    PutObjectResponse put = upload(key, model);
    return invoke(scanner(), s3Event(key, put, model.length)).get(0).get("scanId").asText();
  }

  QueryApiHandler api() {
    return api(table);
  }

  QueryApiHandler api(String tableName) {
    return new QueryApiHandler(
        s3,
        dynamoDb,
        new ApiConfig(tableName, RESULTS, SBOMS, TOKEN_KEY, true),
        Clock.fixed(NOW, ZoneOffset.UTC));
  }

  /** The answer to a request, as API Gateway would get it. */
  record Answer(int status, Map<String, String> headers, String body) {
    JsonNode json() throws IOException {
      return EventJson.tree(body);
    }
  }

  Answer get(String path, Map<String, String> query) throws IOException {
    return call(api(), "GET", path, query, null);
  }

  Answer get(String path) throws IOException {
    return get(path, Map.of());
  }

  Answer call(
      QueryApiHandler handler,
      String method,
      String path,
      @Nullable Map<String, String> query,
      @Nullable String body)
      throws IOException {
    ObjectNode event = (ObjectNode) EventJson.tree(EventJson.sample("apigw-get-scans.json"));
    event.put("httpMethod", method);
    event.put("path", path);
    ((ObjectNode) event.get("requestContext")).put("httpMethod", method);
    ((ObjectNode) event.get("pathParameters")).put("proxy", path.substring(1));
    if (query == null || query.isEmpty()) {
      event.putNull("queryStringParameters");
      event.putNull("multiValueQueryStringParameters");
    } else {
      event.set("queryStringParameters", EventJson.toTree(query));
    }
    if (body == null) {
      event.putNull("body");
    } else {
      event.put("body", body);
    }
    return invokeApi(handler, event.toString());
  }

  static Answer invokeApi(QueryApiHandler handler, String event) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    handler.handleRequest(
        new ByteArrayInputStream(event.getBytes(StandardCharsets.UTF_8)),
        out,
        new TestLambdaContext());
    JsonNode response = EventJson.tree(out.toString(StandardCharsets.UTF_8));
    Map<String, String> headers = new java.util.TreeMap<>();
    response
        .get("headers")
        .properties()
        .forEach(e -> headers.put(e.getKey(), e.getValue().asText()));
    return new Answer(response.get("statusCode").asInt(), headers, response.get("body").asText());
  }
}
