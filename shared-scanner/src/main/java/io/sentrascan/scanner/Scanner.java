package io.sentrascan.scanner;

import java.io.IOException;

/**
 * One file format's analysis. Implementations are stateless and thread-safe: one instance serves
 * concurrent scans. Register a new scanner with one line in {@link Scanners#defaults()}.
 */
public interface Scanner {
  /** Short stable name, for example {@code pickle}; written into every report. */
  String name();

  /** The version of this scanner's logic and rule data; bump it when results may change. */
  String version();

  /**
   * What the scanner recognises and what it checks, in a sentence or two, for the format table in
   * the README (generated from the registry by a test).
   */
  default String description() {
    return "";
  }

  /**
   * Whether this scanner handles the file, decided cheaply from its content (magic bytes and
   * structure in {@link Probe}); the file name is at most a hint.
   */
  boolean supports(Probe probe);

  /**
   * Scans the source and reports through the context. Throwing {@link MalformedFileException} or
   * {@link java.io.EOFException} records a malformed-file finding; what was reported before the
   * throw is kept.
   */
  void scan(Source source, ScanContext context) throws IOException;
}
