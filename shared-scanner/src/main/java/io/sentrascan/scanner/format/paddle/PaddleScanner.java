package io.sentrascan.scanner.format.paddle;

import io.sentrascan.scanner.Probe;
import io.sentrascan.scanner.ScanContext;
import io.sentrascan.scanner.Scanner;
import io.sentrascan.scanner.Source;
import java.io.IOException;

/**
 * PaddlePaddle static-graph programs ({@code .pdmodel}, {@code __model__}): a protobuf {@code
 * ProgramDesc}. Operators that call Python ({@code py_func}), write or read files ({@code save},
 * {@code load_combine}, ...) or print tensors are reported with their block and operator index.
 * Paddle's {@code .pdparams}/{@code .pdopt} are pickles and go to the pickle scanner.
 */
public final class PaddleScanner implements Scanner {
  /** Block 0 always comes first, with {@code idx = 0} and {@code parent_idx = -1}. */
  private static final byte[] BLOCK0_PREFIX = {
    0x08,
    0x00,
    0x10,
    (byte) 0xff,
    (byte) 0xff,
    (byte) 0xff,
    (byte) 0xff,
    (byte) 0xff,
    (byte) 0xff,
    (byte) 0xff,
    (byte) 0xff,
    (byte) 0xff,
    0x01
  };

  @Override
  public String name() {
    return "paddle";
  }

  @Override
  public String version() {
    return "1.0.0";
  }

  @Override
  public String description() {
    return "PaddlePaddle program (`.pdmodel`, protobuf ProgramDesc whose block 0 has parent -1): operators that run Python (`py_func`), write or read files (`save`, `load_combine`, ...) or print tensors, with block/op index; `.pdparams` pickles go to the pickle scanner.";
  }

  /**
   * A ProgramDesc starts with field 1 (a block), whose first fields are {@code idx = 0} and {@code
   * parent_idx = -1} (a ten-byte varint), followed by a variable or an operator: a prefix no other
   * protobuf model format shares.
   */
  @Override
  public boolean supports(Probe probe) {
    if (probe.byteAt(0) != 0x0a) {
      return false;
    }
    int p = 1;
    long len = 0;
    for (int shift = 0; ; shift += 7) {
      int b = probe.byteAt(p++);
      if (b < 0 || shift > 35) {
        return false;
      }
      len |= (long) (b & 0x7f) << shift;
      if ((b & 0x80) == 0) {
        break;
      }
    }
    // A length past the end is a truncated program: claimed, and reported as malformed.
    if (len < BLOCK0_PREFIX.length + 1) {
      return false;
    }
    if (!probe.startsWithAt(p, BLOCK0_PREFIX)) {
      return false;
    }
    int next = probe.byteAt(p + BLOCK0_PREFIX.length);
    return next == 0x1a || next == 0x22;
  }

  @Override
  public void scan(Source source, ScanContext context) throws IOException {
    context.setFormat("paddle-program");
    new PaddleProgramWalker(source, context).walk();
  }
}
