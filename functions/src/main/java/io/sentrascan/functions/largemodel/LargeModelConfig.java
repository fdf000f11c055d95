package io.sentrascan.functions.largemodel;

import io.sentrascan.functions.scan.ScanConfig;
import java.util.Map;
import java.util.Objects;

/**
 * The large-model functions' configuration: the scan function's ({@link ScanConfig}: {@code
 * RESULTS_BUCKET}, {@code SBOM_BUCKET}, {@code TABLE_NAME}, {@code EVENT_BUS_NAME}, …) plus how the
 * work is cut.
 *
 * @param scan the scan function's settings; plans and partial results live in its results bucket
 * @param hashShardBytes bytes per hash shard ({@code HASH_SHARD_BYTES}, default 1 GiB): files up to
 *     this size get their whole-file digests, larger ones a shard manifest
 * @param batchFileBytes files up to this size are scanned whole, several to a chunk, up to this
 *     many bytes per chunk ({@code BATCH_FILE_BYTES}, default 256 MiB); larger files are planned as
 *     one structure chunk plus hash shards
 */
public record LargeModelConfig(ScanConfig scan, long hashShardBytes, long batchFileBytes) {
  public static final long DEFAULT_HASH_SHARD_BYTES = 1L << 30;
  public static final long DEFAULT_BATCH_FILE_BYTES = 256L << 20;

  public LargeModelConfig {
    Objects.requireNonNull(scan, "scan");
    if (hashShardBytes <= 0 || batchFileBytes <= 0) {
      throw new IllegalArgumentException("HASH_SHARD_BYTES and BATCH_FILE_BYTES must be positive");
    }
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
        bytes(env, "BATCH_FILE_BYTES", DEFAULT_BATCH_FILE_BYTES));
  }

  private static long bytes(Map<String, String> env, String name, long fallback) {
    String v = env.get(name);
    if (v == null || v.isBlank()) {
      return fallback;
    }
    try {
      return Long.parseLong(v.trim());
    } catch (NumberFormatException e) {
      throw new IllegalStateException(name + " is not a number of bytes: " + v, e);
    }
  }
}
