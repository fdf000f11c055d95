package io.sentrascan.scanner.format.safetensors;

import static io.sentrascan.testing.FormatFixtures.only;
import static io.sentrascan.testing.FormatFixtures.scanFile;
import static org.assertj.core.api.Assertions.assertThat;

import io.sentrascan.scanner.FileResult;
import io.sentrascan.scanner.Finding;
import io.sentrascan.scanner.Policy;
import io.sentrascan.scanner.ScanEngine;
import io.sentrascan.scanner.Severity;
import io.sentrascan.scanner.Source;
import io.sentrascan.scanner.Sources;
import io.sentrascan.scanner.Verdict;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class SafeTensorsScannerTest {
  static final Path FIXTURES = Path.of("src/test/resources/fixtures/safetensors");

  private static FileResult scan(String name) throws IOException {
    return scanFile(FIXTURES.resolve(name));
  }

  static byte[] file(String header, int dataBytes) {
    byte[] json = header.getBytes(StandardCharsets.UTF_8);
    ByteBuffer b = ByteBuffer.allocate(8 + json.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(json.length).put(json);
    return b.array();
  }

  private static FileResult scanBytes(byte[] data) {
    return ScanEngine.defaults().scanSource(Sources.bytes(data, "mem.safetensors")).get(0);
  }

  @Test
  void cleanFileIsTheSafeFormatWithNoFindings() throws IOException {
    FileResult file = scan("benign-linear.safetensors");
    assertThat(file.scanner()).isEqualTo("safetensors");
    assertThat(file.format()).isEqualTo("safetensors");
    assertThat(file.findings()).isEmpty();
    assertThat(file.errors()).isEmpty();
    assertThat(file.properties().get("safetensors.tensors")).containsExactly("2");
    assertThat(file.properties().get("safetensors.dtype")).containsExactly("F16", "F32");
    assertThat(scan("benign-mixed-dtypes.safetensors").findings()).isEmpty();
    assertThat(scan("benign-no-tensors.safetensors").findings()).isEmpty();
  }

  @Test
  void overlappingTensorsPointAtTheSecondTensor() throws IOException {
    Finding f = only(scan("malicious-overlapping-tensors.safetensors"), "ST-006");
    assertThat(f.severity()).isEqualTo(Severity.HIGH);
    assertThat(f.location().context()).isEqualTo("b");
    assertThat(f.description()).contains("overlaps \"a\"");
  }

  @Test
  void offsetsPastTheFileAndLyingShapesAreHigh() throws IOException {
    Finding past = only(scan("malicious-offsets-past-end.safetensors"), "ST-005");
    assertThat(past.location().context()).isEqualTo("b");
    assertThat(past.evidence()).isEqualTo("data_offsets [16, 4112]");
    Finding size = only(scan("malicious-size-mismatch.safetensors"), "ST-004");
    assertThat(size.description()).contains("1000000 elements of F32 (4000000 bytes)", "16 bytes");
    Finding dtype = only(scan("malicious-unknown-dtype.safetensors"), "ST-003");
    assertThat(dtype.evidence()).isEqualTo("Q99");
    assertThat(dtype.location().offset()).isEqualTo(8 + 1); // the entry's name in the header
    assertThat(only(scan("malicious-duplicate-names.safetensors"), "ST-008").location().context())
        .isEqualTo("a");
  }

  @Test
  void headerLengthIsBoundedBeforeAnythingIsRead() throws IOException {
    Finding huge = only(scan("malicious-header-length-huge.safetensors"), "ST-001");
    assertThat(huge.location().offset()).isZero();
    assertThat(huge.description()).contains("549755813888", "limit 100 MB");
    assertThat(only(scan("malformed-truncated-header.safetensors"), "ST-001").severity())
        .isEqualTo(Severity.HIGH);
  }

  @Test
  void trailingBytesAreReportedAndSearchedForPickles() throws IOException {
    FileResult file = scan("malicious-trailing-pickle.safetensors");
    Finding trailing = only(file, "ST-012");
    long dataEnd =
        8
            + SafeTensorsScanner.headerLength(
                java.nio.file.Files.readAllBytes(
                    FIXTURES.resolve("malicious-trailing-pickle.safetensors")))
            + 8;
    assertThat(trailing.location().offset()).isEqualTo(dataEnd);
    assertThat(only(file, "PKL-001").description()).contains("eval");
  }

  @Test
  void gapsAndOddMetadataWarnWithoutFailing() throws IOException {
    FileResult gap = scan("suspicious-gap-between-tensors.safetensors");
    Finding f = only(gap, "ST-007");
    assertThat(f.severity()).isEqualTo(Severity.MEDIUM);
    assertThat(f.evidence()).isEqualTo("gap [8, 64)");
    FileResult meta = scan("suspicious-metadata-not-strings.safetensors");
    assertThat(only(meta, "ST-009").location().context()).isEqualTo("__metadata__.layers");
    assertThat(only(meta, "ST-011").location().context()).isEqualTo("__metadata__.cmd");
    assertThat(Policy.defaults().verdict(List.of(gap, meta))).isEqualTo(Verdict.PASS);
  }

  @Test
  void invalidHeadersAreFindingsNotExceptions() throws IOException {
    assertThat(only(scan("malformed-invalid-json.safetensors"), "ST-002").description())
        .contains("not valid JSON");
    assertThat(only(scan("malformed-missing-offsets.safetensors"), "ST-002").description())
        .contains("missing");
    FileResult deep = scanBytes(file("{\"a\":" + "[".repeat(5000) + "]".repeat(5000) + "}", 0));
    assertThat(deep.findings()).extracting(Finding::ruleId).contains("ST-002");
    FileResult trailingJson = scanBytes(file("{} {}", 0));
    assertThat(only(trailingJson, "ST-002").description()).contains("continues after");
    FileResult bigNumber =
        scanBytes(
            file(
                "{\"a\":{\"dtype\":\"F32\",\"shape\":[99999999999999999999],"
                    + "\"data_offsets\":[0,4]}}",
                4));
    assertThat(bigNumber.findings()).extracting(Finding::ruleId).contains("ST-002");
    FileResult overflow =
        scanBytes(
            file(
                "{\"a\":{\"dtype\":\"F32\",\"shape\":[4294967296,4294967296],"
                    + "\"data_offsets\":[0,4]}}",
                4));
    assertThat(only(overflow, "ST-004").description()).contains("overflows");
  }

  @Test
  void manyBadEntriesAreCappedIntoASummary() {
    StringBuilder h = new StringBuilder("{");
    for (int i = 0; i < 500; i++) {
      h.append(i == 0 ? "" : ",")
          .append("\"t")
          .append(i)
          .append("\":{\"dtype\":\"X\",")
          .append("\"shape\":[1],\"data_offsets\":[0,1]}");
    }
    FileResult file = scanBytes(file(h.append('}').toString(), 1));
    assertThat(file.findings().stream().filter(f -> f.ruleId().equals("ST-003"))).hasSize(10);
    assertThat(file.findings().stream().filter(f -> f.ruleId().equals("ST-013")))
        .extracting(Finding::description)
        .containsExactly(
            "490 more ST-003 findings were not listed (500 in all).",
            "489 more ST-006 findings were not listed (499 in all).");
  }

  @Test
  void hugeTensorCountsStopAtTheCap() {
    StringBuilder h = new StringBuilder("{");
    for (int i = 0; i <= SafeTensorsHeader.MAX_TENSORS; i++) {
      h.append(i == 0 ? "" : ",")
          .append("\"t")
          .append(i)
          .append("\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[")
          .append(i)
          .append(',')
          .append(i + 1)
          .append("]}");
    }
    FileResult file = scanBytes(file(h.append('}').toString(), SafeTensorsHeader.MAX_TENSORS + 1));
    assertThat(only(file, "ST-014").location().context()).isEqualTo("t200000");
    assertThat(file.properties().get("safetensors.tensors")).containsExactly("200000");
  }

  @Test
  void randomMutationsNeverEscapeAsErrors() throws IOException {
    byte[] good =
        java.nio.file.Files.readAllBytes(FIXTURES.resolve("benign-mixed-dtypes.safetensors"));
    java.util.Random random = new java.util.Random(3);
    for (int i = 0; i < 500; i++) {
      byte[] bad = good.clone();
      for (int j = 0; j < 3; j++) {
        int at = 10 + random.nextInt(bad.length - 10); // keep what detection looks at
        bad[at] = (byte) random.nextInt(256);
      }
      FileResult r = scanBytes(bad);
      assertThat(r.scanner()).isEqualTo("safetensors");
      assertThat(r.errors()).as("mutation %d: %s", i, r.findings()).isEmpty();
      assertThat(r.findings()).extracting(Finding::ruleId).doesNotContain("CORE-001");
    }
  }

  @Test
  void otherBytesAreNotClaimed() {
    FileResult text = scanBytes("{\"just\": \"json\"}".getBytes(StandardCharsets.UTF_8));
    assertThat(text.scanner()).isNotEqualTo("safetensors");
  }

  /** Bytes of a 200 MB file whose header describes it: the tensor data is all zeros. */
  private static final class SparseFile implements Source {
    final byte[] head;
    final long size;
    final AtomicLong read = new AtomicLong();

    SparseFile(byte[] head, long size) {
      this.head = head;
      this.size = size;
    }

    @Override
    public long size() {
      return size;
    }

    @Override
    public String displayPath() {
      return "big.safetensors";
    }

    @Override
    public int read(long position, byte[] buf, int off, int len) {
      if (position >= size) {
        return -1;
      }
      int n = (int) Math.min(len, size - position);
      Arrays.fill(buf, off, off + n, (byte) 0);
      if (position < head.length) {
        System.arraycopy(head, (int) position, buf, off, (int) Math.min(n, head.length - position));
      }
      read.addAndGet(n);
      return n;
    }
  }

  @Test
  void onlyTheHeaderOfALargeFileIsRead() {
    long tensorBytes = 50L << 20; // 4 tensors of 50 MB
    StringBuilder h = new StringBuilder("{\"__metadata__\":{\"format\":\"pt\"}");
    for (int i = 0; i < 4; i++) {
      h.append(",\"layer")
          .append(i)
          .append("\":{\"dtype\":\"F32\",\"shape\":[")
          .append(tensorBytes / 4)
          .append("],\"data_offsets\":[")
          .append(i * tensorBytes)
          .append(',')
          .append((i + 1) * tensorBytes)
          .append("]}");
    }
    byte[] head = file(h.append('}').toString(), 0);
    SparseFile big = new SparseFile(head, head.length + 4 * tensorBytes);
    FileResult file = ScanEngine.defaults().withDigests(List.of()).scanSource(big).get(0);
    assertThat(file.findings()).isEmpty();
    assertThat(file.format()).isEqualTo("safetensors");
    // The probe reads 64 KiB; the scanner adds the 8-byte length and the header.
    assertThat(big.read.get()).isLessThan(1 << 20);
    System.out.printf(
        "safetensors: read %d of %d bytes (%.5f%%)%n",
        big.read.get(), big.size, 100.0 * big.read.get() / big.size);
  }
}
