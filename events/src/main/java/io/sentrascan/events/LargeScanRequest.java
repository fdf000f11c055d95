package io.sentrascan.events;

import com.fasterxml.jackson.annotation.JsonIgnore;
import org.jspecify.annotations.Nullable;

/**
 * The input of the large-model workflow (a Step Functions execution whose name is {@link #scanId}):
 * one S3 object too large for one scan invocation, or a model folder (every object under a key
 * prefix). Exactly one of {@code key} and {@code prefix} is set.
 *
 * @param schemaVersion this contract's version, {@link #SCHEMA_VERSION}
 * @param scanId the scan id and execution name: derived from the object revision, so that a
 *     redelivered event cannot start a second execution
 * @param bucket the bucket
 * @param key the object to scan, or null for a folder
 * @param prefix the folder to scan (every object whose key starts with it), or null for one object
 * @param versionId the version to read; null for an unversioned bucket (reads then carry {@code
 *     If-Match} with {@code eTag})
 * @param eTag the entity tag the event named, without quotes; null when unknown
 * @param sequencer S3's ordering token from the event; null when unknown
 * @param size bytes, as the event or the scan function saw them; null when unknown
 */
public record LargeScanRequest(
    String schemaVersion,
    String scanId,
    String bucket,
    @Nullable String key,
    @Nullable String prefix,
    @Nullable String versionId,
    @Nullable String eTag,
    @Nullable String sequencer,
    @Nullable Long size) {

  /** The contract version written by this code. */
  public static final String SCHEMA_VERSION = "1.0";

  /** The request for one object. */
  public static LargeScanRequest forObject(String scanId, ObjectRef object, @Nullable Long size) {
    return new LargeScanRequest(
        SCHEMA_VERSION,
        scanId,
        object.bucket(),
        object.key(),
        null,
        object.versionId(),
        object.eTag(),
        object.sequencer(),
        size);
  }

  /** The request for every object under a prefix. */
  public static LargeScanRequest forPrefix(String scanId, String bucket, String prefix) {
    return new LargeScanRequest(
        SCHEMA_VERSION, scanId, bucket, null, prefix, null, null, null, null);
  }

  /** Why this request cannot be acted on, or null when it can. */
  public @Nullable String problem() {
    if (scanId == null || scanId.isBlank()) {
      return "request has no scanId";
    }
    if (bucket == null || bucket.isBlank()) {
      return "request has no bucket";
    }
    if ((key == null) == (prefix == null)) {
      return "request must name exactly one of key and prefix";
    }
    if (key != null && key.isEmpty()) {
      return "request has an empty key";
    }
    return null;
  }

  /** True for a folder scan. */
  @JsonIgnore
  public boolean isPrefix() {
    return prefix != null;
  }

  /**
   * What the scan record is about: the object, or for a folder the prefix as the key (the record
   * then names {@code s3://bucket/prefix}).
   */
  @JsonIgnore
  public ObjectRef target() {
    return new ObjectRef(
        bucket, key != null ? key : String.valueOf(prefix), versionId, size, eTag, sequencer);
  }
}
