package io.sentrascan.scanner.format.hfconfig;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sentrascan.scanner.MalformedFileException;
import io.sentrascan.scanner.Probe;
import io.sentrascan.scanner.ScanContext;
import io.sentrascan.scanner.Scanner;
import io.sentrascan.scanner.Source;
import io.sentrascan.scanner.json.BoundedJson;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Hugging Face {@code config.json} and {@code generation_config.json}, recognised by their keys
 * ({@code model_type}, {@code architectures}, {@code transformers_version}, {@code _name_or_path},
 * {@code auto_map}). Reports the custom code {@code trust_remote_code=True} would run ({@code
 * auto_map}), {@code trust_remote_code} set in the file, architectures transformers does not ship,
 * and URLs to hosts outside the model hubs; records the model type, architectures and transformers
 * version for the SBOM.
 */
public final class HfConfigScanner implements Scanner {
  /**
   * Configs are kilobytes (a megabyte with a 21k-class id2label); anything larger is not claimed,
   * which also bounds the tree this scanner builds.
   */
  static final long MAX_CONFIG_BYTES = 8L << 20;

  private static final Set<String> CONFIG_KEYS =
      Set.of("model_type", "architectures", "transformers_version", "_name_or_path", "auto_map");
  private static final Pattern URL =
      Pattern.compile("(?i)\\b(?:https?|ftp|wss?)://(?:[^/\\s@\"']*@)?([^/\\s:\"'?#\\\\]+)");
  private static final int MAX_URL_FINDINGS = 20;

  private final KnownArchitectures known = KnownArchitectures.defaults();

  @Override
  public String name() {
    return "hf-config";
  }

  @Override
  public String version() {
    return "1.0.0+arch" + known.version();
  }

  @Override
  public String description() {
    return "Hugging Face `config.json`/`generation_config.json` (JSON with model keys): `auto_map` custom code, `trust_remote_code`, architectures that need custom code, URLs to unexpected hosts; model type and architectures recorded for the SBOM.";
  }

  @Override
  public boolean supports(Probe probe) {
    if (probe.size() > MAX_CONFIG_BYTES || probe.byteAt(0) < 0) {
      return false;
    }
    for (String key : BoundedJson.topLevelKeys(probe.head())) {
      if (CONFIG_KEYS.contains(key)) {
        return true;
      }
    }
    return false;
  }

  @Override
  public void scan(Source source, ScanContext ctx) throws IOException {
    JsonNode root;
    try (InputStream in = source.openStream()) {
      root = new ObjectMapper(BoundedJson.factory()).readTree(in);
    } catch (JsonProcessingException e) {
      long offset = e.getLocation() == null ? -1 : e.getLocation().getByteOffset();
      throw new MalformedFileException(
          "The config is not valid JSON: " + BoundedJson.describe(e), offset, e);
    } catch (java.io.CharConversionException e) {
      // Jackson's encoding detection (UTF-16/32) meets bytes that are no text at all.
      throw new MalformedFileException("The config is not text: " + e.getMessage(), -1, e);
    }
    if (root == null || !root.isObject()) {
      throw new MalformedFileException("The config is not a JSON object", 0);
    }
    ctx.setFormat(
        root.has("model_type") || root.has("architectures") ? "hf-config" : "hf-generation-config");
    String modelType = root.path("model_type").isTextual() ? root.get("model_type").asText() : null;
    if (modelType != null) {
      ctx.addProperty("hf.model_type", modelType);
    }
    if (root.path("transformers_version").isTextual()) {
      ctx.addProperty("hf.transformers_version", root.get("transformers_version").asText());
    }
    List<String> architectures = new ArrayList<>();
    root.path("architectures")
        .forEach(
            n -> {
              if (n.isTextual()) {
                architectures.add(n.asText());
                ctx.addProperty("hf.architectures", n.asText());
              }
            });
    autoMap(root.get("auto_map"), ctx);
    architectures(architectures, modelType, ctx);
    walk(root, "", ctx, new int[1]);
  }

  private static void autoMap(JsonNode autoMap, ScanContext ctx) {
    if (autoMap == null || !autoMap.isObject() || autoMap.isEmpty()) {
      return;
    }
    List<String> entries = new ArrayList<>();
    Set<String> modules = new TreeSet<>();
    Set<String> repos = new TreeSet<>();
    for (Map.Entry<String, JsonNode> e : autoMap.properties()) {
      List<String> refs = new ArrayList<>();
      if (e.getValue().isTextual()) {
        refs.add(e.getValue().asText());
      } else {
        e.getValue()
            .forEach(
                n -> {
                  if (n.isTextual()) {
                    refs.add(n.asText());
                  }
                });
      }
      for (String ref : refs) {
        entries.add(e.getKey() + " -> " + ref);
        String local = ref;
        int repoSep = ref.indexOf("--");
        if (repoSep > 0) {
          repos.add(ref.substring(0, repoSep));
          local = ref.substring(repoSep + 2);
        }
        int dot = local.lastIndexOf('.');
        if (dot > 0) {
          modules.add(local.substring(0, dot).replace('.', '/') + ".py");
        }
      }
    }
    modules.forEach(m -> ctx.addProperty("hf.remote_code", m));
    String description =
        "auto_map maps "
            + autoMap.size()
            + " auto class(es) to custom code; loading with trust_remote_code=True imports "
            + String.join(", ", modules)
            + (repos.isEmpty()
                ? " from this repository."
                : " from other repositories (" + String.join(", ", repos) + ").");
    ctx.report("CFG-001", ctx.at(-1, "auto_map"), description, String.join("; ", entries));
  }

  private void architectures(List<String> architectures, String modelType, ScanContext ctx) {
    Set<String> unknown = new LinkedHashSet<>();
    for (String a : architectures) {
      if (!known.isKnownArchitecture(a)) {
        unknown.add(a);
      }
    }
    if (architectures.isEmpty() && modelType != null && !known.isKnownModelType(modelType)) {
      unknown.add("model_type " + modelType);
    }
    if (!unknown.isEmpty()) {
      ctx.report(
          "CFG-003",
          ctx.at(-1, architectures.isEmpty() ? "model_type" : "architectures"),
          "The config names "
              + String.join(", ", unknown)
              + ", which transformers does not ship; loading it needs code from the repository.",
          String.join(", ", unknown));
    }
  }

  /** Visits every value: trust_remote_code flags and URL hosts anywhere in the tree. */
  private void walk(JsonNode node, String path, ScanContext ctx, int[] urls) {
    if (node.isObject()) {
      for (Map.Entry<String, JsonNode> e : node.properties()) {
        String child = path.isEmpty() ? e.getKey() : path + "." + e.getKey();
        if (e.getKey().equals("trust_remote_code")
            && (e.getValue().asBoolean(false)
                || e.getValue().asText("").equalsIgnoreCase("true"))) {
          ctx.report(
              "CFG-002",
              ctx.at(-1, child),
              "The config sets " + child + " to true, asking loaders to run the repository's code.",
              child + " = " + e.getValue());
        }
        walk(e.getValue(), child, ctx, urls);
      }
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        walk(node.get(i), path + "[" + i + "]", ctx, urls);
      }
    } else if (node.isTextual()) {
      Matcher m = URL.matcher(node.asText());
      while (m.find() && urls[0] < MAX_URL_FINDINGS) {
        String host = m.group(1);
        if (!known.isTrustedHost(host)) {
          urls[0]++;
          ctx.report(
              "CFG-004",
              ctx.at(-1, path),
              "The config value at "
                  + path
                  + " points to "
                  + host
                  + ", outside the expected model hubs and code forges.",
              m.group());
        }
      }
    }
  }
}
