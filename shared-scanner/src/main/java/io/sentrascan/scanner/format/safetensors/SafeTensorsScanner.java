package io.sentrascan.scanner.format.safetensors;

import io.sentrascan.scanner.CappedReporter;
import io.sentrascan.scanner.Probe;
import io.sentrascan.scanner.ScanContext;
import io.sentrascan.scanner.Scanner;
import io.sentrascan.scanner.Source;
import io.sentrascan.scanner.format.safetensors.SafeTensorsHeader.Entry;
import io.sentrascan.scanner.pickle.PickleAnalyzer;
import io.sentrascan.scanner.pickle.PickleSession;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * SafeTensors weights: an 8-byte little-endian header length, a JSON header describing every
 * tensor, then the raw tensor bytes. Only the header is read; the layout it declares is checked
 * against the file (sizes, bounds, overlaps, gaps, trailing bytes). Bytes after the last tensor are
 * searched for hidden pickles. A clean file has no findings: it is the safe format.
 */
public final class SafeTensorsScanner implements Scanner {
  private final PickleAnalyzer analyzer = PickleAnalyzer.defaults();

  @Override
  public String name() {
    return "safetensors";
  }

  @Override
  public String version() {
    return "1.0.0+" + analyzer.listVersions();
  }

  @Override
  public String description() {
    return "SafeTensors (8-byte header length, then a JSON header): header length bounds, JSON validity, dtypes, shape × dtype against offsets, overlaps, gaps, duplicates, metadata types and content, trailing bytes (searched for pickles); tensor data never read.";
  }

  @Override
  public boolean supports(Probe probe) {
    if (probe.headLength() < 10 || probe.byteAt(8) != '{') {
      return false;
    }
    long length = headerLength(probe.head());
    if (length < 2 || length >= 1L << 40) {
      return false;
    }
    // The first key of the object (or its end): what a JSON writer puts after '{'.
    for (int i = 9; i < probe.headLength(); i++) {
      int c = probe.byteAt(i);
      if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
        return c == '"' || c == '}';
      }
    }
    return true;
  }

  static long headerLength(byte[] head) {
    long v = 0;
    for (int i = 7; i >= 0; i--) {
      v = (v << 8) | (head[i] & 0xff);
    }
    return v;
  }

  @Override
  public void scan(Source source, ScanContext context) throws IOException {
    context.setFormat("safetensors");
    CappedReporter out = new CappedReporter(context, "ST-013");
    try {
      long length = headerLength(source.readFully(0, 8));
      long dataStart = 8 + length;
      if (length > SafeTensorsHeader.MAX_HEADER_BYTES || length > source.size() - 8) {
        out.report(
            "ST-001",
            context.at(0),
            "The header length is "
                + Long.toUnsignedString(length)
                + " bytes but the file has "
                + (source.size() - 8)
                + " after the length field"
                + (length > SafeTensorsHeader.MAX_HEADER_BYTES ? " (limit 100 MB)" : "")
                + ".",
            "header length " + Long.toUnsignedString(length));
        return;
      }
      List<Entry> entries = SafeTensorsHeader.parse(source, 8, length, context, out);
      long dataSize = source.size() - dataStart;
      long covered = checkLayout(entries, dataStart, dataSize, context, out);
      if (covered < dataSize) {
        long from = dataStart + covered;
        out.report(
            "ST-012",
            context.at(from),
            (dataSize - covered)
                + " bytes follow the last tensor, which ends at offset "
                + from
                + " of "
                + source.size()
                + ".",
            "data ends at offset " + from);
        try (PickleSession session = analyzer.session(context, 0, null)) {
          session.searchHidden(source, from);
        }
      }
    } finally {
      out.finish();
    }
  }

  /**
   * Checks each tensor's size and bounds, then walks the tensors in offset order for overlaps and
   * gaps.
   *
   * @return how many bytes of the data section, from its start, the tensors cover contiguously or
   *     with gaps (the end of the furthest tensor within the file)
   */
  private static long checkLayout(
      List<Entry> entries, long dataStart, long dataSize, ScanContext context, CappedReporter out) {
    List<Entry> inBounds = new ArrayList<>();
    for (Entry e : entries) {
      if (e.begin() > e.end() || e.end() > dataSize) {
        out.report(
            "ST-005",
            context.at(e.headerOffset(), e.name()),
            "Tensor \""
                + e.name()
                + "\" has data_offsets ["
                + e.begin()
                + ", "
                + e.end()
                + "] but the data section is "
                + dataSize
                + " bytes.",
            "data_offsets [" + e.begin() + ", " + e.end() + "]");
        continue;
      }
      inBounds.add(e);
      if (e.bits() == 0) {
        continue; // unknown dtype, already reported
      }
      long span = e.end() - e.begin();
      String problem = sizeProblem(e, span);
      if (problem != null) {
        out.report(
            "ST-004",
            context.at(e.headerOffset(), e.name()),
            "Tensor \"" + e.name() + "\" " + problem,
            e.dtype() + " x " + (e.elementsOverflow() ? "overflow" : e.elements()) + " elements");
      }
    }
    inBounds.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
    long reach = 0;
    Entry reachedBy = null;
    for (Entry e : inBounds) {
      if (e.begin() == e.end()) {
        continue; // an empty tensor occupies no bytes
      }
      if (e.begin() < reach && reachedBy != null) {
        out.report(
            "ST-006",
            context.at(dataStart + e.begin(), e.name()),
            "Tensor \""
                + e.name()
                + "\" ["
                + e.begin()
                + ", "
                + e.end()
                + ") overlaps \""
                + reachedBy.name()
                + "\", which reaches "
                + reach
                + ".",
            reachedBy.name() + " / " + e.name());
      } else if (e.begin() > reach) {
        out.report(
            "ST-007",
            context.at(dataStart + reach, e.name()),
            (e.begin() - reach)
                + " bytes of the data section before tensor \""
                + e.name()
                + "\" belong to no tensor.",
            "gap [" + reach + ", " + e.begin() + ")");
      }
      if (e.end() > reach) {
        reach = e.end();
        reachedBy = e;
      }
    }
    return reach;
  }

  private static @Nullable String sizeProblem(Entry e, long span) {
    if (e.elementsOverflow()) {
      return "declares a shape whose element count overflows 64 bits.";
    }
    long bits;
    try {
      bits = Math.multiplyExact(e.elements(), (long) e.bits());
    } catch (ArithmeticException x) {
      return "declares " + e.elements() + " elements of " + e.dtype() + ", more than 2^63 bits.";
    }
    if (bits % 8 != 0 || bits / 8 != span) {
      return "declares "
          + e.elements()
          + " elements of "
          + e.dtype()
          + " ("
          + (bits % 8 == 0 ? (bits / 8) + " bytes" : bits + " bits")
          + ") but its data_offsets span "
          + span
          + " bytes.";
    }
    return null;
  }
}
