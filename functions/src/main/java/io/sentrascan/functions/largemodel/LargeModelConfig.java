package io.sentrascan.functions.largemodel;

import io.sentrascan.functions.scan.ScanConfig;
import io.sentrascan.scanner.Policy;
import java.util.Map;
import java.util.Objects;

/**
 * The large-model functions' configuration: the scan function's ({@link ScanConfig}: {@code
 * RESULTS_BUCKET}, {@code SBOM_BUCKET}, {@code TABLE_NAME}, {@code EVENT_BUS_NAME}, {@code
 * RETENTION_DAYS}, {@code FAIL_ON}, …) plus how the work is cut. The Aggregate step judges the
 * merged findings by {@link #policy()}, so a large model gets the verdict the scan function would
 * have given it.
 *
 * @param scan the scan function's settings; plans and partial results live in its results bucket
 * @param hashShardBytes bytes per hash shard ({@code HASH_SHARD_BYTES}, default 1 GB as OpenSSF
 *     model signing uses): files up to this size get their whole-file digests, larger ones a shard
 *     manifest
 * @param batchFileBytes files up to this size are scanned whole, several to a chunk, up to this
 *     many bytes per chunk ({@code BATCH_FILE_BYTES}, default 256 MiB); larger files are planned as
 *     one structure chunk plus hash shards
 * @param chunkParallelism how many chunks of a batch one chunk-function invocation runs at once
 *     ({@code CHUNK_PARALLELISM}, default {@value #DEFAULT_CHUNK_PARALLELISM}): a batch holds up to
 *     16 chunks, and a hash shard is bound by one GET stream's rate more than by the CPU
 */
public record LargeModelConfig(
    ScanConfig scan, long hashShardBytes, long batchFileBytes, int chunkParallelism) {
  /**
   * OpenSSF model signing's default shard size (1 GB, decimal): with the same size, the per-shard
   * digests are the ones a shard-signed model's signature lists.
   */
  public static final long DEFAULT_HASH_SHARD_BYTES = 1_000_000_000L;

  public static final long DEFAULT_BATCH_FILE_BYTES = 256L << 20;
  public static final int DEFAULT_CHUNK_PARALLELISM = 4;

  /** The default parallelism. */
  public LargeModelConfig(ScanConfig scan, long hashShardBytes, long batchFileBytes) {
    this(scan, hashShardBytes, batchFileBytes, DEFAULT_CHUNK_PARALLELISM);
  }

  public LargeModelConfig {
    Objects.requireNonNull(scan, "scan");
    if (hashShardBytes <= 0 || batchFileBytes <= 0 || chunkParallelism <= 0) {
      throw new IllegalArgumentException(
          "HASH_SHARD_BYTES, BATCH_FILE_BYTES and CHUNK_PARALLELISM must be positive");
    }
  }

  /** The policy the merged result is judged by: {@code FAIL_ON}, as for the scan function. */
  public Policy policy() {
    return scan.policy();
  }

  /** The defaults over a scan configuration. */
  public static LargeModelConfig of(ScanConfig scan) {
    return new LargeModelConfig(scan, DEFAULT_HASH_SHARD_BYTES, DEFAULT_BATCH_FILE_BYTES);
  }

  /** Reads the environment; fails at init, naming what is missing or wrong. */
  public static LargeModelConfig fromEnvironment(Map<String, String> env) {
    return new LargeModelConfig(
        ScanConfig.fromEnvironment(env),
        bytes(env, "HASH_SHARD_BYTES", DEFAULT_HASH_SHARD_BYTES),
        bytes(env, "BATCH_FILE_BYTES", DEFAULT_BATCH_FILE_BYTES),
        (int) bytes(env, "CHUNK_PARALLELISM", DEFAULT_CHUNK_PARALLELISM));
  }

  private static long bytes(Map<String, String> env, String name, long fallback) {
    String v = env.get(name);
    if (v == null || v.isBlank()) {
      return fallback;
    }
    try {
      return Long.parseLong(v.trim());
    } catch (NumberFormatException e) {
      throw new IllegalStateException(name + " is not a number: " + v, e);
    }
  }
}
