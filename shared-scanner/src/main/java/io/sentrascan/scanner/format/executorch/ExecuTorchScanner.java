package io.sentrascan.scanner.format.executorch;

import io.sentrascan.scanner.Probe;
import io.sentrascan.scanner.ScanContext;
import io.sentrascan.scanner.Scanner;
import io.sentrascan.scanner.Source;
import io.sentrascan.scanner.flatbuffers.FlatBufferReader;
import java.io.IOException;

/**
 * ExecuTorch programs ({@code .pte}): a flatbuffer with file identifier {@code ET} plus two digits
 * (for example {@code ET12}) at bytes 4 to 8, optionally followed by the {@code eh00} extended
 * header that locates data segments. Operators outside the standard kernel namespaces, backend
 * delegates and indices or segments out of range are reported.
 */
public final class ExecuTorchScanner implements Scanner {
  @Override
  public String name() {
    return "executorch";
  }

  @Override
  public String version() {
    return "1.0.0";
  }

  @Override
  public String description() {
    return "ExecuTorch program (`.pte`, flatbuffer with identifier `ET12`-style): operators outside the aten/prim/quantized kernel namespaces, backend delegates with their id, operator/delegate indices and data segments out of range.";
  }

  @Override
  public boolean supports(Probe probe) {
    return probe.size() >= 16
        && probe.byteAt(4) == 'E'
        && probe.byteAt(5) == 'T'
        && Character.isDigit(probe.byteAt(6))
        && Character.isDigit(probe.byteAt(7));
  }

  @Override
  public void scan(Source source, ScanContext context) throws IOException {
    context.setFormat("executorch");
    FlatBufferReader fb = new FlatBufferReader(source);
    long segmentBase = -1;
    if (fb.size() >= 32
        && fb.u8(8) == 'e'
        && fb.u8(9) == 'h'
        && fb.u8(10) == '0'
        && fb.u8(11) == '0') {
      long programSize = fb.u64(16);
      segmentBase = fb.u64(24);
      if (programSize < 0
          || programSize > fb.size()
          || segmentBase < 0
          || segmentBase > fb.size()) {
        context.report(
            "ET-003",
            context.at(8, "extended header"),
            "The extended header says the program is "
                + Long.toUnsignedString(programSize)
                + " bytes and segments start at "
                + Long.toUnsignedString(segmentBase)
                + ", beyond the "
                + fb.size()
                + "-byte file.",
            "eh00 program_size="
                + Long.toUnsignedString(programSize)
                + " segment_base_offset="
                + Long.toUnsignedString(segmentBase));
        segmentBase = -1;
      }
    }
    new PteProgramWalker(fb, context, segmentBase).walk();
  }
}
