package io.sentrascan.functions.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sentrascan.events.EventJson;
import io.sentrascan.functions.notify.SlackAndSecretsServer.Reply;
import io.sentrascan.functions.testing.TestLambdaContext;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * The notifier against a local stand-in for Secrets Manager and Slack: the exact requests the SDK
 * and the function send, retries, giving up, ignored and malformed events, and a webhook URL that
 * never reaches a log.
 */
class SlackNotifierHandlerTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String FAIL = "eventbridge-model-scan-completed-fail.json";
  private static final String ERROR = "eventbridge-model-scan-completed-error.json";
  private static final String PASS = "eventbridge-model-scan-completed-pass.json";

  private SlackAndSecretsServer server;
  private SecretsManagerClient secrets;
  private final MovingClock clock = new MovingClock();
  private final List<Duration> sleeps = new ArrayList<>();
  private SlackNotifierHandler handler;
  private TestLambdaContext lastContext;

  /** A clock that the sleeper moves forward, so backoff costs no wall-clock time. */
  static final class MovingClock extends Clock {
    private Instant now = Instant.parse("2026-11-27T04:00:00Z");

    void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  @BeforeEach
  void start() throws Exception {
    server = new SlackAndSecretsServer();
    secrets =
        SecretsManagerClient.builder()
            .endpointOverride(server.endpoint())
            .region(Region.EU_WEST_1)
            .credentialsProvider(
                StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
            .httpClientBuilder(UrlConnectionHttpClient.builder())
            .build();
    handler =
        new SlackNotifierHandler(
            SlackAndSecretsServer.SECRET_ARN,
            secrets,
            HttpClient.newHttpClient(),
            clock,
            d -> {
              sleeps.add(d);
              clock.advance(d);
            });
  }

  @AfterEach
  void stop() {
    secrets.close();
    server.close();
  }

  private JsonNode invoke(String eventJson) throws Exception {
    lastContext = new TestLambdaContext();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    InputStream in = new ByteArrayInputStream(eventJson.getBytes(StandardCharsets.UTF_8));
    handler.handleRequest(in, out, lastContext);
    return JSON.readTree(out.toByteArray());
  }

  private static String sample(String name) {
    return EventJson.sample(name);
  }

  private static JsonNode resource(String name) throws Exception {
    try (InputStream in = SlackNotifierHandlerTest.class.getResourceAsStream("/notify/" + name)) {
      return JSON.readTree(in);
    }
  }

  @Test
  void aFailedScanIsPostedAsBlockKitWithTheUrlFromSecretsManager() throws Exception {
    JsonNode outcome = invoke(sample(FAIL));

    assertThat(outcome.get("notified").asBoolean()).isTrue();
    assertThat(outcome.get("attempts").asInt()).isEqualTo(1);
    assertThat(server.secretsRequests())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.target()).isEqualTo("secretsmanager.GetSecretValue");
              assertThat(r.contentType()).isEqualTo("application/x-amz-json-1.1");
              assertThat(r.authorization()).startsWith("AWS4-HMAC-SHA256 Credential=test/");
              assertThat(r.body())
                  .isEqualTo(
                      JSON.createObjectNode().put("SecretId", SlackAndSecretsServer.SECRET_ARN));
            });
    assertThat(server.slackRequests())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.method()).isEqualTo("POST");
              assertThat(r.path()).isEqualTo(SlackAndSecretsServer.WEBHOOK_PATH);
              assertThat(r.contentType()).isEqualTo("application/json; charset=utf-8");
              assertThat(r.body()).isEqualTo(resource("slack-fail.expected.json"));
            });
    assertThat(sleeps).isEmpty();
  }

  @Test
  void contentFromScannedFilesCannotMentionChannelsOrForgeLinks() throws Exception {
    invoke(sample(FAIL));

    String findings = server.slackRequests().get(0).body().at("/blocks/2/text/text").asText();
    assertThat(findings)
        .contains("&lt;!channel&gt; &amp; &lt;https://evil.example|click here&gt;")
        .contains("archive/&lt;data&gt;&amp;.pkl")
        .doesNotContain("<!channel>")
        .doesNotContain("<https://evil");
  }

  @Test
  void anErroredScanIsPostedWithItsReason() throws Exception {
    invoke(sample(ERROR));

    JsonNode body = server.slackRequests().get(0).body();
    assertThat(body.at("/blocks/0/text/text").asText()).contains("could not complete");
    assertThat(body.at("/blocks/1/fields/1/text").asText()).isEqualTo("*Version*\nunversioned");
    assertThat(body.at("/blocks/2/text/text").asText())
        .isEqualTo("*Reason*\nobject version no longer exists");
    assertThat(body.toString()).doesNotContain("Top findings").doesNotContain("*Report*");
  }

  @Test
  void aPassIsIgnoredWithoutReadingTheSecret() throws Exception {
    JsonNode outcome = invoke(sample(PASS));

    assertThat(outcome.get("notified").asBoolean()).isFalse();
    assertThat(server.secretsRequests()).isEmpty();
    assertThat(server.slackRequests()).isEmpty();
    assertThat(lastContext.logLines()).anyMatch(l -> l.contains("PASS is not notified"));
  }

  @Test
  void theSecretIsReadOnceForTheContainersLife() throws Exception {
    invoke(sample(FAIL));
    invoke(sample(ERROR));

    assertThat(server.secretsRequests()).hasSize(1);
    assertThat(server.slackRequests()).hasSize(2);
  }

  @Test
  void aSecretHoldingJsonWithAWebhookUrlWorksToo() throws Exception {
    server.secretString("{\"webhookUrl\":\"" + server.webhookUrl() + "\"}");

    invoke(sample(FAIL));

    assertThat(server.slackRequests()).hasSize(1);
  }

  @Test
  void aSecretThatIsNotAUrlFailsNamingTheSecretNotItsValue() {
    server.secretString("not a url at all");

    assertThatThrownBy(() -> invoke(sample(FAIL)))
        .hasMessageContaining(SlackAndSecretsServer.SECRET_ARN)
        .hasMessageNotContaining("not a url at all");
    assertThat(server.slackRequests()).isEmpty();
  }

  @Test
  void rateLimitedThenAcceptedWaitsForRetryAfter() throws Exception {
    server.replyToSlack(new Reply(429, Map.of("Retry-After", "3"), "rate_limited"));

    JsonNode outcome = invoke(sample(FAIL));

    assertThat(outcome.get("attempts").asInt()).isEqualTo(2);
    assertThat(sleeps).containsExactly(Duration.ofSeconds(3));
    List<SlackAndSecretsServer.SlackRequest> posts = server.slackRequests();
    assertThat(posts).hasSize(2);
    assertThat(posts.get(1).body()).isEqualTo(posts.get(0).body());
    assertThat(lastContext.logLines())
        .anyMatch(l -> l.contains("\"level\":\"WARN\"") && l.contains("HTTP 429 rate_limited"));
  }

  @Test
  void aRetryAfterLongerThanTheBudgetIsCappedAndTheTotalTimeBounded() {
    for (int i = 0; i < 10; i++) {
      server.replyToSlack(new Reply(429, Map.of("Retry-After", "3600"), "rate_limited"));
    }

    assertThatThrownBy(() -> invoke(sample(FAIL)))
        .isInstanceOf(SlackWebhook.DeliveryException.class)
        .hasMessageContaining("30 s budget");
    // Each wait is capped at 10 s; a fourth wait would end after the 30 s budget.
    assertThat(sleeps)
        .containsExactly(Duration.ofSeconds(10), Duration.ofSeconds(10), Duration.ofSeconds(10));
    assertThat(server.slackRequests()).hasSize(4);
  }

  @Test
  void serverErrorsAreRetriedWithBackoffThenTheInvocationFails() {
    for (int i = 0; i < 10; i++) {
      server.replyToSlack(new Reply(503, Map.of(), "service_unavailable"));
    }

    assertThatThrownBy(() -> invoke(sample(FAIL)))
        .isInstanceOf(SlackWebhook.DeliveryException.class)
        .hasMessage("gave up after 5 attempts; last: HTTP 503 service_unavailable");
    assertThat(sleeps)
        .containsExactly(
            Duration.ofMillis(500),
            Duration.ofSeconds(1),
            Duration.ofSeconds(2),
            Duration.ofSeconds(4));
    assertThat(server.slackRequests()).hasSize(5);
    assertThat(lastContext.logLines())
        .anyMatch(l -> l.contains("\"level\":\"ERROR\"") && l.contains("gave up after 5"));
  }

  @Test
  void anUnreachableWebhookIsRetriedThenFailsWithoutNamingIt() throws Exception {
    String unreachable;
    try (var socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      unreachable = "http://127.0.0.1:" + socket.getLocalPort() + "/services/T/B/unr3achabl3";
    }
    server.secretString(unreachable);

    assertThatThrownBy(() -> invoke(sample(FAIL)))
        .isInstanceOf(SlackWebhook.DeliveryException.class)
        .hasMessage("gave up after 5 attempts; last: ConnectException");
    assertThat(sleeps).hasSize(4);
    assertThat(String.join("\n", lastContext.logLines())).doesNotContain("unr3achabl3");
  }

  @Test
  void aRevokedWebhookIsNotRetriedAndTheSecretIsReadAgainNextTime() throws Exception {
    server.replyToSlack(new Reply(404, Map.of(), "no_service"));

    assertThatThrownBy(() -> invoke(sample(FAIL)))
        .isInstanceOf(SlackWebhook.DeliveryException.class)
        .hasMessage("Slack refused the message: HTTP 404 no_service");
    assertThat(server.slackRequests()).hasSize(1);
    assertThat(sleeps).isEmpty();

    // The secret may have been rotated since: the next invocation reads it again.
    assertThat(invoke(sample(FAIL)).get("notified").asBoolean()).isTrue();
    assertThat(server.secretsRequests()).hasSize(2);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "not json at all | not JSON",
        "[1, 2] | expected an EventBridge event",
        "{} | got detail-type (none) from source (none)",
        "{\"detail-type\":\"Object Created\",\"source\":\"aws.s3\",\"detail\":{}}"
            + " | got detail-type 'Object Created' from source 'aws.s3'",
        "{\"detail-type\":\"Model Scan Completed\",\"source\":\"io.sentrascan\"}"
            + " | the event has no detail object",
        "{\"detail-type\":\"Model Scan Completed\",\"source\":\"io.sentrascan\","
            + "\"detail\":{\"version\":\"2.0\"}} | version '2.0' is not supported",
        "{\"detail-type\":\"Model Scan Completed\",\"source\":\"io.sentrascan\","
            + "\"detail\":{\"version\":\"1.0\",\"scanId\":\"s\",\"bucket\":\"b\",\"key\":\"k\"}}"
            + " | the detail is not a valid Model Scan Completed: verdict",
      })
  void aMalformedEventFailsWithAClearMessage(String event, String expected) {
    assertThatThrownBy(() -> invoke(event))
        .isInstanceOf(SlackNotifierHandler.MalformedEventException.class)
        .hasMessageContaining(expected);
    assertThat(lastContext.logLines())
        .anyMatch(l -> l.contains("\"level\":\"ERROR\"") && l.contains("malformed event"));
    assertThat(server.secretsRequests()).isEmpty();
    assertThat(server.slackRequests()).isEmpty();
  }

  @Test
  void anUnknownVerdictIsMalformed() {
    String event = sample(FAIL).replace("\"verdict\": \"FAIL\"", "\"verdict\": \"MAYBE\"");

    assertThatThrownBy(() -> invoke(event)).hasMessageContaining("unknown verdict 'MAYBE'");
  }

  @Test
  void theWebhookUrlNeverAppearsInLogsOutputOrExceptions() throws Exception {
    PrintStream out = System.out;
    PrintStream err = System.err;
    ByteArrayOutputStream console = new ByteArrayOutputStream();
    List<String> thrown = new ArrayList<>();
    try (PrintStream capture = new PrintStream(console, true, StandardCharsets.UTF_8)) {
      System.setOut(capture);
      System.setErr(capture);
      List<String> logs = new ArrayList<>();
      server.replyToSlack(new Reply(429, Map.of("Retry-After", "1"), "rate_limited"));
      invoke(sample(FAIL));
      logs.addAll(lastContext.logLines());
      for (int i = 0; i < 5; i++) {
        server.replyToSlack(new Reply(500, Map.of(), "internal_error"));
      }
      try {
        invoke(sample(ERROR));
      } catch (RuntimeException e) {
        StringWriter trace = new StringWriter();
        e.printStackTrace(new PrintWriter(trace));
        thrown.add(trace.toString());
      }
      logs.addAll(lastContext.logLines());
      server.replyToSlack(new Reply(403, Map.of(), "invalid_token"));
      try {
        invoke(sample(FAIL));
      } catch (RuntimeException e) {
        StringWriter trace = new StringWriter();
        e.printStackTrace(new PrintWriter(trace));
        thrown.add(trace.toString());
      }
      logs.addAll(lastContext.logLines());

      String everything = String.join("\n", logs) + console + String.join("\n", thrown);
      assertThat(logs).hasSizeGreaterThan(3);
      assertThat(thrown).hasSize(2);
      assertThat(everything)
          .doesNotContain(server.webhookUrl())
          .doesNotContain(SlackAndSecretsServer.WEBHOOK_PATH)
          .doesNotContain("s3cr3tW3bh00kT0k3n");
    } finally {
      System.setOut(out);
      System.setErr(err);
    }
  }

  @Test
  void primingBeforeACheckpointCallsNoServiceAndCachesNoUrl() throws Exception {
    invoke(sample(FAIL));

    handler.beforeCheckpoint(null);
    invoke(sample(FAIL));

    // The URL read before the checkpoint was dropped: the first invocation after it reads again.
    assertThat(server.secretsRequests()).hasSize(2);
    assertThat(server.slackRequests()).hasSize(2);
  }

  @Test
  void theSecretIdComesFromTheEnvironment() {
    assertThat(
            SlackNotifierHandler.secretIdFrom(
                Map.of(SlackNotifierHandler.SECRET_ENV, " " + SlackAndSecretsServer.SECRET_ARN)))
        .isEqualTo(SlackAndSecretsServer.SECRET_ARN);
    assertThatThrownBy(() -> SlackNotifierHandler.secretIdFrom(Map.of()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(SlackNotifierHandler.SECRET_ENV);
  }
}
