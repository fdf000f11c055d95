package io.sentrascan.scanner.format.catboost;

import io.sentrascan.scanner.MalformedFileException;
import io.sentrascan.scanner.Probe;
import io.sentrascan.scanner.ScanContext;
import io.sentrascan.scanner.Scanner;
import io.sentrascan.scanner.Severity;
import io.sentrascan.scanner.Source;
import io.sentrascan.scanner.text.TextFindings;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * CatBoost binary models: {@code CBM1}, the core's length, then a flatbuffer {@code TModelCore}
 * (FormatVersion, ModelTrees, InfoMap, ModelPartIds). The header and every offset followed are
 * bound-checked; the info map's keys and values are checked for custom code and secrets.
 */
public final class CatBoostScanner implements Scanner {
  private static final byte[] MAGIC = {'C', 'B', 'M', '1'};
  private static final int MAX_INFO_ENTRIES = 10_000;

  /** User-defined objectives and metrics, which need the author's Python code. */
  private static final Pattern CUSTOM =
      Pattern.compile("PythonUserDefined\\w*|UserPerObj\\w*|UserQuerywise\\w*");

  private static final Pattern CODE =
      Pattern.compile(
          "\\bimport\\s+\\w|__import__|\\bexec\\s*\\(|\\beval\\s*\\(|os\\.system|subprocess|<function"
              + "|\\blambda\\b|\\bdef\\s+\\w+\\s*\\(|pickle\\.loads|marshal\\.loads");

  private final TextFindings text = TextFindings.defaults();

  @Override
  public String name() {
    return "catboost";
  }

  @Override
  public String version() {
    return "1.0.0+" + text.version();
  }

  @Override
  public String description() {
    return "CatBoost `.cbm` (magic `CBM1` + flatbuffer model core): header length and every flatbuffer offset bound-checked; model info entries checked for user-defined (Python) objectives/metrics and code, and for secrets.";
  }

  @Override
  public boolean supports(Probe probe) {
    return probe.startsWith(MAGIC);
  }

  @Override
  public void scan(Source source, ScanContext context) throws IOException {
    context.setFormat("catboost");
    long coreSize =
        ByteBuffer.wrap(source.readFully(4, 4)).order(ByteOrder.LITTLE_ENDIAN).getInt(0)
            & 0xffffffffL;
    if (coreSize < 8 || 8 + coreSize > source.size()) {
      throw new MalformedFileException(
          "the header declares a model core of "
              + coreSize
              + " bytes but the file has "
              + (source.size() - 8),
          4);
    }
    CoreReader core = new CoreReader(source, 8, coreSize);
    long root = core.root();
    String version = core.string(root, 0);
    if (version != null) {
      context.addProperty("catboost.format_version", version);
    }
    if (core.field(root, 1) < 0) {
      throw new MalformedFileException("the model core has no trees", root);
    }
    long info = core.field(root, 2);
    if (info >= 0) {
      long vector = core.deref(info);
      long n = core.vectorLength(vector);
      if (n > MAX_INFO_ENTRIES) {
        throw new MalformedFileException("the model info has " + n + " entries", vector);
      }
      for (int i = 0; i < n; i++) {
        context.checkDeadline();
        long element = vector + 4 + 4L * i;
        long entry = core.deref(element);
        String key = core.string(entry, 0);
        String value = core.string(entry, 1);
        checkInfo(context, key == null ? "" : key, value == null ? "" : value, entry);
      }
    }
  }

  private void checkInfo(ScanContext context, String key, String value, long offset) {
    context.addProperty("catboost.info", key);
    String where = "info " + key;
    Matcher code = CODE.matcher(value);
    Matcher custom = CUSTOM.matcher(value);
    if (code.find()) {
      context.report(
          "CB-001",
          Severity.HIGH,
          context.at(offset, where),
          "The model info entry " + key + " holds what looks like Python code.",
          around(value, code.start()));
    } else if (custom.find()) {
      context.report(
          "CB-001",
          context.at(offset, where),
          "The model info entry " + key + " names the user-defined " + custom.group() + ".",
          around(value, custom.start()));
    }
    text.scan(key + "=" + value, context, context.at(-1, where));
  }

  private static String around(String value, int index) {
    int from = Math.max(0, index - 40);
    return value.substring(from, Math.min(value.length(), index + 120));
  }
}
