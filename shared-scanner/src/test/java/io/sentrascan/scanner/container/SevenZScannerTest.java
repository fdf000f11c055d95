package io.sentrascan.scanner.container;

import static io.sentrascan.scanner.container.Archives.findings;
import static io.sentrascan.scanner.container.Archives.scan;
import static io.sentrascan.scanner.container.Archives.tar;
import static io.sentrascan.scanner.container.Archives.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import io.sentrascan.scanner.Finding;
import io.sentrascan.scanner.Limits;
import io.sentrascan.scanner.ScanResult;
import io.sentrascan.scanner.Severity;
import io.sentrascan.scanner.Verdict;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import org.apache.commons.compress.archivers.sevenz.SevenZArchiveEntry;
import org.apache.commons.compress.archivers.sevenz.SevenZMethod;
import org.apache.commons.compress.archivers.sevenz.SevenZOutputFile;
import org.apache.commons.compress.utils.SeekableInMemoryByteChannel;
import org.junit.jupiter.api.Test;

/** 7z archives are written here with Commons Compress, not committed as fixtures. */
class SevenZScannerTest {
  private record Item(String name, String hexData, int unixMode) {
    Item(String name, byte[] data, int unixMode) {
      this(name, java.util.HexFormat.of().formatHex(data), unixMode);
    }

    byte[] data() {
      return java.util.HexFormat.of().parseHex(hexData);
    }
  }

  private static byte[] sevenZ(SevenZMethod method, Item... items) throws IOException {
    SeekableInMemoryByteChannel channel = new SeekableInMemoryByteChannel();
    try (SevenZOutputFile out = new SevenZOutputFile(channel)) {
      out.setContentCompression(method);
      for (Item item : items) {
        SevenZArchiveEntry e = new SevenZArchiveEntry();
        e.setName(item.name());
        e.setSize(item.data().length);
        if (item.unixMode() != 0) {
          e.setHasWindowsAttributes(true);
          e.setWindowsAttributes(0x8000 | (item.unixMode() << 16));
        }
        out.putArchiveEntry(e);
        out.write(item.data());
        out.closeArchiveEntry();
      }
    }
    return Arrays.copyOf(channel.array(), (int) channel.size());
  }

  private static Item file(String name, String content) {
    return new Item(name, utf8(content), 0);
  }

  @Test
  void storedAndCompressedArchivesAreScannedEntryByEntry() throws IOException {
    for (SevenZMethod method : List.of(SevenZMethod.COPY, SevenZMethod.LZMA2, SevenZMethod.BZIP2)) {
      byte[] inner = tar("../../evil.sh", "#!/bin/sh\n");
      byte[] archive =
          sevenZ(method, file("model/config.json", "{}"), new Item("model/inner.tar", inner, 0));
      ScanResult result = scan("m.7z", archive);

      assertThat(Archives.file(result, "m.7z").format()).as(method.name()).isEqualTo("7z");
      assertThat(Archives.file(result, "m.7z!/model/config.json").size()).isEqualTo(2);
      assertThat(findings(result, "ARC-001"))
          .as(method.name())
          .singleElement()
          .satisfies(f -> assertThat(f.location().path()).isEqualTo("m.7z!/model/inner.tar"));
    }
  }

  @Test
  void namesAndLinksAreChecked() throws IOException {
    byte[] archive =
        sevenZ(
            SevenZMethod.LZMA2,
            file("../escape.txt", "x"),
            file("/abs.txt", "x"),
            new Item("model/link", utf8("/etc/passwd"), 0120777));
    ScanResult result = scan("n.7z", archive);

    assertThat(findings(result, "ARC-001"))
        .singleElement()
        .satisfies(f -> assertThat(f.location().context()).isEqualTo("../escape.txt"));
    assertThat(findings(result, "ARC-002"))
        .singleElement()
        .satisfies(f -> assertThat(f.location().context()).isEqualTo("/abs.txt"));
    Finding link = findings(result, "ARC-003").get(0);
    assertThat(link.severity()).isEqualTo(Severity.HIGH);
    assertThat(link.evidence()).isEqualTo("/etc/passwd");
  }

  @Test
  void bombIsStoppedByTheRatioLimit() throws IOException {
    byte[] archive = sevenZ(SevenZMethod.LZMA2, new Item("zeros.bin", new byte[1 << 20], 0));
    Limits small = smallRatio();
    ScanResult result = scan("b.7z", archive, small);

    assertThat(findings(result, "ARC-011")).isNotEmpty();
    assertThat(result.verdict()).isEqualTo(Verdict.FAIL);
  }

  @Test
  void garbageAndTruncationAreMalformed() throws IOException {
    byte[] good = sevenZ(SevenZMethod.LZMA2, file("a.txt", "hello"));
    byte[] truncated = Arrays.copyOf(good, good.length - 10);
    byte[] garbage = Arrays.copyOf(good, 64);
    Arrays.fill(garbage, 12, 64, (byte) 0x5a);
    for (byte[] bad : List.of(truncated, garbage)) {
      ScanResult result = scan("bad.7z", bad);
      assertThat(findings(result, "CORE-001")).isNotEmpty();
      assertThat(result.verdict()).isEqualTo(Verdict.FAIL);
    }
  }

  static Limits smallRatio() {
    Limits d = Limits.defaults();
    return new Limits(
        d.maxDepth(),
        d.maxTotalBytes(),
        d.maxEntries(),
        10,
        1024,
        d.timePerFile(),
        d.maxSpoolInMemory(),
        d.maxPickleBytes());
  }
}
