package io.sentrascan.functions.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * Secrets Manager's JSON protocol ({@code POST /}, {@code X-Amz-Target:
 * secretsmanager.GetSecretValue}) for one secret, on a JDK HTTP server: it records every request
 * the SDK signs and sends, so a test can check when (and how often) a secret was read. The same
 * pattern as the notifier's {@code SlackAndSecretsServer}.
 */
public final class SecretsManagerServer implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One request as the SDK sent it. */
  public record Request(String target, String authorization, JsonNode body) {}

  private final HttpServer server;
  private final String secretArn;
  private final List<Request> requests = new ArrayList<>();
  private String secretString;

  public SecretsManagerServer(String secretArn, String secretString) throws IOException {
    this.secretArn = secretArn;
    this.secretString = secretString;
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::handle);
    server.start();
  }

  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  /** A client pointed at this server, as {@link AwsTestClients} builds the others. */
  public SecretsManagerClient client() {
    return SecretsManagerClient.builder()
        .endpointOverride(endpoint())
        .region(Region.EU_WEST_1)
        .credentialsProvider(
            StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
        .httpClientBuilder(UrlConnectionHttpClient.builder())
        .build();
  }

  public synchronized void secretString(String value) {
    secretString = value;
  }

  public synchronized List<Request> requests() {
    return List.copyOf(requests);
  }

  private void handle(HttpExchange exchange) throws IOException {
    JsonNode body = JSON.readTree(exchange.getRequestBody().readAllBytes());
    String target = String.valueOf(exchange.getRequestHeaders().getFirst("X-Amz-Target"));
    int status;
    ObjectNode answer = JSON.createObjectNode();
    synchronized (this) {
      requests.add(
          new Request(
              target,
              String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")),
              body));
      if (!"secretsmanager.GetSecretValue".equals(target)) {
        status = 400;
        answer.put("__type", "UnknownOperationException");
        answer.put("message", "not served here: " + target);
      } else if (!secretArn.equals(body.path("SecretId").asText())) {
        status = 400;
        answer.put("__type", "ResourceNotFoundException");
        answer.put("message", "Secrets Manager can't find the specified secret.");
      } else {
        status = 200;
        answer.put("ARN", secretArn);
        answer.put("Name", "sentrascan/page-token-key");
        answer.put("VersionId", "a1b2c3d4-0000-4000-8000-000000000002");
        answer.put("SecretString", secretString);
        answer.putArray("VersionStages").add("AWSCURRENT");
        answer.put("CreatedDate", 1.7645e9);
      }
    }
    byte[] out = answer.toString().getBytes(StandardCharsets.UTF_8);
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
