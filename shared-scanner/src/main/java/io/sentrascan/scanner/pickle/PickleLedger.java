package io.sentrascan.scanner.pickle;

import io.sentrascan.scanner.Severity;
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
  }
}
