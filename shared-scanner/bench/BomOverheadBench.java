import io.sentrascan.scanner.Policy;
import io.sentrascan.scanner.ScanEngine;
import io.sentrascan.scanner.ScanResult;
import io.sentrascan.scanner.sbom.BomFormat;
import io.sentrascan.scanner.sbom.MlBomBuilder;
import io.sentrascan.scanner.sbom.MlBomWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What the ML-BOM costs beyond the scan's single read (issue 5: "BOM generation overhead beyond the
 * hash pass under 2 s for a 1 GB model"). For each run: the scan with SHA-256 only, the scan with
 * the four BOM digests (same single read), then building and rendering the BOM from that result.
 * The first run includes class loading; later runs are a warm JVM. Run with the CLI jar on the class
 * path: java -Xmx256m -cp sentrascan-cli.jar BomOverheadBench.java TARGET [RUNS]
 */
public final class BomOverheadBench {
  public static void main(String[] args) throws Exception {
    Path target = Path.of(args[0]);
    int runs = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    ScanEngine sha256 = ScanEngine.defaults();
    ScanEngine bomDigests = ScanEngine.defaults().withDigests(MlBomBuilder.DIGESTS);
    for (int run = 1; run <= runs; run++) {
      long t0 = System.nanoTime();
      sha256.scan(List.of(target), Policy.defaults(), s -> {});
      long t1 = System.nanoTime();
      ScanResult result = bomDigests.scan(List.of(target), Policy.defaults(), s -> {});
      long t2 = System.nanoTime();
      String json = MlBomWriter.render(new MlBomBuilder().build(result), BomFormat.JSON);
      long t3 = System.nanoTime();
      String xml = MlBomWriter.render(new MlBomBuilder().build(result), BomFormat.XML);
      long t4 = System.nanoTime();
      System.out.printf(
          "run %d: scan SHA-256 %.2f s | scan 4 digests %.2f s | BOM build+JSON %.3f s (%d chars)"
              + " | BOM build+XML %.3f s (%d chars)%n",
          run,
          (t1 - t0) / 1e9,
          (t2 - t1) / 1e9,
          (t3 - t2) / 1e9,
          json.length(),
          (t4 - t3) / 1e9,
          xml.length());
    }
  }
}
