package io.sentrascan.functions.largemodel;

import com.adobe.testing.s3mock.junit5.S3MockExtension;
import io.sentrascan.events.EventJson;
import io.sentrascan.events.PlanChunk;
import io.sentrascan.events.PlanChunk.ByteRange;
import io.sentrascan.functions.testing.AwsTestClients;
import io.sentrascan.functions.testing.LocalS3;
import io.sentrascan.scanner.ScanEngine;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.function.Function;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Benchmark of the large-model workflow (not a test: {@code functions/bench/run-large-model.sh}).
 *
 * <ol>
 *   <li>Planning time and plan size for a 100 GiB folder of 50 SafeTensors shards and for one 50
 *       GiB file, on fake listings (nothing that large is uploaded; the probe's ranged reads are
 *       replaced by the hint a SafeTensors/GGUF probe yields).
 *   <li>Per-chunk throughput measured here: HASH_SHARD, STRUCTURE and FILES chunks run by the real
 *       {@link ChunkScanner} against S3Mock on loopback (objects of a few hundred MiB), and the
 *       digests alone in memory (the CPU bound).
 *   <li>A model of the Map's wall time as a function of shard size and concurrency, from those
 *       figures and the committed state machine's batching (16 items per invocation).
 * </ol>
 */
public final class LargeModelBench {
  private static final long MIB = 1L << 20;
  private static final long GIB = 1L << 30;
  private static final int ITEMS_PER_BATCH = 16;

  private LargeModelBench() {}

  public static void main(String[] args) throws Exception {
    int objectMib = args.length > 0 ? Integer.parseInt(args[0]) : 256;
    planning();
    double[] rates = throughput(objectMib);
    model(rates[0], rates[1]);
  }

  // ------------------------------------------------------------------ planning

  private static void planning() {
    System.out.println("## Planning (fake listings; median of 21 runs after 5 warm-ups)");
    List<ByteRange> folder = new ArrayList<>();
    String p = "meta-llama/Llama-3-70B-Instruct/";
    folder.add(whole(p + "config.json", 654));
    folder.add(whole(p + "generation_config.json", 187));
    folder.add(whole(p + "model.safetensors.index.json", 59_000));
    folder.add(whole(p + "README.md", 38_000));
    folder.add(whole(p + "tokenizer.json", 9_085_000));
    folder.add(whole(p + "tokenizer_config.json", 51_000));
    folder.add(whole(p + "special_tokens_map.json", 73));
    for (int i = 1; i <= 50; i++) {
      folder.add(
          whole(String.format(Locale.ROOT, "%smodel-%05d-of-00050.safetensors", p, i), 2 * GIB));
    }
    plan(
        "100 GiB folder, 50 x 2 GiB safetensors + 7 small files",
        folder,
        o -> new StructureHint("safetensors", List.of(new long[] {0, 8 + 110_000})));
    plan(
        "one 50 GiB GGUF file",
        List.of(whole("models/llama-70b-q8.gguf", 50 * GIB)),
        o -> new StructureHint("gguf", List.of(new long[] {0, o.size()})));
  }

  private static void plan(
      String name, List<ByteRange> listing, Function<ByteRange, StructureHint> hint) {
    ChunkPlanner planner =
        new ChunkPlanner(
            LargeModelConfig.DEFAULT_BATCH_FILE_BYTES, LargeModelConfig.DEFAULT_HASH_SHARD_BYTES);
    long[] nanos = new long[21];
    List<PlanChunk> plan = List.of();
    int jsonl = 0;
    for (int run = -5; run < nanos.length; run++) {
      long t0 = System.nanoTime();
      plan = planner.plan(listing, hint);
      StringBuilder sb = new StringBuilder();
      for (PlanChunk c : plan) {
        sb.append(EventJson.write(c)).append('\n');
      }
      jsonl = sb.toString().getBytes(StandardCharsets.UTF_8).length;
      if (run >= 0) {
        nanos[run] = System.nanoTime() - t0;
      }
    }
    Arrays.sort(nanos);
    long total = listing.stream().mapToLong(ByteRange::size).sum();
    int files = 0;
    int structure = 0;
    int shards = 0;
    long filesBytes = 0;
    long structureHinted = 0;
    long maxLine = 0;
    for (PlanChunk c : plan) {
      maxLine = Math.max(maxLine, ChunkPlanner.jsonBytes(c));
      switch (c.kind()) {
        case FILES -> {
          files++;
          filesBytes += c.ranges().stream().mapToLong(ByteRange::size).sum();
        }
        case STRUCTURE -> {
          structure++;
          structureHinted += c.ranges().stream().mapToLong(r -> r.end() - r.start()).sum();
        }
        case HASH_SHARD -> shards++;
      }
    }
    int batches = (plan.size() + ITEMS_PER_BATCH - 1) / ITEMS_PER_BATCH;
    System.out.printf(
        Locale.ROOT,
        "%s: %d files, %.1f GiB -> %d chunks (%d FILES with %.1f MiB, %d STRUCTURE hinting %.1f MiB,"
            + " %d HASH_SHARD of <= 1 GB), %d batches of <= 16; plan.jsonl %d bytes (longest line"
            + " %d); planning median %.2f ms (min %.2f, max %.2f)%n",
        name,
        listing.size(),
        total / (double) GIB,
        plan.size(),
        files,
        filesBytes / (double) MIB,
        structure,
        structureHinted / (double) MIB,
        shards,
        batches,
        jsonl,
        maxLine,
        nanos[nanos.length / 2] / 1e6,
        nanos[0] / 1e6,
        nanos[nanos.length - 1] / 1e6);
  }

  private static ByteRange whole(String key, long size) {
    return new ByteRange(
        "sentrascan-models", key, null, "0123456789abcdef0123456789abcdef-400", size, 0, size);
  }

  // ------------------------------------------------------------------ throughput

  /** Returns {hash MB/s per chunk, per-chunk overhead s}. */
  private static double[] throughput(int objectMib) throws Exception {
    System.out.println();
    System.out.println(
        "## Per-chunk throughput (S3Mock on loopback, same JVM; best and median of 5)");
    S3MockExtension mock = LocalS3.extension();
    mock.beforeAll(null);
    try {
      S3Client s3 = AwsTestClients.s3(LocalS3.endpoint(mock));
      s3.createBucket(b -> b.bucket("bench"));
      long size = objectMib * MIB;
      byte[] random = new byte[(int) size];
      new Random(42).nextBytes(random);
      s3.putObject(b -> b.bucket("bench").key("blob.bin"), RequestBody.fromBytes(random));
      byte[] st = safetensors(size);
      s3.putObject(b -> b.bucket("bench").key("model.safetensors"), RequestBody.fromBytes(st));
      List<ByteRange> small = new ArrayList<>();
      for (int i = 0; i < 64; i++) {
        byte[] f = Arrays.copyOfRange(random, (int) (i * MIB), (int) ((i + 1) * MIB));
        String key = String.format(Locale.ROOT, "small/f%02d.bin", i);
        s3.putObject(b -> b.bucket("bench").key(key), RequestBody.fromBytes(f));
        small.add(new ByteRange("bench", key, null, null, MIB, 0, MIB));
      }
      ChunkScanner scanner = new ChunkScanner(s3, ScanEngine.defaults());

      ByteRange part = new ByteRange("bench", "blob.bin", null, null, size, 0, size - 1);
      ByteRange whole = new ByteRange("bench", "blob.bin", null, null, size, 0, size);
      ByteRange tiny = new ByteRange("bench", "blob.bin", null, null, size, 0, 1);
      ByteRange structure =
          new ByteRange("bench", "model.safetensors", null, null, st.length, 0, st.length);
      double hash =
          rate("HASH_SHARD, SHA-256 (a shard of a bigger file)", size, () -> scanner.hash(part));
      rate(
          "HASH_SHARD, SHA-256+SHA-512+SHA-1+MD5 (a file in one shard)",
          size,
          () -> scanner.hash(whole));
      double overhead =
          seconds("HASH_SHARD of 1 byte (per-chunk overhead)", () -> scanner.hash(tiny));
      PlanChunk structural =
          new PlanChunk("1.0", "c1", PlanChunk.Kind.STRUCTURE, List.of(structure), null);
      seconds(
          "STRUCTURE, " + objectMib + " MiB SafeTensors (header only, no hash)",
          () -> scanner.scan("s", structural));
      PlanChunk files = new PlanChunk("1.0", "c2", PlanChunk.Kind.FILES, small, null);
      rate("FILES, 64 x 1 MiB (scan + 4 digests)", 64 * MIB, () -> scanner.scan("s", files));
      List<PlanChunk> quarters = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        ByteRange q =
            new ByteRange("bench", "blob.bin", null, null, size, i * size / 4, (i + 1) * size / 4);
        quarters.add(new PlanChunk("1.0", "q" + i, PlanChunk.Kind.HASH_SHARD, List.of(q), null));
      }
      io.sentrascan.events.ChunkBatch batch =
          new io.sentrascan.events.ChunkBatch(
              new io.sentrascan.events.ChunkBatch.BatchInput("s", "bench"), quarters);
      io.sentrascan.functions.logging.JsonLog quiet =
          new io.sentrascan.functions.logging.JsonLog(
              new com.amazonaws.services.lambda.runtime.LambdaLogger() {
                @Override
                public void log(String message) {}

                @Override
                public void log(byte[] message) {}
              });
      for (int p : new int[] {1, 2, 4}) {
        ScanChunkHandler handler = new ScanChunkHandler(s3, ScanEngine.defaults(), p);
        rate(
            "batch of 4 HASH_SHARD chunks (SHA-256), CHUNK_PARALLELISM=" + p,
            size,
            () -> handler.scan(batch, quiet));
      }
      inMemory(random);
      return new double[] {hash, overhead};
    } finally {
      mock.afterAll(null);
    }
  }

  private static byte[] safetensors(long size) {
    String header =
        "{\"w\":{\"dtype\":\"F32\",\"shape\":["
            + ((size - 200) / 4)
            + "],\"data_offsets\":[0,"
            + ((size - 200) / 4 * 4)
            + "]}}";
    byte[] h = header.getBytes(StandardCharsets.UTF_8);
    long data = (size - 200) / 4 * 4;
    byte[] out = new byte[(int) (8 + h.length + data)];
    ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN).putLong(h.length);
    System.arraycopy(h, 0, out, 8, h.length);
    return out;
  }

  private interface Work {
    void run() throws Exception;
  }

  private static double[] time(Work work) throws Exception {
    work.run(); // warm-up
    double[] s = new double[5];
    for (int i = 0; i < s.length; i++) {
      long t0 = System.nanoTime();
      work.run();
      s[i] = (System.nanoTime() - t0) / 1e9;
    }
    Arrays.sort(s);
    return s;
  }

  private static double rate(String name, long bytes, Work work) throws Exception {
    double[] s = time(work);
    double best = bytes / 1e6 / s[0];
    double median = bytes / 1e6 / s[s.length / 2];
    System.out.printf(
        Locale.ROOT,
        "%s: best %.0f MB/s, median %.0f MB/s (%.2f s for %d MiB)%n",
        name,
        best,
        median,
        s[s.length / 2],
        bytes / MIB);
    return median;
  }

  private static double seconds(String name, Work work) throws Exception {
    double[] s = time(work);
    System.out.printf(
        Locale.ROOT, "%s: median %.1f ms (best %.1f)%n", name, s[s.length / 2] * 1e3, s[0] * 1e3);
    return s[s.length / 2];
  }

  private static void inMemory(byte[] data) throws Exception {
    for (List<String> algs :
        List.of(List.of("SHA-256"), List.of("SHA-256", "SHA-512", "SHA-1", "MD5"))) {
      rate(
          "in memory, " + String.join("+", algs),
          data.length,
          () -> {
            for (String a : algs) {
              MessageDigest.getInstance(a).digest(data);
            }
          });
    }
  }

  // ------------------------------------------------------------------ model

  private static void model(double hashMbPerS, double overheadS) {
    System.out.println();
    System.out.printf(
        Locale.ROOT,
        "## Model: Map wall time for the 100 GiB folder, R = %.0f MB/s per chunk, o = %.3f s per chunk%n",
        hashMbPerS,
        overheadS);
    System.out.println(
        "T_map = ceil(B / C) * T_batch, B = ceil(N / 16) batches, T_batch = 16 * (S / R + o);"
            + " N = 100 GiB / S hash shards (+50 structure, +1 files chunk: negligible work)");
    long total = 100 * GIB;
    long[] shardSizes = {128 * MIB, 256 * MIB, 512 * MIB, GIB, 2 * GIB};
    int[] concurrency = {10, 40, 100, 1000};
    System.out.print("| shard size | chunks | batches | T_batch s |");
    for (int c : concurrency) {
      System.out.print(" C=" + c + " s |");
    }
    System.out.println();
    for (long s : shardSizes) {
      long n = (total + s - 1) / s + 51;
      long b = (n + ITEMS_PER_BATCH - 1) / ITEMS_PER_BATCH;
      double tBatch = ITEMS_PER_BATCH * (s / 1e6 / hashMbPerS + overheadS);
      System.out.printf(Locale.ROOT, "| %d MiB | %d | %d | %.1f |", s / MIB, n, b, tBatch);
      for (int c : concurrency) {
        System.out.printf(Locale.ROOT, " %.1f |", Math.ceil(b / (double) c) * tBatch);
      }
      System.out.println();
    }
  }
}
