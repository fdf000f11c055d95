package io.sentrascan.scanner.container;

import io.sentrascan.scanner.MalformedFileException;
import io.sentrascan.scanner.Probe;
import io.sentrascan.scanner.ScanContext;
import io.sentrascan.scanner.Scanner;
import io.sentrascan.scanner.Severity;
import io.sentrascan.scanner.Source;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Tar archives (v7, ustar, GNU, pax): reads headers sequentially and scans every regular member as
 * a zero-copy slice of the archive, so a member's bytes are read only by its own scanner (a stored
 * checkpoint's zip reads its central directory and pickles, not its tensors): the tar reader passes
 * over member data without reading it. Sequential reading keeps memory flat whatever the member
 * count; the entry limit stops a header flood.
 */
public final class TarScanner implements Scanner {
  private static final int BLOCK = 512;

  /**
   * Pax and GNU long-name headers are read whole into memory by the tar reader, so a hostile one
   * declaring gigabytes would exhaust the heap; no real archive needs more than this.
   */
  static final long MAX_METADATA_BYTES = 1L << 20;

  private static final int MAX_METADATA_CHAIN = 16;

  /** How far past the end-of-archive marker non-zero bytes are looked for. */
  private static final int TRAILING_LOOK_BYTES = 1 << 20;

  @Override
  public String name() {
    return "tar";
  }

  @Override
  public String version() {
    return "1.1.0";
  }

  @Override
  public String description() {
    return "tar (v7, ustar, GNU, pax): members scanned recursively; path traversal, absolute paths, links out of the archive, device files, oversized headers and data hidden after the end marker.";
  }

  @Override
  public boolean supports(Probe probe) {
    if (probe.headLength() < BLOCK) {
      return false;
    }
    byte[] header = new byte[BLOCK];
    System.arraycopy(probe.head(), 0, header, 0, BLOCK);
    if (!checksumMatches(header)) {
      return false;
    }
    if (probe.startsWithAt(257, "ustar".getBytes(java.nio.charset.StandardCharsets.US_ASCII))) {
      return true;
    }
    // Old v7 tars have no magic: demand a name and a known type besides the checksum.
    int type = header[156];
    return header[0] != 0 && (type == 0 || (type >= '0' && type <= '7'));
  }

  @Override
  public void scan(Source source, ScanContext ctx) throws IOException {
    ctx.setFormat("tar");
    EntryFindings out = new EntryFindings(ctx);
    Map<String, Long> seen = new HashMap<>();
    CountingInputStream counted = new CountingInputStream(source.openStream());
    try (TarArchiveInputStream tar = new TarArchiveInputStream(counted)) {
      long nextHeader = 0;
      while (true) {
        ctx.checkDeadline();
        long headerAt = nextHeader;
        checkMetadataHeaders(source, headerAt);
        TarArchiveEntry e = next(tar, headerAt);
        if (e == null) {
          // Not counted.count(): the reader swallows the rest of its 10 KiB block after the
          // marker, and whatever hides there.
          checkTrailingData(source, headerAt + 2L * BLOCK, ctx, out);
          break;
        }
        ctx.countEntry();
        // The reader consumes exactly the headers, so the count is where the member's data starts.
        long dataAt = counted.count();
        long at = Math.max(headerAt, dataAt - BLOCK);
        String name = e.getName();
        out.checkName(name, at);
        Long previous = seen.putIfAbsent(EntryPaths.normalize(name), e.getSize());
        if (previous != null && !e.isDirectory()) {
          boolean differs = previous != e.getSize();
          out.report(
              "ARC-007",
              differs ? Severity.HIGH : Severity.MEDIUM,
              out.at(at, name),
              "Member name "
                  + name
                  + " appears more than once"
                  + (differs ? " with different sizes; extraction keeps only the last." : "."));
        }
        if (e.isSymbolicLink()) {
          out.symlink(name, e.getLinkName(), at);
        } else if (e.isLink()) {
          out.hardLink(name, e.getLinkName(), at);
        } else if (e.isCharacterDevice() || e.isBlockDevice() || e.isFIFO()) {
          out.report(
              "ARC-005",
              Severity.MEDIUM,
              out.at(at, name),
              "Member " + name + " is a " + kind(e) + ", not a regular file.");
        } else if (e.isFile() && !e.isDirectory()) {
          scanMember(source, tar, e, dataAt, ctx);
          if (!e.isSparse()) {
            // Scanned as a slice: the reader need not read the data to get past it.
            counted.passOver(e.getSize());
          }
        }
        // Sparse members were read to their end; the others' data is skipped by the reader.
        nextHeader = roundUp(e.isSparse() ? counted.count() : dataAt + e.getSize());
      }
    } finally {
      out.finish();
    }
  }

  private static TarArchiveEntry next(TarArchiveInputStream tar, long headerAt) throws IOException {
    try {
      return tar.getNextEntry();
    } catch (MalformedFileException e) {
      throw e;
    } catch (IOException | IllegalArgumentException e) {
      throw new MalformedFileException(
          "tar header near offset " + headerAt + " cannot be read: " + ZipScanner.describe(e),
          headerAt,
          e);
    }
  }

  private static void scanMember(
      Source source, TarArchiveInputStream tar, TarArchiveEntry e, long dataAt, ScanContext ctx)
      throws IOException {
    String name = e.getName();
    if (e.isSparse()) {
      // Sparse members are holes plus data runs; only the reader knows how to put them together.
      Source unpacked;
      try {
        unpacked = ctx.spool(name, tar, e.getSize());
      } catch (MalformedFileException ex) {
        throw ex;
      } catch (IOException ex) {
        throw new MalformedFileException(
            "sparse member " + name + " cannot be read: " + ZipScanner.describe(ex), dataAt, ex);
      }
      ctx.scanNested(name, unpacked);
      return;
    }
    long size = e.getSize();
    if (dataAt + size > source.size()) {
      throw new MalformedFileException(
          "member "
              + name
              + " declares "
              + size
              + " bytes but the archive ends "
              + (source.size() - dataAt)
              + " bytes into it",
          dataAt);
    }
    ctx.scanNested(name, source.slice(dataAt, size, ctx.path() + "!/" + name));
  }

  /**
   * Reports data after the end-of-archive marker and scans it: {@code tar --ignore-zeros} extracts
   * members hidden there, which a reader stopping at the marker never sees.
   */
  private static void checkTrailingData(Source source, long end, ScanContext ctx, EntryFindings out)
      throws IOException {
    long rest = source.size() - end;
    if (rest <= 0) {
      return;
    }
    byte[] look = source.readFully(end, (int) Math.min(rest, TRAILING_LOOK_BYTES));
    int firstData = 0;
    while (firstData < look.length && look[firstData] == 0) {
      firstData++;
    }
    if (firstData == look.length) {
      return; // zero padding, as tape block sizes produce
    }
    long at = end + (long) (firstData / BLOCK) * BLOCK;
    String name = "trailing-data@" + at;
    out.report(
        "ARC-016",
        Severity.MEDIUM,
        out.at(at, name),
        (source.size() - at)
            + " bytes follow the end-of-archive marker; they were scanned as "
            + name
            + ".",
        "");
    ctx.scanNested(name, source.slice(at, source.size() - at, ctx.path() + "!/" + name));
  }

  /**
   * Refuses oversized metadata headers (pax, GNU long names) starting at {@code position} before
   * the tar reader buffers them.
   */
  private static void checkMetadataHeaders(Source source, long position) throws IOException {
    long p = position;
    for (int i = 0; i < MAX_METADATA_CHAIN; i++) {
      if (p < 0 || p + BLOCK > source.size()) {
        return;
      }
      byte[] h = source.readFully(p, BLOCK);
      int type = h[156];
      if (type != 'L' && type != 'K' && type != 'x' && type != 'g' && type != 'X') {
        return;
      }
      long size = octal(h, 124, 12);
      if (size < 0 || size > MAX_METADATA_BYTES) {
        throw new MalformedFileException(
            String.format(
                "tar metadata header (type %c) at offset %d declares %s bytes; at most %d are read",
                (char) type, p, size < 0 ? "an unreadable number of" : size, MAX_METADATA_BYTES),
            p);
      }
      p += BLOCK + roundUp(size);
    }
    throw new MalformedFileException(
        "more than " + MAX_METADATA_CHAIN + " tar metadata headers in a row", p);
  }

  /** An octal header number, or -1 when it is not plain octal (base-256 means huge). */
  private static long octal(byte[] h, int offset, int len) {
    long v = 0;
    int i = offset;
    int end = offset + len;
    while (i < end && (h[i] == ' ' || h[i] == '0')) {
      i++;
    }
    for (; i < end && h[i] >= '0' && h[i] <= '7'; i++) {
      v = v * 8 + (h[i] - '0');
    }
    return i < end && h[i] != 0 && h[i] != ' ' ? -1 : v;
  }

  private static long roundUp(long n) {
    return (n + BLOCK - 1) / BLOCK * BLOCK;
  }

  /**
   * The header checksum: the octal number at 148 equals the byte sum with its own field read as
   * spaces (unsigned, or signed as some old tars computed it). Commons Compress's check throws on
   * non-octal bytes, which every non-tar file has, so this one only answers.
   */
  static boolean checksumMatches(byte[] header) {
    long stored = 0;
    int i = 148;
    while (i < 156 && header[i] == ' ') {
      i++;
    }
    int digits = 0;
    for (; i < 156 && header[i] >= '0' && header[i] <= '7'; i++) {
      stored = stored * 8 + (header[i] - '0');
      digits++;
    }
    if (digits == 0 || (i < 156 && header[i] != 0 && header[i] != ' ')) {
      return false;
    }
    long unsigned = 0;
    long signed = 0;
    for (int j = 0; j < BLOCK; j++) {
      byte b = (j >= 148 && j < 156) ? (byte) ' ' : header[j];
      unsigned += b & 0xff;
      signed += b;
    }
    return stored == unsigned || stored == signed;
  }

  private static String kind(TarArchiveEntry e) {
    if (e.isCharacterDevice()) {
      return "character device";
    }
    if (e.isBlockDevice()) {
      return "block device";
    }
    return "FIFO";
  }
}
