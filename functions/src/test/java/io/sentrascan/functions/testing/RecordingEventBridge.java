package io.sentrascan.functions.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A stand-in for EventBridge (no local server speaks it): a JDK HTTP server that answers PutEvents
 * the way EventBridge does and records every request the SDK sent, with its target header and
 * signed body, for the test to check.
 */
public final class RecordingEventBridge implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One request as received. */
  public record Request(String target, String contentType, String authorization, JsonNode body) {}

  private final HttpServer server;
  private final List<Request> requests = new ArrayList<>();
  private final AtomicInteger rejectNext = new AtomicInteger();
  private final AtomicInteger ids = new AtomicInteger();

  public RecordingEventBridge() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::handle);
    server.start();
  }

  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  /** Every request so far. */
  public synchronized List<Request> requests() {
    return List.copyOf(requests);
  }

  /** Every entry of every PutEvents request so far. */
  public synchronized List<JsonNode> entries() {
    List<JsonNode> out = new ArrayList<>();
    for (Request r : requests) {
      r.body().path("Entries").forEach(out::add);
    }
    return out;
  }

  public synchronized void clear() {
    requests.clear();
  }

  /**
   * The next {@code n} entries are rejected the way EventBridge does: HTTP 200, FailedEntryCount.
   */
  public void rejectNext(int n) {
    rejectNext.set(n);
  }

  private void handle(HttpExchange exchange) throws IOException {
    byte[] body = exchange.getRequestBody().readAllBytes();
    String target = String.valueOf(exchange.getRequestHeaders().getFirst("X-Amz-Target"));
    JsonNode json = JSON.readTree(new String(body, StandardCharsets.UTF_8));
    synchronized (this) {
      requests.add(
          new Request(
              target,
              String.valueOf(exchange.getRequestHeaders().getFirst("Content-Type")),
              String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")),
              json));
    }
    String answer;
    int status = 200;
    if (!"AWSEvents.PutEvents".equals(target)) {
      status = 400;
      answer =
          "{\"__type\":\"UnknownOperationException\",\"message\":\"not served here: "
              + target
              + "\"}";
    } else if (rejectNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      answer =
          "{\"FailedEntryCount\":1,\"Entries\":[{\"ErrorCode\":\"InternalFailure\","
              + "\"ErrorMessage\":\"rejected by the test\"}]}";
    } else {
      StringBuilder entries = new StringBuilder();
      for (int i = 0; i < json.path("Entries").size(); i++) {
        entries
            .append(i == 0 ? "" : ",")
            .append("{\"EventId\":\"test-event-")
            .append(ids.incrementAndGet())
            .append("\"}");
      }
      answer = "{\"FailedEntryCount\":0,\"Entries\":[" + entries + "]}";
    }
    byte[] out = answer.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", "application/x-amz-json-1.1");
    exchange.sendResponseHeaders(status, out.length);
    exchange.getResponseBody().write(out);
    exchange.close();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
