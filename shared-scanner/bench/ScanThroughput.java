import io.sentrascan.scanner.FileResult;
import io.sentrascan.scanner.ScanEngine;
import io.sentrascan.scanner.Sources;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * In-JVM throughput of the parsers alone (no hash pass), after warm-up: what a long-running Lambda
 * or CLI scanning many files sees. Run by run.sh with the CLI jar on the class path:
 * java -cp sentrascan-cli.jar ScanThroughput.java FILE...
 */
public final class ScanThroughput {
  public static void main(String[] args) throws Exception {
    ScanEngine engine = ScanEngine.defaults().withDigests(List.of());
    for (String arg : args) {
      Path file = Path.of(arg);
      long size = Files.size(file);
      double[] mbps = new double[10];
      String format = "";
      for (int i = -3; i < mbps.length; i++) {
        long t0 = System.nanoTime();
        try (Sources.FileSource src = Sources.file(file, file.toString())) {
          List<FileResult> r = engine.scanSource(src);
          format = r.get(0).format();
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        if (i >= 0) {
          mbps[i] = size / 1e6 / secs;
        }
      }
      Arrays.sort(mbps);
      System.out.printf(
          "%-20s %-12s median %8.0f MB/s  min %8.0f  max %8.0f  (10 runs after 3 warm-up)%n",
          file.getFileName(), format, mbps[5], mbps[0], mbps[9]);
    }
  }
}
