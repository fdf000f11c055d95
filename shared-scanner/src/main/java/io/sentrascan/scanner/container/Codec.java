package io.sentrascan.scanner.container;

import io.sentrascan.scanner.Probe;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Locale;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.apache.commons.compress.compressors.lz4.FramedLZ4CompressorInputStream;
import org.apache.commons.compress.compressors.lzma.LZMACompressorInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;
import org.apache.commons.compress.compressors.zstandard.ZstdCompressorInputStream;

/** The single-stream compression formats, each recognised by its magic bytes. */
enum Codec {
  GZIP("gzip", ".tgz", ".tar", ".gz", "") {
    @Override
    boolean matches(Probe p) {
      return p.startsWith((byte) 0x1f, (byte) 0x8b, (byte) 8);
    }

    @Override
    InputStream open(InputStream in) throws IOException {
      return GzipCompressorInputStream.builder()
          .setInputStream(in)
          .setDecompressConcatenated(true)
          .get();
    }
  },
  BZIP2("bzip2", ".tbz2", ".tar", ".tbz", ".tar", ".bz2", "") {
    @Override
    boolean matches(Probe p) {
      // "BZh" and a block size digit, then the magic of a first block or of the end of stream.
      int level = p.byteAt(3);
      return p.startsWith("BZh")
          && level >= '1'
          && level <= '9'
          && (p.startsWithAt(4, (byte) 0x31, (byte) 0x41, (byte) 0x59, (byte) 0x26)
              || p.startsWithAt(4, (byte) 0x17, (byte) 0x72, (byte) 0x45, (byte) 0x38));
    }

    @Override
    InputStream open(InputStream in) throws IOException {
      return new BZip2CompressorInputStream(in, true);
    }
  },
  XZ("xz", ".txz", ".tar", ".xz", "") {
    @Override
    boolean matches(Probe p) {
      return p.startsWith((byte) 0xfd, (byte) '7', (byte) 'z', (byte) 'X', (byte) 'Z', (byte) 0);
    }

    @Override
    InputStream open(InputStream in) throws IOException {
      return XZCompressorInputStream.builder()
          .setInputStream(in)
          .setDecompressConcatenated(true)
          .setMemoryLimitKiB(ZipIndex.MAX_DECODER_MEMORY_KIB)
          .get();
    }
  },
  LZMA("lzma", ".tlz", ".tar", ".lzma", "") {
    @Override
    boolean matches(Probe p) {
      // .lzma has no magic, only properties: accept the properties every encoder writes by default
      // (lc=3 lp=0 pb=2), a dictionary size encoders produce, and a plausible size field.
      if (p.headLength() < 13 || p.byteAt(0) != 0x5d) {
        return false;
      }
      long dict = le(p, 1, 4);
      if (dict < 4096 || dict > (1L << 30) || !plausibleDictionary(dict)) {
        return false;
      }
      long size = le(p, 5, 8);
      return size == -1L || (size >= 0 && size < (1L << 48));
    }

    @Override
    InputStream open(InputStream in) throws IOException {
      return LZMACompressorInputStream.builder()
          .setInputStream(in)
          .setMemoryLimitKiB(ZipIndex.MAX_DECODER_MEMORY_KIB)
          .get();
    }
  },
  ZSTD("zstd", ".tzst", ".tar", ".zst", "", ".zstd", "") {
    @Override
    boolean matches(Probe p) {
      return p.startsWith((byte) 0x28, (byte) 0xb5, (byte) 0x2f, (byte) 0xfd);
    }

    @Override
    InputStream open(InputStream in) throws IOException {
      // zstd-jni caps the window at 2^27 bytes unless told otherwise, which bounds its memory.
      return new ZstdCompressorInputStream(in);
    }
  },
  LZ4("lz4", ".lz4", "") {
    @Override
    boolean matches(Probe p) {
      return p.startsWith((byte) 0x04, (byte) 0x22, (byte) 0x4d, (byte) 0x18);
    }

    @Override
    InputStream open(InputStream in) throws IOException {
      return new FramedLZ4CompressorInputStream(in, true);
    }
  },
  ZLIB("zlib", ".zlib", "", ".z", "") {
    @Override
    boolean matches(Probe p) {
      int cmf = p.byteAt(0);
      int flg = p.byteAt(1);
      if (cmf != 0x78 || (flg != 0x01 && flg != 0x5e && flg != 0x9c && flg != 0xda)) {
        return false;
      }
      // "x^" also starts text, so the header alone is weak evidence: the head must inflate.
      return inflatesCleanly(p.head());
    }

    @Override
    InputStream open(InputStream in) {
      return new InflaterInputStream(in, new Inflater(), 65536) {
        @Override
        public void close() throws IOException {
          super.close();
          inf.end();
        }
      };
    }
  };

  private final String format;

  /** Pairs of an extension and what replaces it in the decompressed name. */
  @SuppressWarnings("ImmutableEnumChecker") // List.of is immutable; without Guava EP cannot tell
  private final List<String> suffixes;

  Codec(String format, String... suffixes) {
    this.format = format;
    this.suffixes = List.of(suffixes);
  }

  /** The format name written into reports. */
  String format() {
    return format;
  }

  abstract boolean matches(Probe probe);

  /** A decompressing stream over {@code in}; memory-hungry decoders are capped. */
  abstract InputStream open(InputStream in) throws IOException;

  /**
   * The name of the decompressed content: {@code model.tar.gz} becomes {@code model.tar}, {@code
   * x.tgz} becomes {@code x.tar}, and a name without this codec's extension gets {@code
   * .decompressed}.
   */
  String decompressedName(String fileName) {
    String lower = fileName.toLowerCase(Locale.ROOT);
    for (int i = 0; i < suffixes.size(); i += 2) {
      String suffix = suffixes.get(i);
      if (lower.endsWith(suffix) && lower.length() > suffix.length()) {
        return fileName.substring(0, fileName.length() - suffix.length()) + suffixes.get(i + 1);
      }
    }
    return fileName + ".decompressed";
  }

  private static long le(Probe p, int offset, int len) {
    long v = 0;
    for (int i = len - 1; i >= 0; i--) {
      v = (v << 8) | p.byteAt(offset + i);
    }
    return v;
  }

  /** 2^n or 2^n + 2^(n-1), the sizes xz, 7-Zip and lzma-alone write. */
  private static boolean plausibleDictionary(long dict) {
    long top = Long.highestOneBit(dict);
    return dict == top || dict == top + (top >> 1);
  }

  private static boolean inflatesCleanly(byte[] head) {
    Inflater inflater = new Inflater();
    try {
      inflater.setInput(head);
      byte[] out = new byte[8192];
      int total = 0;
      while (!inflater.finished() && !inflater.needsInput() && total < (1 << 20)) {
        int n = inflater.inflate(out);
        if (n == 0 && (inflater.needsDictionary() || inflater.needsInput())) {
          break;
        }
        total += n;
      }
      return !inflater.needsDictionary() && (inflater.finished() || total > 0);
    } catch (DataFormatException e) {
      return false;
    } finally {
      inflater.end();
    }
  }
}
