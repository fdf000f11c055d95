package io.sentrascan.scanner.format.rds;

import io.sentrascan.scanner.MalformedFileException;
import io.sentrascan.scanner.Probe;
import io.sentrascan.scanner.ScanContext;
import io.sentrascan.scanner.Scanner;
import io.sentrascan.scanner.Severity;
import io.sentrascan.scanner.Source;
import java.io.IOException;
import java.util.Map;

/**
 * R serializations: {@code .rds} ({@code saveRDS}) and {@code .RData} ({@code save}), XDR or native
 * binary, versions 2 and 3. Compressed files reach this scanner through the compressed stream
 * container. The object graph is walked, never evaluated: closures, promises, byte code and calls
 * to functions that run commands or code are reported, plain data passes.
 */
public final class RdsScanner implements Scanner {
  @Override
  public String name() {
    return "r-serialization";
  }

  @Override
  public String version() {
    return "1.0.0";
  }

  @Override
  public String description() {
    return "R `.rds`/`.RData` (XDR or native binary serialization v2/v3, gzip/bzip2/xz via the compressed container): closures, promises, byte code, external pointers, and calls to system, eval, parse, source, pipe, download.file and similar inside code objects; bounded walk of the object graph.";
  }

  @Override
  public boolean supports(Probe probe) {
    int start = rdataPrefix(probe);
    return serializationAt(probe, start);
  }

  @Override
  public void scan(Source source, ScanContext ctx) throws IOException {
    Probe probe = Probe.of(source);
    int start = rdataPrefix(probe);
    ctx.setFormat(start > 0 ? "rdata" : "rds");
    if (!serializationAt(probe, start)) {
      throw new MalformedFileException("not an R XDR or binary serialization", 0);
    }
    RBytes in = new RBytes(source, start + 2, probe.byteAt(start) == 'X');
    int version = in.readInt();
    ctx.addProperty("r.serialization.version", Integer.toString(version));
    in.readInt(); // the writer's R version
    in.readInt(); // the minimal reader version
    if (version == 3) {
      int encodingLength = in.readInt();
      if (encodingLength < 0 || encodingLength > 64) {
        throw new MalformedFileException(
            "native encoding name of " + encodingLength + " bytes", in.position() - 4);
      }
      ctx.addProperty("r.encoding", in.readText(encodingLength, 64));
    }
    RSerializationWalker walker = new RSerializationWalker(in, ctx);
    try {
      walker.readItem(0);
    } finally {
      report(walker, ctx);
    }
    if (in.remaining() > 0) {
      ctx.report(
          "RDS-005",
          ctx.at(in.position()),
          in.remaining() + " bytes follow the serialized object; R does not read them.",
          "");
    }
  }

  private static void report(RSerializationWalker walker, ScanContext ctx) {
    for (Map.Entry<String, RSerializationWalker.Seen> e : walker.dangerous().entrySet()) {
      RSerializationWalker.Seen s = e.getValue();
      ctx.report(
          "RDS-001",
          ctx.at(s.firstOffset(), "symbol " + e.getKey()),
          "R code in the object refers to "
              + e.getKey()
              + " ("
              + s.count()
              + (s.count() == 1 ? " time" : " times")
              + "); it runs when the code is called or the promise forced.",
          e.getKey());
    }
    for (Map.Entry<Integer, RSerializationWalker.Seen> e : walker.kinds().entrySet()) {
      RSerializationWalker.Seen s = e.getValue();
      String what =
          switch (e.getKey()) {
            case RSerializationWalker.CLOSXP -> "function (closure)";
            case RSerializationWalker.PROMSXP -> "promise (code evaluated when first accessed)";
            case RSerializationWalker.BCODESXP -> "byte-compiled code";
            default -> "external pointer";
          };
      String rule = e.getKey() == RSerializationWalker.EXTPTRSXP ? "RDS-003" : "RDS-002";
      Severity severity =
          e.getKey() == RSerializationWalker.EXTPTRSXP ? Severity.MEDIUM : Severity.HIGH;
      ctx.report(
          rule,
          severity,
          ctx.at(s.firstOffset(), "type " + e.getKey()),
          "The serialized object holds "
              + s.count()
              + " "
              + what
              + (s.count() == 1 ? "" : " objects")
              + "; readRDS/load restores them as live R code.",
          what + " x" + s.count());
    }
  }

  /** 5 after an RData magic ({@code RDX2}, {@code RDX3}, {@code RDB2}, {@code RDB3}), else 0. */
  private static int rdataPrefix(Probe probe) {
    if (probe.startsWith("RDX2\n")
        || probe.startsWith("RDX3\n")
        || probe.startsWith("RDB2\n")
        || probe.startsWith("RDB3\n")) {
      return 5;
    }
    return 0;
  }

  /** {@code X\n} or {@code B\n} followed by format version 2 or 3 in that byte order. */
  private static boolean serializationAt(Probe probe, int at) {
    if (probe.byteAt(at + 1) != '\n') {
      return false;
    }
    if (probe.byteAt(at) == 'X') {
      return probe.startsWithAt(at + 2, (byte) 0, (byte) 0, (byte) 0, (byte) 2)
          || probe.startsWithAt(at + 2, (byte) 0, (byte) 0, (byte) 0, (byte) 3);
    }
    if (probe.byteAt(at) == 'B') {
      return probe.startsWithAt(at + 2, (byte) 2, (byte) 0, (byte) 0, (byte) 0)
          || probe.startsWithAt(at + 2, (byte) 3, (byte) 0, (byte) 0, (byte) 0);
    }
    return false;
  }
}
