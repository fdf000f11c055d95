package io.sentrascan.scanner.container;

import static io.sentrascan.scanner.container.Archives.findings;
import static io.sentrascan.scanner.container.Archives.scan;
import static io.sentrascan.scanner.container.Archives.scanFixture;
import static io.sentrascan.scanner.container.Archives.tar;
import static io.sentrascan.scanner.container.Archives.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import io.sentrascan.scanner.Probe;
import io.sentrascan.scanner.ScanResult;
import io.sentrascan.scanner.Sources;
import io.sentrascan.scanner.Verdict;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.zip.DeflaterOutputStream;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.apache.commons.compress.compressors.lz4.FramedLZ4CompressorOutputStream;
import org.apache.commons.compress.compressors.lzma.LZMACompressorOutputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorOutputStream;
import org.apache.commons.compress.compressors.zstandard.ZstdCompressorOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class CompressedStreamScannerTest {
  private static final byte[] SLIP_TAR = tar("ok.json", "{}", "../../evil.sh", "#!/bin/sh\n");

  private static OutputStream wrap(String codec, OutputStream out) throws IOException {
    return switch (codec) {
      case "gzip" -> new GzipCompressorOutputStream(out);
      case "bzip2" -> new BZip2CompressorOutputStream(out);
      case "xz" -> new XZCompressorOutputStream(out);
      case "lzma" -> new LZMACompressorOutputStream(out);
      case "zstd" -> new ZstdCompressorOutputStream(out);
      case "lz4" -> new FramedLZ4CompressorOutputStream(out);
      case "zlib" -> new DeflaterOutputStream(out);
      default -> throw new IllegalArgumentException(codec);
    };
  }

  private static byte[] compress(String codec, byte[] data) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (OutputStream c = wrap(codec, out)) {
      c.write(data);
    }
    return out.toByteArray();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "gzip, model.tar.gz, model.tar",
    "gzip, model.tgz, model.tar",
    "bzip2, model.tar.bz2, model.tar",
    "xz, model.tar.xz, model.tar",
    "lzma, model.tar.lzma, model.tar",
    "zstd, model.tar.zst, model.tar",
    "lz4, model.tar.lz4, model.tar",
    "zlib, model.bin, model.bin.decompressed"
  })
  void everyCodecIsUnpackedAndItsContentScanned(String codec, String name, String inner)
      throws IOException {
    ScanResult result = scan(name, compress(codec, SLIP_TAR));

    assertThat(Archives.file(result, name).format()).isEqualTo(codec);
    assertThat(Archives.file(result, name + "!/" + inner).format()).isEqualTo("tar");
    assertThat(findings(result, "ARC-001"))
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.location().path()).isEqualTo(name + "!/" + inner);
              assertThat(f.location().context()).isEqualTo("../../evil.sh");
            });
    assertThat(result.verdict()).isEqualTo(Verdict.FAIL);
  }

  @Test
  void multiMemberGzipIsReadToTheEnd() throws IOException {
    ScanResult result = scanFixture("benign-multi-member.json.gz");

    assertThat(
            Archives.file(result, "benign-multi-member.json.gz!/benign-multi-member.json").size())
        .isEqualTo(
            utf8("{\n  \"model_type\": \"bert\",\n  \"hidden_size\": 768,\n  \"layers\": 12\n}")
                .length);
  }

  @Test
  void truncatedGzipIsMalformed() throws IOException {
    ScanResult result = scanFixture("malformed-truncated.json.gz");

    assertThat(findings(result, "CORE-001"))
        .singleElement()
        .satisfies(
            f -> assertThat(f.description()).contains("gzip stream is corrupt or truncated"));
  }

  @Test
  void nestedGzipBombHitsTheRatioLimit() throws IOException {
    ScanResult result = scanFixture("malicious-gzip-bomb.bin.gz.gz");

    assertThat(findings(result, "CORE-005"))
        .singleElement()
        .satisfies(
            f ->
                assertThat(f.location().path())
                    .isEqualTo("malicious-gzip-bomb.bin.gz.gz!/malicious-gzip-bomb.bin.gz"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "x^2 + y^2 = r^2, a note about circles that is long enough to look like data",
        "]\u0000\u0000 not lzma at all, only text with NULs",
        "BZh9 is how this sentence starts",
        "xx plain text"
      })
  void textThatStartsLikeAMagicIsNotClaimed(String text) throws IOException {
    Probe probe = Probe.of(Sources.bytes(utf8(text), "notes.txt"));
    assertThat(new CompressedStreamScanner().supports(probe)).isFalse();
  }

  @Test
  void decoderMemoryOverTheCapIsAFindingNotAnAllocation() {
    // An .lzma header asking for a 1 GiB dictionary, then junk.
    byte[] lzma = new byte[64];
    byte[] header = {0x5d, 0, 0, 0, 0x40, -1, -1, -1, -1, -1, -1, -1, -1};
    System.arraycopy(header, 0, lzma, 0, header.length);
    ScanResult result = scan("huge-dict.lzma", lzma);

    assertThat(findings(result, "ARC-015"))
        .singleElement()
        .satisfies(f -> assertThat(f.location().path()).isEqualTo("huge-dict.lzma"));
    assertThat(result.verdict()).isEqualTo(Verdict.FAIL);
  }

  @Test
  void nestedNamesFollowTheExtension() {
    assertThat(Codec.GZIP.decompressedName("a.tar.gz")).isEqualTo("a.tar");
    assertThat(Codec.GZIP.decompressedName("a.TGZ")).isEqualTo("a.tar");
    assertThat(Codec.GZIP.decompressedName("weights")).isEqualTo("weights.decompressed");
    assertThat(Codec.GZIP.decompressedName(".gz")).isEqualTo(".gz.decompressed");
    assertThat(Codec.ZSTD.decompressedName("m.tzst")).isEqualTo("m.tar");
    assertThat(Codec.BZIP2.decompressedName("n.txt.bz2")).isEqualTo("n.txt");
  }
}
