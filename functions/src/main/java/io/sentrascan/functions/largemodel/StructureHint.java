package io.sentrascan.functions.largemodel;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * What the planner learned about a big file before any chunk runs: the scanner its content selects,
 * and the byte ranges that scanner is expected to read ({@code [start, end)} pairs).
 */
record StructureHint(@Nullable String format, List<long[]> ranges) {
  StructureHint {
    ranges = List.copyOf(ranges);
  }

  /** Nothing known: the structure chunk reads what its scanner asks for. */
  static StructureHint unknown(long size) {
    return new StructureHint(null, List.of(new long[] {0, size}));
  }
}
