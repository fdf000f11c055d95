package io.sentrascan.functions.largemodel;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.SdkHttpResponse;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.DefaultRetryStrategy;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;

/**
 * S3 throttling on the wire: GETs of chosen keys get the answer S3 gives under load (HTTP 503,
 * {@code SlowDown}) instead of the local server's, so the handler sees exactly what the SDK makes
 * of it. The client it builds does not retry by itself, so that each throttled GET is one failed
 * read (in Lambda the SDK would retry a few times first and then fail the same way).
 */
final class StateMachineS3Faults implements ExecutionInterceptor {
  private static final ExecutionAttribute<Boolean> THROTTLED =
      new ExecutionAttribute<>("sentrascan.test.throttled");
  private static final byte[] SLOW_DOWN =
      ("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>SlowDown</Code>"
              + "<Message>Please reduce your request rate.</Message></Error>")
          .getBytes(StandardCharsets.UTF_8);

  /** Key → how many more GETs of it are throttled. */
  private final Map<String, AtomicInteger> remaining = new ConcurrentHashMap<>();

  private final AtomicInteger throttled = new AtomicInteger();

  /** A client for {@code endpoint} whose GETs pass through these faults. */
  S3Client client(URI endpoint) {
    // As AwsTestClients builds it, plus the interceptor and no SDK retries.
    return S3Client.builder()
        .endpointOverride(endpoint)
        .forcePathStyle(true)
        .region(Region.EU_WEST_1)
        .credentialsProvider(
            StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
        .httpClientBuilder(UrlConnectionHttpClient.builder())
        .overrideConfiguration(
            o -> o.addExecutionInterceptor(this).retryStrategy(DefaultRetryStrategy.doNotRetry()))
        .build();
  }

  /** The next {@code n} GETs of {@code key} are throttled ({@link Integer#MAX_VALUE}: all). */
  void throttle(String key, int n) {
    remaining.put(key, new AtomicInteger(n));
  }

  /** GETs answered with SlowDown so far. */
  int throttled() {
    return throttled.get();
  }

  @Override
  public SdkHttpResponse modifyHttpResponse(
      Context.ModifyHttpResponse context, ExecutionAttributes attributes) {
    if (context.request() instanceof GetObjectRequest get) {
      AtomicInteger left = remaining.get(get.key());
      if (left != null && left.getAndUpdate(n -> n == Integer.MAX_VALUE ? n : n - 1) > 0) {
        throttled.incrementAndGet();
        attributes.putAttribute(THROTTLED, true);
        context.responseBody().ifPresent(StateMachineS3Faults::drain);
        return context.httpResponse().toBuilder()
            .statusCode(503)
            .statusText("Slow Down")
            .removeHeader("Content-Length")
            .removeHeader("Content-Range")
            .putHeader("Content-Type", "application/xml")
            .putHeader("Content-Length", Integer.toString(SLOW_DOWN.length))
            .build();
      }
    }
    return context.httpResponse();
  }

  @Override
  public Optional<InputStream> modifyHttpResponseContent(
      Context.ModifyHttpResponse context, ExecutionAttributes attributes) {
    if (Boolean.TRUE.equals(attributes.getAttribute(THROTTLED))) {
      return Optional.of(new ByteArrayInputStream(SLOW_DOWN));
    }
    return context.responseBody();
  }

  private static void drain(InputStream in) {
    try (in) {
      in.transferTo(java.io.OutputStream.nullOutputStream());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
