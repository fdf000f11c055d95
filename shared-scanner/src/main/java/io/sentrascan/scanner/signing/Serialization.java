package io.sentrascan.scanner.signing;

import java.util.List;
import java.util.Objects;

/**
 * How a model was turned into a manifest: the {@code predicate.serialization} object of the
 * statement. A verifier re-hashes the model the same way.
 *
 * @param method {@code files} (one resource per file) or {@code shards} (one per shard)
 * @param hashType the digest algorithm, {@code sha256}
 * @param shardSize bytes per shard for {@code shards}; 0 for {@code files}
 * @param allowSymlinks whether symbolic links were followed (else a link is an error)
 * @param ignorePaths paths relative to the model root that were left out (a folder: all below it)
 */
public record Serialization(
    String method,
    String hashType,
    long shardSize,
    boolean allowSymlinks,
    List<String> ignorePaths) {
  public static final String FILES = "files";
  public static final String SHARDS = "shards";
  public static final String SHA256 = "sha256";

  /** The reference tool's default shard size, 1 GB. */
  public static final long DEFAULT_SHARD_SIZE = 1_000_000_000L;

  /** Paths the reference tool leaves out by default: the git metadata of a cloned model. */
  public static final List<String> GIT_PATHS =
      List.of(".git", ".gitattributes", ".github", ".gitignore");

  public Serialization {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(hashType, "hashType");
    ignorePaths = List.copyOf(ignorePaths);
    if (!method.equals(FILES) && !method.equals(SHARDS)) {
      throw new IllegalArgumentException("unknown serialization method " + method);
    }
    if (method.equals(SHARDS) && shardSize <= 0) {
      throw new IllegalArgumentException("shard size must be positive, not " + shardSize);
    }
  }

  public static Serialization files(List<String> ignorePaths) {
    return new Serialization(FILES, SHA256, 0, false, ignorePaths);
  }

  public static Serialization shards(long shardSize, List<String> ignorePaths) {
    return new Serialization(SHARDS, SHA256, shardSize, false, ignorePaths);
  }

  public boolean sharded() {
    return method.equals(SHARDS);
  }
}
