package io.sentrascan.scanner.container;

import static io.sentrascan.scanner.container.Archives.findings;
import static io.sentrascan.scanner.container.Archives.scan;
import static io.sentrascan.scanner.container.Archives.scanFixture;
import static io.sentrascan.scanner.container.Archives.storedZip;
import static io.sentrascan.scanner.container.Archives.tar;
import static io.sentrascan.scanner.container.Archives.zip;
import static org.assertj.core.api.Assertions.assertThat;

import io.sentrascan.scanner.Finding;
import io.sentrascan.scanner.ScanResult;
import io.sentrascan.scanner.Severity;
import io.sentrascan.scanner.Verdict;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

class ZipScannerTest {
  @Test
  void zipSlipInATarInsideAZipIsLocatedThroughBothContainers() {
    byte[] inner = tar("ok.json", "{}", "../../etc/evil.sh", "#!/bin/sh\n");
    ScanResult result = scan("outer.zip", zip("dir/inner.tar", inner));

    assertThat(result.verdict()).isEqualTo(Verdict.FAIL);
    List<Finding> slip = findings(result, "ARC-001");
    assertThat(slip).hasSize(1);
    assertThat(slip.get(0).severity()).isEqualTo(Severity.HIGH);
    assertThat(slip.get(0).location().path()).isEqualTo("outer.zip!/dir/inner.tar");
    assertThat(slip.get(0).location().context()).isEqualTo("../../etc/evil.sh");
    assertThat(Archives.paths(result))
        .contains(
            "outer.zip",
            "outer.zip!/dir/inner.tar",
            "outer.zip!/dir/inner.tar!/ok.json",
            "outer.zip!/dir/inner.tar!/../../etc/evil.sh");
    assertThat(Archives.file(result, "outer.zip").format()).isEqualTo("zip");
    assertThat(Archives.file(result, "outer.zip!/dir/inner.tar").format()).isEqualTo("tar");
  }

  @Test
  void storedEntriesAreScannedAsSlicesOfTheArchive() {
    byte[] inner = tar("a/b.txt", "hello");
    ScanResult result = scan("m.zip", storedZip("inner.tar", inner, "notes.txt", "hi"));

    assertThat(result.verdict()).isEqualTo(Verdict.PASS);
    assertThat(Archives.file(result, "m.zip!/inner.tar").size()).isEqualTo(inner.length);
    assertThat(Archives.file(result, "m.zip!/inner.tar!/a/b.txt").size()).isEqualTo(5);
    assertThat(result.findings()).isEmpty();
  }

  @Test
  void absoluteNamesOfEveryStyleAreHigh() throws IOException {
    ScanResult result = scanFixture("malicious-absolute-path.zip");

    assertThat(findings(result, "ARC-002"))
        .extracting(f -> f.location().context())
        .containsExactly(
            "/etc/cron.d/evil", "C:\\Windows\\System32\\evil.dll", "\\\\server\\share\\evil.txt");
    assertThat(findings(result, "ARC-002")).allMatch(f -> f.severity() == Severity.HIGH);
  }

  @Test
  void backslashTraversalIsZipSlip() throws IOException {
    ScanResult result = scanFixture("malicious-zip-slip-backslash.zip");

    assertThat(findings(result, "ARC-001"))
        .singleElement()
        .satisfies(f -> assertThat(f.location().context()).isEqualTo("..\\..\\Windows\\evil.bat"));
  }

  @Test
  void symlinkToAnAbsolutePathIsHigh() throws IOException {
    ScanResult result = scanFixture("malicious-zip-symlink.zip");

    Finding link = findings(result, "ARC-003").get(0);
    assertThat(link.severity()).isEqualTo(Severity.HIGH);
    assertThat(link.evidence()).isEqualTo("/etc/passwd");
    assertThat(link.location().context()).isEqualTo("model/config");
    // The link's target text is not scanned as a file of its own.
    assertThat(Archives.paths(result)).containsExactly("malicious-zip-symlink.zip");
  }

  @Test
  void encryptedEntryFailsClosed() throws IOException {
    ScanResult result = scanFixture("malicious-encrypted-entry.zip");

    assertThat(result.verdict()).isEqualTo(Verdict.FAIL);
    assertThat(findings(result, "ARC-006"))
        .singleElement()
        .satisfies(f -> assertThat(f.location().context()).isEqualTo("secret.pkl"));
    assertThat(Archives.paths(result)).doesNotContain("malicious-encrypted-entry.zip!/secret.pkl");
  }

  @Test
  void duplicateNamesWithDifferentContentAreHigh() throws IOException {
    ScanResult result = scanFixture("malicious-duplicate-names.zip");

    assertThat(findings(result, "ARC-007"))
        .singleElement()
        .satisfies(f -> assertThat(f.severity()).isEqualTo(Severity.HIGH));
    // Both copies are scanned: a duplicate cannot hide content from this scanner.
    assertThat(Archives.paths(result).stream().filter(p -> p.endsWith("!/model.json"))).hasSize(2);
  }

  @Test
  void overlappingEntriesAreReportedAndNotUnpacked() throws IOException {
    ScanResult result = scanFixture("malicious-overlapping-entries.zip");

    assertThat(findings(result, "ARC-010")).hasSize(2);
    assertThat(findings(result, "ARC-010")).allMatch(f -> f.severity() == Severity.HIGH);
    assertThat(Archives.paths(result)).containsExactly("malicious-overlapping-entries.zip");
  }

  @Test
  void executableStubInFrontIsHighAndOtherPrefixesLow() throws IOException {
    Finding exe = findings(scanFixture("malicious-exe-prefix.zip"), "ARC-009").get(0);
    assertThat(exe.severity()).isEqualTo(Severity.HIGH);
    assertThat(exe.description()).contains("Windows (PE) executable");

    ScanResult text = scanFixture("benign-prefixed.zip");
    assertThat(findings(text, "ARC-009"))
        .singleElement()
        .satisfies(f -> assertThat(f.severity()).isEqualTo(Severity.LOW));
    assertThat(text.verdict()).isEqualTo(Verdict.PASS);
  }

  @Test
  void sizeThatLiesLowIsHigh() throws IOException {
    ScanResult result = scanFixture("malformed-lying-size.zip");

    Finding f = findings(result, "ARC-008").get(0);
    assertThat(f.severity()).isEqualTo(Severity.HIGH);
    assertThat(f.description()).contains("declares 10 bytes");
  }

  @Test
  void honestBombIsCaughtFromDeclaredSizesWithoutUnpacking() throws IOException {
    ScanResult result = scanFixture("malicious-zip-bomb.zip");

    Finding f = findings(result, "ARC-011").get(0);
    assertThat(f.location().path()).isEqualTo("malicious-zip-bomb.zip!/inner.zip");
    assertThat(f.location().context()).isEqualTo("zeros.bin");
    assertThat(findings(result, "CORE-005")).isEmpty();
  }

  @Test
  void lyingBombIsCaughtByTheRatioLimitWhileUnpacking() throws IOException {
    ScanResult result = scanFixture("malicious-zip-bomb-lying-size.zip");

    assertThat(findings(result, "CORE-005"))
        .singleElement()
        .satisfies(
            f ->
                assertThat(f.location().path())
                    .isEqualTo("malicious-zip-bomb-lying-size.zip!/inner.zip"));
    assertThat(result.verdict()).isEqualTo(Verdict.FAIL);
  }

  @Test
  void truncatedAndCorruptZipsAreMalformedNotCrashes() throws IOException {
    for (String name :
        List.of(
            "malformed-truncated.zip",
            "malformed-central-directory-cut.zip",
            "malformed-bad-deflate.zip")) {
      ScanResult result = scanFixture(name);
      assertThat(findings(result, "CORE-001")).as(name).isNotEmpty();
      assertThat(result.verdict()).as(name).isEqualTo(Verdict.FAIL);
    }
  }

  @Test
  void controlCharactersInNamesAreReported() {
    ScanResult result = scan("c.zip", zip("evil.pkl\u0000.txt", "x"));

    assertThat(findings(result, "ARC-013"))
        .singleElement()
        .satisfies(f -> assertThat(f.evidence()).isEqualTo("evil.pkl\\x00.txt"));
  }

  @Test
  void findingsOfOneRuleAreCappedWithASummary() {
    Object[] entries = new Object[2 * 50];
    for (int i = 0; i < 50; i++) {
      entries[2 * i] = "../evil" + i;
      entries[2 * i + 1] = "x";
    }
    ScanResult result = scan("many.zip", zip(entries));

    List<Finding> slip = findings(result, "ARC-001");
    assertThat(slip).hasSize(EntryFindings.MAX_PER_RULE + 1);
    assertThat(slip.get(slip.size() - 1).description()).startsWith("30 more findings");
  }

  @Test
  void contentHiddenInADirectoryEntryIsScanned() {
    ScanResult result = scan("d.zip", zip("hidden/", zip("../slip", "x")));

    assertThat(findings(result, "ARC-001"))
        .singleElement()
        .satisfies(f -> assertThat(f.location().path()).isEqualTo("d.zip!/hidden/"));
  }

  @Test
  void emptyZipPasses() {
    ScanResult result = scan("empty.zip", zip());

    assertThat(result.verdict()).isEqualTo(Verdict.PASS);
    assertThat(result.findings()).isEmpty();
  }
}
