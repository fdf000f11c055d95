package io.sentrascan.scanner.container;

import io.sentrascan.scanner.LimitExceededException;
import io.sentrascan.scanner.MalformedFileException;
import io.sentrascan.scanner.Probe;
import io.sentrascan.scanner.ScanContext;
import io.sentrascan.scanner.Scanner;
import io.sentrascan.scanner.Severity;
import io.sentrascan.scanner.Source;
import java.io.IOException;
import java.io.InputStream;
import org.jspecify.annotations.Nullable;

/**
 * gzip, bzip2, xz, lzma, zstd, lz4 (framed) and zlib streams: decompresses through {@link
 * ScanContext#spool} (ratio measured against the compressed file) and scans the result as a nested
 * file, so {@code model.tar.gz} is scanned as gzip, then tar, then every member.
 */
public final class CompressedStreamScanner implements Scanner {
  @Override
  public String name() {
    return "compressed";
  }

  @Override
  public String version() {
    return "1.0.0";
  }

  @Override
  public String description() {
    return "gzip, bzip2, xz, lzma, zstd, lz4 and zlib streams (compressed joblib, `.tar.gz`…): decompressed within the size and ratio limits and scanned as what they contain.";
  }

  @Override
  public boolean supports(Probe probe) {
    return codec(probe) != null;
  }

  @Override
  public void scan(Source source, ScanContext ctx) throws IOException {
    Probe probe = Probe.of(source);
    Codec codec = codec(probe);
    if (codec == null) {
      throw new MalformedFileException("not a known compressed stream", 0);
    }
    ctx.setFormat(codec.format());
    String nested = codec.decompressedName(fileName(ctx.path()));
    Source unpacked;
    try (InputStream in = codec.open(source.openStream())) {
      unpacked = ctx.spool(nested, in, source.size());
    } catch (LimitExceededException e) {
      throw e;
    } catch (org.apache.commons.compress.MemoryLimitException
        | org.tukaani.xz.MemoryLimitException e) {
      ctx.report(
          "ARC-015",
          Severity.HIGH,
          ctx.at(0),
          "The "
              + codec.format()
              + " stream needs more decoder memory than allowed: "
              + e.getMessage(),
          "");
      return;
    } catch (IOException e) {
      throw new MalformedFileException(
          "the " + codec.format() + " stream is corrupt or truncated: " + ZipScanner.describe(e),
          -1,
          e);
    }
    ctx.scanNested(nested, unpacked);
  }

  private static @Nullable Codec codec(Probe probe) {
    for (Codec c : Codec.values()) {
      if (c.matches(probe)) {
        return c;
      }
    }
    return null;
  }

  private static String fileName(String path) {
    int cut = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
    return path.substring(cut + 1);
  }
}
