package io.sentrascan.functions.largemodel;

import io.sentrascan.events.EventJson;
import io.sentrascan.events.PlanChunk;
import io.sentrascan.events.PlanChunk.ByteRange;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * Cuts a listing into chunks. Files up to {@code batchFileBytes} are scanned whole, several to a
 * FILES chunk (bounded in bytes, in files and in JSON size, so that a batch of chunks fits the
 * Lambda payload); every larger file gets one STRUCTURE chunk (the scanners read what its format
 * needs) and one HASH_SHARD chunk per {@code hashShardBytes}, named as OpenSSF model signing names
 * shards ({@code path:start:end}). Big files come first: the longest chunks start earliest, which
 * shortens the slowest path through the Map. Pure: the same listing gives the same plan.
 */
final class ChunkPlanner {
  /** At most this many files in one FILES chunk. */
  static final int MAX_FILES_PER_CHUNK = 64;

  /** A plan line stays under this size: 16 of them still fit the item batcher's 128 KiB. */
  static final int MAX_LINE_BYTES = 7 * 1024;

  private final long batchFileBytes;
  private final long hashShardBytes;

  ChunkPlanner(long batchFileBytes, long hashShardBytes) {
    this.batchFileBytes = batchFileBytes;
    this.hashShardBytes = hashShardBytes;
  }

  /**
   * The plan.
   *
   * @param objects whole objects ({@code [0, size)}), in listing order
   * @param probe what is known about a big file's structure (called once per big file)
   */
  List<PlanChunk> plan(List<ByteRange> objects, Function<ByteRange, StructureHint> probe) {
    List<PlanChunk> out = new ArrayList<>();
    List<ByteRange> big = new ArrayList<>();
    List<ByteRange> small = new ArrayList<>();
    for (ByteRange o : objects) {
      (o.size() > batchFileBytes ? big : small).add(o);
    }
    big.sort(Comparator.comparingLong(ByteRange::size).reversed().thenComparing(ByteRange::key));
    for (ByteRange o : big) {
      StructureHint hint = probe.apply(o);
      List<ByteRange> ranges = new ArrayList<>();
      for (long[] r : hint.ranges()) {
        ranges.add(range(o, r[0], r[1]));
      }
      PlanChunk structure = chunk(out, PlanChunk.Kind.STRUCTURE, ranges, hint.format());
      if (ranges.size() > 1 && jsonBytes(structure) > MAX_LINE_BYTES) {
        // Too many hints for one line (long keys, many pickles): the hint is dropped, not the work.
        structure =
            chunk(out, PlanChunk.Kind.STRUCTURE, List.of(range(o, 0, o.size())), hint.format());
      }
      out.add(structure);
      for (long start = 0; start < o.size(); start += hashShardBytes) {
        long end = Math.min(o.size(), start + hashShardBytes);
        out.add(chunk(out, PlanChunk.Kind.HASH_SHARD, List.of(range(o, start, end)), null));
      }
    }
    List<ByteRange> batch = new ArrayList<>();
    long batchBytes = 0;
    int batchJson = 0;
    for (ByteRange o : small) {
      int json = jsonBytes(o);
      if (!batch.isEmpty()
          && (batchBytes + o.size() > batchFileBytes
              || batch.size() >= MAX_FILES_PER_CHUNK
              || batchJson + json + 256 > MAX_LINE_BYTES)) {
        out.add(chunk(out, PlanChunk.Kind.FILES, batch, null));
        batch = new ArrayList<>();
        batchBytes = 0;
        batchJson = 0;
      }
      batch.add(o);
      batchBytes += o.size();
      batchJson += json + 1;
    }
    if (!batch.isEmpty()) {
      out.add(chunk(out, PlanChunk.Kind.FILES, batch, null));
    }
    return out;
  }

  private static PlanChunk chunk(
      List<PlanChunk> sofar,
      PlanChunk.Kind kind,
      List<ByteRange> ranges,
      @org.jspecify.annotations.Nullable String format) {
    return new PlanChunk(PlanChunk.SCHEMA_VERSION, chunkId(sofar.size() + 1), kind, ranges, format);
  }

  static String chunkId(int n) {
    return String.format(Locale.ROOT, "c%06d", n);
  }

  private static ByteRange range(ByteRange o, long start, long end) {
    return new ByteRange(o.bucket(), o.key(), o.versionId(), o.eTag(), o.size(), start, end);
  }

  static int jsonBytes(Object contract) {
    return EventJson.write(contract).getBytes(StandardCharsets.UTF_8).length;
  }
}
