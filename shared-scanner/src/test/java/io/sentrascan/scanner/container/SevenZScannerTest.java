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

  /**
   * A hand-made 7z whose only folder is AES-encrypted (coder 06F10701): Commons Compress cannot
   * write encryption. With {@code encodedHeader} the header itself is what is encrypted.
   */
  private static byte[] encrypted7z(boolean encodedHeader) {
    byte[] packed = new byte[32];
    Arrays.fill(packed, (byte) 0x5a);
    java.io.ByteArrayOutputStream h = new java.io.ByteArrayOutputStream();
    int[] streams = {
      0x06,
      0x00,
      0x01,
      0x09,
      packed.length,
      0x00, // PackInfo: pos 0, 1 stream, its size
      0x07,
      0x0b,
      0x01,
      0x00, // UnpackInfo: Folder, 1 folder, not external
      0x01,
      0x24,
      0x06,
      0xf1,
      0x07,
      0x01, // 1 coder, 4-byte id with properties: 7zAES
      0x12,
      0x53,
      0x0f,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0, // props: 2^19, 16-byte IV
      0x0c,
      16,
      0x00 // CodersUnpackSize 16, End
    };
    if (encodedHeader) {
      h.write(0x17);
      for (int b : streams) {
        h.write(b);
      }
      h.write(0x00);
    } else {
      h.write(0x01);
      h.write(0x04);
      for (int b : streams) {
        h.write(b);
      }
      for (int b : new int[] {0x08, 0x0d, 0x01, 0x00}) { // SubStreamsInfo: 1 stream in the folder
        h.write(b);
      }
      h.write(0x00); // End of MainStreamsInfo
      int[] files = {
        0x05, 0x01, 0x11, 15, 0x00, 's', 0, 'e', 0, 'c', 0, 'r', 0, 'e', 0, 't', 0, 0, 0, 0x00
      };
      for (int b : files) {
        h.write(b);
      }
      h.write(0x00);
    }
    byte[] header = h.toByteArray();
    java.nio.ByteBuffer out =
        java.nio.ByteBuffer.allocate(32 + packed.length + header.length)
            .order(java.nio.ByteOrder.LITTLE_ENDIAN);
    out.put(new byte[] {'7', 'z', (byte) 0xbc, (byte) 0xaf, 0x27, 0x1c, 0, 4});
    java.util.zip.CRC32 crc = new java.util.zip.CRC32();
    crc.update(header);
    java.nio.ByteBuffer start =
        java.nio.ByteBuffer.allocate(20).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    start.putLong(packed.length).putLong(header.length).putInt((int) crc.getValue());
    crc.reset();
    crc.update(start.array());
    out.putInt((int) crc.getValue()).put(start.array()).put(packed).put(header);
    return out.array();
  }

  @Test
  void encryptedEntryFailsClosed() {
    ScanResult result = scan("enc.7z", encrypted7z(false));

    assertThat(findings(result, "ARC-006"))
        .singleElement()
        .satisfies(f -> assertThat(f.location().context()).isEqualTo("secret"));
    assertThat(result.verdict()).isEqualTo(Verdict.FAIL);
  }

  @Test
  void encryptedHeaderFailsClosed() {
    ScanResult result = scan("enc-header.7z", encrypted7z(true));

    assertThat(findings(result, "ARC-006"))
        .singleElement()
        .satisfies(f -> assertThat(f.description()).contains("header is encrypted"));
    assertThat(result.verdict()).isEqualTo(Verdict.FAIL);
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
