package io.sentrascan.scanner.format.gguf;

import io.sentrascan.scanner.Probe;
import io.sentrascan.scanner.ScanContext;
import io.sentrascan.scanner.Scanner;
import io.sentrascan.scanner.Severity;
import io.sentrascan.scanner.Source;
import io.sentrascan.scanner.template.ChatTemplateAnalyzer;
import io.sentrascan.scanner.text.EmbeddedStrings;
import io.sentrascan.scanner.text.TextFindings;
import java.io.IOException;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * GGUF model files (llama.cpp), versions 1 to 3, little- or big-endian. The header, every metadata
 * key and value and every tensor info are parsed and checked against the file size; the chat
 * templates in {@code tokenizer.chat_template*} are analysed for template injection, and every
 * metadata string outside the vocabulary is searched for secrets. Tensor data is never read: its
 * offsets and sizes are checked arithmetically.
 */
public final class GgufScanner implements Scanner {
  /** Real keys are under 100 bytes; the specification allows 65,535, which is far too generous. */
  private static final int MAX_KEY_BYTES = 4096;

  /** llama.cpp rejects tensor names of 64 bytes or more; this leaves room and bounds memory. */
  private static final int MAX_TENSOR_NAME_BYTES = 256;

  private static final long MAX_STRING_BYTES = 256L << 20;
  private static final int MAX_KEPT_STRING_BYTES = 4 << 20;

  /** Bytes of one metadata string searched for secrets; the rest of a longer one is skipped. */
  private static final int MAX_SECRET_STRING_BYTES = 64 << 10;

  private static final long MAX_KV = 1_000_000;
  private static final long MAX_TENSORS = 200_000;
  private static final int MAX_ARRAY_DEPTH = 4;
  private static final int MAX_DIMS = 4;
  private static final int MAX_LAYOUT_FINDINGS = 10;
  private static final int DEFAULT_ALIGNMENT = 32;

  private static final int STRING = 8;
  private static final int ARRAY = 9;
  private static final int[] SCALAR_BYTES = {1, 1, 2, 2, 4, 4, 4, 1, -1, -1, 8, 8, 8};

  /** Metadata recorded as properties for the SBOM. */
  private static final Map<String, String> PROPERTIES =
      Map.of(
          "general.architecture", "gguf.architecture",
          "general.name", "gguf.name",
          "general.license", "gguf.license",
          "general.basename", "gguf.basename",
          "general.size_label", "gguf.size_label");

  private static final TextFindings TEXT = TextFindings.defaults();

  @Override
  public String name() {
    return "gguf";
  }

  @Override
  public String version() {
    return "1.1.0+" + ChatTemplateAnalyzer.version() + "+secrets-" + TEXT.version();
  }

  @Override
  public String description() {
    return "GGUF v1–v3 (magic `GGUF`, either byte order): counts, lengths and value types bounded against the file, tensor infos (dimensions, types, offsets, alignment, overlap, duplicates) checked without reading tensor data; `tokenizer.chat_template*` analysed for template injection; metadata strings outside the vocabulary searched for secrets (located by key, masked); architecture, name and license recorded for the SBOM.";
  }

  @Override
  public boolean supports(Probe probe) {
    return probe.startsWith("GGUF");
  }

  /** Stops the parse with a finding of a GGUF rule. */
  private static final class Stop extends Exception {
    private static final long serialVersionUID = 1L;
    final String rule;
    final long offset;

    Stop(String rule, String message, long offset) {
      super(message, null, false, false);
      this.rule = rule;
      this.offset = offset;
    }
  }

  private record Tensor(String name, long offset, long bytes, long infoOffset) {}

  /** State of one scan: the scanner itself is shared and stateless. */
  private static final class Parse {
    final ScanContext ctx;
    final GgufReader in;
    final int version;
    final EmbeddedStrings strings = EmbeddedStrings.withDefaultBudget();
    long alignment = DEFAULT_ALIGNMENT;

    Parse(ScanContext ctx, GgufReader in, int version) {
      this.ctx = ctx;
      this.in = in;
      this.version = version;
    }

    long length() throws IOException {
      return version == 1 ? in.u32AsLong() : in.u64();
    }
  }

  @Override
  public void scan(Source source, ScanContext ctx) throws IOException {
    ctx.setFormat("gguf");
    GgufReader probe = new GgufReader(source, 4, ByteOrder.LITTLE_ENDIAN);
    int raw = probe.u32();
    ByteOrder order = ByteOrder.LITTLE_ENDIAN;
    int version = raw;
    if (raw < 1 || raw > 3) {
      int swapped = Integer.reverseBytes(raw);
      if (swapped >= 1 && swapped <= 3) {
        order = ByteOrder.BIG_ENDIAN;
        version = swapped;
      } else {
        ctx.report(
            "GGUF-005",
            ctx.at(4, "version"),
            "GGUF version " + Integer.toUnsignedString(raw) + " is not 1, 2 or 3.",
            "version " + Integer.toUnsignedString(raw));
        return;
      }
    }
    ctx.addProperty("gguf.version", Integer.toString(version));
    if (order == ByteOrder.BIG_ENDIAN) {
      ctx.addProperty("gguf.endianness", "big");
    }
    Parse p = new Parse(ctx, new GgufReader(source, 8, order), version);
    try {
      parse(p, source.size());
    } catch (Stop stop) {
      ctx.report(stop.rule, ctx.at(stop.offset), stop.getMessage(), "offset " + stop.offset);
    }
    // Also after a stop: secrets in the metadata read so far are still in the file.
    p.strings.report(TEXT, ctx);
    if (p.strings.skipped() > 0) {
      ctx.addProperty("gguf.strings_not_searched", Long.toString(p.strings.skipped()));
    }
  }

  private static void parse(Parse p, long fileSize) throws IOException, Stop {
    GgufReader in = p.in;
    long countsAt = in.position();
    long tensorCount = p.length();
    long kvCount = p.length();
    p.ctx.addProperty("gguf.tensor_count", Long.toUnsignedString(tensorCount));
    int lengthBytes = p.version == 1 ? 4 : 8;
    long remaining = in.remaining();
    long minKv = lengthBytes + 1L + 4 + 1;
    long minTensor = lengthBytes + 1L + 4 + 4 + 8;
    if (kvCount < 0 || kvCount > remaining / minKv || kvCount > MAX_KV) {
      throw new Stop(
          "GGUF-001",
          "The header declares "
              + Long.toUnsignedString(kvCount)
              + " metadata entries, but the "
              + remaining
              + " bytes left in the file hold at most "
              + Math.min(remaining / minKv, MAX_KV)
              + ".",
          countsAt + lengthBytes);
    }
    if (tensorCount < 0 || tensorCount > remaining / minTensor || tensorCount > MAX_TENSORS) {
      throw new Stop(
          "GGUF-001",
          "The header declares "
              + Long.toUnsignedString(tensorCount)
              + " tensors, but the "
              + remaining
              + " bytes left in the file hold at most "
              + Math.min(remaining / minTensor, MAX_TENSORS)
              + ".",
          countsAt);
    }
    // Hashes, not the keys: a hostile file may carry a million long keys.
    Set<Long> keys = new HashSet<>();
    for (long i = 0; i < kvCount; i++) {
      if ((i & 0xfff) == 0) {
        p.ctx.checkDeadline();
      }
      long keyAt = in.position();
      String key = string(p, MAX_KEY_BYTES, "metadata key");
      if (!keys.add(hash(key))) {
        p.ctx.report(
            "GGUF-004",
            p.ctx.at(keyAt, key),
            "Metadata key " + key + " appears more than once; loaders disagree on which wins.",
            key);
      }
      long typeAt = in.position();
      int type = in.u32();
      value(p, key, type, typeAt, 0);
    }
    tensors(p, tensorCount, fileSize);
  }

  private static void value(Parse p, String key, int type, long typeAt, int depth)
      throws IOException, Stop {
    GgufReader in = p.in;
    if (type < 0 || type >= SCALAR_BYTES.length) {
      throw new Stop(
          "GGUF-005",
          "Metadata "
              + key
              + " has value type "
              + Integer.toUnsignedString(type)
              + ", which GGUF does not define.",
          typeAt);
    }
    if (type == STRING) {
      long at = in.position();
      boolean template =
          depth == 0
              && (key.equals("tokenizer.chat_template")
                  || key.startsWith("tokenizer.chat_template."));
      String property = depth == 0 ? PROPERTIES.get(key) : null;
      if (template || property != null) {
        String text = string(p, MAX_KEPT_STRING_BYTES, key);
        p.strings.add(text, p.ctx.at(at, key), "GGUF metadata " + key);
        if (template) {
          p.ctx.addProperty("gguf.chat_template", key);
          ChatTemplateAnalyzer.defaults().analyze(text, p.ctx, p.ctx.at(at, key));
        } else {
          String shown = TEXT.redact(text);
          p.ctx.addProperty(property, shown.length() > 200 ? shown.substring(0, 200) : shown);
        }
      } else if (key.startsWith("tokenizer.ggml.")) {
        // The vocabulary and merges: hundreds of thousands of token pieces, no settings.
        skipString(p, key);
      } else {
        String text = string(p, MAX_SECRET_STRING_BYTES, key);
        p.strings.add(text, p.ctx.at(at, key), "GGUF metadata " + key);
      }
      return;
    }
    if (type == ARRAY) {
      if (depth >= MAX_ARRAY_DEPTH) {
        throw new Stop(
            "GGUF-005",
            "Metadata " + key + " nests arrays more than " + MAX_ARRAY_DEPTH + " deep.",
            typeAt);
      }
      long at = in.position();
      int elementType = in.u32();
      long count = p.length();
      if (elementType < 0 || elementType >= SCALAR_BYTES.length) {
        throw new Stop(
            "GGUF-005",
            "Metadata array "
                + key
                + " has element type "
                + Integer.toUnsignedString(elementType)
                + ", which GGUF does not define.",
            at);
      }
      long min =
          elementType == STRING
              ? (p.version == 1 ? 4 : 8)
              : elementType == ARRAY ? (p.version == 1 ? 8 : 12) : SCALAR_BYTES[elementType];
      if (count < 0 || count > in.remaining() / min) {
        throw new Stop(
            "GGUF-002",
            "Metadata array "
                + key
                + " declares "
                + Long.toUnsignedString(count)
                + " elements, more than the "
                + in.remaining()
                + " bytes left in the file hold.",
            at);
      }
      if (elementType != STRING && elementType != ARRAY) {
        in.skip(count * SCALAR_BYTES[elementType]);
        return;
      }
      for (long i = 0; i < count; i++) {
        if ((i & 0xffff) == 0) {
          p.ctx.checkDeadline();
        }
        value(p, key, elementType, at, depth + 1);
      }
      return;
    }
    if (depth == 0 && key.equals("general.alignment")) {
      long v =
          switch (SCALAR_BYTES[type]) {
            case 1 -> in.bytes(1)[0] & 0xffL;
            case 2 -> in.u16();
            case 4 -> in.u32AsLong();
            default -> in.u64();
          };
      if (type == 6
          || type == 12
          || type == 7
          || v <= 0
          || v > (1 << 24)
          || Long.bitCount(v) != 1) {
        p.ctx.report(
            "GGUF-005",
            p.ctx.at(typeAt, key),
            "general.alignment must be a power of two; this file has "
                + Long.toUnsignedString(v)
                + ", so the default of "
                + DEFAULT_ALIGNMENT
                + " is assumed.",
            "general.alignment = " + Long.toUnsignedString(v));
      } else {
        p.alignment = v;
      }
      return;
    }
    in.skip(SCALAR_BYTES[type]);
  }

  /** Reads a length-prefixed string of at most {@code max} bytes. */
  private static String string(Parse p, int max, String what) throws IOException, Stop {
    long at = p.in.position();
    long n = p.length();
    checkLength(p, n, at, what);
    if (n > max) {
      if (max <= MAX_KEY_BYTES) {
        throw new Stop(
            "GGUF-002",
            "A " + what + " is " + n + " bytes long; this scanner accepts at most " + max + ".",
            at);
      }
      String head = p.in.utf8(max);
      p.in.skip(n - max);
      return head;
    }
    return p.in.utf8((int) n);
  }

  /** 64-bit FNV-1a over the UTF-16 units: collisions among a million keys are ~1e-8 likely. */
  private static long hash(String s) {
    long h = 0xcbf29ce484222325L;
    for (int i = 0; i < s.length(); i++) {
      h ^= s.charAt(i);
      h *= 0x100000001b3L;
    }
    return h;
  }

  private static void skipString(Parse p, String key) throws IOException, Stop {
    long at = p.in.position();
    long n = p.length();
    checkLength(p, n, at, key);
    p.in.skip(n);
  }

  private static void checkLength(Parse p, long n, long at, String what) throws Stop {
    if (n < 0 || n > p.in.remaining()) {
      throw new Stop(
          "GGUF-002",
          "The string length of "
              + what
              + " is "
              + Long.toUnsignedString(n)
              + " bytes, but only "
              + p.in.remaining()
              + " bytes are left in the file.",
          at);
    }
    if (n > MAX_STRING_BYTES) {
      throw new Stop(
          "GGUF-002",
          "The string length of "
              + what
              + " is "
              + n
              + " bytes, over the "
              + MAX_STRING_BYTES
              + "-byte limit for one metadata string.",
          at);
    }
  }

  private static void tensors(Parse p, long count, long fileSize) throws IOException, Stop {
    GgufReader in = p.in;
    List<Tensor> tensors = new ArrayList<>();
    Set<Long> names = new HashSet<>();
    int layoutFindings = 0;
    for (long i = 0; i < count; i++) {
      if ((i & 0xfff) == 0) {
        p.ctx.checkDeadline();
      }
      long infoAt = in.position();
      String name = string(p, MAX_TENSOR_NAME_BYTES, "tensor name");
      long dimsAt = in.position();
      long nDims = in.u32AsLong();
      if (nDims > MAX_DIMS) {
        throw new Stop(
            "GGUF-005",
            "Tensor "
                + name
                + " declares "
                + nDims
                + " dimensions; GGUF allows at most "
                + MAX_DIMS
                + ".",
            dimsAt);
      }
      long elements = 1;
      boolean overflow = false;
      for (int d = 0; d < nDims; d++) {
        long dim = p.length();
        if (dim < 0) {
          overflow = true;
        } else if (dim != 0 && elements > Long.MAX_VALUE / dim) {
          overflow = true;
        } else {
          elements *= dim;
        }
      }
      long typeAt = in.position();
      int typeId = in.u32();
      long offset = in.u64();
      if (overflow) {
        throw new Stop(
            "GGUF-005", "Tensor " + name + " has dimensions whose product overflows.", dimsAt);
      }
      if (!names.add(hash(name)) && layoutFindings++ < MAX_LAYOUT_FINDINGS) {
        p.ctx.report(
            "GGUF-004",
            p.ctx.at(infoAt, name),
            "Tensor name " + name + " appears more than once.",
            name);
      }
      GgufTensorType type = GgufTensorType.of(typeId);
      long bytes = -1;
      if (type == null) {
        p.ctx.report(
            "GGUF-005",
            Severity.MEDIUM,
            p.ctx.at(typeAt, name),
            "Tensor "
                + name
                + " has type "
                + Integer.toUnsignedString(typeId)
                + ", unknown to this scanner; its size was not checked.",
            "type " + Integer.toUnsignedString(typeId));
      } else if (elements % type.blockElements != 0) {
        throw new Stop(
            "GGUF-005",
            "Tensor "
                + name
                + " has "
                + elements
                + " elements, not a multiple of the "
                + type.blockElements
                + "-element blocks of type "
                + type
                + ".",
            dimsAt);
      } else {
        long blocks = elements / type.blockElements;
        bytes =
            blocks > Long.MAX_VALUE / type.blockBytes ? Long.MAX_VALUE : blocks * type.blockBytes;
      }
      tensors.add(new Tensor(name, offset, bytes, infoAt));
    }
    long end = in.position();
    long dataStart = (end + p.alignment - 1) / p.alignment * p.alignment;
    if (count > 0 && dataStart > fileSize) {
      throw new Stop(
          "GGUF-003",
          "The tensor data section starts at offset "
              + dataStart
              + ", past the end of the file ("
              + fileSize
              + " bytes).",
          end);
    }
    p.ctx.addProperty("gguf.data_offset", Long.toString(dataStart));
    int outside = 0;
    for (Tensor t : tensors) {
      long start = t.offset();
      boolean beyond =
          start < 0
              || start > fileSize - dataStart
              || (t.bytes() >= 0 && t.bytes() > fileSize - dataStart - start);
      if (beyond && outside++ < MAX_LAYOUT_FINDINGS) {
        p.ctx.report(
            "GGUF-003",
            p.ctx.at(t.infoOffset(), t.name()),
            "Tensor "
                + t.name()
                + " occupies bytes "
                + Long.toUnsignedString(start)
                + (t.bytes() >= 0 ? "+" + t.bytes() : "")
                + " of the data section, which has only "
                + (fileSize - dataStart)
                + " bytes.",
            "offset " + Long.toUnsignedString(start));
      } else if (!beyond && start % p.alignment != 0 && layoutFindings++ < MAX_LAYOUT_FINDINGS) {
        p.ctx.report(
            "GGUF-004",
            p.ctx.at(t.infoOffset(), t.name()),
            "Tensor "
                + t.name()
                + " starts at data offset "
                + start
                + ", not a multiple of the alignment "
                + p.alignment
                + ".",
            "offset " + start);
      }
    }
    List<Tensor> sorted = new ArrayList<>();
    for (Tensor t : tensors) {
      if (t.offset() >= 0 && t.bytes() >= 0) {
        sorted.add(t);
      }
    }
    sorted.sort(Comparator.comparingLong(Tensor::offset));
    for (int i = 1; i < sorted.size(); i++) {
      Tensor prev = sorted.get(i - 1);
      Tensor next = sorted.get(i);
      if (next.offset() - prev.offset() < prev.bytes() && layoutFindings++ < MAX_LAYOUT_FINDINGS) {
        p.ctx.report(
            "GGUF-004",
            p.ctx.at(next.infoOffset(), next.name()),
            "Tensor " + next.name() + " overlaps tensor " + prev.name() + ".",
            prev.name()
                + " ends at "
                + (prev.offset() + prev.bytes())
                + ", "
                + next.name()
                + " starts at "
                + next.offset());
      }
    }
  }
}
