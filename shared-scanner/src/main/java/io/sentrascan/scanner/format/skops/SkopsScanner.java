package io.sentrascan.scanner.format.skops;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sentrascan.scanner.MalformedFileException;
import io.sentrascan.scanner.Probe;
import io.sentrascan.scanner.ScanContext;
import io.sentrascan.scanner.Scanner;
import io.sentrascan.scanner.Severity;
import io.sentrascan.scanner.Source;
import io.sentrascan.scanner.container.ZipIndex;
import io.sentrascan.scanner.json.BoundedJson;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.zip.ZipException;

/**
 * skops files: a zip whose {@code schema.json} describes the object tree by {@code __module__} and
 * {@code __class__}. Every referenced type is checked against skops' default trusted types; array
 * and pickle members are scanned through the engine.
 */
public final class SkopsScanner implements Scanner {
  static final String SCHEMA = "schema.json";
  static final int MAX_SCHEMA_BYTES = 32 << 20;
  private static final int MAX_NODES = 1_000_000;
  private static final int MAX_FINDINGS = 100;

  private final TypePolicy policy = TypePolicy.defaults();
  private final ObjectMapper mapper = new ObjectMapper(BoundedJson.factory());

  @Override
  public String name() {
    return "skops";
  }

  @Override
  public String version() {
    return "1.0.0+types-" + policy.version();
  }

  @Override
  public String description() {
    return "skops (a zip with `schema.json`): every type and function the schema references is checked against skops' default trusted types (untrusted: MEDIUM; os, subprocess, builtins.eval and the like: CRITICAL); `.npy`/`.pkl` members are scanned as nested files.";
  }

  @Override
  public boolean supports(Probe probe) {
    Optional<ZipIndex> zip = probe.zip();
    return zip.isPresent() && zip.get().entries().stream().anyMatch(e -> e.name().equals(SCHEMA));
  }

  @Override
  public void scan(Source source, ScanContext context) throws IOException {
    context.setFormat("skops");
    try {
      scanEntries(source, context);
    } catch (ZipException e) {
      // A corrupt deflate stream: the archive is damaged, which is a finding, not a read error.
      throw new MalformedFileException(
          "a .skops entry cannot be inflated: " + e.getMessage(), -1, e);
    }
  }

  private void scanEntries(Source source, ScanContext context) throws IOException {
    ZipIndex zip = ZipIndex.read(source);
    for (ZipIndex.Entry entry : zip.entries()) {
      if (entry.name().equals(SCHEMA)) {
        checkSchema(readSchema(source, entry), context, entry.localHeaderOffset());
      }
    }
    for (ZipIndex.Entry entry : zip.entries()) {
      if (entry.isDirectory() || entry.name().equals(SCHEMA) || entry.isEncrypted()) {
        continue;
      }
      context.countEntry();
      Source member;
      if (entry.method() == 0) {
        member = ZipIndex.storedEntry(source, entry, context.path() + "!/" + entry.name());
      } else {
        try (InputStream in = ZipIndex.open(source, entry)) {
          member = context.spool(entry.name(), in, entry.compressedSize());
        }
      }
      context.scanNested(entry.name(), member);
    }
  }

  private static byte[] readSchema(Source source, ZipIndex.Entry entry) throws IOException {
    try (InputStream in = ZipIndex.open(source, entry)) {
      byte[] bytes = in.readNBytes(MAX_SCHEMA_BYTES + 1);
      if (bytes.length > MAX_SCHEMA_BYTES) {
        throw new MalformedFileException(
            SCHEMA + " is larger than " + MAX_SCHEMA_BYTES + " bytes", entry.centralOffset());
      }
      return bytes;
    }
  }

  private void checkSchema(byte[] bytes, ScanContext context, long offset) throws IOException {
    JsonNode root;
    try (JsonParser parser = BoundedJson.factory().createParser(bytes)) {
      root = mapper.readTree(parser);
    } catch (JsonProcessingException e) {
      throw new MalformedFileException(
          SCHEMA + " is not valid JSON: " + BoundedJson.describe(e), offset, e);
    } catch (RuntimeException e) {
      throw new MalformedFileException(SCHEMA + " could not be parsed: " + e, offset, e);
    }
    if (root == null || !root.isObject() || !root.has("__class__")) {
      throw new MalformedFileException(SCHEMA + " has no root object with __class__", offset);
    }
    if (root.hasNonNull("_skops_version")) {
      context.addProperty("skops.version", root.get("_skops_version").asText());
    }
    if (root.hasNonNull("protocol")) {
      context.addProperty("skops.protocol", root.get("protocol").asText());
    }
    Map<String, String> seen = new LinkedHashMap<>();
    Deque<JsonNode> todo = new ArrayDeque<>();
    Deque<String> paths = new ArrayDeque<>();
    todo.push(root);
    paths.push("$");
    int nodes = 0;
    int reported = 0;
    while (!todo.isEmpty()) {
      JsonNode node = todo.pop();
      String path = paths.pop();
      if (++nodes > MAX_NODES) {
        context.error(
            SCHEMA + " holds more than " + MAX_NODES + " nodes; the rest was not checked");
        break;
      }
      if (node.isObject()) {
        String ref = reference(node);
        if (ref != null && !seen.containsKey(ref)) {
          seen.put(ref, path);
          int dot = ref.lastIndexOf('.');
          TypePolicy.Verdict verdict =
              dot < 0
                  ? TypePolicy.Verdict.UNTRUSTED
                  : policy.classify(ref.substring(0, dot), ref.substring(dot + 1));
          context.addProperty("skops.type", ref);
          if (verdict != TypePolicy.Verdict.TRUSTED && reported++ < MAX_FINDINGS) {
            boolean denied = verdict == TypePolicy.Verdict.DENIED;
            context.report(
                denied ? "SKOPS-002" : "SKOPS-001",
                denied ? Severity.CRITICAL : Severity.MEDIUM,
                context.at(-1, SCHEMA + " " + path),
                denied
                    ? "The schema references "
                        + ref
                        + ", which runs commands or code if trusted at load time."
                    : "The schema references " + ref + ", outside skops' default trusted types.",
                ref);
          }
        }
        for (Map.Entry<String, JsonNode> field : node.properties()) {
          if (field.getValue().isContainerNode()) {
            todo.push(field.getValue());
            paths.push(path + "." + field.getKey());
          }
        }
      } else if (node.isArray()) {
        for (int i = node.size() - 1; i >= 0; i--) {
          if (node.get(i).isContainerNode()) {
            todo.push(node.get(i));
            paths.push(path + "[" + i + "]");
          }
        }
      }
    }
  }

  /** The type or function an object node makes skops load, as module.name; null for none. */
  private static @org.jspecify.annotations.Nullable String reference(JsonNode node) {
    JsonNode module = node.get("__module__");
    JsonNode cls = node.get("__class__");
    if (module == null || cls == null || !module.isTextual() || !cls.isTextual()) {
      return null;
    }
    JsonNode content = node.path("content");
    if ("FunctionNode".equals(node.path("__loader__").asText())
        && content.path("module_path").isTextual()
        && content.path("function").isTextual()) {
      return content.get("module_path").asText() + "." + content.get("function").asText();
    }
    return module.asText() + "." + cls.asText();
  }
}
