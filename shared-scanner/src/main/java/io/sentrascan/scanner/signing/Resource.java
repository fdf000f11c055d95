package io.sentrascan.scanner.signing;

import java.util.Objects;

/**
 * One entry of a manifest: a file ({@code path}) or a shard of one ({@code path:start:end}) with
 * its digest.
 *
 * @param name the file path relative to the model root, POSIX separators; for shards {@code
 *     path:start:end} with {@code end} exclusive
 * @param algorithm the digest algorithm as the format names it, {@code sha256}
 * @param digest lower-case hex
 */
public record Resource(String name, String algorithm, String digest) {
  public Resource {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(algorithm, "algorithm");
    Objects.requireNonNull(digest, "digest");
  }

  /** The file this resource belongs to: the name, or for a shard the part before the offsets. */
  public String path(boolean shards) {
    if (!shards) {
      return name;
    }
    int end = name.lastIndexOf(':');
    int start = end <= 0 ? -1 : name.lastIndexOf(':', end - 1);
    return start < 0 ? name : name.substring(0, start);
  }
}
