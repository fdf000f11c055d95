package io.sentrascan.functions.largemodel;

import java.io.ByteArrayInputStream;
import java.util.Arrays;
import java.util.Map;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.http.AbortableInputStream;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/**
 * An S3 client over a few objects in memory, for SnapStart priming only: the planner's probe and
 * the chunk scanner read the bundled model through it with the same ranged GETs they send to S3, so
 * their code paths are warmed without a network call. Every other operation is the SDK interface's
 * default, which throws {@link UnsupportedOperationException}: priming cannot reach AWS even by
 * mistake.
 */
final class PrimingS3 implements S3Client {
  private final Map<String, byte[]> objects;

  PrimingS3(Map<String, byte[]> objects) {
    this.objects = Map.copyOf(objects);
  }

  @Override
  public <T> T getObject(
      GetObjectRequest request, ResponseTransformer<GetObjectResponse, T> transformer) {
    byte[] data = objects.get(request.key());
    if (data == null) {
      throw NoSuchKeyException.builder().statusCode(404).message(request.key()).build();
    }
    int start = 0;
    int end = data.length;
    String range = request.range();
    if (range != null && range.startsWith("bytes=")) {
      String[] bounds = range.substring("bytes=".length()).split("-", 2);
      start = (int) Math.min(data.length, Long.parseLong(bounds[0]));
      if (bounds.length > 1 && !bounds[1].isEmpty()) {
        end = (int) Math.min(data.length, Long.parseLong(bounds[1]) + 1);
      }
    }
    byte[] slice = Arrays.copyOfRange(data, start, Math.max(start, end));
    GetObjectResponse response =
        GetObjectResponse.builder()
            .contentLength((long) slice.length)
            .eTag("\"priming\"")
            .versionId(request.versionId())
            .build();
    try {
      return transformer.transform(
          response, AbortableInputStream.create(new ByteArrayInputStream(slice)));
    } catch (Exception e) {
      throw new IllegalStateException("priming read of " + request.key() + " failed", e);
    }
  }

  @Override
  public String serviceName() {
    return SERVICE_NAME;
  }

  @Override
  public void close() {}
}
