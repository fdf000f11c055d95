package io.sentrascan.scanner.format.mxnet;

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
import java.util.Set;

/**
 * MXNet symbol graphs ({@code *-symbol.json}): nodes with {@code op}, {@code name}, {@code attrs}
 * and {@code inputs}. {@code Custom} operators name a Python {@code CustomOpProp} that must be
 * registered when the graph is loaded, so the model needs code from outside the file.
 */
public final class MxnetSymbolScanner implements Scanner {
  static final long MAX_JSON_BYTES = 256L << 20;
  private static final int MAX_REPORTED = 50;

  @Override
  public String name() {
    return "mxnet-symbol";
  }

  @Override
  public String version() {
    return "1.0.0";
  }

  @Override
  public String description() {
    return "MXNet symbol graph (`*-symbol.json` with `nodes`, `arg_nodes`, `heads`): `Custom` operators and the Python op types they need registered at load; node input references checked against the graph.";
  }

  @Override
  public boolean supports(Probe probe) {
    Set<String> keys = BoundedJson.topLevelKeys(probe.head());
    return keys.contains("nodes") && (keys.contains("arg_nodes") || keys.contains("heads"));
  }

  @Override
  public void scan(Source source, ScanContext ctx) throws IOException {
    ctx.setFormat("mxnet-symbol");
    if (source.size() > MAX_JSON_BYTES) {
      throw new MalformedFileException(
          "symbol JSON of " + source.size() + " bytes; at most " + MAX_JSON_BYTES + " are read", 0);
    }
    JsonNode root;
    try (InputStream in = source.openStream()) {
      root = new ObjectMapper(BoundedJson.factory()).readTree(in);
    } catch (JsonProcessingException e) {
      throw new MalformedFileException(
          "symbol JSON cannot be parsed: " + BoundedJson.describe(e), -1, e);
    } catch (RuntimeException e) {
      throw new MalformedFileException("symbol JSON cannot be parsed: " + e, -1, e);
    }
    JsonNode nodes = root == null ? null : root.get("nodes");
    if (nodes == null || !nodes.isArray()) {
      throw new MalformedFileException("symbol JSON has no \"nodes\" array", -1);
    }
    JsonNode version = root.path("attrs").path("mxnet_version");
    if (version.isArray() && version.size() == 2) {
      ctx.addProperty("mxnet.version", version.get(1).asText());
    }
    int reported = 0;
    int count = nodes.size();
    for (int i = 0; i < count; i++) {
      JsonNode node = nodes.get(i);
      String op = node.path("op").asText("");
      String name = node.path("name").asText("");
      for (JsonNode input : node.path("inputs")) {
        int ref = input.isArray() && input.size() > 0 ? input.get(0).asInt(-1) : -1;
        if (ref < 0 || ref >= i) {
          throw new MalformedFileException(
              "node "
                  + i
                  + " ("
                  + name
                  + ") takes input from node "
                  + ref
                  + ", which is not an earlier node of the graph",
              -1);
        }
      }
      if (!op.equals("Custom")) {
        continue;
      }
      String opType = attr(node, "op_type");
      ctx.addProperty("mxnet.custom_op", opType);
      if (++reported <= MAX_REPORTED) {
        ctx.report(
            "MX-001",
            ctx.at(-1, "node " + i + " " + name),
            "Node "
                + name
                + " is a Custom operator of type "
                + opType
                + ": loading the graph needs a Python CustomOpProp registered under that name, which runs when the model is bound and executed.",
            "op_type: " + opType);
      }
    }
  }

  /** An attribute from {@code attrs} (MXNet 1.x), {@code attr} or {@code param} (0.x). */
  private static String attr(JsonNode node, String key) {
    for (String holder : new String[] {"attrs", "attr", "param"}) {
      JsonNode v = node.path(holder).path(key);
      if (v.isTextual()) {
        return v.asText();
      }
    }
    return "(unnamed)";
  }
}
