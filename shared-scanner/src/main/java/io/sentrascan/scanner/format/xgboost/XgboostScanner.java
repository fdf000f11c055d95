package io.sentrascan.scanner.format.xgboost;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sentrascan.scanner.MalformedFileException;
import io.sentrascan.scanner.Probe;
import io.sentrascan.scanner.ScanContext;
import io.sentrascan.scanner.Scanner;
import io.sentrascan.scanner.Source;
import io.sentrascan.scanner.json.BoundedJson;
import io.sentrascan.scanner.text.TextFindings;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * XGBoost models: the JSON document ({@code {"learner": …, "version": […]}}), the same document in
 * UBJSON, and the legacy binary format behind its {@code binf} magic (header only).
 */
public final class XgboostScanner implements Scanner {
  /**
   * JSON and UBJSON models up to this size are read whole into a tree and fully checked; the
   * objective of a larger JSON model is still found by streaming, so padding cannot hide it. The
   * tree costs about eight times the text: under a 256 MB heap a 33 MB model was checked and a 62
   * MB one ran the JVM out of memory (docs/benchmarks.md), so the bound leaves room for that.
   */
  static final long MAX_DOCUMENT_BYTES = 24L << 20;

  private static final byte[] LEGACY_MAGIC = {'b', 'i', 'n', 'f'};
  private static final int LEGACY_PARAM_BYTES = 136;

  private final ObjectMapper mapper = new ObjectMapper(BoundedJson.factory());
  private final TextFindings text = TextFindings.defaults();

  @Override
  public String name() {
    return "xgboost";
  }

  @Override
  public String version() {
    return "1.0.0+" + text.version();
  }

  @Override
  public String description() {
    return "XGBoost models as JSON, UBJSON (bounded reader) or legacy binary (`binf`, header only): objective names outside XGBoost's built-ins or naming Python code, tree arrays checked against num_nodes, child indices and num_feature, non-finite split values; secrets in attributes.";
  }

  @Override
  public boolean supports(Probe probe) {
    if (probe.startsWith(LEGACY_MAGIC)) {
      return true;
    }
    if (probe.byteAt(0) != '{') {
      return false;
    }
    int second = probe.byteAt(1);
    if (second == 'i' || second == 'U' || second == 'I' || second == 'l' || second == 'L') {
      String head =
          new String(
              probe.head(), 0, Math.min(64, probe.headLength()), StandardCharsets.ISO_8859_1);
      return head.contains("learner") || head.contains("version");
    }
    var keys = BoundedJson.topLevelKeys(probe.head());
    return keys.contains("learner") && (keys.size() == 1 || keys.contains("version"));
  }

  @Override
  public void scan(Source source, ScanContext context) throws IOException {
    if (Probe.of(source).startsWith(LEGACY_MAGIC)) {
      scanLegacy(source, context);
      return;
    }
    if (source.size() > MAX_DOCUMENT_BYTES) {
      context.error(
          "the model is larger than " + MAX_DOCUMENT_BYTES + " bytes; its trees were not checked");
      if (Probe.of(source).byteAt(1) == '"' || Character.isWhitespace(Probe.of(source).byteAt(1))) {
        context.setFormat("xgboost-json");
        streamObjective(source, context);
      }
      return;
    }
    byte[] bytes = source.readFully(0, (int) source.size());
    JsonNode root;
    if (bytes.length > 1 && bytes[1] != '"' && !Character.isWhitespace(bytes[1])) {
      context.setFormat("xgboost-ubj");
      root = UbjReader.read(bytes);
    } else {
      context.setFormat("xgboost-json");
      try (JsonParser parser = BoundedJson.factory().createParser(bytes)) {
        root = mapper.readTree(parser);
      } catch (JsonProcessingException e) {
        throw new MalformedFileException(
            "not valid JSON: " + BoundedJson.describe(e),
            e.getLocation() == null ? -1 : e.getLocation().getByteOffset(),
            e);
      } catch (RuntimeException e) {
        throw new MalformedFileException("the JSON parser failed: " + e, -1, e);
      }
    }
    if (root == null || !root.isObject() || !root.path("learner").isObject()) {
      throw new MalformedFileException("the document has no learner object", 0);
    }
    new ModelChecker(context, text).check(root);
  }

  /** Finds learner.objective.name in a JSON model without building a tree. */
  private static void streamObjective(Source source, ScanContext context) throws IOException {
    try (JsonParser p = BoundedJson.factory().createParser(source.openStream())) {
      java.util.ArrayDeque<String> path = new java.util.ArrayDeque<>();
      @org.jspecify.annotations.Nullable String field = null;
      JsonToken t;
      while ((t = p.nextToken()) != null) {
        switch (t) {
          case FIELD_NAME -> field = p.currentName();
          case START_OBJECT, START_ARRAY -> {
            path.addLast(field == null ? "" : field);
            field = null;
          }
          case END_OBJECT, END_ARRAY -> {
            path.pollLast();
            field = null;
          }
          default -> {
            if (t == JsonToken.VALUE_STRING
                && "name".equals(field)
                && path.size() == 3
                && String.join("/", path).equals("/learner/objective")) {
              context.addProperty("xgboost.objective", p.getText());
              ModelChecker.checkObjective(
                  context, p.getText(), context.at(-1, "learner.objective.name"));
              return;
            }
            field = null;
          }
        }
      }
    } catch (JsonProcessingException e) {
      throw new MalformedFileException("not valid JSON: " + BoundedJson.describe(e), -1, e);
    } catch (RuntimeException e) {
      throw new MalformedFileException("the JSON parser failed: " + e, -1, e);
    }
  }

  private void scanLegacy(Source source, ScanContext context) throws IOException {
    context.setFormat("xgboost-binary");
    ByteBuffer param =
        ByteBuffer.wrap(source.readFully(4, LEGACY_PARAM_BYTES)).order(ByteOrder.LITTLE_ENDIAN);
    float baseScore = param.getFloat(0);
    long numFeature = param.getInt(4) & 0xffffffffL;
    int numClass = param.getInt(8);
    if (!Float.isFinite(baseScore)
        || numFeature > 100_000_000L
        || numClass < 0
        || numClass > 1 << 20) {
      throw new MalformedFileException(
          "implausible learner parameters: base_score="
              + baseScore
              + " num_feature="
              + numFeature
              + " num_class="
              + numClass,
          4);
    }
    long pos = 4 + LEGACY_PARAM_BYTES;
    String objective = legacyString(source, pos, "objective name");
    pos += 8 + objective.length();
    String booster = legacyString(source, pos, "booster name");
    if (!booster.equals("gbtree") && !booster.equals("gblinear") && !booster.equals("dart")) {
      throw new MalformedFileException("unknown booster " + booster, pos);
    }
    context.addProperty("xgboost.objective", objective);
    context.addProperty("xgboost.booster", booster);
    context.report(
        "XGB-004",
        context.at(0),
        "The model uses XGBoost's deprecated legacy binary format (booster "
            + booster
            + "); only its header was checked.",
        "binf, objective " + objective);
    ModelChecker.checkObjective(
        context, objective, context.at(4 + LEGACY_PARAM_BYTES, "objective"));
  }

  private static String legacyString(Source source, long pos, String what) throws IOException {
    long len = ByteBuffer.wrap(source.readFully(pos, 8)).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
    if (len < 0 || len > 256) {
      throw new MalformedFileException(what + " has length " + len, pos);
    }
    return new String(source.readFully(pos + 8, (int) len), StandardCharsets.UTF_8);
  }
}
