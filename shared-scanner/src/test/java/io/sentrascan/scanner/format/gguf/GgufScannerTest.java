package io.sentrascan.scanner.format.gguf;

import static io.sentrascan.testing.FormatFixtures.only;
import static org.assertj.core.api.Assertions.assertThat;

import io.sentrascan.scanner.FileResult;
import io.sentrascan.scanner.Finding;
import io.sentrascan.scanner.ScanEngine;
import io.sentrascan.scanner.Severity;
import io.sentrascan.scanner.Source;
import io.sentrascan.scanner.Sources;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class GgufScannerTest {
  static final Path FIXTURES = Path.of("src/test/resources/fixtures/gguf");
  private static final ScanEngine ENGINE = ScanEngine.defaults().withDigests(List.of());

  private static FileResult scan(String name) throws IOException {
    byte[] data = Files.readAllBytes(FIXTURES.resolve(name));
    return ENGINE.scanSource(Sources.bytes(data, name)).get(0);
  }

  @Test
  void benignFileRecordsItsMetadataForTheSbom() throws IOException {
    FileResult file = scan("benign-llama3-chat.gguf");
    assertThat(file.scanner()).isEqualTo("gguf");
    assertThat(file.format()).isEqualTo("gguf");
    assertThat(file.findings()).isEmpty();
    assertThat(file.properties().get("gguf.architecture")).containsExactly("llama");
    assertThat(file.properties().get("gguf.name")).containsExactly("SentraScan Tiny Llama Chat");
    assertThat(file.properties().get("gguf.license")).containsExactly("llama3");
    assertThat(file.properties().get("gguf.version")).containsExactly("3");
    assertThat(file.properties().get("gguf.tensor_count")).containsExactly("4");
    assertThat(file.properties().get("gguf.chat_template"))
        .containsExactly("tokenizer.chat_template");
  }

  @Test
  void bigEndianAndOlderVersionsParse() throws IOException {
    FileResult big = scan("benign-big-endian.gguf");
    assertThat(big.findings()).isEmpty();
    assertThat(big.properties().get("gguf.endianness")).containsExactly("big");
    assertThat(big.properties().get("gguf.architecture")).containsExactly("llama");
    FileResult v1 = scan("benign-v1-gemma.gguf");
    assertThat(v1.findings()).isEmpty();
    assertThat(v1.properties().get("gguf.version")).containsExactly("1");
    assertThat(scan("benign-v2-no-template.gguf").findings()).isEmpty();
  }

  @Test
  void templateInjectionIsLocatedAtTheTemplateValue() throws IOException {
    byte[] data = Files.readAllBytes(FIXTURES.resolve("malicious-ssti-cycler-globals.gguf"));
    Finding f = only(scan("malicious-ssti-cycler-globals.gguf"), "TPL-001");
    assertThat(f.severity()).isEqualTo(Severity.CRITICAL);
    assertThat(f.location().context()).isEqualTo("tokenizer.chat_template, template line 3");
    // The offset is the template's length prefix, just after the key and its type.
    int key = indexOf(data, "tokenizer.chat_template".getBytes(StandardCharsets.US_ASCII));
    assertThat(f.location().offset()).isEqualTo(key + "tokenizer.chat_template".length() + 4);
    assertThat(f.evidence()).isEqualTo("cycler.__init__.__globals__.os.popen().read()");
  }

  @Test
  void namedTemplateVariantsAreAnalysedToo() throws IOException {
    FileResult file = scan("malicious-ssti-hidden-in-variant.gguf");
    Finding f = only(file, "TPL-001");
    assertThat(f.location().context()).startsWith("tokenizer.chat_template.rag");
    assertThat(file.properties().get("gguf.chat_template"))
        .containsExactly("tokenizer.chat_template", "tokenizer.chat_template.rag");
    assertThat(scan("benign-qwen25-tool-use-variant.gguf").findings()).isEmpty();
  }

  @Test
  void lyingHeadersAreNamedByTheirRule() throws IOException {
    assertThat(only(scan("malformed-kv-count-absurd.gguf"), "GGUF-001").location().offset())
        .isEqualTo(16);
    assertThat(only(scan("malformed-tensor-count-absurd.gguf"), "GGUF-001").description())
        .contains("1099511627776 tensors");
    assertThat(only(scan("malformed-huge-string-length.gguf"), "GGUF-002").description())
        .contains("general.description", "1099511627776");
    Finding beyond = only(scan("malformed-tensor-offset-beyond-file.gguf"), "GGUF-003");
    assertThat(beyond.location().context()).isEqualTo("blk.0.attn_q.weight");
    assertThat(only(scan("malformed-version-99.gguf"), "GGUF-005").location().offset())
        .isEqualTo(4);
    assertThat(scan("malformed-tensor-misaligned-overlap.gguf").findings())
        .extracting(Finding::ruleId)
        .containsExactly("GGUF-004", "GGUF-004");
  }

  @Test
  void everyTruncationEndsInAFindingNeverAnError() throws IOException {
    byte[] data = Files.readAllBytes(FIXTURES.resolve("benign-llama3-chat.gguf"));
    int dataStart =
        Integer.parseInt(
            scan("benign-llama3-chat.gguf").properties().get("gguf.data_offset").first());
    for (int len = 4; len < data.length; len += 7) {
      FileResult file =
          ENGINE.scanSource(Sources.bytes(Arrays.copyOf(data, len), "cut.gguf")).get(0);
      assertThat(file.errors()).as("cut at " + len).isEmpty();
      if (len < dataStart) {
        assertThat(file.findings()).as("cut at " + len).isNotEmpty();
        assertThat(file.findings()).allMatch(f -> f.severity().atLeast(Severity.HIGH));
      }
    }
  }

  @Test
  void randomByteFlipsNeverEscape() throws IOException {
    byte[] data = Files.readAllBytes(FIXTURES.resolve("benign-llama31-tools.gguf"));
    java.util.Random random = new java.util.Random(7);
    for (int n = 0; n < 400; n++) {
      byte[] copy = data.clone();
      for (int k = 0; k < 4; k++) {
        copy[8 + random.nextInt(copy.length - 8)] = (byte) random.nextInt(256);
      }
      FileResult file = ENGINE.scanSource(Sources.bytes(copy, "flip.gguf")).get(0);
      assertThat(file.findings()).noneMatch(f -> f.description().contains("could not process"));
    }
  }

  @Test
  void tensorDataIsNeverRead() throws IOException {
    // A 64 GiB "file": the header of a real fixture whose first tensor is declared huge, then
    // nothing. The scanner must decide from the header alone.
    byte[] header = Files.readAllBytes(FIXTURES.resolve("benign-llama3-chat.gguf"));
    long size = 64L << 30;
    // Reads anywhere between the header and the last 128 KiB (where the engine's zip probe looks
    // for an end-of-central-directory record) would be reads of tensor data.
    long middleStart = header.length + 64L * 1024;
    long middleEnd = size - (128 << 10);
    AtomicLong middleReads = new AtomicLong();
    Source source =
        new Source() {
          @Override
          public long size() {
            return size;
          }

          @Override
          public String displayPath() {
            return "huge.gguf";
          }

          @Override
          public int read(long position, byte[] buf, int off, int len) {
            if (position >= size) {
              return -1;
            }
            int n = (int) Math.min(len, size - position);
            if (position < middleEnd && position + n > middleStart) {
              middleReads.incrementAndGet();
            }
            Arrays.fill(buf, off, off + n, (byte) 0);
            if (position < header.length) {
              int k = (int) Math.min(n, header.length - position);
              System.arraycopy(header, (int) position, buf, off, k);
            }
            return n;
          }
        };
    FileResult file = ENGINE.scanSource(source).get(0);
    assertThat(file.findings()).isEmpty();
    assertThat(middleReads.get()).isZero();
  }

  @Test
  void alignmentMustBeAPowerOfTwo() throws IOException {
    byte[] data = Files.readAllBytes(FIXTURES.resolve("benign-llama3-chat.gguf"));
    int at = indexOf(data, "general.alignment".getBytes(StandardCharsets.US_ASCII));
    ByteBuffer.wrap(data, at + 17 + 4, 4).order(ByteOrder.LITTLE_ENDIAN).putInt(24);
    FileResult file = ENGINE.scanSource(Sources.bytes(data, "align.gguf")).get(0);
    assertThat(only(file, "GGUF-005").evidence()).isEqualTo("general.alignment = 24");
  }

  private static int indexOf(byte[] data, byte[] needle) {
    outer:
    for (int i = 0; i <= data.length - needle.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (data[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    throw new AssertionError("not found");
  }
}
