package io.sentrascan.scanner.format.modelcard;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The YAML front matter of a model card, read minimally: top-level {@code key: value} pairs, block
 * lists ({@code - item}) and flow lists ({@code [a, b]}) of scalars. Nested mappings (such as
 * {@code model-index}) and block scalars are skipped. No YAML library, so no object is ever built
 * from the card.
 *
 * @param values top-level keys to their scalar values (one for a scalar, several for a list)
 * @param bodyStart index in the text where the Markdown body starts
 * @param present whether the card has front matter
 * @param problem why the front matter could not be read, or "" when it could
 */
record FrontMatter(
    Map<String, List<String>> values, int bodyStart, boolean present, String problem) {
  private static final Pattern KEY =
      Pattern.compile("^([A-Za-z0-9_][A-Za-z0-9_.-]*)\\s*:(?:\\s+(.*))?$");
  private static final Pattern ITEM = Pattern.compile("^\\s*-\\s+(.*)$");
  static final int MAX_LINES = 10_000;

  static FrontMatter parse(String raw) {
    // A byte-order mark stays in the text (for exact offsets) but is not part of the syntax.
    if (!raw.startsWith("\ufeff")) {
      return parseFrom(raw);
    }
    FrontMatter fm = parseFrom(raw.substring(1));
    return fm.bodyStart() == 0
        ? fm
        : new FrontMatter(fm.values(), fm.bodyStart() + 1, fm.present(), fm.problem());
  }

  private static FrontMatter parseFrom(String text) {
    if (!text.startsWith("---")) {
      return new FrontMatter(Map.of(), 0, false, "");
    }
    int firstEol = text.indexOf('\n');
    if (firstEol < 0 || !text.substring(0, firstEol).strip().equals("---")) {
      return new FrontMatter(Map.of(), 0, false, "");
    }
    Map<String, List<String>> values = new LinkedHashMap<>();
    String key = null;
    boolean blockScalar = false;
    int pos = firstEol + 1;
    int lines = 0;
    while (pos < text.length() && lines++ < MAX_LINES) {
      int eol = text.indexOf('\n', pos);
      int end = eol < 0 ? text.length() : eol;
      String line = text.substring(pos, end);
      int next = eol < 0 ? text.length() : eol + 1;
      String stripped = line.strip();
      if (stripped.equals("---") || stripped.equals("...")) {
        return new FrontMatter(freeze(values), next, true, "");
      }
      pos = next;
      if (stripped.isEmpty() || stripped.startsWith("#")) {
        continue;
      }
      boolean indented = Character.isWhitespace(line.charAt(0));
      Matcher item = ITEM.matcher(line.stripTrailing());
      if (!indented && !line.startsWith("-")) {
        Matcher kv = KEY.matcher(line.stripTrailing());
        if (!kv.matches()) {
          return new FrontMatter(Map.of(), 0, true, "line '" + stripped + "' is not key: value");
        }
        key = kv.group(1);
        String value = kv.group(2) == null ? "" : uncomment(kv.group(2)).strip();
        blockScalar = value.startsWith("|") || value.startsWith(">");
        List<String> list = values.computeIfAbsent(key, k -> new ArrayList<>());
        if (value.startsWith("[") && value.endsWith("]")) {
          for (String part : value.substring(1, value.length() - 1).split(",")) {
            addScalar(list, part);
          }
        } else if (!value.isEmpty() && !blockScalar) {
          addScalar(list, value);
        }
      } else if (key != null && !blockScalar && item.matches()) {
        String value = uncomment(item.group(1)).strip();
        if (!KEY.matcher(value).matches() && !value.startsWith("{")) {
          addScalar(values.get(key), value);
        }
      }
      // other indented lines: nested mappings or block scalars, not needed
    }
    return new FrontMatter(Map.of(), 0, true, "the front matter has no closing --- line");
  }

  List<String> get(String key) {
    return values.getOrDefault(key, List.of());
  }

  private static void addScalar(List<String> list, String raw) {
    String v = raw.strip();
    if (v.length() >= 2
        && ((v.startsWith("\"") && v.endsWith("\"")) || (v.startsWith("'") && v.endsWith("'")))) {
      v = v.substring(1, v.length() - 1);
    }
    if (!v.isEmpty() && !v.equals("null") && !v.equals("~") && list.size() < 1000) {
      list.add(v);
    }
  }

  private static String uncomment(String value) {
    int hash = value.indexOf(" #");
    return hash < 0 || value.startsWith("\"") || value.startsWith("'")
        ? value
        : value.substring(0, hash);
  }

  private static Map<String, List<String>> freeze(Map<String, List<String>> values) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    values.forEach((k, v) -> out.put(k, List.copyOf(v)));
    return java.util.Collections.unmodifiableMap(out);
  }
}
