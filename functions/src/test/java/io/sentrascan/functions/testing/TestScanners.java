package io.sentrascan.functions.testing;

import io.sentrascan.scanner.Probe;
import io.sentrascan.scanner.ScanContext;
import io.sentrascan.scanner.Scanner;
import io.sentrascan.scanner.Source;
import java.io.IOException;

/**
 * Test-only scanners injected through the handler's test constructor, beside the real ones: a
 * scanner that always fails, to show that a failed scan still lands as an ERROR record.
 */
public final class TestScanners {
  private TestScanners() {}

  /**
   * A scanner that accepts nothing but counts the files the engine offers it: put first, it shows
   * how many files were actually scanned.
   */
  public static Scanner counting(java.util.concurrent.atomic.AtomicInteger files) {
    return new Scanner() {
      @Override
      public String name() {
        return "test-counting";
      }

      @Override
      public String version() {
        return "0.0.1";
      }

      @Override
      public boolean supports(Probe probe) {
        files.incrementAndGet();
        return false;
      }

      @Override
      public void scan(Source source, ScanContext ctx) {
        throw new IllegalStateException("supports() is always false");
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
