package io.sentrascan.scanner.format.xgboost;

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
  private static final byte[] LEGACY_MAGIC = {'b', 'i', 'n', 'f'};
  private static final int LEGACY_PARAM_BYTES = 136;

  private final TextFindings text = TextFindings.defaults();

  @Override
  public String name() {
    return "xgboost";
  }

  @Override
  public String version() {
    return "1.2.0+" + text.version();
  }

  @Override
  public String description() {
    return "XGBoost models as JSON (streamed one tree at a time, any size), UBJSON (streamed the same way, any size) or legacy binary (`binf`, header only): objective names outside XGBoost's built-ins or naming Python code, tree arrays checked against num_nodes, child indices and num_feature, non-finite split values; secrets in attributes.";
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
    int second = Probe.of(source).byteAt(1);
    if (source.size() <= 1 || second == '"' || Character.isWhitespace(second)) {
      context.setFormat("xgboost-json");
      JsonModelStream.check(source, context, text);
      return;
    }
    context.setFormat("xgboost-ubj");
    JsonModelStream.checkUbj(source, context, text);
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
