package io.sentrascan.scanner.container;

import io.sentrascan.scanner.LimitExceededException;
import io.sentrascan.scanner.MalformedFileException;
import io.sentrascan.scanner.Probe;
import io.sentrascan.scanner.ScanContext;
import io.sentrascan.scanner.Scanner;
import io.sentrascan.scanner.Severity;
import io.sentrascan.scanner.Source;
import io.sentrascan.scanner.SourceChannel;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.apache.commons.compress.PasswordRequiredException;
import org.apache.commons.compress.archivers.sevenz.SevenZArchiveEntry;
import org.apache.commons.compress.archivers.sevenz.SevenZFile;

/**
 * 7z archives, read through a channel over the source with the decoder and header memory capped.
 * Entries are read in archive order, so a solid block is decompressed once. Entry sizes inside a
 * solid block are not known compressed, so the ratio limit is measured against the whole archive,
 * which underestimates a bomb's ratio but never accuses honest data.
 */
public final class SevenZScanner implements Scanner {
  private static final byte[] MAGIC = {'7', 'z', (byte) 0xbc, (byte) 0xaf, 0x27, 0x1c};
  private static final int MAX_LINK_TARGET = 4096;

  /** 7-Zip sets this bit when the upper 16 attribute bits hold a Unix mode. */
  private static final int UNIX_EXTENSION = 0x8000;

  /** FILE_ATTRIBUTE_REPARSE_POINT: how 7-Zip on Windows stores a symbolic link or junction. */
  private static final int REPARSE_POINT = 0x400;

  @Override
  public String name() {
    return "7z";
  }

  @Override
  public String version() {
    return "1.0.0";
  }

  @Override
  public String description() {
    return "7z archives: entries scanned recursively within the limits; encrypted entries or headers, links and unsafe names reported.";
  }

  @Override
  public boolean supports(Probe probe) {
    return probe.startsWith(MAGIC);
  }

  @Override
  public void scan(Source source, ScanContext ctx) throws IOException {
    ctx.setFormat("7z");
    EntryFindings out = new EntryFindings(ctx);
    SevenZFile archive;
    try {
      archive =
          SevenZFile.builder()
              .setSeekableByteChannel(new SourceChannel(source))
              .setMaxMemoryLimitKiB(ZipIndex.MAX_DECODER_MEMORY_KIB)
              .setTryToRecoverBrokenArchives(false)
              .setUseDefaultNameForUnnamedEntries(true)
              .get();
    } catch (PasswordRequiredException e) {
      ctx.report(
          "ARC-006",
          Severity.HIGH,
          ctx.at(0),
          "The 7z archive's header is encrypted, so no entry can be listed or scanned.",
          "");
      return;
    } catch (org.apache.commons.compress.MemoryLimitException
        | org.tukaani.xz.MemoryLimitException e) {
      memoryLimit(ctx, e);
      return;
    } catch (LimitExceededException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      // Hostile headers make the parser throw unchecked exceptions too: both mean malformed.
      throw new MalformedFileException(
          "7z header cannot be read: " + ZipScanner.describe(e), -1, e);
    }
    try (archive) {
      readEntries(archive, source, ctx, out);
    } finally {
      out.finish();
    }
  }

  private static void readEntries(
      SevenZFile archive, Source source, ScanContext ctx, EntryFindings out) throws IOException {
    Map<String, Long> seen = new HashMap<>();
    while (true) {
      ctx.checkDeadline();
      SevenZArchiveEntry e;
      try {
        e = archive.getNextEntry();
      } catch (PasswordRequiredException ex) {
        out.report(
            "ARC-006",
            Severity.HIGH,
            ctx.at(-1),
            "The 7z archive is encrypted, so its entries cannot be scanned.");
        return;
      } catch (org.apache.commons.compress.MemoryLimitException
          | org.tukaani.xz.MemoryLimitException ex) {
        memoryLimit(ctx, ex);
        return;
      } catch (IOException ex) {
        throw new MalformedFileException(
            "7z entry cannot be read: " + ZipScanner.describe(ex), -1, ex);
      }
      if (e == null) {
        return;
      }
      ctx.countEntry();
      String name = e.getName();
      out.checkName(name, -1);
      Long previous = seen.putIfAbsent(EntryPaths.normalize(name), e.getSize());
      if (previous != null && !e.isDirectory()) {
        boolean differs = previous != e.getSize();
        out.report(
            "ARC-007",
            differs ? Severity.HIGH : Severity.MEDIUM,
            out.at(-1, name),
            "Entry name "
                + name
                + " appears more than once"
                + (differs ? " with different sizes." : "."));
      }
      if (e.isDirectory() || e.isAntiItem() || !e.hasStream()) {
        continue;
      }
      if (ZipScanner.declaresBomb(e.getSize(), source.size(), ctx.limits())) {
        out.report(
            "ARC-011",
            Severity.HIGH,
            out.at(-1, name),
            String.format(
                "Entry %s declares %d bytes in a %d-byte archive (ratio over %.0f:1); it and the"
                    + " entries after it were not unpacked.",
                name, e.getSize(), source.size(), ctx.limits().maxCompressionRatio()));
        return;
      }
      InputStream in = new EntryStream(archive);
      try {
        if (isSymlink(e)) {
          byte[] target = in.readNBytes(MAX_LINK_TARGET);
          out.symlink(name, new String(target, StandardCharsets.UTF_8), -1);
          continue;
        }
        Source unpacked = ctx.spool(name, in, source.size());
        if (unpacked.size() != e.getSize()) {
          out.report(
              "ARC-008",
              unpacked.size() > e.getSize() ? Severity.HIGH : Severity.MEDIUM,
              out.at(-1, name),
              "Entry "
                  + name
                  + " declares "
                  + e.getSize()
                  + " bytes but holds "
                  + unpacked.size()
                  + ".");
        }
        ctx.scanNested(name, unpacked);
      } catch (PasswordRequiredException ex) {
        out.report(
            "ARC-006",
            Severity.HIGH,
            out.at(-1, name),
            "Entry " + name + " is encrypted, so it and the entries after it cannot be scanned.");
        return;
      } catch (org.apache.commons.compress.MemoryLimitException
          | org.tukaani.xz.MemoryLimitException ex) {
        memoryLimit(ctx, ex);
        return;
      } catch (LimitExceededException ex) {
        throw ex;
      } catch (IOException ex) {
        throw new MalformedFileException(
            "7z entry " + name + " cannot be decompressed: " + ZipScanner.describe(ex), -1, ex);
      }
    }
  }

  private static boolean isSymlink(SevenZArchiveEntry e) {
    if (!e.getHasWindowsAttributes()) {
      return false;
    }
    int attributes = e.getWindowsAttributes();
    boolean unixLink =
        (attributes & UNIX_EXTENSION) != 0 && ((attributes >>> 16) & 0170000) == 0120000;
    return unixLink || (attributes & REPARSE_POINT) != 0;
  }

  private static void memoryLimit(ScanContext ctx, IOException e) {
    ctx.report(
        "ARC-015",
        Severity.HIGH,
        ctx.at(-1),
        "The 7z archive needs more decoder memory than allowed: " + e.getMessage(),
        "");
  }

  /** The current entry of a {@link SevenZFile} as a stream, without closing the archive. */
  private static final class EntryStream extends InputStream {
    private final SevenZFile archive;

    EntryStream(SevenZFile archive) {
      this.archive = archive;
    }

    @Override
    public int read() throws IOException {
      return archive.read();
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      return archive.read(b, off, len);
    }
  }
}
