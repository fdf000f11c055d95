package io.sentrascan.scanner.pickle;

import io.sentrascan.scanner.Location;
import io.sentrascan.scanner.MalformedFileException;
import io.sentrascan.scanner.ScanContext;
import io.sentrascan.scanner.Severity;
import io.sentrascan.scanner.Source;
import io.sentrascan.scanner.text.EmbeddedStrings;
import io.sentrascan.scanner.text.TextFindings;
import java.io.EOFException;
import java.io.IOException;
import java.util.OptionalInt;
import org.jspecify.annotations.Nullable;

/**
 * The analysis of the pickle streams of one file or archive entry. Streams are analysed as they are
 * asked for; {@link #close()} reports every import and problem seen, so that a stream that breaks
 * half-way still reports the dangerous imports before the break.
 */
public final class PickleSession implements AutoCloseable {
  /** Streams analysed per file at most. */
  static final int MAX_STREAMS = 10_000;

  /** Opcodes a candidate found in raw bytes may run without importing anything. */
  static final long SPECULATIVE_OPS = 1 << 16;

  private static final int WINDOW = 64 * 1024;
  private static final int OVERLAP = 600;

  /**
   * Where one stream ended.
   *
   * @param start offset of its first opcode
   * @param end offset just after its STOP, or where the analysis stopped
   * @param complete true when it reached STOP cleanly
   */
  public record StreamResult(long start, long end, boolean complete) {}

  private final ImportPolicy policy;
  private final TextFindings text;
  private final ScanContext ctx;
  private final long baseOffset;
  private final @Nullable String entry;
  private final PickleLedger ledger;
  private final long maxBytes;
  private int streams;
  private boolean extraStreamReported;
  private boolean closed;

  PickleSession(
      ImportPolicy policy,
      TextFindings text,
      ScanContext ctx,
      long baseOffset,
      @Nullable String entry) {
    this.policy = policy;
    this.text = text;
    this.ctx = ctx;
    this.baseOffset = baseOffset;
    this.entry = entry;
    this.ledger = new PickleLedger(policy, ctx::checkDeadline);
    this.maxBytes = ctx.limits().maxPickleBytes();
  }

  /** Analyses the stream starting at {@code start}; problems are recorded, never thrown. */
  public StreamResult analyzeStream(Source source, long start) throws IOException {
    ledger.stream = ++streams;
    return run(ledger, source, start, maxBytes);
  }

  /**
   * Analyses every stream from {@code start}: the first one, streams that follow it, and pickles
   * hidden after other bytes, within {@link io.sentrascan.scanner.Limits#maxPickleBytes()}.
   */
  public void analyzeAll(Source source, long start) throws IOException {
    if (PickleAnalyzer.startsLikePickle(source, start)) {
      StreamResult first = analyzeStream(source, start);
      searchFollowing(source, first.complete() ? first.end() : Math.max(first.end(), start + 1));
    } else {
      searchFollowing(source, start);
    }
  }

  /**
   * Looks for further pickle streams from {@code from} on: a stream right there is an additional
   * stream; one found after other bytes is a hidden stream. Raw bytes that merely look like a
   * pickle header but import nothing are ignored.
   */
  public void searchFollowing(Source source, long from) throws IOException {
    search(source, from, true);
  }

  /**
   * Looks for pickles hidden in raw bytes from {@code from} on (tensor data, array data): any
   * importing stream found there, even right at {@code from}, is a hidden stream.
   */
  public void searchHidden(Source source, long from) throws IOException {
    search(source, from, false);
  }

  private void search(Source source, long from, boolean adjacentStreams) throws IOException {
    long pos = from;
    long end = Math.min(source.size(), from + maxBytes);
    boolean adjacent = adjacentStreams;
    CandidateFinder finder = new CandidateFinder(source);
    while (pos < end && streams < MAX_STREAMS) {
      if (adjacent && PickleAnalyzer.startsLikePickle(source, pos)) {
        PickleLedger trial = speculative();
        StreamResult r = run(trial, source, pos, maxBytes);
        if (r.complete() || trial.hasPlausibleImports()) {
          streams++;
          reportExtraStream(pos);
          ledger.absorb(trial);
          pos = Math.max(r.end(), pos + 1);
          continue;
        }
      }
      adjacent = false;
      long found = finder.next(pos, end);
      if (found < 0) {
        return;
      }
      PickleLedger trial = speculative();
      StreamResult r = run(trial, source, found, maxBytes);
      if (trial.hasPlausibleImports() && (r.complete() || trial.hasDangerousImports())) {
        streams++;
        ledger.problem(
            "PKL-005",
            found,
            "A pickle stream starts at offset "
                + found
                + " after "
                + (found - from)
                + " bytes that are not pickle data; loaders that scan for it will run it.",
            "pickle stream at offset " + found);
        ledger.absorb(trial);
        pos = Math.max(r.end(), found + 1);
        adjacent = adjacentStreams && r.complete();
      } else {
        pos = found + 1;
      }
    }
    if (pos < source.size() && pos >= end && streams < MAX_STREAMS && end < source.size()) {
      ledger.problem(
          "PKL-007",
          Severity.LOW,
          end,
          "Bytes after offset "
              + end
              + " were not searched for hidden pickle streams (over the pickle byte limit).",
          "");
    }
  }

  /** True when a NumpyArrayWrapper (joblib) was seen. */
  public boolean joblib() {
    return ledger.joblib;
  }

  /** The first PROTO opcode's protocol, when any stream had one. */
  public OptionalInt protocol() {
    return ledger.protocol == null ? OptionalInt.empty() : OptionalInt.of(ledger.protocol);
  }

  /** True when some import comes from the module or one of its submodules. */
  public boolean importsFrom(String module) {
    for (ImportRecord r : ledger.imports()) {
      String m = policy.canonicalModule(r.module);
      if (m.equals(module) || m.startsWith(module + ".")) {
        return true;
      }
    }
    return false;
  }

  /** Number of streams analysed. */
  public int streams() {
    return streams;
  }

  /** Reports everything seen. Idempotent. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    for (ImportRecord r : ledger.imports()) {
      boolean extension = r.module.equals("copyreg extension registry");
      if (!extension) {
        ctx.addProperty("pickle.imports", policy.canonicalModule(r.module) + "." + r.name);
      }
      switch (r.verdict.kind()) {
        case ALLOWED -> {}
        case DENIED -> ctx.report("PKL-001", at(r.offset), describe(r), evidence(r));
        case UNKNOWN ->
            ctx.report(
                extension ? "PKL-006" : "PKL-002",
                r.called() ? Severity.HIGH : Severity.MEDIUM,
                at(r.offset),
                describe(r),
                evidence(r));
      }
    }
    if (ledger.importsDropped > 0) {
      ctx.report(
          "PKL-007",
          at(-1),
          ledger.importsDropped + " further distinct imports were not reported individually.",
          "");
    }
    for (PickleLedger.Problem p : ledger.problems()) {
      if (p.severity() == null) {
        ctx.report(p.ruleId(), at(p.offset()), p.description(), p.evidence());
      } else {
        ctx.report(p.ruleId(), p.severity(), at(p.offset()), p.description(), p.evidence());
      }
    }
    reportSecrets();
  }

  /** Secrets in the strings of the streams: dict values, config strings, bytes that are text. */
  private void reportSecrets() {
    EmbeddedStrings strings = new EmbeddedStrings(PickleLedger.MAX_STRING_CHARS);
    for (PickleLedger.Text t : ledger.strings()) {
      long offset = baseOffset + t.offset();
      strings.add(t.text(), at(t.offset()), "pickle string at offset " + offset);
    }
    strings.report(text, ctx);
    if (ledger.stringsDropped > 0) {
      ctx.addProperty("pickle.strings_not_searched", Long.toString(ledger.stringsDropped));
    }
  }

  private Location at(long offset) {
    return ctx.at(offset < 0 ? -1 : baseOffset + offset, entry);
  }

  private String describe(ImportRecord r) {
    StringBuilder sb = new StringBuilder("Pickle");
    if (streams > 1) {
      sb.append(" stream ").append(r.stream);
    }
    sb.append(" imports ").append(r.qualified());
    switch (r.verdict.kind()) {
      case DENIED ->
          sb.append(" (deny-listed, ")
              .append(r.verdict.group())
              .append(": ")
              .append(r.verdict.reason())
              .append(')');
      case UNKNOWN -> sb.append(" (on neither the allow- nor the deny-list)");
      case ALLOWED -> sb.append(" (allowed)");
    }
    sb.append(" with ").append(r.opcode).append(" at offset ").append(baseOffset + r.offset);
    if (r.called()) {
      sb.append("; it is called via ")
          .append(r.callOpcode)
          .append(" at offset ")
          .append(baseOffset + r.callOffset)
          .append(", so loading the file runs it.");
    } else {
      sb.append("; it is not called, but loading the file imports it.");
    }
    return sb.toString();
  }

  private String evidence(ImportRecord r) {
    if (r.called()) {
      return r.qualified()
          + " called via "
          + r.callOpcode
          + " at offset "
          + (baseOffset + r.callOffset);
    }
    return r.qualified() + " imported via " + r.opcode + " at offset " + (baseOffset + r.offset);
  }

  private void reportExtraStream(long pos) {
    if (!extraStreamReported) {
      extraStreamReported = true;
      ledger.problem(
          "PKL-004",
          pos,
          "A further pickle stream starts at offset "
              + pos
              + " after the first one ends; a loader that calls load() again runs it.",
          "pickle stream at offset " + pos);
    }
  }

  private PickleLedger speculative() {
    PickleLedger trial = new PickleLedger(policy, ctx::checkDeadline);
    trial.stream = streams + 1;
    trial.speculativeOps = SPECULATIVE_OPS;
    return trial;
  }

  private static StreamResult run(PickleLedger ledger, Source source, long start, long maxBytes)
      throws IOException {
    // Most speculative candidates die within a few bytes: do not allocate a full buffer for them.
    int buffer = ledger.speculativeOps > 0 ? 4096 : PickleOpcodeReader.BUFFER;
    PickleOpcodeReader in = new PickleOpcodeReader(source, start, maxBytes, buffer);
    PickleMachine machine = new PickleMachine(ledger, 0);
    String which = "Pickle stream " + ledger.stream + " (offset " + start + ")";
    try {
      machine.run(in);
      return new StreamResult(start, in.position(), true);
    } catch (EOFException e) {
      ledger.problem(
          "PKL-003",
          in.offset,
          which + " is truncated: " + e.getMessage(),
          "stream cut off after " + (in.position() - start) + " bytes");
    } catch (PickleLimitException e) {
      if (ledger.speculativeOps == 0) {
        ledger.problem(
            "PKL-007", e.offset(), which + " was not fully analysed: " + e.getMessage(), "");
      }
    } catch (MalformedFileException e) {
      ledger.problem(
          "PKL-003",
          e.offset(),
          which + " is malformed: " + e.getMessage(),
          String.format("%s at offset %d", "invalid pickle data", e.offset()));
    }
    return new StreamResult(start, in.position(), false);
  }

  /** For detection: the stream at {@code start} runs cleanly (see {@link PickleAnalyzer}). */
  static boolean parsesCleanly(ImportPolicy policy, Source source, long start) {
    PickleLedger trial = new PickleLedger(policy, () -> {});
    trial.speculativeOps = SPECULATIVE_OPS;
    trial.collectStrings = false;
    PickleOpcodeReader in = new PickleOpcodeReader(source, start, Long.MAX_VALUE, 4096);
    PickleMachine machine = new PickleMachine(trial, 0);
    try {
      machine.run(in);
      return machine.opcodes() >= 2;
    } catch (EOFException e) {
      return in.position() >= source.size()
          && (machine.opcodes() >= 16 || trial.hasPlausibleImports());
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  /** For detection: a complete, importing pickle somewhere in the bytes. */
  static boolean findHiddenInHead(ImportPolicy policy, Source head) throws IOException {
    long pos = 0;
    CandidateFinder finder = new CandidateFinder(head);
    for (int tries = 0; tries < 256; tries++) {
      long found = finder.next(pos, head.size());
      if (found < 0) {
        return false;
      }
      PickleLedger trial = new PickleLedger(policy, () -> {});
      trial.speculativeOps = SPECULATIVE_OPS;
      trial.collectStrings = false;
      StreamResult r = run(trial, head, found, Long.MAX_VALUE);
      if (r.complete() && trial.hasPlausibleImports()) {
        return true;
      }
      pos = found + 1;
    }
    return false;
  }

  /**
   * Finds offsets where a pickle could start: PROTO 2 to 5 followed by an opcode, or a protocol 0
   * GLOBAL ({@code c module\nname\n}). Keeps its window between calls, so that rejecting a
   * candidate and searching on does not read the same bytes again.
   */
  static final class CandidateFinder {
    private final Source source;
    private final byte[] buf = new byte[WINDOW + OVERLAP];
    private long bufStart = -1;
    private int bufLen;

    CandidateFinder(Source source) {
      this.source = source;
    }

    /** The next candidate offset in {@code [from, to)}, or -1. */
    long next(long from, long to) throws IOException {
      long pos = from;
      while (pos < to) {
        if (bufStart < 0 || pos < bufStart || pos - bufStart >= scannable()) {
          int n = source.read(pos, buf, 0, (int) Math.min(buf.length, source.size() - pos));
          if (n <= 0) {
            return -1;
          }
          bufStart = pos;
          bufLen = n;
        }
        int limit = (int) Math.min(scannable(), to - bufStart);
        for (int i = (int) (pos - bufStart); i < limit; i++) {
          int b = buf[i];
          if (b == (byte) 0x80) {
            if (i + 2 < bufLen
                && buf[i + 1] >= 2
                && buf[i + 1] <= 5
                && PickleOpcode.of(buf[i + 2]) != null) {
              return bufStart + i;
            }
          } else if (b == 'c' && protocol0Global(buf, i + 1, bufLen)) {
            return bufStart + i;
          }
        }
        if (bufStart + bufLen >= source.size()) {
          return -1;
        }
        pos = bufStart + limit;
      }
      return -1;
    }

    /** Bytes of the window that have enough lookahead after them. */
    private int scannable() {
      return bufStart + bufLen >= source.size() ? bufLen : Math.min(bufLen, WINDOW);
    }
  }

  private static boolean protocol0Global(byte[] b, int from, int n) {
    int i = name(b, from, n);
    if (i < 0 || i >= n || b[i] != '\n') {
      return false;
    }
    i = name(b, i + 1, n);
    return i >= 0 && i < n && b[i] == '\n';
  }

  /** End of a dotted Python name starting at {@code from}, or -1. */
  private static int name(byte[] b, int from, int n) {
    int i = from;
    int max = Math.min(n, from + 256);
    while (i < max) {
      int c = b[i];
      boolean letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
      boolean more = letter || (c >= '0' && c <= '9') || c == '.';
      if (i == from ? !letter : !more) {
        break;
      }
      i++;
    }
    return i == from ? -1 : i;
  }
}
