package io.sentrascan.scanner.format.safetensors;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import io.sentrascan.scanner.CappedReporter;
import io.sentrascan.scanner.ScanContext;
import io.sentrascan.scanner.Source;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Streams the JSON header of a SafeTensors file: one small record per tensor, metadata checked as
 * it passes. The header is never held as a tree, so a 100 MB header of tiny entries stays cheap.
 */
final class SafeTensorsHeader {
  /** Header bytes read; real headers are KBs to a few MB. */
  static final long MAX_HEADER_BYTES = 100L << 20;

  static final int LARGE_METADATA_CHARS = 64 * 1024;

  /**
   * Tensor entries analysed per file. The largest real checkpoints have a few thousand per shard;
   * the cap keeps a hostile 100 MB header of tiny entries from filling the heap.
   */
  static final int MAX_TENSORS = 200_000;

  /** Bits per element of each dtype the format defines. */
  static final Map<String, Integer> DTYPE_BITS =
      Map.ofEntries(
          Map.entry("BOOL", 8),
          Map.entry("U8", 8),
          Map.entry("I8", 8),
          Map.entry("F8_E5M2", 8),
          Map.entry("F8_E4M3", 8),
          Map.entry("F8_E8M0", 8),
          Map.entry("I16", 16),
          Map.entry("U16", 16),
          Map.entry("F16", 16),
          Map.entry("BF16", 16),
          Map.entry("I32", 32),
          Map.entry("U32", 32),
          Map.entry("F32", 32),
          Map.entry("I64", 64),
          Map.entry("U64", 64),
          Map.entry("F64", 64),
          Map.entry("C64", 64),
          Map.entry("F4", 4),
          Map.entry("F6_E2M3", 6),
          Map.entry("F6_E3M2", 6));

  /** Text in metadata that has no business in a description of weights. */
  private static final Pattern SUSPICIOUS =
      Pattern.compile(
          "__import__|__builtins__|\\beval\\s*\\(|\\bexec\\s*\\(|os\\.system|os\\.popen"
              + "|subprocess|import\\s+os\\b|<script|\\bcurl\\s+-|\\bwget\\s+http|\\|\\s*(ba)?sh\\b"
              + "|base64\\s+-d|powershell",
          Pattern.CASE_INSENSITIVE);

  // Byte-based parsing (field-name canonicalization stays on) keeps byte offsets for locations.
  private static final JsonFactory JSON =
      JsonFactory.builder()
          .streamReadConstraints(
              StreamReadConstraints.builder()
                  .maxNestingDepth(64)
                  .maxNumberLength(64)
                  .maxStringLength(16 << 20)
                  .maxNameLength(64 * 1024)
                  .build())
          .disable(JsonFactory.Feature.INTERN_FIELD_NAMES)
          .build();

  /** One tensor entry as declared; {@code bits} is 0 for an unknown dtype. */
  record Entry(
      String name,
      long headerOffset,
      String dtype,
      int bits,
      long elements,
      boolean elementsOverflow,
      long begin,
      long end) {}

  private final ScanContext context;
  private final CappedReporter out;
  private final long headerStart;
  private final List<Entry> entries = new ArrayList<>();
  private final Set<String> dtypes = new HashSet<>();
  private int metadataKeys;

  private SafeTensorsHeader(ScanContext context, CappedReporter out, long headerStart) {
    this.context = context;
    this.out = out;
    this.headerStart = headerStart;
  }

  /**
   * Parses {@code length} header bytes at {@code start}; problems are reported, and entries that
   * were readable are returned even when the header is invalid further on.
   */
  static List<Entry> parse(
      Source source, long start, long length, ScanContext context, CappedReporter out)
      throws IOException {
    SafeTensorsHeader header = new SafeTensorsHeader(context, out, start);
    try (InputStream in = source.openStream(start, length);
        JsonParser p = JSON.createParser(in)) {
      header.root(p);
    } catch (JsonProcessingException e) {
      long at = e.getLocation() == null ? -1 : e.getLocation().getByteOffset();
      out.report(
          "ST-002",
          context.at(at < 0 ? start : start + at),
          "The header is not valid JSON: " + e.getOriginalMessage(),
          "header of " + length + " bytes");
    }
    context.addProperty("safetensors.tensors", Integer.toString(header.entries.size()));
    header.dtypes.forEach(d -> context.addProperty("safetensors.dtype", d));
    if (header.metadataKeys > 0) {
      context.addProperty("safetensors.metadata_keys", Integer.toString(header.metadataKeys));
    }
    return header.entries;
  }

  private long at(JsonParser p) {
    return headerStart + p.currentTokenLocation().getByteOffset();
  }

  private void root(JsonParser p) throws IOException {
    if (p.nextToken() != JsonToken.START_OBJECT) {
      out.report("ST-002", context.at(headerStart), "The header is not a JSON object.", "");
      return;
    }
    Set<String> names = new HashSet<>();
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      context.checkDeadline();
      String name = p.currentName();
      long offset = at(p);
      JsonToken value = p.nextToken();
      if (!names.add(name)) {
        out.report(
            "ST-008",
            context.at(offset, name),
            "Tensor name \"" + name + "\" appears more than once in the header.",
            name);
      }
      if (entries.size() >= MAX_TENSORS) {
        out.report(
            "ST-014",
            context.at(offset, name),
            "The header describes more than "
                + MAX_TENSORS
                + " tensors; the rest of it was not analysed.",
            name);
        return;
      }
      if ("__metadata__".equals(name)) {
        metadata(p, value, offset);
      } else if (value == JsonToken.START_OBJECT) {
        entry(p, name, offset);
      } else {
        out.report(
            "ST-002",
            context.at(offset, name),
            "Entry \"" + name + "\" is " + value + ", not an object with dtype, shape and offsets.",
            name);
        p.skipChildren();
      }
    }
    JsonToken after = p.nextToken();
    if (after != null) {
      out.report(
          "ST-002",
          context.at(at(p)),
          "The header continues after its JSON object (" + after + ").",
          String.valueOf(after));
    }
  }

  private void metadata(JsonParser p, JsonToken value, long offset) throws IOException {
    if (value != JsonToken.START_OBJECT) {
      out.report(
          "ST-009",
          context.at(offset, "__metadata__"),
          "__metadata__ is " + value + ", not an object of strings.",
          String.valueOf(value));
      p.skipChildren();
      return;
    }
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String key = p.currentName();
      long keyOffset = at(p);
      JsonToken v = p.nextToken();
      metadataKeys++;
      String where = "__metadata__." + key;
      if (v != JsonToken.VALUE_STRING) {
        out.report(
            "ST-009",
            context.at(keyOffset, where),
            "Metadata value \"" + key + "\" is " + v + ", not a string.",
            String.valueOf(v));
        p.skipChildren();
        continue;
      }
      String text = p.getText();
      if (text.length() > LARGE_METADATA_CHARS) {
        out.report(
            "ST-010",
            context.at(keyOffset, where),
            "Metadata value \"" + key + "\" is " + text.length() + " characters long.",
            text.substring(0, 120));
      }
      String why = suspicious(text);
      if (why != null) {
        out.report(
            "ST-011",
            context.at(keyOffset, where),
            "Metadata value \"" + key + "\" contains " + why + ".",
            text);
      }
    }
  }

  /** Why a metadata value looks like a payload, or null. */
  static @Nullable String suspicious(String text) {
    var m = SUSPICIOUS.matcher(text);
    if (m.find()) {
      return "code or a shell command (\"" + m.group() + "\")";
    }
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if ((c < 0x20 && c != '\n' && c != '\r' && c != '\t') || c == 0x7f) {
        return String.format(Locale.ROOT, "control character U+%04X at index %d", (int) c, i);
      }
    }
    return null;
  }

  private void entry(JsonParser p, String name, long offset) throws IOException {
    String dtype = null;
    long elements = 1;
    boolean overflow = false;
    boolean hasShape = false;
    long[] offsets = null;
    String problem = null;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      JsonToken v = p.nextToken();
      switch (field) {
        case "dtype" -> {
          if (v == JsonToken.VALUE_STRING) {
            dtype = p.getText();
          } else {
            problem = "dtype is " + v;
            p.skipChildren();
          }
        }
        case "shape" -> {
          if (v != JsonToken.START_ARRAY) {
            problem = "shape is " + v;
            p.skipChildren();
            break;
          }
          hasShape = true;
          JsonToken d;
          while ((d = p.nextToken()) != JsonToken.END_ARRAY) {
            if (d != JsonToken.VALUE_NUMBER_INT || p.getLongValue() < 0) {
              problem = "shape has a dimension that is not a non-negative integer: " + p.getText();
              p.skipChildren();
              continue;
            }
            long dim = p.getLongValue();
            if (!overflow) {
              try {
                elements = Math.multiplyExact(elements, dim);
              } catch (ArithmeticException e) {
                overflow = true;
              }
            }
          }
        }
        case "data_offsets" -> {
          offsets = offsets(p, v);
          if (offsets == null) {
            problem = "data_offsets is not a pair of non-negative integers";
          }
        }
        default -> p.skipChildren(); // unknown keys are ignored by loaders
      }
    }
    if (problem == null && (dtype == null || !hasShape || offsets == null)) {
      problem = "dtype, shape or data_offsets is missing";
    }
    if (problem != null) {
      out.report(
          "ST-002",
          context.at(offset, name),
          "Tensor \"" + name + "\" is not a valid entry: " + problem + ".",
          name);
      return;
    }
    dtypes.add(dtype);
    Integer bits = DTYPE_BITS.get(dtype);
    if (bits == null) {
      out.report(
          "ST-003",
          context.at(offset, name),
          "Tensor \"" + name + "\" has dtype \"" + dtype + "\", which SafeTensors does not define.",
          dtype);
    }
    entries.add(
        new Entry(
            name,
            offset,
            dtype,
            bits == null ? 0 : bits,
            elements,
            overflow,
            offsets[0],
            offsets[1]));
  }

  private static long @Nullable [] offsets(JsonParser p, JsonToken v) throws IOException {
    if (v != JsonToken.START_ARRAY) {
      p.skipChildren();
      return null;
    }
    long[] out = new long[2];
    int n = 0;
    boolean ok = true;
    JsonToken t;
    while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
      if (t != JsonToken.VALUE_NUMBER_INT || n >= 2 || p.getLongValue() < 0) {
        ok = false;
        p.skipChildren();
      } else {
        out[n] = p.getLongValue();
      }
      n++;
    }
    return ok && n == 2 ? out : null;
  }
}
