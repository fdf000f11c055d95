package io.sentrascan.scanner.format.torchserve;

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
import io.sentrascan.scanner.container.ZipScanner;
import io.sentrascan.scanner.json.BoundedJson;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * TorchServe model archives ({@code .mar}): a zip with {@code MAR-INF/MANIFEST.json}. The manifest
 * says which handler TorchServe imports and which requirements file it may pip-install; the zip
 * container then scans every entry, so the handler's Python source and the serialized model are
 * analysed by their own scanners.
 */
public final class MarScanner implements Scanner {
  static final String MANIFEST = "MAR-INF/MANIFEST.json";

  private static final int MAX_MANIFEST_BYTES = 1 << 20;
  private static final int MAX_REQUIREMENTS_BYTES = 1 << 20;

  /** Handlers shipped with TorchServe ({@code ts.torch_handler.*}). */
  private static final Set<String> BUILT_IN_HANDLERS =
      Set.of(
          "base_handler",
          "image_classifier",
          "image_segmenter",
          "object_detector",
          "text_classifier",
          "text_handler",
          "vision_handler",
          "dali_image_classifier");

  @Override
  public String name() {
    return "torchserve";
  }

  @Override
  public String version() {
    return "1.0.0";
  }

  @Override
  public String description() {
    return "TorchServe `.mar` (zip with `MAR-INF/MANIFEST.json`): custom handlers that run at load, requirements files pip installs (indexes, URLs and VCS sources outside PyPI), manifest files missing from the archive; every entry scanned recursively.";
  }

  @Override
  public boolean supports(Probe probe) {
    return probe
        .zip()
        .map(z -> z.entries().stream().anyMatch(e -> e.name().equals(MANIFEST)))
        .orElse(false);
  }

  @Override
  public void scan(Source source, ScanContext ctx) throws IOException {
    try {
      ZipIndex zip = ZipIndex.read(source);
      Map<String, ZipIndex.Entry> byName = new HashMap<>();
      for (ZipIndex.Entry e : zip.entries()) {
        byName.putIfAbsent(e.name(), e);
      }
      ZipIndex.Entry manifest = byName.get(MANIFEST);
      int before = count(ctx, "MAR-004");
      if (manifest != null) {
        checkManifest(source, manifest, byName, ctx);
      }
      new ZipScanner().scan(source, ctx);
      if (count(ctx, "MAR-004") > before) {
        // TorchServe refuses such an archive: it is malformed, whatever its entries hold.
        throw new MalformedFileException(
            "the TorchServe manifest is unreadable or names files the archive lacks",
            manifest == null ? -1 : manifest.localHeaderOffset());
      }
    } finally {
      ctx.setFormat("torchserve-mar");
    }
  }

  private static void checkManifest(
      Source source, ZipIndex.Entry manifest, Map<String, ZipIndex.Entry> byName, ScanContext ctx)
      throws IOException {
    Optional<byte[]> bytes = read(source, manifest, MAX_MANIFEST_BYTES, ctx);
    if (bytes.isEmpty()) {
      return;
    }
    JsonNode root;
    try {
      root = new ObjectMapper(BoundedJson.factory()).readTree(bytes.get());
    } catch (JsonProcessingException e) {
      ctx.report(
          "MAR-004",
          ctx.at(manifest.localHeaderOffset(), MANIFEST),
          "The manifest is not valid JSON ("
              + BoundedJson.describe(e)
              + "); TorchServe refuses it.",
          "");
      return;
    } catch (RuntimeException e) {
      ctx.report(
          "MAR-004",
          ctx.at(manifest.localHeaderOffset(), MANIFEST),
          "The manifest cannot be parsed: " + e.getClass().getSimpleName(),
          "");
      return;
    }
    JsonNode model = root == null ? null : root.get("model");
    if (model == null || !model.isObject()) {
      ctx.report(
          "MAR-004",
          ctx.at(manifest.localHeaderOffset(), MANIFEST),
          "The manifest has no \"model\" object; TorchServe cannot load the archive as is.",
          "");
      return;
    }
    String handler = text(model, "handler");
    String serialized = text(model, "serializedFile");
    String modelFile = text(model, "modelFile");
    String requirements = text(model, "requirementsFile");
    property(ctx, "torchserve.handler", handler);
    property(ctx, "torchserve.serializedFile", serialized);
    property(ctx, "torchserve.modelFile", modelFile);
    property(ctx, "torchserve.modelName", text(model, "modelName"));
    if (!handler.isEmpty()) {
      checkHandler(handler, byName, ctx);
    }
    requireEntry("serializedFile", serialized, byName, ctx);
    requireEntry("modelFile", modelFile, byName, ctx);
    if (!requirements.isEmpty()) {
      ctx.report(
          "MAR-002",
          ctx.at(manifest.localHeaderOffset(), MANIFEST + "#model.requirementsFile"),
          "The archive ships a requirements file ("
              + requirements
              + "); with install_py_dep_per_model TorchServe pip-installs it when the model loads, and package install scripts run then.",
          "requirementsFile: " + requirements);
      ZipIndex.Entry req = byName.get(requirements);
      if (req == null) {
        requireEntry("requirementsFile", requirements, byName, ctx);
      } else {
        Optional<byte[]> reqBytes = read(source, req, MAX_REQUIREMENTS_BYTES, ctx);
        if (reqBytes.isPresent()) {
          checkRequirements(requirements, new String(reqBytes.get(), StandardCharsets.UTF_8), ctx);
        }
      }
    }
  }

  private static void checkHandler(
      String handler, Map<String, ZipIndex.Entry> byName, ScanContext ctx) {
    // "handler.py", "handler.py:entry_point", "module:function" or a built-in's short name.
    String module = handler.contains(":") ? handler.substring(0, handler.indexOf(':')) : handler;
    String shortName = module.startsWith("ts.torch_handler.") ? module.substring(17) : module;
    if (BUILT_IN_HANDLERS.contains(shortName)) {
      return;
    }
    String file = module.endsWith(".py") ? module : module.replace('.', '/') + ".py";
    boolean shipped = byName.containsKey(file);
    ctx.report(
        "MAR-001",
        ctx.at(-1, MANIFEST + "#model.handler"),
        "The handler "
            + handler
            + " is not one of TorchServe's built-in handlers: its Python code runs when the model loads"
            + (shipped
                ? " (" + file + " is in the archive and was scanned as Python)."
                : "; no "
                    + file
                    + " is in the archive, so it is imported from the server's environment."),
        "handler: " + handler);
  }

  private static void requireEntry(
      String key, String value, Map<String, ZipIndex.Entry> byName, ScanContext ctx) {
    if (!value.isEmpty() && !byName.containsKey(value)) {
      ctx.report(
          "MAR-004",
          ctx.at(-1, MANIFEST + "#model." + key),
          "The manifest's " + key + " " + value + " is not in the archive.",
          key + ": " + value);
    }
  }

  /**
   * Requirement lines that fetch from outside PyPI: another index, a URL, a VCS checkout or a local
   * path. Those are where a dependency-confusion or typosquatting payload comes from.
   */
  static void checkRequirements(String name, String text, ScanContext ctx) {
    String[] lines = text.split("\n", -1);
    int reported = 0;
    for (int i = 0; i < lines.length && reported < 20; i++) {
      String line = lines[i].strip();
      String lower = line.toLowerCase(Locale.ROOT);
      if (lower.isEmpty() || lower.startsWith("#")) {
        continue;
      }
      if (lower.startsWith("--index-url")
          || lower.startsWith("-i ")
          || lower.startsWith("--extra-index-url")
          || lower.startsWith("--trusted-host")
          || lower.startsWith("--find-links")
          || lower.startsWith("-f ")
          || lower.contains("git+")
          || lower.contains("hg+")
          || lower.contains("svn+")
          || lower.contains("://")
          || lower.startsWith("-e ")
          || lower.startsWith("--editable")) {
        reported++;
        ctx.report(
            "MAR-003",
            Severity.HIGH,
            ctx.at(-1, name + ":line " + (i + 1)),
            "The requirements file installs from outside PyPI; pip runs that package's build code when the model loads.",
            line.length() > 200 ? line.substring(0, 200) : line);
      }
    }
  }

  private static Optional<byte[]> read(
      Source source, ZipIndex.Entry entry, int max, ScanContext ctx) throws IOException {
    if (entry.size() > max || entry.isEncrypted() || !ZipIndex.isSupportedMethod(entry.method())) {
      ctx.error("could not read " + entry.name() + " (too large, encrypted or unsupported)");
      return Optional.empty();
    }
    try (InputStream in = ZipIndex.open(source, entry)) {
      byte[] data = in.readNBytes(max + 1);
      if (data.length > max) {
        ctx.error(entry.name() + " inflates past " + max + " bytes; not read");
        return Optional.empty();
      }
      return Optional.of(data);
    } catch (IOException | RuntimeException e) {
      // The zip container reports the broken entry; the manifest check just cannot run.
      ctx.error("could not read " + entry.name() + ": " + e.getMessage());
      return Optional.empty();
    }
  }

  private static int count(ScanContext ctx, String ruleId) {
    return (int) ctx.findings().stream().filter(f -> f.ruleId().equals(ruleId)).count();
  }

  private static String text(JsonNode node, String key) {
    JsonNode v = node.get(key);
    return v != null && v.isTextual() ? v.asText() : "";
  }

  private static void property(ScanContext ctx, String key, String value) {
    if (!value.isEmpty()) {
      ctx.addProperty(key, value);
    }
  }
}
