import io.sentrascan.scanner.FileResult;
import io.sentrascan.scanner.ScanEngine;
import io.sentrascan.scanner.Source;
import io.sentrascan.scanner.Sources;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * In-JVM throughput of the parsers alone (no hash pass), after warm-up: what a long-running Lambda
 * or CLI scanning many files sees. Also prints the bytes the scan read (through a counting source:
 * detection probes, the scanner and any nested scanners) and the number of findings, so that a
 * headers-only format shows how little it touches. Run by run.sh with the CLI jar on the class
 * path: java -cp sentrascan-cli.jar ScanThroughput.java FILE...
 */
public final class ScanThroughput {
  /** Counts every byte read through it. */
  private record CountingSource(Source inner, AtomicLong bytes) implements Source {
    @Override
    public long size() {
      return inner.size();
    }

    @Override
    public String displayPath() {
      return inner.displayPath();
    }

    @Override
    public int read(long position, byte[] buf, int off, int len) throws IOException {
      int n = inner.read(position, buf, off, len);
      if (n > 0) {
        bytes.addAndGet(n);
      }
      return n;
    }
  }

  public static void main(String[] args) throws Exception {
    ScanEngine engine = ScanEngine.defaults().withDigests(List.of());
    for (String arg : args) {
      Path file = Path.of(arg);
      long size = Files.size(file);
      double[] mbps = new double[10];
      String format = "";
      long read = 0;
      int findings = 0;
      for (int i = -3; i < mbps.length; i++) {
        AtomicLong bytes = new AtomicLong();
        long t0 = System.nanoTime();
        try (Sources.FileSource src = Sources.file(file, file.toString())) {
          List<FileResult> r = engine.scanSource(new CountingSource(src, bytes));
          format = r.get(0).format();
          findings = r.stream().mapToInt(f -> f.findings().size()).sum();
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        read = bytes.get();
        if (i >= 0) {
          mbps[i] = size / 1e6 / secs;
        }
      }
      Arrays.sort(mbps);
      System.out.printf(
          "%-26s %-20s %8.1f MB  median %8.0f MB/s  min %8.0f  max %8.0f  read %6.2f %%  findings %d%n",
          file.getFileName(), format, size / 1e6, mbps[5], mbps[0], mbps[9], 100.0 * read / size,
          findings);
    }
  }
}
