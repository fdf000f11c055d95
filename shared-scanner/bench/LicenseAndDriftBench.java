import io.sentrascan.scanner.FileResult;
import io.sentrascan.scanner.Finding;
import io.sentrascan.scanner.Location;
import io.sentrascan.scanner.Policy;
import io.sentrascan.scanner.ScanResult;
import io.sentrascan.scanner.baseline.Baseline;
import io.sentrascan.scanner.baseline.BaselineDrift;
import io.sentrascan.scanner.rules.RuleCatalog;
import io.sentrascan.scanner.sbom.LicenseReview;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * What the license review and the baseline add to a scan, in a warm JVM: matching every license
 * fixture text, and baseline create / parse / drift for a synthetic scan of N files with one finding
 * each (the hash pass is the scan's, not measured here). Run with the classes on the class path:
 * java -cp CLASSES:DEPS LicenseAndDriftBench.java LICENSE_DIR N
 */
public final class LicenseAndDriftBench {
  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    int n = Integer.parseInt(args[1]);
    List<String> texts = new ArrayList<>();
    long bytes = 0;
    try (Stream<Path> list = Files.list(dir)) {
      for (Path p : list.sorted().toList()) {
        String t = Files.readString(p, StandardCharsets.UTF_8);
        texts.add(t);
        bytes += t.length();
      }
    }
    Class<?> catalog = Class.forName("io.sentrascan.scanner.sbom.LicenseCatalog");
    Object defaults = catalog.getMethod("defaults").invoke(null);
    Method match = catalog.getDeclaredMethod("match", String.class);
    match.setAccessible(true);
    double[] ms = new double[10];
    for (int i = -3; i < ms.length; i++) {
      long t0 = System.nanoTime();
      for (String t : texts) {
        match.invoke(defaults, t);
      }
      if (i >= 0) {
        ms[i] = (System.nanoTime() - t0) / 1e6;
      }
    }
    Arrays.sort(ms);
    System.out.printf(
        "match %d texts (%d KiB): median %.1f ms (%.2f ms per text), min %.1f, max %.1f%n",
        texts.size(), bytes / 1024, ms[5], ms[5] / texts.size(), ms[0], ms[9]);

    ScanResult result = synthetic(n, 0);
    ScanResult changed = synthetic(n, 1);
    double[] create = new double[5];
    double[] parse = new double[5];
    double[] drift = new double[5];
    int jsonBytes = 0;
    for (int i = -2; i < create.length; i++) {
      long t0 = System.nanoTime();
      Baseline b = Baseline.of(LicenseReview.apply(result), true, Set.of());
      String json = b.toJson();
      long t1 = System.nanoTime();
      Baseline again = Baseline.parse(json.getBytes(StandardCharsets.UTF_8));
      long t2 = System.nanoTime();
      ScanResult judged = BaselineDrift.apply(result, again);
      long t3 = System.nanoTime();
      if (judged.findings().size() != result.findings().size()) {
        throw new IllegalStateException("drift where there is none");
      }
      if (i >= 0) {
        create[i] = (t1 - t0) / 1e6;
        parse[i] = (t2 - t1) / 1e6;
        drift[i] = (t3 - t2) / 1e6;
        jsonBytes = json.length();
      }
    }
    double[] all = new double[5];
    Baseline base = Baseline.of(result, false, Set.of());
    for (int i = -2; i < all.length; i++) {
      long t0 = System.nanoTime();
      ScanResult judged = BaselineDrift.apply(changed, base);
      if (i >= 0) {
        all[i] = (System.nanoTime() - t0) / 1e6;
      }
      if (judged.findings().size() != 2 * n) {
        throw new IllegalStateException("expected one DRIFT-FILE-MODIFIED per file");
      }
    }
    Arrays.sort(all);
    System.out.printf("%d files all modified: drift median %.0f ms%n", n, all[2]);
    Arrays.sort(create);
    Arrays.sort(parse);
    Arrays.sort(drift);
    System.out.printf(
        "%d files, %d findings: baseline create+JSON median %.0f ms, parse %.0f ms, drift %.0f ms"
            + " (baseline %d KiB; 5 runs after 2 warm-up)%n",
        n, n, create[2], parse[2], drift[2], jsonBytes / 1024);
  }

  private static ScanResult synthetic(int n, int salt) {
    var rule = RuleCatalog.defaults().rule("LIC-002");
    List<FileResult> files = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String path = String.format("/models/big/shard-%06d.bin", i);
      TreeMap<String, String> digests = new TreeMap<>();
      digests.put("SHA-256", String.format("%064x", i * 2 + salt));
      Finding f = rule.finding(new Location(path, 8, "ctx"), "synthetic", "");
      files.add(
          new FileResult(
              path, "pickle", "pickle", 0, 1000, digests, List.of(f), List.of(), null,
              new TreeMap<>()));
    }
    Policy p = Policy.defaults();
    return new ScanResult(
        "bench", Instant.now(), 0, "bench", new TreeMap<>(), List.of("/models/big"), files, p,
        p.verdict(files));
  }
}
