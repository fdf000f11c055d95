package io.sentrascan.events;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * An event S3 puts on EventBridge (for example {@code Object Created}), as a rule delivers it to a
 * function. Defined by AWS; {@code version} of the envelope and of {@code detail} is {@code 0}.
 *
 * @param detailType {@code Object Created}, {@code Object Deleted}, …
 * @param source {@code aws.s3} for S3 events
 */
public record EventBridgeS3Event(
    @Nullable String version,
    @Nullable String id,
    @JsonProperty("detail-type") @Nullable String detailType,
    @Nullable String source,
    @Nullable String account,
    @Nullable String time,
    @Nullable String region,
    @Nullable List<String> resources,
    @Nullable Detail detail) {

  /** The detail-type of an object creation. */
  public static final String OBJECT_CREATED = "Object Created";

  /** The source of events from S3. */
  public static final String SOURCE_S3 = "aws.s3";

  /**
   * What happened.
   *
   * @param reason the API call, for example {@code PutObject} or {@code CompleteMultipartUpload}
   */
  public record Detail(
      @Nullable String version,
      @Nullable Bucket bucket,
      @JsonProperty("object") @Nullable S3Object object,
      @JsonProperty("request-id") @Nullable String requestId,
      @Nullable String requester,
      @Nullable String reason) {}

  /** The bucket. */
  public record Bucket(@Nullable String name) {}

  /**
   * The object.
   *
   * @param key read as URL-encoded, like an S3 notification's key, and decoded the same way by
   *     {@link #decodedKey()}. AWS documents the encoding for notifications only; that EventBridge
   *     events encode keys alike is still to be confirmed against AWS (a key without escapes or
   *     {@code +} decodes to itself either way)
   * @param versionId absent when the bucket is not versioned
   */
  public record S3Object(
      @Nullable String key,
      @Nullable Long size,
      @Nullable String etag,
      @JsonProperty("version-id") @Nullable String versionId,
      @Nullable String sequencer) {

    /**
     * The real key.
     *
     * @throws IllegalArgumentException when the key is missing or not valid URL encoding
     */
    public String decodedKey() {
      if (key == null) {
        throw new IllegalArgumentException("the event has no object key");
      }
      return ObjectKeys.decode(key);
    }
  }
}
