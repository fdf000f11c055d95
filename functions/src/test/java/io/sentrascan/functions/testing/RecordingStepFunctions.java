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
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A stand-in for Step Functions' StartExecution (no local server speaks its control plane here): a
 * JDK HTTP server that records every request the SDK sent and answers as the service does,
 * including {@code ExecutionAlreadyExists} for a name it has seen.
 */
public final class RecordingStepFunctions implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One request as received. */
  public record Request(String target, String authorization, JsonNode body) {}

  private final HttpServer server;
  private final List<Request> requests = new ArrayList<>();
  private final Set<String> names = new HashSet<>();

  public RecordingStepFunctions() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::handle);
    server.start();
  }

  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  public synchronized List<Request> requests() {
    return List.copyOf(requests);
  }

  private void handle(HttpExchange exchange) throws IOException {
    byte[] body = exchange.getRequestBody().readAllBytes();
    String target = String.valueOf(exchange.getRequestHeaders().getFirst("X-Amz-Target"));
    JsonNode json = JSON.readTree(new String(body, StandardCharsets.UTF_8));
    String answer;
    int status;
    synchronized (this) {
      requests.add(
          new Request(
              target,
              String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")),
              json));
      String name = json.path("name").asText();
      String arn =
          json.path("stateMachineArn").asText().replace(":stateMachine:", ":execution:")
              + ":"
              + name;
      if (!target.equals("AWSStepFunctions.StartExecution")) {
        status = 400;
        answer = "{\"__type\":\"UnknownOperationException\",\"message\":\"" + target + "\"}";
      } else if (!names.add(name)) {
        status = 400;
        answer =
            "{\"__type\":\"ExecutionAlreadyExists\",\"message\":\"Execution Already Exists: '"
                + arn
                + "'\"}";
      } else {
        status = 200;
        answer = "{\"executionArn\":\"" + arn + "\",\"startDate\":1.7956e9}";
      }
    }
    byte[] out = answer.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/x-amz-json-1.0");
    exchange.sendResponseHeaders(status, out.length);
    exchange.getResponseBody().write(out);
    exchange.close();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
