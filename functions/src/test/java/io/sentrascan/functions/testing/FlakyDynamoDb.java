package io.sentrascan.functions.testing;

import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemResponse;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemResponse;

/**
 * The real DynamoDB client (talking to dynalite) whose next PutItem calls fail the way a dropped
 * connection does, after the SDK's own retries: an {@link SdkClientException}.
 */
public final class FlakyDynamoDb implements DynamoDbClient {
  private final DynamoDbClient delegate;
  private final AtomicInteger failNext = new AtomicInteger();
  private final AtomicInteger failed = new AtomicInteger();
  private final AtomicInteger puts = new AtomicInteger();
  private volatile boolean failQueries;

  public FlakyDynamoDb(DynamoDbClient delegate) {
    this.delegate = delegate;
  }

  public void failNextPuts(int n) {
    failNext.set(n);
  }

  /** Every Query from now on fails as a denied call would (no dynamodb:Query on the index). */
  public void failQueries() {
    failQueries = true;
  }

  public int failedPuts() {
    return failed.get();
  }

  public int puts() {
    return puts.get();
  }

  @Override
  public PutItemResponse putItem(PutItemRequest request) {
    puts.incrementAndGet();
    if (failNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      failed.incrementAndGet();
      throw SdkClientException.create("Unable to execute HTTP request: Connection reset (test)");
    }
    return delegate.putItem(request);
  }

  @Override
  public GetItemResponse getItem(GetItemRequest request) {
    return delegate.getItem(request);
  }

  @Override
  public UpdateItemResponse updateItem(UpdateItemRequest request) {
    return delegate.updateItem(request);
  }

  @Override
  public QueryResponse query(QueryRequest request) {
    if (failQueries) {
      throw software.amazon.awssdk.services.dynamodb.model.DynamoDbException.builder()
          .statusCode(400)
          .message("User is not authorized to perform: dynamodb:Query (test)")
          .build();
    }
    return delegate.query(request);
  }

  @Override
  public String serviceName() {
    return delegate.serviceName();
  }

  @Override
  public void close() {
    // the delegate is shared between tests
  }
}
