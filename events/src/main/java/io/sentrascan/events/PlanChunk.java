package io.sentrascan.events;

import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One line of a large-model scan plan: one unit of work for the chunk function, read by the
 * distributed Map's JSONL item reader.
 *
 * @param schemaVersion this contract's version, {@link #SCHEMA_VERSION}
 * @param chunkId unique within the scan ({@code c000001}, …); names the partial result
 * @param kind what to do with the ranges
 * @param ranges the bytes the chunk covers (for {@link Kind#STRUCTURE}: the ranges the scanner is
 *     expected to read, a hint; the chunk still scans the whole object through ranged reads)
 * @param format for {@link Kind#STRUCTURE}: the scanner the planner's probe chose, or null when
 *     none recognised the content
 */
public record PlanChunk(
    String schemaVersion,
    String chunkId,
    Kind kind,
    List<ByteRange> ranges,
    @Nullable String format) {

  /** The contract version written by this code. */
  public static final String SCHEMA_VERSION = "1.0";

  public PlanChunk {
    Objects.requireNonNull(chunkId, "chunkId");
    Objects.requireNonNull(kind, "kind");
    ranges = List.copyOf(ranges);
  }

  /** What a chunk does. */
  public enum Kind {
    /** Scan every object named (whole small files), exactly as the one-invocation path does. */
    FILES,
    /** Run the scanners over one big object, reading only what its format needs; no hashing. */
    STRUCTURE,
    /** SHA-256 of {@code [start, end)} of one object (OpenSSF model signing shard). */
    HASH_SHARD
  }

  /**
   * Bytes {@code [start, end)} of one exact object revision.
   *
   * @param bucket the bucket
   * @param key the key
   * @param versionId the version, or null for an unversioned bucket
   * @param eTag the entity tag without quotes: reads of an unversioned object carry {@code
   *     If-Match} with it, so an overwrite mid-scan fails the read instead of mixing contents
   * @param size the whole object's size
   * @param start first byte
   * @param end one past the last byte
   */
  public record ByteRange(
      String bucket,
      String key,
      @Nullable String versionId,
      @Nullable String eTag,
      long size,
      long start,
      long end) {
    public ByteRange {
      Objects.requireNonNull(bucket, "bucket");
      Objects.requireNonNull(key, "key");
      if (start < 0 || end < start || end > size) {
        throw new IllegalArgumentException(
            "bad range [" + start + ", " + end + ") of a " + size + "-byte object");
      }
    }

    /** {@code s3://bucket/key}, the name the one-invocation path gives the object. */
    public String uri() {
      return "s3://" + bucket + "/" + key;
    }

    /** True when the range is the whole object. */
    public boolean whole() {
      return start == 0 && end == size;
    }
  }
}
