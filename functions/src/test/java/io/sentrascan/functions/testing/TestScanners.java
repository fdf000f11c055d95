package io.sentrascan.functions.testing;

import io.sentrascan.scanner.Finding;
import io.sentrascan.scanner.Probe;
import io.sentrascan.scanner.ScanContext;
import io.sentrascan.scanner.Scanner;
import io.sentrascan.scanner.Severity;
import io.sentrascan.scanner.Source;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Test-only scanners injected through the handler's test constructor. The pickle scanner has not
 * landed on this branch, so {@link #pickleGlobals()} stands in for it: it flags a pickle that
 * imports {@code os.system} or {@code posix.system} (the GLOBAL opcode spells them
 * "module\nname\n"), the way the real one will, so the pipeline can be tested end to end with real
 * malicious and benign pickle files.
 */
public final class TestScanners {
  private TestScanners() {}

  public static Scanner pickleGlobals() {
    return new Scanner() {
      @Override
      public String name() {
        return "test-pickle-globals";
      }

      @Override
      public String version() {
        return "0.0.1";
      }

      @Override
      public boolean supports(Probe probe) {
        return probe.byteAt(0) == 0x80; // PROTO opcode
      }

      @Override
      public void scan(Source source, ScanContext ctx) throws IOException {
        String text =
            new String(source.readFully(0, (int) source.size()), StandardCharsets.ISO_8859_1);
        for (String global : new String[] {"os\nsystem\n", "posix\nsystem\n"}) {
          int at = text.indexOf(global);
          if (at >= 0) {
            ctx.report(
                new Finding(
                    "TEST-PKL-001",
                    Severity.CRITICAL,
                    "code-execution",
                    "Pickle imports a dangerous callable",
                    "The pickle imports " + global.replace('\n', ' ').trim() + ".",
                    ctx.at(at - 1),
                    global.replace('\n', '.'),
                    "Do not load this file."));
          }
        }
      }
    };
  }

  /** A scanner that fails on every file it accepts (files starting with {@code BROKEN}). */
  public static Scanner failing() {
    return new Scanner() {
      @Override
      public String name() {
        return "test-failing";
      }

      @Override
      public String version() {
        return "0.0.1";
      }

      @Override
      public boolean supports(Probe probe) {
        return probe.startsWith("BROKEN");
      }

      @Override
      public void scan(Source source, ScanContext ctx) throws IOException {
        throw new IOException("the disk under the test scanner is on fire");
      }
    };
  }
}
