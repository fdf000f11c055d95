package io.sentrascan.scanner;

import java.time.Duration;

/**
 * Resource limits for one scan target (a file and everything nested in it). Hitting one is a HIGH
 * finding, never a crash.
 *
 * @param maxDepth how deep containers may nest (the top-level file is depth 0)
 * @param maxTotalBytes total bytes that may be decompressed from nested entries
 * @param maxEntries archive entries that may be visited
 * @param maxCompressionRatio uncompressed:compressed ratio above which an entry is a bomb
 * @param ratioGraceBytes an entry may expand this much before the ratio is enforced, since small
 *     runs of zeros compress extremely well
 * @param timePerFile wall time one top-level file may take
 * @param maxSpoolInMemory a nested entry up to this size is held in memory; a larger one is spooled
 *     to a temporary file
 * @param maxPickleBytes pickle bytes analysed per stream before the rest is only hashed
 */
public record Limits(
    int maxDepth,
    long maxTotalBytes,
    long maxEntries,
    double maxCompressionRatio,
    long ratioGraceBytes,
    Duration timePerFile,
    long maxSpoolInMemory,
    long maxPickleBytes) {

  public static Limits defaults() {
    return new Limits(
        10, 16L << 30, 100_000, 250.0, 16L << 20, Duration.ofMinutes(5), 32L << 20, 1L << 30);
  }

  public Limits withMaxDepth(int value) {
    return new Limits(
        value,
        maxTotalBytes,
        maxEntries,
        maxCompressionRatio,
        ratioGraceBytes,
        timePerFile,
        maxSpoolInMemory,
        maxPickleBytes);
  }

  public Limits withMaxTotalBytes(long value) {
    return new Limits(
        maxDepth,
        value,
        maxEntries,
        maxCompressionRatio,
        ratioGraceBytes,
        timePerFile,
        maxSpoolInMemory,
        maxPickleBytes);
  }

  public Limits withMaxEntries(long value) {
    return new Limits(
        maxDepth,
        maxTotalBytes,
        value,
        maxCompressionRatio,
        ratioGraceBytes,
        timePerFile,
        maxSpoolInMemory,
        maxPickleBytes);
  }

  public Limits withMaxCompressionRatio(double value) {
    return new Limits(
        maxDepth,
        maxTotalBytes,
        maxEntries,
        value,
        ratioGraceBytes,
        timePerFile,
        maxSpoolInMemory,
        maxPickleBytes);
  }

  public Limits withTimePerFile(Duration value) {
    return new Limits(
        maxDepth,
        maxTotalBytes,
        maxEntries,
        maxCompressionRatio,
        ratioGraceBytes,
        value,
        maxSpoolInMemory,
        maxPickleBytes);
  }
}
