package io.sentrascan.functions.largemodel;

import io.sentrascan.events.PlanChunk;
import io.sentrascan.scanner.FileResult;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * What one chunk found, written to {@code large-scans/{scanId}/partials/{chunkId}.json} in the
 * results bucket. Only the aggregate function reads it.
 *
 * @param schemaVersion {@link #SCHEMA_VERSION}
 * @param scanId the scan
 * @param chunkId the plan line
 * @param kind the plan line's kind
 * @param files every file and nested entry scanned (FILES and STRUCTURE chunks), each object's
 *     top-level result first, exactly as the engine returned them
 * @param shards the digests of every range (HASH_SHARD chunks)
 * @param durationMillis how long the chunk took
 */
record ChunkPartial(
    String schemaVersion,
    String scanId,
    String chunkId,
    PlanChunk.Kind kind,
    List<FileResult> files,
    List<ShardDigest> shards,
    long durationMillis) {
  static final String SCHEMA_VERSION = "1.0";

  ChunkPartial {
    files = files == null ? List.of() : List.copyOf(files);
    shards = shards == null ? List.of() : List.copyOf(shards);
  }

  /**
   * The digests of {@code [start, end)} of one object.
   *
   * @param digests algorithm to lower-case hex: SHA-256, plus every digest the ML-BOM lists when
   *     the range is the whole object; empty when the range could not be read
   * @param error why the range could not be hashed (the object changed or disappeared), or null
   */
  record ShardDigest(
      String bucket,
      String key,
      long size,
      long start,
      long end,
      SortedMap<String, String> digests,
      @Nullable String error) {
    ShardDigest {
      digests = new TreeMap<>(digests == null ? new TreeMap<>() : digests);
    }
  }
}
