package io.sentrascan.events;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * An S3 event notification as S3 delivers it to Lambda, SQS or SNS: the parts the scanner uses.
 * Defined by AWS; its version is each record's {@code eventVersion} (2.1 and 2.2 are read alike).
 *
 * @param records usually one record per notification, but the format allows several
 */
public record S3EventNotification(
    @JsonProperty("Records") @Nullable List<NotificationRecord> records) {

  /**
   * One S3 event.
   *
   * @param eventVersion AWS's version of the record format, for example {@code 2.1}
   * @param eventSource {@code aws:s3} for S3 events
   * @param eventName for example {@code ObjectCreated:Put} or {@code ObjectRemoved:Delete}
   */
  public record NotificationRecord(
      @Nullable String eventVersion,
      @Nullable String eventSource,
      @Nullable String awsRegion,
      @Nullable String eventTime,
      @Nullable String eventName,
      @Nullable S3Entity s3) {}

  /** The bucket and object of an event. */
  public record S3Entity(
      @Nullable String s3SchemaVersion, @Nullable Bucket bucket, @Nullable S3Object object) {}

  /** The bucket. */
  public record Bucket(@Nullable String name, @Nullable String arn) {}

  /**
   * The object.
   *
   * @param key URL-encoded as S3 sends it; {@link #decodedKey()} is the real key
   * @param versionId absent when the bucket is not versioned
   * @param sequencer orders events for one key; also present without versioning
   */
  public record S3Object(
      @Nullable String key,
      @Nullable Long size,
      @Nullable String eTag,
      @Nullable String versionId,
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
