package io.sentrascan.scanner.container;

import static io.sentrascan.scanner.container.Archives.findings;
import static io.sentrascan.scanner.container.Archives.scan;
import static io.sentrascan.scanner.container.Archives.scanFixture;
import static io.sentrascan.scanner.container.Archives.tar;
import static io.sentrascan.scanner.container.Archives.utf8;
import static io.sentrascan.scanner.container.Archives.zip;
import static org.assertj.core.api.Assertions.assertThat;

import io.sentrascan.scanner.Finding;
import io.sentrascan.scanner.Probe;
import io.sentrascan.scanner.ScanResult;
import io.sentrascan.scanner.Severity;
import io.sentrascan.scanner.Sources;
import io.sentrascan.scanner.Verdict;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.Test;

class TarScannerTest {
  private static TarArchiveEntry link(String name, byte type, String target) {
    TarArchiveEntry e = new TarArchiveEntry(name, type, true);
    e.setLinkName(target);
    return e;
  }

  @Test
  void symlinkToEtcPasswdIsHigh() throws IOException {
    ScanResult result = scanFixture("malicious-tar-symlink-passwd.tar");

    Finding f = findings(result, "ARC-003").get(0);
    assertThat(f.severity()).isEqualTo(Severity.HIGH);
    assertThat(f.location().path()).isEqualTo("malicious-tar-symlink-passwd.tar");
    assertThat(f.location().context()).isEqualTo("model/passwd");
    assertThat(f.location().offset()).isZero();
    assertThat(f.evidence()).isEqualTo("/etc/passwd");
  }

  @Test
  void linksInsideTheArchiveAreLowerThanLinksOutside() {
    byte[] t =
        tar(
            "m/a.json", "{}",
            "m/b.json", link("m/b.json", TarConstants.LF_SYMLINK, "a.json"),
            "m/c.json", link("m/c.json", TarConstants.LF_SYMLINK, "../../x"),
            "m/d.json", link("m/d.json", TarConstants.LF_LINK, "m/a.json"),
            "m/e.json", link("m/e.json", TarConstants.LF_LINK, "/etc/shadow"));
    ScanResult result = scan("links.tar", t);

    assertThat(findings(result, "ARC-003"))
        .extracting(f -> f.location().context() + " " + f.severity())
        .containsExactly("m/b.json MEDIUM", "m/c.json HIGH");
    assertThat(findings(result, "ARC-004"))
        .extracting(f -> f.location().context() + " " + f.severity())
        .containsExactly("m/d.json LOW", "m/e.json HIGH");
  }

  @Test
  void deviceFilesAreReported() {
    TarArchiveEntry dev = new TarArchiveEntry("dev/sda", TarConstants.LF_BLK);
    TarArchiveEntry fifo = new TarArchiveEntry("pipe", TarConstants.LF_FIFO);
    ScanResult result = scan("dev.tar", tar("dev/sda", dev, "pipe", fifo));

    assertThat(findings(result, "ARC-005"))
        .extracting(Finding::description)
        .containsExactly(
            "Member dev/sda is a block device, not a regular file.",
            "Member pipe is a FIFO, not a regular file.");
  }

  @Test
  void slipAndAbsoluteNamesAreHigh() throws IOException {
    assertThat(findings(scanFixture("malicious-tar-slip.tar"), "ARC-001"))
        .singleElement()
        .satisfies(f -> assertThat(f.location().context()).isEqualTo("../../evil.sh"));
    ScanResult gz = scanFixture("malicious-tar-absolute.tar.gz");
    assertThat(findings(gz, "ARC-002"))
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.location().path())
                  .isEqualTo("malicious-tar-absolute.tar.gz!/malicious-tar-absolute.tar");
              assertThat(f.location().context()).isEqualTo("/etc/profile.d/evil.sh");
            });
  }

  @Test
  void membersAreSlicesAtTheirDataEvenAfterPaxHeaders() {
    String longName = "d/" + "x".repeat(150) + "/inner.zip";
    byte[] innerZip = zip("../slip", "x");
    byte[] t = tar("first.txt", "abc", longName, innerZip, "last.txt", "tail");
    ScanResult result = scan("pax.tar", t);

    // The zip member is found as a zip only if its slice starts exactly at its data.
    assertThat(findings(result, "ARC-001"))
        .singleElement()
        .satisfies(f -> assertThat(f.location().path()).isEqualTo("pax.tar!/" + longName));
    assertThat(Archives.file(result, "pax.tar!/last.txt").size()).isEqualTo(4);
  }

  @Test
  void duplicateMembersAreReported() {
    ScanResult result = scan("dup.tar", tar("a.json", "{}", "a.json", "{\"x\": 1}"));

    assertThat(findings(result, "ARC-007"))
        .singleElement()
        .satisfies(f -> assertThat(f.severity()).isEqualTo(Severity.HIGH));
  }

  @Test
  void oversizedLongNameHeaderIsRefusedBeforeTheReaderBuffersIt() {
    TarArchiveEntry longName =
        new TarArchiveEntry("././@LongLink", TarConstants.LF_GNUTYPE_LONGNAME);
    longName.setSize(1L << 30);
    byte[] t = new byte[4096];
    longName.writeEntryHeader(t);
    ScanResult result = scan("huge-name.tar", t);

    assertThat(findings(result, "CORE-001"))
        .singleElement()
        .satisfies(f -> assertThat(f.description()).contains("type L", "1073741824 bytes"));
  }

  @Test
  void oversizedPaxHeaderAfterAMemberIsRefused() {
    TarArchiveEntry pax =
        new TarArchiveEntry("PaxHeaders/x", TarConstants.LF_PAX_EXTENDED_HEADER_LC);
    pax.setSize(TarScanner.MAX_METADATA_BYTES + 1);
    byte[] first = tar("a.txt", "hello");
    byte[] t = Arrays.copyOf(first, 1024 + 4096);
    byte[] header = new byte[512];
    pax.writeEntryHeader(header);
    System.arraycopy(header, 0, t, 1024, 512);
    ScanResult result = scan("pax.tar", t);

    assertThat(findings(result, "CORE-001"))
        .singleElement()
        .satisfies(f -> assertThat(f.location().offset()).isEqualTo(1024));
    assertThat(Archives.file(result, "pax.tar!/a.txt").size()).isEqualTo(5);
  }

  @Test
  void membersHiddenAfterTheEndMarkerAreReportedAndScanned() {
    byte[] visible = tar("a.txt", "hello");
    byte[] hidden = tar("../../evil.sh", "#!/bin/sh\n");
    byte[] t = Arrays.copyOf(visible, visible.length + hidden.length);
    System.arraycopy(hidden, 0, t, visible.length, hidden.length);
    ScanResult result = scan("hidden.tar", t);

    String nested = "trailing-data@" + visible.length;
    assertThat(findings(result, "ARC-016"))
        .singleElement()
        .satisfies(f -> assertThat(f.location().context()).isEqualTo(nested));
    assertThat(findings(result, "ARC-001"))
        .singleElement()
        .satisfies(f -> assertThat(f.location().path()).isEqualTo("hidden.tar!/" + nested));
    assertThat(result.verdict()).isEqualTo(Verdict.FAIL);
  }

  @Test
  void zeroPaddingAfterTheEndMarkerIsFine() {
    byte[] t = Arrays.copyOf(tar("a.txt", "hello"), 40_960);
    ScanResult result = scan("padded.tar", t);

    assertThat(result.findings()).isEmpty();
  }

  /**
   * A pax tar of empty members with the given names, written by hand: Commons Compress's writer
   * takes minutes to encode megabyte names.
   */
  private static byte[] paxTar(List<String> names) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    for (String name : names) {
      String body = " path=" + name + "\n";
      int len = body.length();
      while (String.valueOf(len).length() + body.length() != len) {
        len = String.valueOf(len).length() + body.length();
      }
      byte[] record = utf8(len + body);
      writeHeader(out, "PaxHeaders/x", TarConstants.LF_PAX_EXTENDED_HEADER_LC, record.length);
      out.writeBytes(record);
      out.writeBytes(new byte[(512 - record.length % 512) % 512]);
      writeHeader(out, "short", TarConstants.LF_NORMAL, 0);
    }
    out.writeBytes(new byte[1024]);
    return out.toByteArray();
  }

  private static void writeHeader(
      java.io.ByteArrayOutputStream out, String name, byte type, long size) {
    TarArchiveEntry e = new TarArchiveEntry(name, type);
    e.setSize(size);
    byte[] header = new byte[512];
    e.writeEntryHeader(header);
    out.writeBytes(header);
  }

  @Test
  void megabyteNamesStopAtTheNameBudget() {
    List<String> names = new java.util.ArrayList<>();
    for (int i = 0; i < 40; i++) {
      names.add(i + "/" + "n".repeat(1_000_000));
    }
    ScanResult result = scan("names.tar", paxTar(names));

    assertThat(findings(result, "CORE-004"))
        .singleElement()
        .satisfies(f -> assertThat(f.description()).contains("Entry names"));
    assertThat(result.verdict()).isEqualTo(Verdict.FAIL);
  }

  @Test
  void truncatedTarIsMalformed() throws IOException {
    ScanResult result = scanFixture("malformed-truncated.tar");

    assertThat(findings(result, "CORE-001")).isNotEmpty();
    assertThat(result.verdict()).isEqualTo(Verdict.FAIL);
  }

  @Test
  void detectsUstarGnuPaxAndV7ButNotText() throws IOException {
    TarScanner scanner = new TarScanner();
    for (String name :
        new String[] {
          "benign-model.tar", "benign-gnu.tar", "benign-pax-long-name.tar", "benign-v7.tar"
        }) {
      byte[] data = java.nio.file.Files.readAllBytes(Archives.FIXTURES.resolve(name));
      assertThat(scanner.supports(Probe.of(Sources.bytes(data, name)))).as(name).isTrue();
    }
    byte[] text = new byte[1024];
    Arrays.fill(text, (byte) 'a');
    assertThat(scanner.supports(Probe.of(Sources.bytes(text, "a.tar")))).isFalse();
    assertThat(scanner.supports(Probe.of(Sources.bytes(utf8("ustar"), "short.tar")))).isFalse();
  }
}
