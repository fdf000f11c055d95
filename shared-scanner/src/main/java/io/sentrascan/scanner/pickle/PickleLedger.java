package io.sentrascan.scanner.pickle;

import io.sentrascan.scanner.Severity;
import io.sentrascan.scanner.text.EmbeddedStrings;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * What the analysis of one file (or one archive entry) has learnt so far: the distinct imports and
 * the problems. Kept apart from reporting so that a speculative parse (a candidate pickle found in
 * raw bytes) can be dropped when it turns out to be noise.
 */
final class PickleLedger {
  /** Distinct imports kept per file; a hostile file cannot make the report grow without bound. */
  static final int MAX_IMPORTS = 10_000;

  static final int MAX_PROBLEMS = 1_000;

  private static final Pattern PYTHON_NAME =
      Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,99}(\\.[A-Za-z_][A-Za-z0-9_]{0,99}){0,9}");

  /**
   * A finding other than an import.
   *
   * @param severity the rule's default when null
   */
  record Problem(
      String ruleId,
      @Nullable Severity severity,
      long offset,
      String description,
      String evidence) {}

  final ImportPolicy policy;
  final Runnable deadline;
  private final Map<String, ImportRecord> imports = new LinkedHashMap<>();
  private final List<Problem> problems = new ArrayList<>();
  private int extensions;
  int stream = 1;

  /** When positive, a parse with no import gives up after this many opcodes (noise, not pickle). */
  long speculativeOps;

  /**
   * A string the stream holds, or a dict key and string value joined as {@code key: value}, kept
   * for the secret search.
   */
  record Text(String text, long offset) {}

  /** Characters of strings kept for the secret search; further strings are counted only. */
  static final int MAX_STRING_CHARS = EmbeddedStrings.DEFAULT_BUDGET;

  private final List<Text> strings = new ArrayList<>();
  private long stringChars;

  /** False for the trial parses of detection, which report nothing. */
  boolean collectStrings = true;

  long stringsDropped;

  int importsDropped;
  boolean joblib;
  @Nullable Integer protocol;

  PickleLedger(ImportPolicy policy, Runnable deadline) {
    this.policy = policy;
    this.deadline = deadline;
  }

  ImportRecord importName(String module, String name, String opcode, long offset) {
    String key = policy.canonicalModule(module) + "." + name;
    ImportRecord existing = imports.get(key);
    if (existing != null) {
      return existing;
    }
    ImportRecord r =
        new ImportRecord(module, name, policy.classify(module, name), opcode, offset, stream);
    if (imports.size() < MAX_IMPORTS) {
      imports.put(key, r);
    } else {
      importsDropped++;
    }
    return r;
  }

  ImportRecord extension(long code, String opcode, long offset) {
    ImportRecord r =
        new ImportRecord(
            "copyreg extension registry",
            "code " + code,
            ImportVerdict.UNKNOWN,
            opcode,
            offset,
            stream);
    if (extensions++ < 100) {
      imports.put("\0ext" + code, r);
    }
    return r;
  }

  void problem(String ruleId, long offset, String description, String evidence) {
    problem(ruleId, null, offset, description, evidence);
  }

  void problem(
      String ruleId,
      @Nullable Severity severity,
      long offset,
      String description,
      String evidence) {
    if (problems.size() < MAX_PROBLEMS) {
      problems.add(new Problem(ruleId, severity, offset, description, evidence));
    }
  }

  void string(String text, long offset) {
    if (!collectStrings || text.length() < EmbeddedStrings.MIN_LENGTH) {
      return;
    }
    if (stringChars + text.length() > MAX_STRING_CHARS) {
      stringsDropped++;
      return;
    }
    stringChars += text.length();
    strings.add(new Text(text, offset));
  }

  /** A dict item whose key and value are both strings: {@code aws_secret_access_key: ...}. */
  void item(Value key, Value value, long offset) {
    if (collectStrings && key instanceof Value.Text k && value instanceof Value.Text v) {
      // Keys short enough to name a setting, values long enough to be a secret.
      if (k.text().length() <= 64 && v.text().length() >= EmbeddedStrings.MIN_LENGTH) {
        string(k.text() + ": " + v.text(), offset);
      }
    }
  }

  List<Text> strings() {
    return strings;
  }

  Collection<ImportRecord> imports() {
    return imports.values();
  }

  boolean hasImports() {
    return !imports.isEmpty();
  }

  /**
   * True when some import names a real-looking Python module and attribute. Random bytes that
   * happen to decode as a pickle (tensor data is full of them) import names made of noise.
   */
  boolean hasPlausibleImports() {
    for (ImportRecord r : imports.values()) {
      if (PYTHON_NAME.matcher(r.module).matches() && PYTHON_NAME.matcher(r.name).matches()) {
        return true;
      }
    }
    return false;
  }

  /** True when some import is denied or called: a hidden stream that matters even if cut off. */
  boolean hasDangerousImports() {
    for (ImportRecord r : imports.values()) {
      if (r.verdict.kind() == ImportVerdict.Kind.DENIED || r.called()) {
        return true;
      }
    }
    return false;
  }

  List<Problem> problems() {
    return problems;
  }

  /** Takes over what a speculative ledger found. */
  void absorb(PickleLedger other) {
    other.imports.forEach(imports::putIfAbsent);
    for (Problem p : other.problems) {
      if (problems.size() < MAX_PROBLEMS) {
        problems.add(p);
      }
    }
    joblib |= other.joblib;
    for (Text t : other.strings) {
      string(t.text(), t.offset());
    }
    stringsDropped += other.stringsDropped;
  }
}
