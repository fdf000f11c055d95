package io.sentrascan.scanner.code;

import io.sentrascan.scanner.Location;
import io.sentrascan.scanner.ScanContext;
import io.sentrascan.scanner.Severity;
import io.sentrascan.scanner.code.PythonToken.Kind;
import io.sentrascan.scanner.rules.RuleCatalog;
import io.sentrascan.scanner.text.TextFindings;
import io.sentrascan.scanner.text.TextLocator;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Static analysis of Python source, shared by the Python-file and notebook scanners: dangerous
 * calls (PY-001..PY-005) resolved through import aliases, obfuscation (PY-006..PY-008) and code
 * text inside string literals (PY-009). Comments and docstrings are not code and are not reported.
 * Nothing is ever run. Immutable and thread-safe.
 */
public final class PythonCodeAnalyzer {
  /** Findings per analysed text at most. */
  public static final int MAX_FINDINGS = 100;

  /**
   * Tokens searched for a call's closing parenthesis; bounds the work on deeply nested or
   * unterminated calls.
   */
  private static final int MAX_ARGUMENT_TOKENS = 4096;

  /** Catalog calls whose arguments are examined per text at most. */
  private static final int MAX_CHECKED_CALLS = 5000;

  private static final int MIN_BLOB_CHARS = 200;
  private static final int MIN_ESCAPED_BYTES = 64;
  private static final Pattern BASE64 = Pattern.compile("[A-Za-z0-9+/=_\\-\\s\\\\n]+");
  private static final Pattern HEX = Pattern.compile("[0-9a-fA-F\\s]+");
  private static final Pattern ESCAPED_BYTE = Pattern.compile("\\\\x[0-9a-fA-F]{2}");
  private static final Pattern CODE_IN_STRING =
      Pattern.compile(
          "(?<![\\w.])(os\\.system|os\\.popen|subprocess\\.[A-Za-z_]+|eval|exec|__import__"
              + "|pty\\.spawn)\\s*\\(");
  private static final Pattern IPV4_HOST = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

  private final PythonCallCatalog catalog;

  private PythonCodeAnalyzer(PythonCallCatalog catalog) {
    this.catalog = catalog;
  }

  public static PythonCodeAnalyzer defaults() {
    return new PythonCodeAnalyzer(PythonCallCatalog.defaults());
  }

  /** The version of the call data, for scanner versions. */
  public String version() {
    return catalog.version();
  }

  /**
   * Analyses {@code code} and reports its findings into {@code context}, located through {@code
   * base} (see {@link TextLocator}); evidence is passed through {@code secrets} so that no secret
   * on a reported line is shown.
   *
   * @return the number of findings reported
   */
  public int analyze(CharSequence code, ScanContext context, Location base, TextFindings secrets) {
    List<PythonToken> tokens = PythonTokenizer.tokenize(code);
    Map<String, String> aliases = imports(tokens);
    Run run = new Run(code, context, new TextLocator(code, base), secrets, aliases);
    int checked = 0;
    for (int k = 0; k < tokens.size() && run.count < MAX_FINDINGS; k++) {
      PythonToken t = tokens.get(k);
      if (t.kind() == Kind.STRING) {
        if (!t.docstring()) {
          strings(t, run);
        }
        continue;
      }
      if (t.kind() != Kind.NAME || (k > 0 && tokens.get(k - 1).is("."))) {
        continue;
      }
      if (k > 0 && (tokens.get(k - 1).isName("def") || tokens.get(k - 1).isName("class"))) {
        continue;
      }
      StringBuilder name = new StringBuilder(t.text());
      int e = k;
      while (e + 2 < tokens.size()
          && tokens.get(e + 1).is(".")
          && tokens.get(e + 2).kind() == Kind.NAME) {
        name.append('.').append(tokens.get(e + 2).text());
        e += 2;
      }
      if (e + 1 < tokens.size() && tokens.get(e + 1).is("(") && checked < MAX_CHECKED_CALLS) {
        String qualified = resolve(name.toString(), aliases);
        Optional<PythonCallCatalog.Call> known = catalog.lookup(qualified);
        if (known.isPresent()) {
          checked++;
          int close = matching(tokens, e + 1);
          call(qualified, known.get(), t, tokens.subList(e + 2, close), run);
        }
      }
      k = e;
    }
    return run.count;
  }

  /** Per-analysis state. */
  private static final class Run {
    final CharSequence code;
    final ScanContext context;
    final TextLocator locator;
    final TextFindings secrets;
    final Map<String, String> aliases;
    int count;

    Run(
        CharSequence code,
        ScanContext context,
        TextLocator locator,
        TextFindings secrets,
        Map<String, String> aliases) {
      this.code = code;
      this.context = context;
      this.locator = locator;
      this.secrets = secrets;
      this.aliases = aliases;
    }

    void report(String ruleId, @Nullable Severity severity, int index, String description) {
      if (count >= MAX_FINDINGS) {
        return;
      }
      count++;
      Severity s = severity != null ? severity : RuleCatalog.defaults().rule(ruleId).severity();
      Location at = locator.at(index);
      int from = Math.max(locator.lineStart(index), index - 100);
      String line = code.subSequence(from, locator.lineEnd(index, 200)).toString().strip();
      context.report(ruleId, s, at, description + " (" + at.context() + ").", secrets.redact(line));
    }
  }

  private void call(
      String name, PythonCallCatalog.Call c, PythonToken at, List<PythonToken> args, Run run) {
    Severity severity = c.severity();
    String what = "calls " + name + "()";
    switch (c.kind()) {
      case "dynamic-code" -> {
        if (hasDecoder(args)) {
          run.report("PY-007", null, at.start(), "The code " + what + " on decoded data");
          return;
        }
      }
      case "dynamic-import" -> {
        String module = firstString(args);
        if (module != null && catalog.isDangerousModule(module)) {
          severity = Severity.HIGH;
          what += " to import " + module;
        }
      }
      case "getattr" -> {
        // getattr(os, "sys" + "tem") hides the name of a dangerous function from text search.
        if (args.isEmpty() || args.get(0).kind() != Kind.NAME) {
          return;
        }
        String target = resolve(args.get(0).text(), run.aliases);
        if (!target.equals("__builtins__") && !catalog.isDangerousModule(target)) {
          return;
        }
        what += " on " + target;
      }
      case "torch-load" -> {
        if (keywordIs(args, "weights_only", "True")) {
          return;
        }
        what += " without weights_only=True";
      }
      case "numpy-load" -> {
        if (!keywordIs(args, "allow_pickle", "True")) {
          return;
        }
        what += " with allow_pickle=True";
      }
      case "yaml-load" -> {
        for (PythonToken a : args) {
          if (a.kind() == Kind.NAME && a.text().matches("C?SafeLoader|BaseLoader")) {
            return;
          }
        }
        what += " without a safe loader";
      }
      case "rot13" -> {
        boolean rot13 = false;
        for (PythonToken a : args) {
          if (a.kind() == Kind.STRING
              && a.stringValue()
                  .toLowerCase(Locale.ROOT)
                  .replace("_", "")
                  .replace("-", "")
                  .equals("rot13")) {
            rot13 = true;
          }
        }
        if (!rot13) {
          return;
        }
        what += " with rot13";
      }
      case "decompress-decoded" -> {
        if (!hasDecoder(args)) {
          return;
        }
        what += " on decoded data";
      }
      case "url", "host" -> {
        String literal = firstString(args);
        String host = literal == null ? null : c.kind().equals("url") ? host(literal) : literal;
        if (host == null) {
          severity = Severity.LOW;
          what += " (the address is not a literal in the code)";
        } else if (catalog.isAllowedHost(host)) {
          return;
        } else {
          if (IPV4_HOST.matcher(host).matches()) {
            severity = Severity.HIGH;
          }
          what += " to host " + host;
        }
      }
      case "socket" -> what += " (a raw network socket)";
      default -> {
        // a plain call: reported as it is
      }
    }
    run.report(c.ruleId(), severity, at.start(), "The code " + what);
  }

  private void strings(PythonToken t, Run run) {
    String value = t.stringValue();
    if (value.length() >= MIN_BLOB_CHARS) {
      String compact = value.replaceAll("\\s|\\\\n", "");
      if (compact.length() >= MIN_BLOB_CHARS && HEX.matcher(compact).matches()) {
        run.report("PY-006", null, t.start(), "A string holds " + compact.length() + " hex digits");
        return;
      }
      if (compact.length() >= MIN_BLOB_CHARS
          && BASE64.matcher(compact).matches()
          && distinct(compact) >= 16) {
        run.report(
            "PY-006",
            null,
            t.start(),
            "A string holds " + compact.length() + " characters of base64");
        return;
      }
    }
    if (value.length() >= 4 * MIN_ESCAPED_BYTES) {
      long escaped = ESCAPED_BYTE.matcher(value).results().count();
      if (escaped >= MIN_ESCAPED_BYTES) {
        run.report("PY-006", null, t.start(), "A string holds " + escaped + " escaped bytes");
        return;
      }
    }
    if (!t.isBytes() && !t.isFormatted() && CODE_IN_STRING.matcher(value).find()) {
      run.report("PY-009", null, t.start(), "A string literal holds code text");
    }
  }

  private boolean hasDecoder(List<PythonToken> args) {
    for (PythonToken a : args) {
      if (a.kind() == Kind.NAME && catalog.isDecoder(a.text())) {
        return true;
      }
    }
    return false;
  }

  private static @Nullable String firstString(List<PythonToken> args) {
    for (PythonToken a : args) {
      if (a.kind() == Kind.STRING) {
        return a.stringValue();
      }
    }
    return null;
  }

  private static boolean keywordIs(List<PythonToken> args, String keyword, String value) {
    for (int i = 0; i + 2 < args.size(); i++) {
      if (args.get(i).isName(keyword) && args.get(i + 1).is("=") && args.get(i + 2).isName(value)) {
        return true;
      }
    }
    return false;
  }

  /** The host of a literal URL, or null when the string is not one. */
  static @Nullable String host(String literal) {
    String s = literal.strip();
    int scheme = s.indexOf("://");
    if (scheme <= 0 || scheme > 10) {
      return null;
    }
    int end = scheme + 3;
    while (end < s.length() && "/?#{".indexOf(s.charAt(end)) < 0) {
      end++;
    }
    String authority = s.substring(scheme + 3, end);
    if (authority.isEmpty()) {
      return null;
    }
    try {
      String host = new URI("http://" + authority).getHost();
      return host == null || host.isEmpty() ? null : host;
    } catch (URISyntaxException e) {
      return null; // not a URL we can read: treated as not a literal
    }
  }

  /** The closing parenthesis, or where the search gave up: arguments longer than that are cut. */
  private static int matching(List<PythonToken> tokens, int open) {
    int depth = 0;
    int limit = Math.min(tokens.size(), open + MAX_ARGUMENT_TOKENS);
    for (int i = open; i < limit; i++) {
      PythonToken t = tokens.get(i);
      if (t.is("(") || t.is("[") || t.is("{")) {
        depth++;
      } else if (t.is(")") || t.is("]") || t.is("}")) {
        depth--;
        if (depth == 0) {
          return i;
        }
      }
    }
    return limit;
  }

  private static String resolve(String dotted, Map<String, String> aliases) {
    int dot = dotted.indexOf('.');
    String head = dot < 0 ? dotted : dotted.substring(0, dot);
    String target = aliases.get(head);
    if (target == null) {
      return dotted;
    }
    return dot < 0 ? target : target + dotted.substring(dot);
  }

  /** Maps each name bound by an import statement to what it refers to. */
  private static Map<String, String> imports(List<PythonToken> tokens) {
    Map<String, String> aliases = new HashMap<>();
    for (int k = 0; k < tokens.size(); k++) {
      boolean statementStart = k == 0 || tokens.get(k - 1).kind() == Kind.NEWLINE;
      if (!statementStart) {
        continue;
      }
      if (tokens.get(k).isName("import")) {
        int i = k + 1;
        while (i < tokens.size() && tokens.get(i).kind() != Kind.NEWLINE) {
          StringBuilder module = new StringBuilder();
          i = dotted(tokens, i, module);
          if (i + 1 < tokens.size() && tokens.get(i).isName("as")) {
            aliases.put(tokens.get(i + 1).text(), module.toString());
            i += 2;
          }
          if (i < tokens.size() && tokens.get(i).is(",")) {
            i++;
          } else {
            break;
          }
        }
      } else if (tokens.get(k).isName("from")) {
        StringBuilder module = new StringBuilder();
        int i = dotted(tokens, k + 1, module);
        if (module.length() == 0 || i >= tokens.size() || !tokens.get(i).isName("import")) {
          continue;
        }
        for (i++; i < tokens.size() && tokens.get(i).kind() != Kind.NEWLINE; i++) {
          PythonToken t = tokens.get(i);
          if (t.kind() != Kind.NAME || t.text().equals("as")) {
            continue;
          }
          String bound = t.text();
          if (i + 2 < tokens.size() && tokens.get(i + 1).isName("as")) {
            bound = tokens.get(i + 2).text();
            aliases.put(bound, module + "." + t.text());
            i += 2;
          } else {
            aliases.put(bound, module + "." + t.text());
          }
        }
      }
    }
    return aliases;
  }

  private static int dotted(List<PythonToken> tokens, int from, StringBuilder out) {
    int i = from;
    while (i < tokens.size()
        && ((tokens.get(i).kind() == Kind.NAME && !tokens.get(i).text().equals("import"))
            || tokens.get(i).is("."))) {
      if (tokens.get(i).kind() == Kind.NAME && tokens.get(i).text().equals("as")) {
        break;
      }
      out.append(tokens.get(i).text());
      i++;
    }
    return i;
  }

  private static int distinct(String s) {
    return (int) s.chars().distinct().count();
  }
}
