package io.sentrascan.functions.notify;

import io.sentrascan.functions.logging.JsonLog;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Posts one message to a Slack incoming webhook. Retries what Slack asks to be retried: 429 (after
 * its {@code Retry-After}, capped) and 5xx or a broken connection (exponential backoff), within a
 * bounded number of attempts and a bounded total time; then it gives up with {@link
 * DeliveryException}, so that the invocation fails and Lambda's retries and dead-letter queue take
 * over. Any other status (400 invalid_payload, 403 invalid_token, 404 no_service, 410
 * channel_is_archived) is not retried.
 *
 * <p>The URL is a credential: no message or exception from here contains it (exceptions from the
 * HTTP client are reduced to their class name).
 */
final class SlackWebhook {

  /**
   * How hard to try.
   *
   * @param maxAttempts attempts in all, the first included
   * @param firstBackoff wait after the first 5xx, doubled after each further one
   * @param maxWait the longest single wait, also the cap on a {@code Retry-After}
   * @param totalBudget no attempt starts after this much time since the first one
   * @param requestTimeout per request
   */
  record RetryPolicy(
      int maxAttempts,
      Duration firstBackoff,
      Duration maxWait,
      Duration totalBudget,
      Duration requestTimeout) {
    /** Fits a Lambda timeout of 1 minute with room to spare. */
    static final RetryPolicy DEFAULT =
        new RetryPolicy(
            5,
            Duration.ofMillis(500),
            Duration.ofSeconds(10),
            Duration.ofSeconds(30),
            Duration.ofSeconds(10));
  }

  /** Slack did not take the message. */
  static final class DeliveryException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final boolean webhookGone;

    DeliveryException(String message, boolean webhookGone) {
      super(message);
      this.webhookGone = webhookGone;
    }

    /** Slack says the webhook itself is invalid or revoked: the secret may have been rotated. */
    boolean webhookGone() {
      return webhookGone;
    }
  }

  private final HttpClient http;
  private final Clock clock;
  private final Sleeper sleeper;
  private final RetryPolicy policy;

  SlackWebhook(HttpClient http, Clock clock, Sleeper sleeper, RetryPolicy policy) {
    this.http = http;
    this.clock = clock;
    this.sleeper = sleeper;
    this.policy = policy;
  }

  /**
   * Posts the JSON body.
   *
   * @return the number of attempts it took
   * @throws DeliveryException when Slack refused it or every attempt failed
   */
  int post(URI url, String json, JsonLog log) {
    HttpRequest request =
        HttpRequest.newBuilder(url)
            .timeout(policy.requestTimeout())
            .header("Content-Type", "application/json; charset=utf-8")
            .POST(HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8))
            .build();
    Instant deadline = clock.instant().plus(policy.totalBudget());
    Duration backoff = policy.firstBackoff();
    String last = "no attempt";
    for (int attempt = 1; ; attempt++) {
      Duration wait;
      try {
        HttpResponse<String> response =
            http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        int status = response.statusCode();
        String body = shorten(response.body());
        if (status >= 200 && status < 300) {
          return attempt;
        }
        last = "HTTP " + status + " " + body;
        if (status == 429) {
          wait = retryAfter(response).orElse(backoff);
          backoff = backoff.multipliedBy(2);
        } else if (status >= 500) {
          wait = backoff;
          backoff = backoff.multipliedBy(2);
        } else {
          throw new DeliveryException(
              "Slack refused the message: " + last,
              status == 403 || status == 404 || status == 410);
        }
      } catch (DeliveryException e) {
        throw e;
      } catch (IOException | RuntimeException e) {
        // Only the class name: the HTTP client's messages may quote the URL.
        last = e.getClass().getSimpleName();
        wait = backoff;
        backoff = backoff.multipliedBy(2);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new DeliveryException("interrupted while posting to Slack", false);
      }
      wait = wait.compareTo(policy.maxWait()) > 0 ? policy.maxWait() : wait;
      if (attempt >= policy.maxAttempts()) {
        throw new DeliveryException("gave up after " + attempt + " attempts; last: " + last, false);
      }
      if (clock.instant().plus(wait).isAfter(deadline)) {
        throw new DeliveryException(
            "gave up after "
                + attempt
                + " attempts: the next one would start after the "
                + policy.totalBudget().toSeconds()
                + " s budget; last: "
                + last,
            false);
      }
      log.warn(
          "Slack did not take the message; retrying",
          "attempt",
          attempt,
          "last",
          last,
          "waitMillis",
          wait.toMillis());
      try {
        sleeper.sleep(wait);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new DeliveryException("interrupted while waiting to retry: " + last, false);
      }
    }
  }

  /**
   * Slack sends whole seconds; an HTTP date is not worth parsing here and falls back to backoff.
   */
  private static Optional<Duration> retryAfter(HttpResponse<?> response) {
    return response
        .headers()
        .firstValue("Retry-After")
        .flatMap(
            v -> {
              try {
                long seconds = Long.parseLong(v.strip());
                return seconds < 0 ? Optional.empty() : Optional.of(Duration.ofSeconds(seconds));
              } catch (NumberFormatException e) {
                return Optional.empty();
              }
            });
  }

  /** Slack answers with short codes (ok, invalid_payload, rate_limited); keep logs short. */
  private static String shorten(String body) {
    String oneLine = body.strip().replaceAll("\\s+", " ");
    return oneLine.length() <= 100 ? oneLine : oneLine.substring(0, 100) + "…";
  }
}
