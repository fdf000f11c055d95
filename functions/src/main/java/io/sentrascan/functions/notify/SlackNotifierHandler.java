package io.sentrascan.functions.notify;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.sentrascan.events.EventJson;
import io.sentrascan.events.ModelScanCompleted;
import io.sentrascan.functions.logging.JsonLog;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Map.Entry;
import org.crac.Core;
import org.crac.Resource;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * Posts failed and errored scans to Slack. An EventBridge rule delivers {@code Model Scan
 * Completed} events (the whole EventBridge envelope) with verdict FAIL or ERROR; a PASS is logged
 * and ignored, should a rule ever deliver one. The webhook URL is read from the Secrets Manager
 * secret named by {@code SLACK_WEBHOOK_SECRET_ID} (ARN or name) on the first invocation and kept
 * for the container's life.
 *
 * <p>The invocation fails, so that EventBridge's or Lambda's retries and the dead-letter queue take
 * over, when the event is not a {@code Model Scan Completed} event it can read, when the secret
 * cannot be read, and when Slack did not take the message after bounded retries ({@link
 * SlackWebhook}). The webhook URL never appears in a log line or an exception.
 *
 * <p>SnapStart: the no-arg constructor builds the clients (no network call) and registers a CRaC
 * resource that renders a sample message before the checkpoint and makes sure no webhook URL is
 * cached in the snapshot.
 */
public final class SlackNotifierHandler implements RequestStreamHandler, Resource {
  /** The environment variable naming the secret. */
  public static final String SECRET_ENV = "SLACK_WEBHOOK_SECRET_ID";

  private final WebhookUrlSource webhookUrl;
  private final SlackWebhook slack;

  /** The Lambda entry point: the secret from the environment, default clients. */
  public SlackNotifierHandler() {
    this(
        secretIdFrom(System.getenv()),
        SecretsManagerClient.builder()
            .httpClientBuilder(UrlConnectionHttpClient.builder())
            .overrideConfiguration(
                ClientOverrideConfiguration.builder().retryStrategy(RetryMode.STANDARD).build())
            .build(),
        HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build(),
        Clock.systemUTC(),
        Sleeper.THREAD);
    Core.getGlobalContext().register(this);
  }

  /** The test seam: every collaborator given, with the default retry policy. */
  public SlackNotifierHandler(
      String secretId,
      SecretsManagerClient secrets,
      HttpClient http,
      Clock clock,
      Sleeper sleeper) {
    this(secretId, secrets, http, clock, sleeper, SlackWebhook.RetryPolicy.DEFAULT);
  }

  SlackNotifierHandler(
      String secretId,
      SecretsManagerClient secrets,
      HttpClient http,
      Clock clock,
      Sleeper sleeper,
      SlackWebhook.RetryPolicy policy) {
    this.webhookUrl = new WebhookUrlSource(secrets, secretId);
    this.slack = new SlackWebhook(http, clock, sleeper, policy);
  }

  static String secretIdFrom(Map<String, String> env) {
    String id = env.get(SECRET_ENV);
    if (id == null || id.isBlank()) {
      throw new IllegalStateException(
          "missing environment variable "
              + SECRET_ENV
              + " (the Slack webhook secret's ARN or name)");
    }
    return id.strip();
  }

  @Override
  public void handleRequest(InputStream input, OutputStream output, Context context)
      throws IOException {
    JsonLog log = new JsonLog(context.getLogger());
    Event event;
    try {
      event = read(new String(input.readAllBytes(), StandardCharsets.UTF_8));
    } catch (MalformedEventException e) {
      log.error(
          "malformed event: not a Model Scan Completed event; failing for the DLQ",
          "reason",
          e.getMessage(),
          "requestId",
          context.getAwsRequestId());
      throw e;
    }
    ModelScanCompleted scan = event.detail();
    Map<String, Object> outcome = new LinkedHashMap<>();
    outcome.put("scanId", scan.scanId());
    outcome.put("verdict", scan.verdict());
    if ("PASS".equals(scan.verdict())) {
      log.info("PASS is not notified; event ignored", "scanId", scan.scanId());
      outcome.put("notified", false);
    } else {
      String body = EventJson.write(SlackMessage.of(scan, event.region()));
      URI url;
      try {
        url = webhookUrl.get();
      } catch (RuntimeException e) {
        log.error(
            "could not read the Slack webhook secret; failing so that the event is retried",
            "secret",
            webhookUrl.secretId(),
            "scanId",
            scan.scanId(),
            "error",
            e.getClass().getSimpleName() + ": " + e.getMessage());
        throw e;
      }
      int attempts;
      try {
        attempts = slack.post(url, body, log);
      } catch (SlackWebhook.DeliveryException e) {
        if (e.webhookGone()) {
          webhookUrl.forget();
        }
        log.error(
            "Slack notification failed; failing so that the event is retried",
            "scanId",
            scan.scanId(),
            "error",
            e.getMessage());
        throw e;
      }
      log.info(
          "Slack notified",
          "scanId",
          scan.scanId(),
          "verdict",
          scan.verdict(),
          "bucket",
          scan.bucket(),
          "key",
          scan.key(),
          "attempts",
          attempts);
      outcome.put("notified", true);
      outcome.put("attempts", attempts);
    }
    output.write(EventJson.write(outcome).getBytes(StandardCharsets.UTF_8));
    output.flush();
  }

  /** The parts of the EventBridge envelope this function uses. */
  record Event(ModelScanCompleted detail, @Nullable String region) {}

  static Event read(String json) {
    JsonNode tree;
    try {
      tree = EventJson.tree(json);
    } catch (JsonProcessingException e) {
      throw new MalformedEventException("not JSON: " + e.getOriginalMessage());
    }
    if (tree == null || !tree.isObject()) {
      throw new MalformedEventException("expected an EventBridge event (a JSON object)");
    }
    String detailType = tree.path("detail-type").asText(null);
    String source = tree.path("source").asText(null);
    if (!ModelScanCompleted.DETAIL_TYPE.equals(detailType)
        || !ModelScanCompleted.SOURCE.equals(source)) {
      throw new MalformedEventException(
          "expected detail-type '"
              + ModelScanCompleted.DETAIL_TYPE
              + "' from source '"
              + ModelScanCompleted.SOURCE
              + "', got detail-type "
              + quoted(detailType)
              + " from source "
              + quoted(source));
    }
    JsonNode detail = tree.get("detail");
    if (detail == null || !detail.isObject()) {
      throw new MalformedEventException("the event has no detail object");
    }
    String version = detail.path("version").asText("");
    if (!version.equals("1") && !version.startsWith("1.")) {
      throw new MalformedEventException(
          "Model Scan Completed version "
              + quoted(version)
              + " is not supported; this function reads "
              + ModelScanCompleted.VERSION);
    }
    ModelScanCompleted scan;
    try {
      scan = EventJson.convert(detail, ModelScanCompleted.class);
    } catch (JsonProcessingException | IllegalArgumentException e) {
      throw new MalformedEventException(
          "the detail is not a valid Model Scan Completed: " + rootMessage(e));
    }
    if (!scan.verdict().equals("PASS")
        && !scan.verdict().equals("FAIL")
        && !scan.verdict().equals("ERROR")) {
      throw new MalformedEventException("unknown verdict " + quoted(scan.verdict()));
    }
    for (Entry<String, Integer> count : scan.countsBySeverity().entrySet()) {
      if (count.getValue() == null) {
        throw new MalformedEventException("count of " + count.getKey() + " is null");
      }
    }
    String region = tree.path("region").asText(null);
    return new Event(scan, region);
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    String message =
        t instanceof JsonProcessingException jpe ? jpe.getOriginalMessage() : t.getMessage();
    return message == null ? t.getClass().getSimpleName() : message;
  }

  private static String quoted(@Nullable String s) {
    return s == null ? "(none)" : "'" + s + "'";
  }

  /** Renders a sample message: Jackson and the mapping are loaded before the snapshot. */
  void prime() {
    Event sample = read(EventJson.sample("eventbridge-model-scan-completed-fail.json"));
    EventJson.write(SlackMessage.of(sample.detail(), sample.region()));
  }

  @Override
  public void beforeCheckpoint(org.crac.Context<? extends Resource> context) {
    webhookUrl.forget();
    prime();
  }

  @Override
  public void afterRestore(org.crac.Context<? extends Resource> context) {
    // Nothing to refresh: the secret is read on the first invocation after the restore.
  }

  /** The input is not an event this function can read; retrying will not help. */
  static final class MalformedEventException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    MalformedEventException(String message) {
      super(message);
    }
  }
}
