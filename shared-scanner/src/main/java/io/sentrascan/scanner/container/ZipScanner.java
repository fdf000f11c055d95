package io.sentrascan.scanner.container;

import io.sentrascan.scanner.LimitExceededException;
import io.sentrascan.scanner.Limits;
import io.sentrascan.scanner.MalformedFileException;
import io.sentrascan.scanner.Probe;
import io.sentrascan.scanner.ScanContext;
import io.sentrascan.scanner.Scanner;
import io.sentrascan.scanner.Severity;
import io.sentrascan.scanner.Source;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.CheckedInputStream;

/**
 * Generic zip: checks every entry's name and structure, then scans every file entry through the
 * engine. Registered after the format-specific zip scanners (PyTorch, npz), which accept their own
 * zips first.
 *
 * <p>Stored entries are scanned as zero-copy slices of the archive; compressed ones are spooled
 * through {@link ScanContext#spool}, which enforces the total-bytes and ratio limits.
 */
public final class ZipScanner implements Scanner {
  /** Bytes of a symbolic link entry read to learn its target. */
  private static final int MAX_LINK_TARGET = 4096;

  @Override
  public String name() {
    return "zip";
  }

  @Override
  public String version() {
    return "1.0.0";
  }

  @Override
  public String description() {
    return "Any other zip (also with data in front): entries scanned recursively; zip-slip, absolute paths, links, encrypted, duplicate and overlapping entries, lying sizes and CRCs, bombs by declared and actual ratio.";
  }

  @Override
  public boolean supports(Probe probe) {
    // A zip cut before its directory still starts with a local header: it is a (broken) zip.
    return probe.startsWith((byte) 'P', (byte) 'K', (byte) 3, (byte) 4)
        || probe.startsWith((byte) 'P', (byte) 'K', (byte) 5, (byte) 6)
        || probe.zip().isPresent();
  }

  @Override
  public void scan(Source source, ScanContext ctx) throws IOException {
    ctx.setFormat("zip");
    ZipIndex index = ZipIndex.read(source);
    EntryFindings out = new EntryFindings(ctx);
    try {
      checkPrefix(source, index, ctx);
      if (index.truncated()) {
        ctx.report(
            "CORE-004",
            ctx.at(-1),
            "The central directory lists more entries than the scanner indexes (declared "
                + index.declaredEntries()
                + "); only the first "
                + index.entries().size()
                + " were checked.",
            "");
      }
      List<Planned> planned = plan(source, index, ctx, out);
      markOverlaps(planned, out);
      for (Planned p : planned) {
        ctx.checkDeadline();
        if (!p.overlapping) {
          scanEntry(source, p, ctx, out);
        }
      }
    } finally {
      out.finish();
    }
  }

  /** An entry that passed the structural checks, with where its data lies. */
  private static final class Planned {
    final ZipIndex.Entry entry;
    final long dataOffset;
    boolean overlapping;

    Planned(ZipIndex.Entry entry, long dataOffset) {
      this.entry = entry;
      this.dataOffset = dataOffset;
    }

    long end() {
      return dataOffset + entry.compressedSize();
    }
  }

  /** Checks names, duplicates and local headers of every entry; returns the file entries. */
  private static List<Planned> plan(
      Source source, ZipIndex index, ScanContext ctx, EntryFindings out) throws IOException {
    Map<String, ZipIndex.Entry> seen = new HashMap<>();
    List<Planned> planned = new ArrayList<>();
    for (ZipIndex.Entry e : index.entries()) {
      ctx.countEntry();
      ctx.checkDeadline();
      String name = e.name();
      out.checkName(name, e.centralOffset());
      ZipIndex.Entry previous = seen.putIfAbsent(EntryPaths.normalize(name), e);
      if (previous != null) {
        boolean differs = previous.crc() != e.crc() || previous.size() != e.size();
        out.report(
            "ARC-007",
            differs ? Severity.HIGH : Severity.MEDIUM,
            out.at(e.centralOffset(), name),
            "Entry name "
                + name
                + " appears more than once"
                + (differs
                    ? " with different contents; tools disagree on which one is used."
                    : "."));
      }
      ZipIndex.LocalHeader local;
      try {
        local = ZipIndex.localHeader(source, e);
      } catch (MalformedFileException ex) {
        ctx.report("CORE-001", out.at(ex.offset(), name), ex.getMessage(), "");
        continue;
      } catch (java.io.EOFException ex) {
        ctx.report(
            "CORE-001",
            out.at(e.localHeaderOffset(), name),
            "The local header of entry " + name + " runs past the end of the file.",
            "");
        continue;
      }
      if (!local.name().equals(name) || local.method() != e.method()) {
        String what =
            !local.name().equals(name)
                ? "is called " + local.name() + " in its local header"
                : "has method "
                    + local.method()
                    + " in its local header but "
                    + e.method()
                    + " in the central directory";
        out.report(
            "ARC-014",
            Severity.MEDIUM,
            out.at(e.localHeaderOffset(), name),
            "Entry " + name + " " + what + "; extractors disagree on what it is.",
            local.name());
        if (!local.name().equals(name)) {
          out.checkName(local.name(), e.localHeaderOffset());
        }
      }
      // An empty deflate stream is 2 bytes; a directory entry with more data hides content that
      // extractors drop, so it is scanned like a file.
      if (e.isDirectory() && e.size() == 0 && e.compressedSize() <= 2) {
        continue;
      }
      Planned p = new Planned(e, local.dataOffset());
      if (p.end() > source.size() || p.end() < p.dataOffset) {
        ctx.report(
            "CORE-001",
            out.at(e.centralOffset(), name),
            "Entry "
                + name
                + " declares "
                + e.compressedSize()
                + " bytes of data, more than the file holds.",
            "");
        continue;
      }
      planned.add(p);
    }
    return planned;
  }

  /**
   * Marks entries whose data overlaps another's: several records sharing one compressed kernel is
   * how non-recursive zip bombs multiply their output.
   */
  private static void markOverlaps(List<Planned> planned, EntryFindings out) {
    List<Planned> byOffset = new ArrayList<>(planned);
    byOffset.sort(
        Comparator.comparingLong((Planned p) -> p.entry.localHeaderOffset())
            .thenComparingLong(p -> p.entry.centralOffset()));
    Planned reach = null;
    for (Planned p : byOffset) {
      if (reach != null && p.entry.localHeaderOffset() < reach.end()) {
        p.overlapping = true;
        reach.overlapping = true;
        out.report(
            "ARC-010",
            Severity.HIGH,
            out.at(p.entry.localHeaderOffset(), p.entry.name()),
            "Entry "
                + p.entry.name()
                + " starts inside the data of entry "
                + reach.entry.name()
                + "; overlapping entries were not unpacked.",
            p.entry.name());
      }
      if (reach == null || p.end() > reach.end()) {
        reach = p;
      }
    }
  }

  private static void scanEntry(Source source, Planned p, ScanContext ctx, EntryFindings out)
      throws IOException {
    ZipIndex.Entry e = p.entry;
    String name = e.name();
    if (e.isEncrypted()) {
      out.report(
          "ARC-006",
          Severity.HIGH,
          out.at(e.centralOffset(), name),
          "Entry " + name + " is encrypted, so its content cannot be scanned.");
      return;
    }
    if (!ZipIndex.isSupportedMethod(e.method())) {
      out.report(
          "ARC-012",
          Severity.MEDIUM,
          out.at(e.centralOffset(), name),
          "Entry " + name + " uses compression method " + e.method() + "; it was not scanned.");
      ctx.error("entry " + name + " not scanned: unsupported compression method " + e.method());
      return;
    }
    if (e.isSymlink()) {
      out.symlink(name, linkTarget(source, e), e.centralOffset());
      return;
    }
    Limits limits = ctx.limits();
    if (declaresBomb(e.size(), e.compressedSize(), limits)) {
      out.report(
          "ARC-011",
          Severity.HIGH,
          out.at(e.centralOffset(), name),
          String.format(
              "Entry %s declares %d bytes from %d compressed (ratio over %.0f:1); it was not"
                  + " unpacked.",
              name, e.size(), e.compressedSize(), limits.maxCompressionRatio()));
      return;
    }
    if (e.method() == 0) {
      if (e.size() != e.compressedSize()) {
        sizeMismatch(e, e.compressedSize(), out);
      }
      ctx.scanNested(
          name, source.slice(p.dataOffset, e.compressedSize(), ctx.path() + "!/" + name));
      return;
    }
    Source unpacked;
    CRC32 crc = new CRC32();
    try (InputStream in = new CheckedInputStream(ZipIndex.open(source, e), crc)) {
      unpacked = ctx.spool(name, in, e.compressedSize());
    } catch (LimitExceededException ex) {
      throw ex;
    } catch (org.apache.commons.compress.MemoryLimitException
        | org.tukaani.xz.MemoryLimitException ex) {
      out.report(
          "ARC-015",
          Severity.HIGH,
          out.at(e.centralOffset(), name),
          "Entry " + name + " needs more decoder memory than allowed: " + ex.getMessage());
      return;
    } catch (IOException ex) {
      ctx.report(
          "CORE-001",
          out.at(e.centralOffset(), name),
          "Entry " + name + " cannot be decompressed: " + describe(ex),
          "");
      return;
    }
    if (unpacked.size() != e.size()) {
      sizeMismatch(e, unpacked.size(), out);
    } else if (crc.getValue() != e.crc()) {
      out.report(
          "ARC-008",
          Severity.MEDIUM,
          out.at(e.centralOffset(), name),
          String.format(
              "Entry %s has CRC-32 %08x but declares %08x.", name, crc.getValue(), e.crc()));
    }
    ctx.scanNested(name, unpacked);
  }

  /** True when declared sizes alone show an entry expanding past the ratio limit. */
  static boolean declaresBomb(long size, long compressedSize, Limits limits) {
    if (size <= limits.ratioGraceBytes()) {
      return false;
    }
    return compressedSize <= 0 || (double) size / compressedSize > limits.maxCompressionRatio();
  }

  private static void sizeMismatch(ZipIndex.Entry e, long actual, EntryFindings out) {
    boolean larger = actual > e.size();
    out.report(
        "ARC-008",
        larger ? Severity.HIGH : Severity.MEDIUM,
        out.at(e.centralOffset(), e.name()),
        "Entry "
            + e.name()
            + " declares "
            + e.size()
            + " bytes uncompressed but holds "
            + actual
            + (larger ? "; a size that lies low defeats extractors' size checks." : "."));
  }

  private static String linkTarget(Source source, ZipIndex.Entry e) throws IOException {
    try (InputStream in = ZipIndex.open(source, e)) {
      byte[] target = in.readNBytes(MAX_LINK_TARGET);
      return new String(target, StandardCharsets.UTF_8);
    } catch (LimitExceededException ex) {
      throw ex;
    } catch (IOException ex) {
      return "(unreadable target: " + describe(ex) + ")";
    }
  }

  private static void checkPrefix(Source source, ZipIndex index, ScanContext ctx)
      throws IOException {
    // A concatenated stub shifts the directory's offsets (prefixBytes); a stub added with zip -A
    // has adjusted offsets, and shows as a first entry that does not start at 0.
    long prefix = index.prefixBytes();
    if (!index.entries().isEmpty()) {
      long first = source.size();
      for (ZipIndex.Entry e : index.entries()) {
        first = Math.min(first, Math.max(0, e.localHeaderOffset()));
      }
      prefix = Math.max(prefix, first);
    }
    if (prefix <= 0) {
      return;
    }
    byte[] head = source.readFully(0, (int) Math.min(prefix, 4));
    String kind = ExecutableMagic.describe(head);
    if (kind != null) {
      ctx.report(
          "ARC-009",
          Severity.HIGH,
          ctx.at(0),
          "The zip is preceded by " + prefix + " bytes of " + kind + ": this file is a program.",
          kind);
    } else {
      ctx.report(
          "ARC-009",
          Severity.LOW,
          ctx.at(0),
          "The zip is preceded by " + prefix + " bytes of other data.",
          "");
    }
  }

  static String describe(Throwable e) {
    String msg = e.getMessage();
    return e.getClass().getSimpleName() + (msg == null ? "" : ": " + msg);
  }
}
