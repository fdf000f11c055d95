package io.sentrascan.scanner.template;

import io.sentrascan.scanner.Severity;
import io.sentrascan.scanner.template.JinjaLexer.Segment;
import io.sentrascan.scanner.template.JinjaToken.Kind;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Walks the tokens of every tag as Jinja expressions, folding constant strings (concatenation,
 * {@code ~}, {@code join}, {@code format}, {@code replace}, {@code reverse}, slicing, case filters,
 * {@code dict(...)} keys, variables set to constants) so that the attribute names an expression
 * reaches are known even when spelled indirectly. Each postfix chain (a root followed by attribute,
 * subscript, call and filter steps) is then judged as a whole.
 */
final class ExpressionWalker {
  /** Names whose access means the chain reached Python globals, builtins or a module loader. */
  private static final Set<String> GLOBALS =
      Set.of(
          "__globals__",
          "__builtins__",
          "__import__",
          "__subclasses__",
          "__loader__",
          "func_globals",
          "f_globals",
          "f_builtins",
          "gi_frame",
          "tb_frame",
          "f_back",
          "__code__",
          "func_code");

  /** Names of modules and calls that run commands or code once reached. */
  private static final Set<String> EXECUTION =
      Set.of(
          "os",
          "popen",
          "system",
          "subprocess",
          "check_output",
          "getoutput",
          "Popen",
          "spawnv",
          "execv",
          "eval",
          "exec",
          "compile",
          "import",
          "import_module",
          "load_module",
          "importlib",
          "builtins",
          "sys",
          "modules",
          "open");

  /** Objects in Jinja's (and Flask's) default namespace that are known gadget roots. */
  private static final Set<String> GADGET_ROOTS =
      Set.of(
          "cycler",
          "joiner",
          "namespace",
          "lipsum",
          "self",
          "config",
          "request",
          "url_for",
          "get_flashed_messages",
          "session");

  private static final Set<String> ITEM_GETTERS =
      Set.of("__getitem__", "__getattribute__", "__getattr__", "get", "pop", "getattr");

  private static final List<String> DANGEROUS_DUNDERS =
      List.of(
          "__class__",
          "__mro__",
          "__base__",
          "__bases__",
          "__subclasses__",
          "__globals__",
          "__builtins__",
          "__init__",
          "__import__",
          "__getattribute__",
          "__dict__",
          "__code__",
          "__loader__",
          "__reduce__",
          "__reduce_ex__");

  private static final Pattern DUNDER = Pattern.compile("__[A-Za-z0-9_]+__");
  private static final int MAX_DEPTH = 200;
  private static final int MAX_FOLDED_CHARS = 4096;
  private static final int MAX_ISSUES = 100;

  /** Jinja's sandbox caps range() at 100,000 items; real chat templates stay far below. */
  private static final long MAX_RENDER_REPEAT = 100_000;

  private static final String BUILDS = "The template builds the Python internal name ";

  /** Raised when an expression nests deeper than {@link #MAX_DEPTH}. */
  static final class TooDeepException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    TooDeepException() {
      super("expression nested too deeply", null, false, false);
    }
  }

  private final Map<String, Object> constants = new HashMap<>();
  private final Map<String, TemplateIssue> issues = new LinkedHashMap<>();
  private List<JinjaToken> tokens = List.of();
  private int index;
  private int depth;

  /**
   * The issues found, without the MEDIUM "builds a name" issues that a HIGH or CRITICAL chain on
   * the same line already shows in use.
   */
  List<TemplateIssue> issues() {
    List<TemplateIssue> out = new ArrayList<>();
    for (TemplateIssue issue : issues.values()) {
      if (!(issue.ruleId().equals("TPL-003")
          && issue.description().startsWith(BUILDS)
          && shownInChain(issue))) {
        out.add(issue);
      }
    }
    return List.copyOf(out);
  }

  private boolean shownInChain(TemplateIssue named) {
    for (TemplateIssue chain : issues.values()) {
      if ((chain.ruleId().equals("TPL-001") || chain.ruleId().equals("TPL-002"))
          && chain.line() == named.line()
          && (chain.evidence().contains("'" + named.evidence() + "'")
              || chain.evidence().contains("." + named.evidence()))) {
        return true;
      }
    }
    return false;
  }

  void walk(List<Segment> segments) {
    for (int s = 0; s < segments.size(); s++) {
      Segment seg = segments.get(s);
      if (seg.kind() == Segment.Kind.TEXT) {
        continue;
      }
      tokens = seg.tokens();
      index = 0;
      depth = 0;
      try {
        if (seg.kind() == Segment.Kind.STATEMENT) {
          s = statement(segments, s);
        } else {
          rest();
        }
      } catch (TooDeepException e) {
        add(
            "TPL-004",
            Severity.MEDIUM,
            seg.line(),
            seg.column(),
            "An expression nests more than "
                + MAX_DEPTH
                + " levels deep; the rest of it was not"
                + " analysed.",
            "");
      }
    }
  }

  /** Analyses one statement tag; returns the index of the last segment it consumed. */
  private int statement(List<Segment> segments, int s) {
    if (tokens.isEmpty() || tokens.get(0).kind() != Kind.NAME) {
      rest();
      return s;
    }
    String keyword = tokens.get(0).text();
    switch (keyword) {
      case "include", "import", "extends", "from" -> {
        JinjaToken t = tokens.get(0);
        add(
            "TPL-003",
            Severity.MEDIUM,
            t.line(),
            t.column(),
            "The template uses {% "
                + keyword
                + " %}, loading another template; a chat template"
                + " is self-contained.",
            source());
        index = 1;
        rest();
        return s;
      }
      case "set" -> {
        if (tokens.size() == 2 && tokens.get(1).kind() == Kind.NAME) {
          return blockSet(segments, s, tokens.get(1).text());
        }
        if (tokens.size() > 5
            && tokens.get(1).kind() == Kind.NAME
            && tokens.get(2).isOperator(".")
            && tokens.get(3).kind() == Kind.NAME
            && tokens.get(4).isOperator("=")) {
          // {% set ns.name = ... %}: a namespace attribute, read back as ns.name
          index = 5;
          assign(tokens.get(1).text() + "." + tokens.get(3).text(), tokens.get(5));
        } else if (tokens.size() > 3
            && tokens.get(1).kind() == Kind.NAME
            && tokens.get(2).isOperator("=")) {
          index = 3;
          assign(tokens.get(1).text(), tokens.get(3));
        }
        rest();
        return s;
      }
      case "with" -> {
        // {% with a = expr, b = expr %}: constants for the block
        index = 1;
        while (index + 2 < tokens.size()
            && tokens.get(index).kind() == Kind.NAME
            && tokens.get(index + 1).isOperator("=")) {
          String name = tokens.get(index).text();
          index += 2;
          assign(name, tokens.get(index));
          if (peekOperator(",")) {
            index++;
          }
        }
        rest();
        return s;
      }
      default -> {
        index = 1;
        rest();
        return s;
      }
    }
  }

  /** Walks the expression at {@link #index} and records it as the constant {@code name}. */
  private void assign(String name, JinjaToken at) {
    Object value = expression();
    if (value instanceof String str) {
      checkName(str, true, at.line(), at.column(), "an assigned value");
    }
    if (value != null) {
      constants.put(name, value);
    } else {
      constants.remove(name);
    }
  }

  /** {@code {% set x %}text{% endset %}}: the text is a constant the template can use as a name. */
  private int blockSet(List<Segment> segments, int s, String name) {
    StringBuilder text = new StringBuilder();
    int k = s + 1;
    while (k < segments.size() && segments.get(k).kind() == Segment.Kind.TEXT) {
      text.append(segments.get(k).text());
      k++;
    }
    if (k < segments.size()
        && segments.get(k).kind() == Segment.Kind.STATEMENT
        && !segments.get(k).tokens().isEmpty()
        && segments.get(k).tokens().get(0).isName("endset")
        && text.length() <= MAX_FOLDED_CHARS) {
      String value = text.toString().strip();
      constants.put(name, value);
      Segment first = segments.get(s);
      checkName(value, true, first.line(), first.column(), "a {% set %} block");
    } else {
      constants.remove(name);
    }
    return s;
  }

  /** Walks every expression left in the tag, skipping separators and keywords between them. */
  private void rest() {
    while (index < tokens.size()) {
      int before = index;
      JinjaToken t = tokens.get(index);
      if (t.kind() == Kind.OPERATOR
          && !t.text().equals("(")
          && !t.text().equals("[")
          && !t.text().equals("{")
          && !t.text().equals("-")) {
        index++;
        continue;
      }
      expression();
      if (index == before) {
        index++;
      }
    }
  }

  /** Jinja's binary operator precedence: or < and < comparisons < + - < ~ < * / // % < **. */
  private static int precedence(JinjaToken op) {
    if (op.kind() == Kind.NAME) {
      return switch (op.text()) {
        case "if", "else" -> 0;
        case "or" -> 1;
        case "and" -> 2;
        case "in", "not" -> 3;
        default -> -1;
      };
    }
    if (op.kind() != Kind.OPERATOR) {
      return -1;
    }
    return switch (op.text()) {
      case "==", "!=", "<", ">", "<=", ">=" -> 3;
      case "+", "-" -> 4;
      case "~" -> 5;
      case "*", "/", "//", "%" -> 6;
      case "**" -> 7;
      default -> -1;
    };
  }

  private @Nullable Object expression() {
    return expression(0);
  }

  private @Nullable Object expression(int minPrecedence) {
    enter();
    try {
      JinjaToken start = index < tokens.size() ? tokens.get(index) : null;
      Object left = unary();
      boolean folded = false;
      while (index < tokens.size()) {
        JinjaToken op = tokens.get(index);
        if (op.isName("is")) {
          if (minPrecedence > 3) {
            break;
          }
          index++;
          if (peekName("not")) {
            index++;
          }
          if (index < tokens.size() && tokens.get(index).kind() == Kind.NAME) {
            index++;
            if (peekOperator("(")) {
              index++;
              arguments();
            }
          }
          left = null;
          continue;
        }
        int precedence = precedence(op);
        if (precedence < 0 || precedence < minPrecedence) {
          break;
        }
        index++;
        if (op.isName("not") && peekName("in")) {
          index++;
        }
        if (index >= tokens.size()) {
          break;
        }
        Object right = expression(op.isOperator("**") ? precedence : precedence + 1);
        exhaustion(op, left, right);
        left = binary(op.text(), left, right);
        folded = true;
      }
      if (folded && start != null && left instanceof String s) {
        checkName(s, true, start.line(), start.column(), "a string expression");
      }
      return left;
    } finally {
      depth--;
    }
  }

  /** A render that allocates gigabytes: {@code 'x' * 10**9}. */
  private void exhaustion(JinjaToken op, @Nullable Object left, @Nullable Object right) {
    if (!op.isOperator("*")) {
      return;
    }
    long n = left instanceof Long a ? a : right instanceof Long b ? b : 0;
    boolean text = left instanceof String || right instanceof String;
    if (text && n > MAX_RENDER_REPEAT) {
      add(
          "TPL-003",
          Severity.MEDIUM,
          op.line(),
          op.column(),
          "The template repeats a string " + n + " times, exhausting memory when rendered.",
          "* " + n);
    }
  }

  private static @Nullable Object binary(String op, @Nullable Object left, @Nullable Object right) {
    if (op.equals("~") && left != null && right != null) {
      return bounded(text(left) + text(right));
    }
    if (op.equals("+") && left instanceof String a && right instanceof String b) {
      return bounded(a + b);
    }
    if (op.equals("%") && left instanceof String pattern && right != null) {
      List<@Nullable Object> args = new ArrayList<>();
      if (right instanceof List<?> list) {
        args.addAll(list);
      } else {
        args.add(right);
      }
      return format(pattern, args);
    }
    if (op.equals("+") && left instanceof Long a && right instanceof Long b) {
      return a + b;
    }
    if (op.equals("*") && left instanceof String a && right instanceof Long n) {
      return repeat(a, n);
    }
    if (op.equals("*") && left instanceof Long n && right instanceof String a) {
      return repeat(a, n);
    }
    if (op.equals("*") && left instanceof Long a && right instanceof Long b) {
      return saturatedMultiply(a, b);
    }
    if (op.equals("**") && left instanceof Long base && right instanceof Long exp && exp >= 0) {
      long r = 1;
      for (long i = 0; i < Math.min(exp, 64); i++) {
        r = saturatedMultiply(r, base);
      }
      return r;
    }
    return null;
  }

  private static @Nullable String repeat(String s, long n) {
    return n >= 0 && n <= MAX_FOLDED_CHARS && s.length() * n <= MAX_FOLDED_CHARS
        ? s.repeat((int) n)
        : null;
  }

  private static long saturatedMultiply(long a, long b) {
    long hi = Math.multiplyHigh(a, b);
    long lo = a * b;
    if ((hi == 0 && lo >= 0) || (hi == -1 && lo < 0)) {
      return lo;
    }
    return (a < 0) == (b < 0) ? Long.MAX_VALUE : Long.MIN_VALUE;
  }

  private @Nullable Object unary() {
    if (index < tokens.size()) {
      JinjaToken t = tokens.get(index);
      if (t.isOperator("-") || t.isOperator("+") || t.isName("not")) {
        index++;
        enter();
        try {
          Object v = unary();
          return t.isOperator("-") && v instanceof Long n ? -n : null;
        } finally {
          depth--;
        }
      }
    }
    return postfix();
  }

  /** One step of an attribute chain; {@code name} is null when it cannot be folded. */
  private record Step(@Nullable String name, String how, boolean folded) {}

  private @Nullable Object postfix() {
    if (index >= tokens.size()) {
      return null;
    }
    JinjaToken first = tokens.get(index);
    String root = first.kind() == Kind.NAME ? first.text() : null;
    Object value = primary();
    List<Step> steps = new ArrayList<>();
    String method = null;
    Object receiver = null;
    boolean transformed = false;
    while (index < tokens.size()) {
      JinjaToken t = tokens.get(index);
      if (t.isOperator(".")) {
        index++;
        if (index < tokens.size() && tokens.get(index).kind() != Kind.OPERATOR) {
          String name = tokens.get(index).text();
          index++;
          Object namespaced =
              root != null && steps.isEmpty() ? constants.get(root + "." + name) : null;
          receiver = value;
          method = name;
          if (namespaced != null) {
            // ns.name set to a constant earlier: a read of the template's own variable
            value = namespaced;
            method = null;
            continue;
          }
          steps.add(new Step(name, ".", false));
          value = null;
        }
        continue;
      }
      if (t.isOperator("[")) {
        index++;
        value = subscript(value, steps);
        transformed = true;
        method = null;
        continue;
      }
      if (t.isOperator("(")) {
        index++;
        Arguments args = arguments();
        String last = steps.isEmpty() ? null : steps.get(steps.size() - 1).name();
        if (last != null
            && ITEM_GETTERS.contains(last)
            && !args.positional().isEmpty()
            && args.positional().get(0) instanceof String key) {
          // x.__getitem__('__globals__'), x.get('os'): a subscript spelled as a call.
          steps.add(new Step(key, "[]", true));
        }
        if (method != null && receiver != null) {
          value = method(receiver, method, args.positional());
          transformed = true;
        } else if ("range".equals(root) && steps.isEmpty()) {
          for (Object a : args.positional()) {
            if (a instanceof Long n && Math.abs(n) > MAX_RENDER_REPEAT) {
              add(
                  "TPL-003",
                  Severity.MEDIUM,
                  first.line(),
                  first.column(),
                  "The template loops over range(" + n + "), exhausting CPU when rendered.",
                  "range(" + n + ")");
            }
          }
          value = null;
        } else if ("dict".equals(root) && steps.isEmpty()) {
          value = List.copyOf(args.keywords());
        } else {
          value = null;
        }
        steps.add(new Step(null, "()", false));
        method = null;
        receiver = null;
        continue;
      }
      if (t.isOperator("|")) {
        index++;
        if (index >= tokens.size() || tokens.get(index).kind() != Kind.NAME) {
          continue;
        }
        String filter = tokens.get(index).text();
        index++;
        Arguments args = Arguments.NONE;
        if (peekOperator("(")) {
          index++;
          args = arguments();
        }
        if (filter.equals("attr")) {
          Object name = args.positional().isEmpty() ? null : args.positional().get(0);
          String folded = name instanceof String n ? n : null;
          steps.add(new Step(folded, "|attr", !args.literal()));
          value = null;
        } else {
          for (String attribute : attributeArguments(filter, args)) {
            for (String part : attribute.split("\\.")) {
              steps.add(new Step(part, "|" + filter, true));
            }
          }
          value = filter(value, filter, args.positional());
          transformed = true;
        }
        method = null;
        continue;
      }
      break;
    }
    judge(first, root, steps);
    if (transformed && value instanceof String s) {
      checkName(s, true, first.line(), first.column(), "a filtered string");
    }
    return value;
  }

  /**
   * Attribute names a filter reads from its argument: {@code map('attr', 'x')}, {@code
   * map(attribute='x')}, {@code selectattr('x')}, {@code groupby('x')}, {@code
   * sort(attribute='x')}.
   */
  private static List<String> attributeArguments(String filter, Arguments args) {
    List<String> out = new ArrayList<>();
    if (args.keywordValues().get("attribute") instanceof String a) {
      out.add(a);
    }
    List<@Nullable Object> pos = args.positional();
    switch (filter) {
      case "map" -> {
        if (pos.size() >= 2 && "attr".equals(pos.get(0)) && pos.get(1) instanceof String a) {
          out.add(a);
        }
      }
      case "selectattr", "rejectattr", "groupby" -> {
        if (!pos.isEmpty() && pos.get(0) instanceof String a) {
          out.add(a);
        }
      }
      default -> {}
    }
    return out;
  }

  private @Nullable Object subscript(@Nullable Object value, List<Step> steps) {
    Object[] parts = new Object[3];
    boolean slice = false;
    int part = 0;
    int start = index;
    while (index < tokens.size() && !tokens.get(index).isOperator("]")) {
      int before = index;
      if (tokens.get(index).isOperator(":")) {
        slice = true;
        part = Math.min(part + 1, 2);
        index++;
        continue;
      }
      if (tokens.get(index).isOperator(",")) {
        index++;
        continue;
      }
      parts[part] = expression();
      if (index == before) {
        index++;
      }
    }
    boolean literalKey = index - start == 1 && tokens.get(start).kind() == Kind.STRING;
    if (index < tokens.size()) {
      index++; // ]
    }
    if (slice) {
      if (value instanceof String str) {
        return slice(str, parts);
      }
      return null;
    }
    Object key = parts[0];
    if (key instanceof String name) {
      steps.add(new Step(name, "[]", !literalKey));
      return null;
    }
    if (key instanceof Long n) {
      if (value instanceof String str && n >= -str.length() && n < str.length()) {
        int i = (int) (n < 0 ? str.length() + n : n);
        return String.valueOf(str.charAt(i));
      }
      if (value instanceof List<?> list && n >= -list.size() && n < list.size()) {
        return list.get((int) (n < 0 ? list.size() + n : n));
      }
      return null;
    }
    if (key == null && index - start > 0) {
      steps.add(new Step(null, "[]", false));
    }
    return null;
  }

  private static @Nullable String slice(String s, Object[] parts) {
    long step = parts[2] instanceof Long n ? n : 1;
    if (step == 0
        || (parts[0] != null && !(parts[0] instanceof Long))
        || (parts[1] != null && !(parts[1] instanceof Long))) {
      return null;
    }
    int len = s.length();
    StringBuilder out = new StringBuilder();
    if (step > 0) {
      long from = parts[0] == null ? 0 : clamp((Long) parts[0], len, 0, len);
      long to = parts[1] == null ? len : clamp((Long) parts[1], len, 0, len);
      for (long i = from; i < to; i += step) {
        out.append(s.charAt((int) i));
      }
    } else {
      long from = parts[0] == null ? len - 1 : clamp((Long) parts[0], len, -1, len - 1);
      long to = parts[1] == null ? -1 : clamp((Long) parts[1], len, -1, len - 1);
      for (long i = from; i > to; i += step) {
        out.append(s.charAt((int) i));
      }
    }
    return out.toString();
  }

  private static long clamp(long v, int len, long lo, long hi) {
    long x = v < 0 ? v + len : v;
    return Math.max(lo, Math.min(hi, x));
  }

  private record Arguments(
      List<@Nullable Object> positional,
      List<String> keywords,
      Map<String, Object> keywordValues,
      boolean literal) {
    static final Arguments NONE = new Arguments(List.of(), List.of(), Map.of(), true);
  }

  /** Parses call arguments after the opening parenthesis, through the closing one. */
  private Arguments arguments() {
    List<@Nullable Object> positional = new ArrayList<>();
    List<String> keywords = new ArrayList<>();
    Map<String, Object> keywordValues = new HashMap<>();
    boolean literal = true;
    while (index < tokens.size() && !tokens.get(index).isOperator(")")) {
      int before = index;
      JinjaToken t = tokens.get(index);
      if (t.isOperator(",") || t.isOperator("*") || t.isOperator("**")) {
        index++;
        continue;
      }
      if (t.kind() == Kind.NAME
          && index + 1 < tokens.size()
          && tokens.get(index + 1).isOperator("=")) {
        keywords.add(t.text());
        if (DUNDER.matcher(t.text()).find()) {
          checkName(t.text(), true, t.line(), t.column(), "a keyword argument");
        }
        index += 2;
        Object v = expression();
        if (v != null) {
          keywordValues.put(t.text(), v);
        }
      } else {
        if (!(t.kind() == Kind.STRING
            && (index + 1 >= tokens.size()
                || tokens.get(index + 1).isOperator(",")
                || tokens.get(index + 1).isOperator(")")))) {
          literal = false;
        }
        positional.add(expression());
      }
      if (index == before) {
        index++;
      }
    }
    if (index < tokens.size()) {
      index++; // )
    }
    return new Arguments(positional, keywords, keywordValues, literal);
  }

  private @Nullable Object primary() {
    JinjaToken t = tokens.get(index);
    switch (t.kind()) {
      case STRING -> {
        StringBuilder sb = new StringBuilder();
        boolean encoded = false;
        while (index < tokens.size() && tokens.get(index).kind() == Kind.STRING) {
          JinjaToken s = tokens.get(index);
          sb.append(s.text());
          encoded |= s.encoded();
          index++;
        }
        String value = bounded(sb.toString());
        if (encoded) {
          add(
              "TPL-003",
              Severity.MEDIUM,
              t.line(),
              t.column(),
              "A string literal spells ordinary characters with hex, unicode or octal escapes, a"
                  + " way to hide names from reviewers and filters.",
              "decodes to '" + (value == null ? sb : value) + "'");
        }
        if (value != null) {
          checkName(value, encoded, t.line(), t.column(), "a string literal");
        }
        return value;
      }
      case NUMBER -> {
        index++;
        try {
          return Long.parseLong(t.text().replace("_", ""));
        } catch (NumberFormatException e) {
          return null; // a float or hex number: not needed to fold names
        }
      }
      case NAME -> {
        index++;
        if (DUNDER.matcher(t.text()).matches()) {
          checkName(t.text(), true, t.line(), t.column(), "an identifier");
        }
        return constants.get(t.text());
      }
      case OPERATOR -> {
        String op = t.text();
        if (op.equals("(") || op.equals("[")) {
          index++;
          String close = op.equals("(") ? ")" : "]";
          List<@Nullable Object> items = new ArrayList<>();
          boolean comma = false;
          while (index < tokens.size() && !tokens.get(index).isOperator(close)) {
            int before = index;
            if (tokens.get(index).isOperator(",")) {
              comma = true;
              index++;
              continue;
            }
            items.add(expression());
            if (index == before) {
              index++;
            }
          }
          if (index < tokens.size()) {
            index++;
          }
          if (op.equals("(") && items.size() == 1 && !comma) {
            return items.get(0);
          }
          List<String> strings = new ArrayList<>();
          for (Object o : items) {
            if (!(o instanceof String str)) {
              return null;
            }
            strings.add(str);
          }
          return List.copyOf(strings);
        }
        if (op.equals("{")) {
          index++;
          while (index < tokens.size() && !tokens.get(index).isOperator("}")) {
            int before = index;
            if (tokens.get(index).isOperator(",") || tokens.get(index).isOperator(":")) {
              index++;
              continue;
            }
            expression();
            if (index == before) {
              index++;
            }
          }
          if (index < tokens.size()) {
            index++;
          }
          return null;
        }
        return null; // a closer or stray operator: the caller moves on
      }
    }
    return null;
  }

  private static @Nullable Object method(
      Object receiver, String name, List<@Nullable Object> args) {
    if (!(receiver instanceof String s)) {
      return null;
    }
    switch (name) {
      case "lower", "casefold" -> {
        return s.toLowerCase(Locale.ROOT);
      }
      case "upper" -> {
        return s.toUpperCase(Locale.ROOT);
      }
      case "strip" -> {
        return s.strip();
      }
      case "replace" -> {
        return args.size() >= 2
                && args.get(0) instanceof String a
                && args.get(1) instanceof String b
            ? bounded(s.replace(a, b))
            : null;
      }
      case "join" -> {
        return args.size() == 1 && args.get(0) instanceof List<?> list ? join(list, s) : null;
      }
      case "format" -> {
        return braceFormat(s, args);
      }
      default -> {
        return null;
      }
    }
  }

  private static @Nullable Object filter(
      @Nullable Object value, String name, List<@Nullable Object> args) {
    if (value == null) {
      return null;
    }
    String sep = args.isEmpty() ? "" : args.get(0) instanceof String s ? s : null;
    switch (name) {
      case "join" -> {
        if (sep == null) {
          return null;
        }
        if (value instanceof List<?> list) {
          return join(list, sep);
        }
        return value instanceof String s ? bounded(String.join(sep, s.split(""))) : null;
      }
      case "lower" -> {
        return value instanceof String s ? s.toLowerCase(Locale.ROOT) : null;
      }
      case "upper" -> {
        return value instanceof String s ? s.toUpperCase(Locale.ROOT) : null;
      }
      case "trim", "string", "safe", "e", "escape" -> {
        return value instanceof String s ? (name.equals("trim") ? s.strip() : s) : text(value);
      }
      case "reverse" -> {
        if (value instanceof String s) {
          return new StringBuilder(s).reverse().toString();
        }
        if (value instanceof List<?> list) {
          List<Object> copy = new ArrayList<>(list);
          java.util.Collections.reverse(copy);
          return List.copyOf(copy);
        }
        return null;
      }
      case "replace" -> {
        return value instanceof String s
                && args.size() >= 2
                && args.get(0) instanceof String a
                && args.get(1) instanceof String b
            ? bounded(s.replace(a, b))
            : null;
      }
      case "format" -> {
        return value instanceof String s ? format(s, args) : null;
      }
      case "first", "last" -> {
        if (value instanceof String s && !s.isEmpty()) {
          return String.valueOf(s.charAt(name.equals("first") ? 0 : s.length() - 1));
        }
        if (value instanceof List<?> list && !list.isEmpty()) {
          return list.get(name.equals("first") ? 0 : list.size() - 1);
        }
        return null;
      }
      case "list" -> {
        if (value instanceof String s) {
          return List.of(s.split(""));
        }
        return value instanceof List<?> ? value : null;
      }
      default -> {
        return null;
      }
    }
  }

  private static @Nullable String join(List<?> list, String sep) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < list.size(); i++) {
      Object o = list.get(i);
      if (o == null) {
        return null;
      }
      if (i > 0) {
        sb.append(sep);
      }
      sb.append(text(o));
    }
    return bounded(sb.toString());
  }

  /** Python's {@code %} formatting for {@code %s}, {@code %c}, {@code %d} and {@code %%}. */
  private static @Nullable String format(String pattern, List<@Nullable Object> args) {
    StringBuilder sb = new StringBuilder();
    int arg = 0;
    for (int i = 0; i < pattern.length(); i++) {
      char c = pattern.charAt(i);
      if (c != '%' || i + 1 >= pattern.length()) {
        sb.append(c);
        continue;
      }
      char spec = pattern.charAt(++i);
      if (spec == '%') {
        sb.append('%');
        continue;
      }
      if (arg >= args.size() || args.get(arg) == null) {
        return null;
      }
      Object a = args.get(arg++);
      if (spec == 'c' && a instanceof Long n && n >= 0 && n <= Character.MAX_CODE_POINT) {
        sb.appendCodePoint(n.intValue());
      } else if (spec == 'c' && a instanceof String s && s.length() == 1) {
        sb.append(s);
      } else if (spec == 's' || spec == 'd') {
        sb.append(text(a));
      } else {
        return null;
      }
      if (sb.length() > MAX_FOLDED_CHARS) {
        return null;
      }
    }
    return sb.toString();
  }

  /** Python's {@code str.format} for {@code {}} and {@code {0}} fields with constant arguments. */
  private static @Nullable String braceFormat(String pattern, List<@Nullable Object> args) {
    StringBuilder sb = new StringBuilder();
    int auto = 0;
    for (int i = 0; i < pattern.length(); i++) {
      char c = pattern.charAt(i);
      if (c == '{' && i + 1 < pattern.length() && pattern.charAt(i + 1) == '{') {
        sb.append('{');
        i++;
      } else if (c == '}' && i + 1 < pattern.length() && pattern.charAt(i + 1) == '}') {
        sb.append('}');
        i++;
      } else if (c == '{') {
        int close = pattern.indexOf('}', i);
        if (close < 0) {
          return null;
        }
        String field = pattern.substring(i + 1, close);
        int n;
        try {
          n = field.isEmpty() ? auto++ : Integer.parseInt(field);
        } catch (NumberFormatException e) {
          return null; // a named or formatted field: not folded
        }
        if (n < 0 || n >= args.size() || args.get(n) == null) {
          return null;
        }
        sb.append(text(args.get(n)));
        i = close;
      } else {
        sb.append(c);
      }
      if (sb.length() > MAX_FOLDED_CHARS) {
        return null;
      }
    }
    return sb.toString();
  }

  private static String text(Object o) {
    if (o instanceof List<?> list) {
      return list.toString();
    }
    return String.valueOf(o);
  }

  private static @Nullable String bounded(String s) {
    return s.length() <= MAX_FOLDED_CHARS ? s : null;
  }

  /** Judges one chain: where it starts and the attribute names it reaches. */
  private void judge(JinjaToken first, @Nullable String root, List<Step> steps) {
    List<String> names = new ArrayList<>();
    boolean dunder = false;
    boolean globals = false;
    boolean execution = false;
    boolean folded = false;
    boolean dynamicAttr = false;
    boolean privateName = false;
    for (Step step : steps) {
      if (step.name() == null) {
        if (step.how().equals("|attr")) {
          dynamicAttr = true;
        }
        continue;
      }
      String name = step.name();
      names.add(name);
      dunder |= DUNDER.matcher(name).matches() || name.equals("mro");
      globals |= GLOBALS.contains(name);
      execution |= EXECUTION.contains(name);
      privateName |= name.startsWith("_") && !DUNDER.matcher(name).matches();
      folded |=
          step.folded()
              && (DUNDER.matcher(name).matches()
                  || GLOBALS.contains(name)
                  || EXECUTION.contains(name));
    }
    boolean gadget = root != null && GADGET_ROOTS.contains(root);
    boolean attrFilter = steps.stream().anyMatch(s -> s.how().equals("|attr"));
    if (steps.stream().allMatch(s -> s.how().equals("()")) && !attrFilter) {
      return;
    }
    String chain = render(root, steps);
    String hidden = folded ? " Some names are assembled by string operations to hide them." : "";
    if (globals || (execution && (dunder || gadget || privateName))) {
      add(
          "TPL-001",
          Severity.CRITICAL,
          first.line(),
          first.column(),
          "The template walks Python objects to code execution: " + chain + "." + hidden,
          chain);
    } else if (dunder) {
      add(
          "TPL-002",
          Severity.HIGH,
          first.line(),
          first.column(),
          "The template reads Python internal attributes: " + chain + "." + hidden,
          chain);
    } else if (execution
        || privateName
        || dynamicAttr
        || attrFilter
        || (gadget && !names.isEmpty())) {
      String why =
          dynamicAttr
              ? "reads an attribute whose name is computed at render time"
              : attrFilter
                  ? "uses the attr filter, which bypasses Jinja's attribute syntax"
                  : gadget
                      ? "reaches into " + root + ", a Jinja global used as a gadget root"
                      : "reaches names used for command or code execution";
      add(
          "TPL-003",
          Severity.MEDIUM,
          first.line(),
          first.column(),
          "The template " + why + ": " + chain + "." + hidden,
          chain);
    }
  }

  private static String render(@Nullable String root, List<Step> steps) {
    StringBuilder sb = new StringBuilder(root == null ? "<value>" : root);
    for (Step s : steps) {
      switch (s.how()) {
        case "()" -> sb.append("()");
        case "." -> sb.append('.').append(s.name());
        case "[]" ->
            sb.append("[").append(s.name() == null ? "?" : "'" + s.name() + "'").append(']');
        default ->
            sb.append("|attr(").append(s.name() == null ? "?" : "'" + s.name() + "'").append(')');
      }
      if (sb.length() > 400) {
        break;
      }
    }
    return sb.toString();
  }

  /** A constant string used where names are: a dunder or gadget name in it is suspicious. */
  private void checkName(String value, boolean hidden, int line, int column, String where) {
    String bare = value.strip();
    boolean named = DUNDER.matcher(bare).matches() || containsDangerousDunder(value);
    if (named || (hidden && (GLOBALS.contains(bare) || EXECUTION.contains(bare)))) {
      add(
          "TPL-003",
          Severity.MEDIUM,
          line,
          column,
          BUILDS + "'" + value + "' in " + where + ".",
          value);
    }
  }

  /**
   * Whether text mentions a dunder used in injection chains. Prose and code samples in system
   * prompts mention {@code __name__} or {@code __main__}; those stay quiet unless they are the
   * whole string.
   */
  private static boolean containsDangerousDunder(String text) {
    if (text.indexOf("__") < 0) {
      return false;
    }
    for (String d : DANGEROUS_DUNDERS) {
      if (text.contains(d)) {
        return true;
      }
    }
    return false;
  }

  private void add(
      String rule, Severity severity, int line, int column, String description, String evidence) {
    if (issues.size() >= MAX_ISSUES) {
      return;
    }
    String key = rule + '\u0000' + line + '\u0000' + evidence;
    issues.putIfAbsent(key, new TemplateIssue(rule, severity, line, column, description, evidence));
  }

  private String source() {
    StringBuilder sb = new StringBuilder();
    for (JinjaToken t : tokens) {
      if (sb.length() > 0) {
        sb.append(' ');
      }
      sb.append(t.kind() == Kind.STRING ? "'" + t.text() + "'" : t.text());
      if (sb.length() > 300) {
        break;
      }
    }
    return sb.toString();
  }

  private void enter() {
    if (++depth > MAX_DEPTH) {
      throw new TooDeepException();
    }
  }

  private boolean peekOperator(String op) {
    return index < tokens.size() && tokens.get(index).isOperator(op);
  }

  private boolean peekName(String name) {
    return index < tokens.size() && tokens.get(index).isName(name);
  }
}
