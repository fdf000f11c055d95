package io.sentrascan.scanner.container;

import static io.sentrascan.scanner.container.Archives.findings;
import static io.sentrascan.scanner.container.Archives.gzip;
import static io.sentrascan.scanner.container.Archives.scan;
import static io.sentrascan.scanner.container.Archives.storedZip;
import static io.sentrascan.scanner.container.Archives.tar;
import static io.sentrascan.scanner.container.Archives.zip;
import static org.assertj.core.api.Assertions.assertThat;

import io.sentrascan.scanner.Finding;
import io.sentrascan.scanner.Limits;
import io.sentrascan.scanner.ScanResult;
import io.sentrascan.scanner.Scanner;
import io.sentrascan.scanner.Scanners;
import io.sentrascan.scanner.Severity;
import io.sentrascan.scanner.Verdict;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every limit reached inside a container is a CORE finding and a FAIL, never an exception. */
class ContainerLimitsTest {
  private static byte[] nestedZips(int levels) {
    byte[] data = zip("payload.json", "{}");
    for (int i = levels; i > 0; i--) {
      data = zip("level" + i + ".zip", data);
    }
    return data;
  }

  private static void assertFailsWith(ScanResult result, String ruleId) {
    assertThat(result.verdict()).isEqualTo(Verdict.FAIL);
    assertThat(findings(result, ruleId)).isNotEmpty();
    assertThat(findings(result, ruleId)).allMatch(f -> f.severity() == Severity.HIGH);
  }

  @Test
  void depthLimitStopsNestedZips() {
    ScanResult result = scan("deep.zip", nestedZips(4), Limits.defaults().withMaxDepth(2));

    assertFailsWith(result, "CORE-002");
    Finding f = findings(result, "CORE-002").get(0);
    assertThat(f.location().path()).isEqualTo("deep.zip!/level1.zip!/level2.zip");
    assertThat(f.location().context()).isEqualTo("level3.zip");
  }

  @Test
  void depthLimitCountsCompressedLayers() {
    // gzip -> tar -> member is three levels: with a depth limit of 1 the member is not reached.
    byte[] tgz = gzip(tar("a.json", "{}"));
    ScanResult result = scan("m.tar.gz", tgz, Limits.defaults().withMaxDepth(1));

    assertFailsWith(result, "CORE-002");
    assertThat(findings(result, "CORE-002").get(0).location().path()).isEqualTo("m.tar.gz!/m.tar");
  }

  @Test
  void entryLimitStopsZipTarAndNestedEntries() {
    Object[] ten = new Object[20];
    for (int i = 0; i < 10; i++) {
      ten[2 * i] = "f" + i + ".txt";
      ten[2 * i + 1] = "x";
    }
    Limits five = Limits.defaults().withMaxEntries(5);
    assertFailsWith(scan("many.zip", zip(ten), five), "CORE-004");
    assertFailsWith(scan("many.tar", tar(ten), five), "CORE-004");
    // The count is per top-level target: 3 + 3 entries across nesting passes 5.
    byte[] inner = zip("a", "x", "b", "x", "c", "x");
    assertFailsWith(scan("two.zip", zip("i1.zip", inner, "i2.zip", inner), five), "CORE-004");
  }

  @Test
  void ratioLimitStopsZipAndGzipBombs() {
    byte[] zeros = new byte[64 << 10];
    Limits small = SevenZScannerTest.smallRatio();
    // Honest declared sizes: caught before unpacking.
    assertFailsWith(scan("bomb.zip", zip("zeros.bin", zeros), small), "ARC-011");
    // A stream has no declared size: caught while unpacking.
    assertFailsWith(scan("zeros.gz", gzip(zeros), small), "CORE-005");
    assertFailsWith(scan("bomb.zip", storedZip("zeros.gz", gzip(zeros)), small), "CORE-005");
  }

  @Test
  void totalBytesLimitStopsExpansion() {
    byte[] data = new byte[200_000];
    Limits tight = Limits.defaults().withMaxTotalBytes(100_000);

    assertFailsWith(scan("big.gz", gzip(data), tight), "CORE-003");
    assertFailsWith(scan("big.zip", zip("a.bin", data), tight), "CORE-003");
  }

  @Test
  void timeLimitStopsTheScan() {
    ScanResult result =
        scan("slow.zip", nestedZips(3), Limits.defaults().withTimePerFile(Duration.ZERO));

    assertFailsWith(result, "CORE-006");
  }

  @Test
  void containerScannersAreRegisteredWithTheGenericZipLast() {
    List<Scanner> all = Scanners.defaults();
    assertThat(all)
        .hasAtLeastOneElementOfType(SevenZScanner.class)
        .hasAtLeastOneElementOfType(TarScanner.class)
        .hasAtLeastOneElementOfType(CompressedStreamScanner.class);
    assertThat(all.get(all.size() - 1)).isInstanceOf(ZipScanner.class);
    assertThat(all).extracting(Scanner::version).doesNotContainNull();
  }
}
