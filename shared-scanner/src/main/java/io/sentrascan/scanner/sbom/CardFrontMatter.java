package io.sentrascan.scanner.sbom;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * The YAML front matter of a Hugging Face model card ({@code README.md} starting with {@code ---}),
 * read just far enough for the ML-BOM: top-level keys with a scalar value, an inline list ({@code
 * [a, b]}) or a block list of scalars ({@code - a}). Nested maps (such as {@code model-index}) are
 * skipped. A full YAML parser would be a new dependency for a handful of keys, and this reader
 * cannot be made to allocate more than the (bounded) text it is given.
 */
final class CardFrontMatter {
  private final Map<String, List<String>> values;

  private CardFrontMatter(Map<String, List<String>> values) {
    this.values = values;
  }

  static CardFrontMatter empty() {
    return new CardFrontMatter(Map.of());
  }

  /** Parses the front matter of {@code card}; a card without one gives an empty result. */
  static CardFrontMatter parse(String card) {
    String text = card.startsWith("\uFEFF") ? card.substring(1) : card;
    List<String> lines = text.lines().toList();
    if (lines.isEmpty() || !lines.get(0).strip().equals("---")) {
      return empty();
    }
    Map<String, List<String>> values = new TreeMap<>();
    @Nullable String currentKey = null;
    for (int i = 1; i < lines.size(); i++) {
      String line = lines.get(i);
      String stripped = line.strip();
      if (stripped.equals("---") || stripped.equals("...")) {
        return new CardFrontMatter(Collections.unmodifiableMap(values));
      }
      if (stripped.isEmpty() || stripped.startsWith("#")) {
        continue;
      }
      boolean indented = Character.isWhitespace(line.charAt(0));
      if (stripped.startsWith("- ") || stripped.equals("-")) {
        // A block list item of the current key; items that are maps ("- name: x") are not scalars.
        String item = scalar(stripped.substring(1));
        if (currentKey != null && !item.isEmpty() && !looksLikeMapEntry(stripped.substring(1))) {
          values.get(currentKey).add(item);
        }
        continue;
      }
      if (indented) {
        continue; // nested map content
      }
      int colon = stripped.indexOf(':');
      if (colon <= 0) {
        currentKey = null;
        continue;
      }
      currentKey = scalar(stripped.substring(0, colon));
      String rest = stripped.substring(colon + 1).strip();
      List<String> list = new ArrayList<>();
      values.put(currentKey, list);
      if (rest.startsWith("[") && rest.endsWith("]")) {
        for (String part : rest.substring(1, rest.length() - 1).split(",")) {
          String item = scalar(part);
          if (!item.isEmpty()) {
            list.add(item);
          }
        }
      } else if (!rest.isEmpty() && !rest.startsWith("|") && !rest.startsWith(">")) {
        String item = scalar(rest);
        if (!item.isEmpty()) {
          list.add(item);
        }
      }
    }
    return empty(); // no closing line: not front matter after all
  }

  /** Every scalar of a key, in order; empty when the key is absent or not a scalar list. */
  List<String> list(String key) {
    return values.getOrDefault(key, List.of());
  }

  /** The first scalar of a key, or null. */
  @Nullable String first(String key) {
    List<String> list = list(key);
    return list.isEmpty() ? null : list.get(0);
  }

  private static boolean looksLikeMapEntry(String item) {
    String s = item.strip();
    if (s.startsWith("\"") || s.startsWith("'")) {
      return false;
    }
    int colon = s.indexOf(": ");
    return colon > 0 || s.endsWith(":");
  }

  /** A plain, single- or double-quoted scalar without a trailing comment. */
  private static String scalar(String raw) {
    String s = raw.strip();
    if (s.length() >= 2
        && (s.charAt(0) == '"' || s.charAt(0) == '\'')
        && s.indexOf(s.charAt(0), 1) > 0) {
      return s.substring(1, s.indexOf(s.charAt(0), 1));
    }
    int comment = s.indexOf(" #");
    if (comment >= 0) {
      s = s.substring(0, comment).strip();
    }
    return s;
  }
}
