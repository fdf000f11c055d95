package io.sentrascan.functions.largemodel;

import io.sentrascan.events.LargeScanRequest;
import io.sentrascan.events.ObjectRef;
import io.sentrascan.events.PlanChunk;
import io.sentrascan.events.PlanChunk.ByteRange;
import io.sentrascan.scanner.FileResult;
import io.sentrascan.scanner.Finding;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * Merges a plan's partial results into the files of one scan, in the shape the one-invocation path
 * gives them: every file and nested entry sorted by path, each object's digests on its top-level
 * result (from its FILES chunk, or for a big file from its one whole-file hash shard), and for a
 * file hashed in several shards the shard manifest as the {@value #SHARD_PROPERTY} property ({@code
 * path:start:end=sha256hex}, OpenSSF model signing's shard names, the path relative to the model
 * folder). A chunk without a result, or a shard that could not be hashed, becomes an error on the
 * files it covers and a problem that makes the verdict ERROR.
 */
final class ResultMerger {
  /** The file property that carries a big file's shard manifest (into the BOM as well). */
  static final String SHARD_PROPERTY = "sha256-shards";

  /**
   * The merged files.
   *
   * @param files every file and nested entry, sorted by path
   * @param targets every object, as {@code s3://bucket/key}, in key order
   * @param objects every object, for tagging
   * @param sha256 the one object's whole-file SHA-256 (an object request whose file fit in one
   *     shard), else null
   * @param problems why the scan is incomplete; empty when every chunk reported
   */
  record Merged(
      List<FileResult> files,
      List<String> targets,
      List<ObjectRef> objects,
      @Nullable String sha256,
      List<String> problems) {}

  private ResultMerger() {}

  static Merged merge(
      LargeScanRequest request, List<PlanChunk> plan, Map<String, ChunkPartial> partials) {
    Map<String, ByteRange> objects = new TreeMap<>();
    Map<String, List<PlanChunk>> shardChunks = new LinkedHashMap<>();
    Map<String, String> scanChunk = new LinkedHashMap<>();
    for (PlanChunk chunk : plan) {
      for (ByteRange r : chunk.ranges()) {
        objects.putIfAbsent(r.key(), r);
        if (chunk.kind() == PlanChunk.Kind.HASH_SHARD) {
          shardChunks.computeIfAbsent(r.uri(), k -> new ArrayList<>()).add(chunk);
        } else {
          scanChunk.putIfAbsent(r.uri(), chunk.chunkId());
        }
      }
    }
    List<String> problems = new ArrayList<>();
    Map<String, FileResult> byPath = new LinkedHashMap<>();
    Map<String, ChunkPartial.ShardDigest> shards = new LinkedHashMap<>();
    for (PlanChunk chunk : plan) {
      ChunkPartial partial = partials.get(chunk.chunkId());
      if (partial == null) {
        problems.add("chunk " + chunk.chunkId() + " (" + chunk.kind() + ") produced no result");
        continue;
      }
      for (FileResult f : partial.files()) {
        byPath.merge(f.path(), f, ResultMerger::combine);
      }
      for (ChunkPartial.ShardDigest s : partial.shards()) {
        shards.put(shardKey(s.bucket(), s.key(), s.start(), s.end()), s);
      }
    }

    List<String> targets = new ArrayList<>();
    List<ObjectRef> tagged = new ArrayList<>();
    String onlySha256 = null;
    for (ByteRange o : objects.values()) {
      String uri = o.uri();
      targets.add(uri);
      tagged.add(new ObjectRef(o.bucket(), o.key(), o.versionId(), o.size(), o.eTag(), null));
      FileResult top = byPath.get(uri);
      List<String> errors = new ArrayList<>();
      if (top == null) {
        errors.add(
            "not scanned: chunk " + scanChunk.getOrDefault(uri, "?") + " produced no result");
        top =
            new FileResult(
                uri,
                "unknown",
                null,
                0,
                o.size(),
                new TreeMap<>(),
                List.of(),
                List.of(),
                null,
                new TreeMap<>());
      }
      SortedMap<String, String> digests = new TreeMap<>(top.digests());
      SortedMap<String, SortedSet<String>> properties = new TreeMap<>(top.properties());
      List<PlanChunk> hashed = shardChunks.getOrDefault(uri, List.of());
      if (!hashed.isEmpty()) {
        SortedSet<String> manifest = new TreeSet<>();
        String name = shardPath(request, o.key());
        for (PlanChunk chunk : hashed) {
          for (ByteRange r : chunk.ranges()) {
            ChunkPartial.ShardDigest d =
                shards.get(shardKey(r.bucket(), r.key(), r.start(), r.end()));
            String shardName = name + ":" + r.start() + ":" + r.end();
            if (d == null) {
              errors.add(
                  "hash shard "
                      + shardName
                      + " not hashed: chunk "
                      + chunk.chunkId()
                      + " produced no result");
            } else if (d.error() != null) {
              errors.add("hash shard " + shardName + ": " + d.error());
              problems.add(d.error());
            } else if (r.whole()) {
              digests.putAll(d.digests());
            } else {
              manifest.add(shardName + "=" + d.digests().get("SHA-256"));
            }
          }
        }
        if (!manifest.isEmpty()) {
          properties.put(SHARD_PROPERTY, manifest);
        }
      }
      if (!errors.isEmpty()
          || !digests.equals(top.digests())
          || !properties.equals(top.properties())) {
        List<String> allErrors = new ArrayList<>(top.errors());
        allErrors.addAll(errors);
        top =
            new FileResult(
                top.path(),
                top.format(),
                top.scanner(),
                top.depth(),
                top.size(),
                digests,
                top.findings(),
                allErrors,
                top.skipped(),
                properties);
      }
      byPath.put(uri, top);
      if (!request.isPrefix()) {
        onlySha256 = top.sha256();
      }
    }
    List<FileResult> files = new ArrayList<>(byPath.values());
    files.sort(Comparator.comparing(FileResult::path));
    return new Merged(List.copyOf(files), targets, tagged, onlySha256, problems);
  }

  /**
   * A file's name in shard names: relative to the scanned folder, or the object's last path
   * segment, as OpenSSF model signing names files relative to the model.
   */
  static String shardPath(LargeScanRequest request, String key) {
    String prefix = request.prefix();
    if (prefix != null && key.startsWith(prefix)) {
      String rel = key.substring(prefix.length());
      while (rel.startsWith("/")) {
        rel = rel.substring(1);
      }
      return rel.isEmpty() ? key : rel;
    }
    int slash = key.lastIndexOf('/');
    return slash < 0 ? key : key.substring(slash + 1);
  }

  private static String shardKey(String bucket, String key, long start, long end) {
    return bucket + "\n" + key + "\n" + start + "\n" + end;
  }

  /** Two results for one path (a chunk that ran twice): findings de-duplicated, facts joined. */
  static FileResult combine(FileResult a, FileResult b) {
    LinkedHashSet<Finding> findings = new LinkedHashSet<>(a.findings());
    findings.addAll(b.findings());
    LinkedHashSet<String> errors = new LinkedHashSet<>(a.errors());
    errors.addAll(b.errors());
    SortedMap<String, String> digests = new TreeMap<>(a.digests());
    digests.putAll(b.digests());
    SortedMap<String, SortedSet<String>> properties = new TreeMap<>();
    a.properties().forEach((k, v) -> properties.put(k, new TreeSet<>(v)));
    b.properties().forEach((k, v) -> properties.computeIfAbsent(k, x -> new TreeSet<>()).addAll(v));
    return new FileResult(
        a.path(),
        "unknown".equals(a.format()) ? b.format() : a.format(),
        a.scanner() != null ? a.scanner() : b.scanner(),
        a.depth(),
        Math.max(a.size(), b.size()),
        digests,
        List.copyOf(findings),
        List.copyOf(errors),
        a.skipped() != null ? a.skipped() : b.skipped(),
        properties);
  }
}
