package io.sentrascan.scanner.container;

import io.sentrascan.scanner.MalformedFileException;
import io.sentrascan.scanner.Source;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream;
import org.apache.commons.compress.compressors.deflate64.Deflate64CompressorInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;
import org.apache.commons.compress.compressors.zstandard.ZstdCompressorInputStream;

/**
 * A zip file's central directory, read from the end of a {@link Source} without touching entry
 * data: for a 10 GB PyTorch checkpoint this is a few kilobytes of reads.
 *
 * <p>Deliberately tolerant the way PyTorch's own reader is: CRCs are not checked, flag bits other
 * than encryption are ignored, and data before the archive (a self-extracting stub, a llamafile
 * executable) is allowed and reported through {@link #prefixBytes()}.
 */
public final class ZipIndex {
  /** Entries kept in memory at most; a larger directory is marked {@link #truncated()}. */
  public static final int MAX_INDEXED_ENTRIES = 200_000;

  /**
   * Name bytes kept in memory at most: names may be 64 KiB each, so the entry cap alone would still
   * let a hostile directory claim gigabytes of heap. A larger directory is marked {@link
   * #truncated()}.
   */
  public static final long MAX_INDEXED_NAME_BYTES = 32L << 20;

  /** Memory the xz decoder of a zip entry may use (xz -9 needs about 65 MiB). */
  static final int MAX_DECODER_MEMORY_KIB = 128 * 1024;

  private static final int ZIP64_EOCD_SIG = 0x06064b50;
  private static final int ZIP64_LOCATOR_SIG = 0x07064b50;
  private static final int CEN_SIG = 0x02014b50;
  private static final int LOC_SIG = 0x04034b50;
  private static final int EOCD_MIN = 22;
  private static final int MAX_COMMENT = 0xffff;

  private final List<Entry> entries;
  private final long declaredEntries;
  private final long prefixBytes;
  private final boolean truncated;

  private ZipIndex(List<Entry> entries, long declaredEntries, long prefixBytes, boolean truncated) {
    this.entries = Collections.unmodifiableList(entries);
    this.declaredEntries = declaredEntries;
    this.prefixBytes = prefixBytes;
    this.truncated = truncated;
  }

  /**
   * One central-directory record.
   *
   * @param name the entry name exactly as stored (may be hostile: absolute, with "..", with NULs)
   * @param method compression method (0 stored, 8 deflate, …)
   * @param flags general-purpose flag bits
   * @param crc the declared CRC-32 (never verified)
   * @param compressedSize bytes of entry data in the archive
   * @param size declared uncompressed size (may lie)
   * @param localHeaderOffset where the local header starts, already corrected for a prefix
   * @param externalAttributes host attributes; the upper 16 bits are a Unix mode when made on Unix
   * @param centralOffset where this record sits in the source, for findings
   */
  public record Entry(
      String name,
      int method,
      int flags,
      long crc,
      long compressedSize,
      long size,
      long localHeaderOffset,
      long externalAttributes,
      long centralOffset) {
    public boolean isDirectory() {
      return name.endsWith("/");
    }

    /** Encrypted by flag (traditional or strong encryption) or by the AES method 99. */
    public boolean isEncrypted() {
      return (flags & 0x41) != 0 || method == 99;
    }

    /** True when the Unix mode bits say this entry is a symbolic link. */
    public boolean isSymlink() {
      return ((externalAttributes >>> 16) & 0170000) == 0120000;
    }
  }

  public List<Entry> entries() {
    return entries;
  }

  /** The entry count the end record declares; may exceed {@code entries().size()}. */
  public long declaredEntries() {
    return declaredEntries;
  }

  /** Bytes of non-zip data in front of the archive. */
  public long prefixBytes() {
    return prefixBytes;
  }

  /**
   * True when the directory held more than {@link #MAX_INDEXED_ENTRIES} entries or more than {@link
   * #MAX_INDEXED_NAME_BYTES} of names; only the first ones are in {@link #entries()}.
   */
  public boolean truncated() {
    return truncated;
  }

  /** Cheap check for an end-of-central-directory record in the last bytes of the source. */
  public static boolean hasTrailer(Source source) {
    try {
      return findEocd(source) >= 0;
    } catch (IOException e) {
      return false;
    }
  }

  /** Parses the central directory. */
  public static ZipIndex read(Source source) throws IOException {
    long eocd = findEocd(source);
    if (eocd < 0) {
      throw new MalformedFileException("no zip end-of-central-directory record", -1);
    }
    byte[] end = source.readFully(eocd, EOCD_MIN);
    long total = u16(end, 10);
    long cdSize = u32(end, 12);
    long cdOffset = u32(end, 16);
    if (eocd >= 20) {
      byte[] loc = source.readFully(eocd - 20, 20);
      if (i32(loc, 0) == ZIP64_LOCATOR_SIG) {
        long z64 = u64(loc, 8);
        long z64Actual = z64;
        if (!hasSig(source, z64, ZIP64_EOCD_SIG)) {
          // A prefix shifts every offset; the ZIP64 end record sits just before the locator.
          z64Actual = eocd - 20 - 56;
        }
        if (z64Actual >= 0 && hasSig(source, z64Actual, ZIP64_EOCD_SIG)) {
          byte[] z = source.readFully(z64Actual, 56);
          total = u64(z, 32);
          cdSize = u64(z, 40);
          cdOffset = u64(z, 48);
          eocd = z64Actual;
        }
      }
    }
    long cdStart = eocd - cdSize;
    if (cdStart < 0) {
      throw new MalformedFileException("central directory size exceeds the file", eocd);
    }
    long prefix = cdStart - cdOffset;
    if (prefix < 0) {
      // Declared offset points past where the directory can be: trust the declared offset if
      // a record is there.
      if (hasSig(source, cdOffset, CEN_SIG)) {
        cdStart = cdOffset;
        prefix = 0;
      } else {
        throw new MalformedFileException("central directory offset is inconsistent", eocd);
      }
    }
    List<Entry> entries = new ArrayList<>();
    boolean truncated = false;
    long nameBytesKept = 0;
    long pos = cdStart;
    try (DataInputStream in =
        new DataInputStream(new BufferedInputStream(source.openStream(cdStart, cdSize), 65536))) {
      byte[] fixed = new byte[46];
      while (pos + 46 <= cdStart + cdSize) {
        in.readFully(fixed);
        if (i32(fixed, 0) != CEN_SIG) {
          throw new MalformedFileException("bad central directory record signature", pos);
        }
        int flags = u16(fixed, 8);
        int method = u16(fixed, 10);
        long crc = u32(fixed, 16);
        long csize = u32(fixed, 20);
        long usize = u32(fixed, 24);
        int nameLen = u16(fixed, 28);
        int extraLen = u16(fixed, 30);
        int commentLen = u16(fixed, 32);
        long external = u32(fixed, 38);
        long lho = u32(fixed, 42);
        byte[] nameBytes = new byte[nameLen];
        in.readFully(nameBytes);
        byte[] extra = new byte[extraLen];
        in.readFully(extra);
        skipFully(in, commentLen);
        long[] z64 =
            zip64Extra(extra, usize == 0xffffffffL, csize == 0xffffffffL, lho == 0xffffffffL);
        if (usize == 0xffffffffL) {
          usize = z64[0];
        }
        if (csize == 0xffffffffL) {
          csize = z64[1];
        }
        if (lho == 0xffffffffL) {
          lho = z64[2];
        }
        String name =
            (flags & 0x800) != 0
                ? new String(nameBytes, StandardCharsets.UTF_8)
                : decodeLegacyName(nameBytes);
        nameBytesKept += nameLen;
        if (entries.size() < MAX_INDEXED_ENTRIES && nameBytesKept <= MAX_INDEXED_NAME_BYTES) {
          entries.add(
              new Entry(name, method, flags, crc, csize, usize, lho + prefix, external, pos));
        } else {
          truncated = true;
          break;
        }
        pos += 46L + nameLen + extraLen + commentLen;
      }
    } catch (EOFException e) {
      throw new MalformedFileException("central directory is truncated", pos, e);
    }
    return new ZipIndex(entries, total, prefix, truncated);
  }

  /**
   * What an entry's local header says, which a streaming extractor trusts instead of the central
   * directory.
   *
   * @param name the name in the local header, decoded as the central one is
   * @param flags general-purpose flag bits of the local header
   * @param method compression method of the local header
   * @param dataOffset where the entry's data starts
   */
  public record LocalHeader(String name, int flags, int method, long dataOffset) {}

  /** Reads the entry's local header. */
  public static LocalHeader localHeader(Source source, Entry entry) throws IOException {
    byte[] loc = readLocalFixed(source, entry);
    int nameLen = u16(loc, 26);
    int flags = u16(loc, 6);
    byte[] nameBytes = source.readFully(entry.localHeaderOffset() + 30, nameLen);
    String name =
        (flags & 0x800) != 0
            ? new String(nameBytes, StandardCharsets.UTF_8)
            : decodeLegacyName(nameBytes);
    return new LocalHeader(
        name, flags, u16(loc, 8), entry.localHeaderOffset() + 30 + nameLen + u16(loc, 28));
  }

  /** Where the entry's data starts, from its local header. */
  public static long dataOffset(Source source, Entry entry) throws IOException {
    byte[] loc = readLocalFixed(source, entry);
    return entry.localHeaderOffset() + 30 + u16(loc, 26) + u16(loc, 28);
  }

  private static byte[] readLocalFixed(Source source, Entry entry) throws IOException {
    if (entry.localHeaderOffset() < 0 || entry.localHeaderOffset() + 30 > source.size()) {
      throw new MalformedFileException(
          "local header of entry " + entry.name() + " lies outside the file",
          entry.centralOffset());
    }
    byte[] loc = source.readFully(entry.localHeaderOffset(), 30);
    if (i32(loc, 0) != LOC_SIG) {
      throw new MalformedFileException(
          "bad local header signature for entry " + entry.name(), entry.localHeaderOffset());
    }
    return loc;
  }

  /** True for the compression methods {@link #open} can decompress. */
  public static boolean isSupportedMethod(int method) {
    return method == 0
        || method == 8
        || method == 9
        || method == 12
        || method == 93
        || method == 95;
  }

  /**
   * A view of a stored (uncompressed) entry's bytes without copying, for formats that read by
   * position.
   */
  public static Source storedEntry(Source source, Entry entry, String displayPath)
      throws IOException {
    if (entry.method() != 0) {
      throw new IllegalArgumentException("entry is compressed: " + entry.name());
    }
    return source.slice(dataOffset(source, entry), entry.compressedSize(), displayPath);
  }

  /** The entry's uncompressed bytes as a stream. Encrypted entries cannot be opened. */
  public static InputStream open(Source source, Entry entry) throws IOException {
    if (entry.isEncrypted()) {
      throw new MalformedFileException(
          "entry is encrypted: " + entry.name(), entry.centralOffset());
    }
    InputStream raw = source.openStream(dataOffset(source, entry), entry.compressedSize());
    InputStream opened =
        switch (entry.method()) {
          case 0 -> raw;
          case 8 -> inflating(raw);
          case 9 -> new Deflate64CompressorInputStream(raw);
          case 12 -> new BZip2CompressorInputStream(raw);
          case 93 -> new ZstdCompressorInputStream(raw);
          case 95 ->
              XZCompressorInputStream.builder()
                  .setInputStream(raw)
                  .setMemoryLimitKiB(MAX_DECODER_MEMORY_KIB)
                  .get();
          default -> null;
        };
    if (opened == null) {
      raw.close();
      throw new MalformedFileException(
          "unsupported zip compression method " + entry.method() + " for " + entry.name(),
          entry.centralOffset());
    }
    return opened;
  }

  private static InputStream inflating(InputStream raw) {
    return new InflaterInputStream(raw, new Inflater(true), 65536) {
      @Override
      public void close() throws IOException {
        super.close();
        inf.end();
      }
    };
  }

  private static long findEocd(Source source) throws IOException {
    long size = source.size();
    if (size < EOCD_MIN) {
      return -1;
    }
    int window = (int) Math.min(size, EOCD_MIN + MAX_COMMENT);
    byte[] tail = source.readFully(size - window, window);
    for (int i = window - EOCD_MIN; i >= 0; i--) {
      if (tail[i] == 'P' && tail[i + 1] == 'K' && tail[i + 2] == 5 && tail[i + 3] == 6) {
        int commentLen = u16(tail, i + 20);
        // The comment must reach exactly to the end, or be a lying length we still accept
        // when no better candidate exists.
        if (i + EOCD_MIN + commentLen <= window) {
          return size - window + i;
        }
      }
    }
    return -1;
  }

  private static boolean hasSig(Source source, long pos, int sig) throws IOException {
    if (pos < 0 || pos + 4 > source.size()) {
      return false;
    }
    return i32(source.readFully(pos, 4), 0) == sig;
  }

  private static long[] zip64Extra(byte[] extra, boolean needU, boolean needC, boolean needL) {
    long[] out = new long[3];
    int i = 0;
    while (i + 4 <= extra.length) {
      int id = u16(extra, i);
      int len = u16(extra, i + 2);
      if (id == 0x0001) {
        int p = i + 4;
        int end = Math.min(extra.length, p + len);
        if (needU && p + 8 <= end) {
          out[0] = u64(extra, p);
          p += 8;
        }
        if (needC && p + 8 <= end) {
          out[1] = u64(extra, p);
          p += 8;
        }
        if (needL && p + 8 <= end) {
          out[2] = u64(extra, p);
        }
        return out;
      }
      i += 4 + len;
    }
    return out;
  }

  private static String decodeLegacyName(byte[] bytes) {
    // Tools write UTF-8 without setting the flag; fall back to Latin-1 only for invalid UTF-8.
    var decoder = StandardCharsets.UTF_8.newDecoder();
    try {
      return decoder.decode(java.nio.ByteBuffer.wrap(bytes)).toString();
    } catch (java.nio.charset.CharacterCodingException e) {
      return new String(bytes, StandardCharsets.ISO_8859_1);
    }
  }

  private static void skipFully(InputStream in, long n) throws IOException {
    long left = n;
    while (left > 0) {
      long s = in.skip(left);
      if (s <= 0) {
        if (in.read() < 0) {
          throw new EOFException();
        }
        s = 1;
      }
      left -= s;
    }
  }

  static int u16(byte[] b, int i) {
    return (b[i] & 0xff) | (b[i + 1] & 0xff) << 8;
  }

  static int i32(byte[] b, int i) {
    return (b[i] & 0xff)
        | (b[i + 1] & 0xff) << 8
        | (b[i + 2] & 0xff) << 16
        | (b[i + 3] & 0xff) << 24;
  }

  static long u32(byte[] b, int i) {
    return i32(b, i) & 0xffffffffL;
  }

  static long u64(byte[] b, int i) {
    return u32(b, i) | u32(b, i + 4) << 32;
  }
}
