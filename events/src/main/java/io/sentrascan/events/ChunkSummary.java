package io.sentrascan.events;

import java.util.List;

/**
 * What the chunk function returns for a batch: a few counts (the Map discards it; results travel
 * through the partial objects in S3, never through the state).
 *
 * @param schemaVersion this contract's version, {@link #SCHEMA_VERSION}
 * @param scanId the scan
 * @param chunkIds the chunks whose partial results were written
 * @param files files scanned (top-level and nested)
 * @param findings findings in those files
 * @param bytesHashed bytes hashed by the hash-shard chunks
 */
public record ChunkSummary(
    String schemaVersion,
    String scanId,
    List<String> chunkIds,
    int files,
    int findings,
    long bytesHashed) {

  /** The contract version written by this code. */
  public static final String SCHEMA_VERSION = "1.0";

  public ChunkSummary {
    chunkIds = List.copyOf(chunkIds);
  }
}
