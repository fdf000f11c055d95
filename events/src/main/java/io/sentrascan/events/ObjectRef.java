package io.sentrascan.events;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One exact S3 object that an event names, whichever event shape it came in.
 *
 * @param bucket the bucket
 * @param key the real (decoded) key
 * @param versionId the version to read; null for an unversioned bucket
 * @param size bytes, as the event states them; null when it does not
 * @param eTag the entity tag, without quotes; null when the event has none
 * @param sequencer S3's ordering token for the key; null when the event has none
 */
public record ObjectRef(
    String bucket,
    String key,
    @Nullable String versionId,
    @Nullable Long size,
    @Nullable String eTag,
    @Nullable String sequencer) {
  public ObjectRef {
    Objects.requireNonNull(bucket, "bucket");
    Objects.requireNonNull(key, "key");
  }

  /**
   * What makes two events name the same object revision: the version id, or without versioning the
   * sequencer (the same for a redelivered event, new for every overwrite), or the eTag.
   */
  public String revision() {
    if (versionId != null) {
      return "version:" + versionId;
    }
    if (sequencer != null) {
      return "sequencer:" + sequencer;
    }
    return "etag:" + (eTag == null ? "" : eTag);
  }

  /** {@code s3://bucket/key}, for logs and reports. */
  public String uri() {
    return "s3://" + bucket + "/" + key;
  }
}
