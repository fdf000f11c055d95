package io.sentrascan.scanner.format.python;

import io.sentrascan.scanner.Location;
import io.sentrascan.scanner.Probe;
import io.sentrascan.scanner.ScanContext;
import io.sentrascan.scanner.Scanner;
import io.sentrascan.scanner.Source;
import io.sentrascan.scanner.code.PythonCodeAnalyzer;
import io.sentrascan.scanner.text.TextFindings;
import io.sentrascan.scanner.text.TextSniff;
import java.io.IOException;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Python source files ({@code modeling_*.py} and other custom code a model ships): dangerous calls
 * and obfuscation through the shared {@link PythonCodeAnalyzer}, and secrets and personal data in
 * the whole text, comments included. Detected by content: a Python shebang, or text whose first
 * statement and several line starts are Python; the {@code .py} extension on text is accepted as a
 * hint.
 */
public final class PythonScanner implements Scanner {
  /** Source bytes analysed at most; custom model code is far smaller. */
  static final long MAX_BYTES = 16L << 20;

  private static final Set<String> EXTENSIONS = Set.of("py", "pyw", "pyi");
  private static final Pattern FIRST_STATEMENT =
      Pattern.compile(
          "^(?:import [A-Za-z_][\\w.]*|from [\\w.]+ import |def \\w+\\(|class \\w+\\s*[(:]"
              + "|\"\"\"|''')");
  private static final Pattern PYTHON_LINE =
      Pattern.compile(
          "(?m)^(?:import [A-Za-z_][\\w.]*(?: as \\w+)?\\s*$|from [\\w.]+ import |def \\w+\\(.*\\):"
              + "|class \\w+\\s*(?:\\(.*\\))?:|@\\w[\\w.]*|if __name__ == )");

  private final PythonCodeAnalyzer code = PythonCodeAnalyzer.defaults();
  private final TextFindings text = TextFindings.defaults();

  @Override
  public String name() {
    return "python";
  }

  @Override
  public String version() {
    return "1.0.0+calls-" + code.version() + "+secrets-" + text.version();
  }

  @Override
  public String description() {
    return "Python source (shebang, `.py` hint, or Python structure): exec/eval, os and subprocess calls, dynamic imports, unsafe loaders (pickle, `torch.load` without `weights_only`), network to unexpected hosts, obfuscated blobs; secrets and PII. Comments and docstrings are told apart from code.";
  }

  @Override
  public boolean supports(Probe probe) {
    if (!TextSniff.isText(probe)) {
      return false;
    }
    String head = TextSniff.headText(probe);
    if (head.startsWith("#!")) {
      int eol = head.indexOf('\n');
      return (eol < 0 ? head : head.substring(0, eol)).contains("python");
    }
    if (EXTENSIONS.contains(probe.extension())) {
      return true;
    }
    return looksLikePython(head);
  }

  /** The first statement is Python and at least three lines start like Python. */
  static boolean looksLikePython(String head) {
    String first = null;
    for (String line : head.split("\n", 200)) {
      String l = line.strip();
      if (!l.isEmpty() && !l.startsWith("#")) {
        first = line;
        break;
      }
    }
    if (first == null || !FIRST_STATEMENT.matcher(first).find()) {
      return false;
    }
    return PYTHON_LINE.matcher(head).results().limit(3).count() >= 3;
  }

  @Override
  public void scan(Source source, ScanContext context) throws IOException {
    context.setFormat("python");
    String src = TextSniff.read(source, MAX_BYTES);
    if (source.size() > MAX_BYTES) {
      context.error(
          "only the first "
              + MAX_BYTES
              + " of "
              + source.size()
              + " bytes of source were analysed");
    }
    Location base = context.at(0);
    code.analyze(src, context, base, text);
    text.scan(src, context, base);
  }
}
