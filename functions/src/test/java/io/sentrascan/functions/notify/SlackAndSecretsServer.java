package io.sentrascan.functions.notify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;

/**
 * One JDK HTTP server standing in for both Secrets Manager (its JSON protocol: {@code POST /} with
 * {@code X-Amz-Target: secretsmanager.GetSecretValue}) and a Slack incoming webhook ({@code POST
 * /services/...}). It records every request for the test to check and answers Slack with scripted
 * responses (200 {@code ok} once the script is used up).
 */
final class SlackAndSecretsServer implements AutoCloseable {
  static final String WEBHOOK_PATH = "/services/T0TEST/B0TEST/s3cr3tW3bh00kT0k3n";
  static final String SECRET_ARN =
      "arn:aws:secretsmanager:eu-west-1:111122223333:secret:sentrascan/slack-AbCdEf";
  private static final ObjectMapper JSON = new ObjectMapper();

  record SecretsRequest(String target, String contentType, String authorization, JsonNode body) {}

  record SlackRequest(String method, String path, String contentType, JsonNode body) {}

  record Reply(int status, Map<String, String> headers, String body) {}

  private final HttpServer server;
  private final List<SecretsRequest> secretsRequests = new ArrayList<>();
  private final List<SlackRequest> slackRequests = new ArrayList<>();
  private final Deque<Reply> slackReplies = new ArrayDeque<>();
  private String secretString;

  SlackAndSecretsServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::handle);
    server.start();
    secretString = webhookUrl();
  }

  URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  String webhookUrl() {
    return endpoint() + WEBHOOK_PATH;
  }

  synchronized void secretString(String value) {
    secretString = value;
  }

  synchronized void replyToSlack(Reply... replies) {
    slackReplies.addAll(List.of(replies));
  }

  synchronized List<SecretsRequest> secretsRequests() {
    return List.copyOf(secretsRequests);
  }

  synchronized List<SlackRequest> slackRequests() {
    return List.copyOf(slackRequests);
  }

  private void handle(HttpExchange exchange) throws IOException {
    String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    String path = exchange.getRequestURI().getPath();
    String contentType = String.valueOf(exchange.getRequestHeaders().getFirst("Content-Type"));
    Reply reply;
    synchronized (this) {
      if (path.startsWith("/services/")) {
        slackRequests.add(
            new SlackRequest(exchange.getRequestMethod(), path, contentType, JSON.readTree(body)));
        reply =
            !path.equals(WEBHOOK_PATH)
                ? new Reply(404, Map.of(), "no_service")
                : slackReplies.isEmpty() ? new Reply(200, Map.of(), "ok") : slackReplies.poll();
      } else {
        String target = String.valueOf(exchange.getRequestHeaders().getFirst("X-Amz-Target"));
        JsonNode json = JSON.readTree(body);
        secretsRequests.add(
            new SecretsRequest(
                target,
                contentType,
                String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")),
                json));
        reply = secretsReply(target, json);
      }
    }
    byte[] out = reply.body().getBytes(StandardCharsets.UTF_8);
    reply.headers().forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
    exchange.sendResponseHeaders(reply.status(), out.length);
    exchange.getResponseBody().write(out);
    exchange.close();
  }

  private Reply secretsReply(String target, JsonNode body) {
    Map<String, String> type = Map.of("Content-Type", "application/x-amz-json-1.1");
    if (!"secretsmanager.GetSecretValue".equals(target)) {
      return new Reply(
          400,
          type,
          "{\"__type\":\"UnknownOperationException\",\"message\":\"not served here: "
              + target
              + "\"}");
    }
    if (!SECRET_ARN.equals(body.path("SecretId").asText())) {
      return new Reply(
          400,
          type,
          "{\"__type\":\"ResourceNotFoundException\","
              + "\"message\":\"Secrets Manager can't find the specified secret.\"}");
    }
    var answer = JSON.createObjectNode();
    answer.put("ARN", SECRET_ARN);
    answer.put("Name", "sentrascan/slack");
    answer.put("VersionId", "a1b2c3d4-0000-4000-8000-000000000001");
    answer.put("SecretString", secretString);
    answer.putArray("VersionStages").add("AWSCURRENT");
    answer.put("CreatedDate", 1.7645e9);
    return new Reply(200, type, answer.toString());
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
