package io.sentrascan.functions.scan;

import io.sentrascan.scanner.Source;
import java.io.EOFException;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;

/**
 * One exact S3 object version read by position through ranged GETs: the scanner fetches only what
 * its format needs (a zip's central directory, the pickles), nothing is written to /tmp, and at
 * most {@link #CACHED_BLOCKS} blocks are held in memory.
 *
 * <p>Reads are block-aligned so that the many small reads of a parser hit the cache. Without a
 * version id (an unversioned bucket) every GET carries {@code If-Match} with the event's ETag, so
 * an object overwritten mid-scan fails the read instead of mixing two contents. Thread-safe: the
 * engine hashes on one thread while a scanner reads on another.
 */
public final class S3RangeSource implements Source {
  /** The block size of every read the scan function makes. */
  public static final int BLOCK_BYTES = 1 << 20;

  static final int CACHED_BLOCKS = 8;

  private final S3Client s3;
  private final String bucket;
  private final String key;
  private final @Nullable String versionId;
  private final @Nullable String ifMatch;
  private final long size;
  private final String displayPath;
  private final int blockBytes;
  private final AtomicLong requests = new AtomicLong();
  private final AtomicLong bytesFetched = new AtomicLong();

  private final Map<Long, byte[]> cache =
      new LinkedHashMap<>(16, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, byte[]> eldest) {
          return size() > CACHED_BLOCKS;
        }
      };

  /**
   * One object version.
   *
   * @param ifMatch the ETag every read must match (for an unversioned object), or null
   */
  @SuppressWarnings("TooManyParameters") // one object version's coordinates; built in one place
  public S3RangeSource(
      S3Client s3,
      String bucket,
      String key,
      @Nullable String versionId,
      @Nullable String ifMatch,
      long size,
      String displayPath,
      int blockBytes) {
    if (blockBytes <= 0) {
      throw new IllegalArgumentException("block size must be positive");
    }
    this.s3 = s3;
    this.bucket = bucket;
    this.key = key;
    this.versionId = versionId;
    this.ifMatch = ifMatch;
    this.size = size;
    this.displayPath = displayPath;
    this.blockBytes = blockBytes;
  }

  @Override
  public long size() {
    return size;
  }

  @Override
  public String displayPath() {
    return displayPath;
  }

  /** GET requests made so far. */
  long requests() {
    return requests.get();
  }

  /** Bytes received so far. */
  long bytesFetched() {
    return bytesFetched.get();
  }

  @Override
  public int read(long position, byte[] buf, int off, int len) throws IOException {
    if (position < 0) {
      throw new IllegalArgumentException("negative position " + position);
    }
    if (position >= size) {
      return -1;
    }
    int want = (int) Math.min(len, size - position);
    if (want >= blockBytes) {
      // A sequential pass (the hash) reads big spans once: fetch them straight into the caller's
      // buffer so they neither cost a copy nor evict the blocks the parser keeps coming back to.
      byte[] direct = fetch(position, want);
      if (direct.length < want) {
        throw new EOFException(displayPath + " is shorter than the " + size + " bytes it declared");
      }
      System.arraycopy(direct, 0, buf, off, want);
      return want;
    }
    int done = 0;
    while (done < want) {
      long at = position + done;
      long index = at / blockBytes;
      byte[] block = block(index);
      int inBlock = (int) (at - index * blockBytes);
      int n = Math.min(want - done, block.length - inBlock);
      if (n <= 0) {
        throw new EOFException(displayPath + " is shorter than the " + size + " bytes it declared");
      }
      System.arraycopy(block, inBlock, buf, off + done, n);
      done += n;
    }
    return done;
  }

  private byte[] block(long index) throws IOException {
    synchronized (cache) {
      byte[] cached = cache.get(index);
      if (cached != null) {
        return cached;
      }
    }
    // Fetched outside the lock: the hashing thread and the scanner must not wait on each other's
    // network round trips. Two threads may fetch the same block once; both get the same bytes.
    byte[] fetched =
        fetch(index * blockBytes, (int) Math.min(blockBytes, size - index * blockBytes));
    synchronized (cache) {
      cache.put(index, fetched);
    }
    return fetched;
  }

  private byte[] fetch(long from, int length) throws IOException {
    GetObjectRequest.Builder req =
        GetObjectRequest.builder()
            .bucket(bucket)
            .key(key)
            .range("bytes=" + from + "-" + (from + length - 1));
    if (versionId != null) {
      req.versionId(versionId);
    } else if (ifMatch != null) {
      req.ifMatch(ifMatch);
    }
    ResponseBytes<GetObjectResponse> bytes;
    try {
      requests.incrementAndGet();
      bytes = s3.getObjectAsBytes(req.build());
    } catch (SdkException e) {
      throw new IOException(
          "ranged GET of bytes "
              + from
              + "+"
              + length
              + " of "
              + displayPath
              + " failed: "
              + e.getMessage(),
          e);
    }
    byte[] data = bytes.asByteArrayUnsafe();
    bytesFetched.addAndGet(data.length);
    if (data.length != length) {
      throw new EOFException(
          "ranged GET of bytes "
              + from
              + "+"
              + length
              + " of "
              + displayPath
              + " returned "
              + data.length
              + " bytes");
    }
    return data;
  }
}
