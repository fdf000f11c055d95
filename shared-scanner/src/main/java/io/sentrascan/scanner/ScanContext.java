package io.sentrascan.scanner;

import io.sentrascan.scanner.rules.RuleCatalog;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * What a {@link Scanner} reports into while it scans one file, and how it reaches the engine for
 * nested content. One context per file; not shared between threads.
 */
public final class ScanContext {
  private final ScanEngine engine;
  private final ScanEngine.Budget budget;
  private final String path;
  private final int depth;
  private final List<Finding> findings = new ArrayList<>();
  private final List<String> errors = new ArrayList<>();
  private final SortedMap<String, SortedSet<String>> properties = new TreeMap<>();
  private final List<Path> tempFiles = new ArrayList<>();
  private final List<Sources.FileSource> openFiles = new ArrayList<>();
  private @Nullable String format;

  ScanContext(ScanEngine engine, ScanEngine.Budget budget, String path, int depth) {
    this.engine = engine;
    this.budget = budget;
    this.path = path;
    this.depth = depth;
  }

  /** Display path of the file being scanned. */
  public String path() {
    return path;
  }

  /** 0 for a top-level file. */
  public int depth() {
    return depth;
  }

  public Limits limits() {
    return engine.limits();
  }

  /** A location in this file at {@code offset} (or -1). */
  public Location at(long offset) {
    return new Location(path, offset, null);
  }

  /** A location in this file at {@code offset}, with a format-specific pointer. */
  public Location at(long offset, @Nullable String context) {
    return new Location(path, offset, context);
  }

  public Rule rule(String ruleId) {
    return RuleCatalog.defaults().rule(ruleId);
  }

  public void report(Finding finding) {
    findings.add(finding);
  }

  /** Reports a finding of the rule at its default severity. */
  public void report(String ruleId, Location location, String description, String evidence) {
    findings.add(rule(ruleId).finding(location, description, evidence));
  }

  /** Reports a finding of the rule at a severity the scanner chose. */
  public void report(
      String ruleId, Severity severity, Location location, String description, String evidence) {
    findings.add(rule(ruleId).finding(severity, location, description, evidence));
  }

  /** Findings reported so far, for scanners that decide on what they already saw. */
  public List<Finding> findings() {
    return List.copyOf(findings);
  }

  /** Records a fact about this file for reports and the SBOM, for example an import. */
  public void addProperty(String key, String value) {
    properties.computeIfAbsent(key, k -> new TreeSet<>()).add(value);
  }

  /**
   * Names the detected format more precisely than the scanner name (for example {@code joblib}).
   */
  public void setFormat(String format) {
    this.format = format;
  }

  /** Records a problem that kept part of the file from being scanned. */
  public void error(String message) {
    errors.add(message);
  }

  /** Throws {@link LimitExceededException} when this file's time is up. */
  public void checkDeadline() {
    budget.checkDeadline();
  }

  /**
   * Counts one container entry against the entry limit.
   *
   * @throws LimitExceededException when the limit is passed
   */
  public void countEntry() {
    budget.countEntry();
  }

  /**
   * Scans content nested in this file (an archive entry, a decompressed stream) through the whole
   * engine: detection, the right scanner, deeper nesting. Its results appear as their own file,
   * {@code path() + "!/" + entryName}.
   */
  public void scanNested(String entryName, Source nested) {
    engine.scanNested(this, budget, entryName, nested);
  }

  /**
   * Copies a decompressing stream into a source that can be read by position, counting bytes
   * against the total-bytes limit and the compression-ratio limit as they come. Small entries stay
   * in memory; larger ones go to a temporary file deleted when this file's scan ends.
   *
   * @param compressedSize bytes the entry occupies compressed, or -1 when unknown
   * @throws LimitExceededException on a decompression bomb or when the total is reached
   */
  public Source spool(String entryName, InputStream in, long compressedSize) throws IOException {
    String display = path + "!/" + entryName;
    Limits limits = engine.limits();
    byte[] chunk = new byte[65536];
    java.io.ByteArrayOutputStream memory = new java.io.ByteArrayOutputStream();
    OutputStream out = memory;
    Path temp = null;
    long total = 0;
    try {
      int n;
      while ((n = in.read(chunk)) > 0) {
        total += n;
        budget.addBytes(n);
        if (compressedSize > 0
            && total > limits.ratioGraceBytes()
            && (double) total / compressedSize > limits.maxCompressionRatio()) {
          throw new LimitExceededException(
              "CORE-005",
              String.format(
                  "%s expands from %d to more than %d bytes (ratio over %.0f:1)",
                  entryName, compressedSize, total, limits.maxCompressionRatio()));
        }
        if (temp == null && total > limits.maxSpoolInMemory()) {
          temp = Files.createTempFile("sentrascan-", ".spool");
          tempFiles.add(temp);
          out = Files.newOutputStream(temp);
          memory.writeTo(out);
          memory = null;
        }
        out.write(chunk, 0, n);
      }
    } finally {
      if (temp != null) {
        out.close();
      }
    }
    if (temp == null) {
      return Sources.bytes(memory.toByteArray(), display);
    }
    Sources.FileSource file = Sources.file(temp, display);
    openFiles.add(file);
    return file;
  }

  FileResult toResult(
      Source source,
      @Nullable Scanner scanner,
      SortedMap<String, String> digests,
      @Nullable String skipped) {
    String fmt = format != null ? format : scanner != null ? scanner.name() : "unknown";
    return new FileResult(
        path,
        fmt,
        scanner == null ? null : scanner.name(),
        depth,
        source.size(),
        digests,
        List.copyOf(findings),
        List.copyOf(errors),
        skipped,
        copy(properties));
  }

  void cleanup() {
    for (Sources.FileSource file : openFiles) {
      file.close();
    }
    for (Path p : tempFiles) {
      try {
        Files.deleteIfExists(p);
      } catch (IOException e) {
        // Best effort: the OS temp cleaner removes it; nothing in it is secret beyond the input.
        errors.add("could not delete temporary file " + p.getFileName());
      }
    }
  }

  private static SortedMap<String, SortedSet<String>> copy(
      SortedMap<String, SortedSet<String>> props) {
    SortedMap<String, SortedSet<String>> out = new TreeMap<>();
    props.forEach(
        (k, v) -> out.put(k, java.util.Collections.unmodifiableSortedSet(new TreeSet<>(v))));
    return java.util.Collections.unmodifiableSortedMap(out);
  }
}
