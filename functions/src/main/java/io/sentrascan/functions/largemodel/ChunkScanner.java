package io.sentrascan.functions.largemodel;

import io.sentrascan.events.PlanChunk;
import io.sentrascan.events.PlanChunk.ByteRange;
import io.sentrascan.functions.scan.S3RangeSource;
import io.sentrascan.scanner.FileResult;
import io.sentrascan.scanner.ScanEngine;
import io.sentrascan.scanner.Source;
import io.sentrascan.scanner.sbom.MlBomBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Runs one plan line. FILES: every object scanned whole, with every digest the ML-BOM lists,
 * exactly as the one-invocation path scans an object. STRUCTURE: the engine over the whole object
 * with hashing off, so the scanners read only what their format needs. HASH_SHARD: the digests of
 * the range, streamed from one ranged GET with bounded memory.
 *
 * <p>A read that failed for a transient reason (throttling, 5xx, a broken connection, after the
 * SDK's own retries) throws {@link TransientScanError}, so that the state machine retries the
 * batch; a read that can never succeed (the object changed or is gone) is recorded in the result
 * and makes the scan ERROR.
 */
final class ChunkScanner {
  private static final int BUFFER_BYTES = 1 << 20;

  private final S3Client s3;
  private final ScanEngine digesting;
  private final ScanEngine structural;

  ChunkScanner(S3Client s3, ScanEngine engine) {
    this.s3 = s3;
    this.digesting = engine.withDigests(MlBomBuilder.DIGESTS);
    this.structural = engine.withDigests(List.of());
  }

  ChunkPartial scan(String scanId, PlanChunk chunk) {
    long t0 = System.nanoTime();
    List<FileResult> files = new ArrayList<>();
    List<ChunkPartial.ShardDigest> shards = new ArrayList<>();
    switch (chunk.kind()) {
      case FILES -> {
        for (ByteRange r : chunk.ranges()) {
          files.addAll(scanObject(digesting, r));
        }
      }
      case STRUCTURE -> {
        if (!chunk.ranges().isEmpty()) {
          files.addAll(scanObject(structural, chunk.ranges().get(0)));
        }
      }
      case HASH_SHARD -> {
        for (ByteRange r : chunk.ranges()) {
          shards.add(hash(r));
        }
      }
    }
    return new ChunkPartial(
        ChunkPartial.SCHEMA_VERSION,
        scanId,
        chunk.chunkId(),
        chunk.kind(),
        files,
        shards,
        (System.nanoTime() - t0) / 1_000_000);
  }

  /** The whole object, scanned through ranged reads; the top-level result comes first. */
  private List<FileResult> scanObject(ScanEngine engine, ByteRange range) {
    TransientWatch watched = new TransientWatch(source(s3, range));
    List<FileResult> out = engine.scanSource(watched);
    IOException transientFailure = watched.failure.get();
    if (transientFailure != null) {
      throw new TransientScanError(
          "reading " + range.uri() + " failed: " + transientFailure.getMessage(), transientFailure);
    }
    return out;
  }

  /** The object a range belongs to, named as the one-invocation path names it. */
  static S3RangeSource source(S3Client s3, ByteRange r) {
    return new S3RangeSource(
        s3,
        r.bucket(),
        r.key(),
        r.versionId(),
        r.versionId() == null ? r.eTag() : null,
        r.size(),
        r.uri(),
        S3RangeSource.BLOCK_BYTES);
  }

  ChunkPartial.ShardDigest hash(ByteRange r) {
    List<String> algorithms = r.whole() ? MlBomBuilder.DIGESTS : List.of("SHA-256");
    List<MessageDigest> mds = new ArrayList<>();
    for (String a : algorithms) {
      mds.add(digest(a));
    }
    GetObjectRequest.Builder req =
        GetObjectRequest.builder()
            .bucket(r.bucket())
            .key(r.key())
            .range("bytes=" + r.start() + "-" + (r.end() - 1));
    if (r.versionId() != null) {
      req.versionId(r.versionId());
    } else if (r.eTag() != null) {
      req.ifMatch(r.eTag());
    }
    long read = 0;
    try (ResponseInputStream<GetObjectResponse> in = s3.getObject(req.build())) {
      byte[] buf = new byte[BUFFER_BYTES];
      int n;
      while ((n = readSome(in, buf)) > 0) {
        for (MessageDigest md : mds) {
          md.update(buf, 0, n);
        }
        read += n;
      }
    } catch (S3Exception e) {
      if (S3Failures.isTransient(e)) {
        throw new TransientScanError("hashing " + describe(r) + " failed: " + e.getMessage(), e);
      }
      return shardError(
          r, "cannot read " + describe(r) + ": HTTP " + e.statusCode() + " " + code(e));
    } catch (SdkException | IOException e) {
      throw new TransientScanError("hashing " + describe(r) + " failed: " + e.getMessage(), e);
    }
    if (read != r.end() - r.start()) {
      return shardError(
          r, describe(r) + " returned " + read + " bytes instead of " + (r.end() - r.start()));
    }
    SortedMap<String, String> out = new TreeMap<>();
    for (int i = 0; i < mds.size(); i++) {
      out.put(algorithms.get(i), HexFormat.of().formatHex(mds.get(i).digest()));
    }
    return new ChunkPartial.ShardDigest(
        r.bucket(), r.key(), r.size(), r.start(), r.end(), out, null);
  }

  private static int readSome(InputStream in, byte[] buf) throws IOException {
    return in.readNBytes(buf, 0, buf.length);
  }

  private static ChunkPartial.ShardDigest shardError(ByteRange r, String error) {
    return new ChunkPartial.ShardDigest(
        r.bucket(), r.key(), r.size(), r.start(), r.end(), new TreeMap<>(), error);
  }

  private static String describe(ByteRange r) {
    return "bytes [" + r.start() + ", " + r.end() + ") of " + r.uri();
  }

  private static String code(S3Exception e) {
    return e.awsErrorDetails() == null ? "" : String.valueOf(e.awsErrorDetails().errorCode());
  }

  private static MessageDigest digest(String algorithm) {
    try {
      return MessageDigest.getInstance(algorithm);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has " + algorithm, e);
    }
  }

  /**
   * Passes reads through and remembers the first one that failed for a transient reason: the engine
   * turns every read failure into a file error (right for a file that cannot be read), while a
   * throttled read must fail the task so the state machine retries it.
   */
  private static final class TransientWatch implements Source {
    private final Source inner;
    final AtomicReference<@Nullable IOException> failure = new AtomicReference<>();

    TransientWatch(Source inner) {
      this.inner = inner;
    }

    @Override
    public long size() {
      return inner.size();
    }

    @Override
    public String displayPath() {
      return inner.displayPath();
    }

    @Override
    public int read(long position, byte[] buf, int off, int len) throws IOException {
      try {
        return inner.read(position, buf, off, len);
      } catch (IOException e) {
        if (S3Failures.isTransient(e)) {
          failure.compareAndSet(null, e);
        }
        throw e;
      }
    }
  }
}
