package io.sentrascan.functions.largemodel;

import io.sentrascan.events.PlanChunk.ByteRange;
import io.sentrascan.functions.scan.S3RangeSource;
import io.sentrascan.scanner.Probe;
import io.sentrascan.scanner.Scanner;
import io.sentrascan.scanner.container.ZipIndex;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Looks at a big file before it is scanned, with a few ranged reads (the first 64 KiB, and for a
 * zip its central directory): which scanner its content selects, and where the bytes that scanner
 * reads are. Cheap formats only: a zip (PyTorch, Keras, NeMo…) is its central directory plus its
 * pickles; SafeTensors is its JSON header; anything else is the whole file, read as its scanner
 * asks. The hint is informative: the structure chunk runs the real scanner either way.
 */
final class StructureProbe {
  /** More hinted ranges than this and the hint is the whole file. */
  static final int MAX_RANGES = 32;

  private final S3Client s3;
  private final List<Scanner> scanners;

  StructureProbe(S3Client s3, List<Scanner> scanners) {
    this.s3 = s3;
    this.scanners = List.copyOf(scanners);
  }

  StructureHint probe(ByteRange object) {
    S3RangeSource source = ChunkScanner.source(s3, object);
    Probe probe;
    try {
      probe = Probe.of(source);
    } catch (IOException e) {
      if (S3Failures.isTransient(e)) {
        throw new TransientScanError("probe of " + object.uri() + " failed: " + e.getMessage(), e);
      }
      return StructureHint.unknown(object.size());
    }
    String format = null;
    for (Scanner s : scanners) {
      try {
        if (s.supports(probe)) {
          format = s.name();
          break;
        }
      } catch (RuntimeException e) {
        // A probe defect on hostile input is the structure chunk's to report, not the plan's.
        break;
      }
    }
    List<long[]> ranges = new ArrayList<>();
    long head = Math.min(object.size(), Probe.HEAD_BYTES);
    ranges.add(new long[] {0, head});
    Optional<ZipIndex> zip = probe.zip();
    if (zip.isPresent() && !zip.get().entries().isEmpty()) {
      long central = Long.MAX_VALUE;
      for (ZipIndex.Entry e : zip.get().entries()) {
        central = Math.min(central, e.centralOffset());
        String name = e.name().toLowerCase(Locale.ROOT);
        if (name.endsWith(".pkl") || name.endsWith(".json")) {
          // The pickles and configs the scanners parse (tensor storages are never read): local
          // header (30 bytes + name + extra, at most 128 KiB more) and the entry's data.
          long start = e.localHeaderOffset();
          long end = Math.min(object.size(), start + 30 + 65_535 + 65_535 + e.compressedSize());
          if (start >= 0 && start < end) {
            ranges.add(new long[] {start, end});
          }
        }
      }
      if (central >= 0 && central < object.size()) {
        ranges.add(new long[] {central, object.size()});
      }
    } else if ("safetensors".equals(format) && object.size() >= 8) {
      long headerLength =
          ByteBuffer.wrap(probe.head(), 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
      if (headerLength >= 0 && headerLength <= object.size() - 8) {
        ranges.set(0, new long[] {0, 8 + headerLength});
      }
    } else {
      return new StructureHint(format, List.of(new long[] {0, object.size()}));
    }
    List<long[]> merged = merge(ranges);
    if (merged.size() > MAX_RANGES) {
      return new StructureHint(format, List.of(new long[] {0, object.size()}));
    }
    return new StructureHint(format, merged);
  }

  /** Sorted, overlapping and touching ranges joined. */
  static List<long[]> merge(List<long[]> ranges) {
    List<long[]> sorted = new ArrayList<>(ranges);
    sorted.sort((a, b) -> Long.compare(a[0], b[0]));
    List<long[]> out = new ArrayList<>();
    for (long[] r : sorted) {
      if (!out.isEmpty() && r[0] <= out.get(out.size() - 1)[1]) {
        long[] last = out.get(out.size() - 1);
        last[1] = Math.max(last[1], r[1]);
      } else {
        out.add(new long[] {r[0], r[1]});
      }
    }
    return out;
  }
}
