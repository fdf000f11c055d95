package io.sentrascan.scanner.template;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Splits a Jinja template into text and tags and tokenizes the tags, following Jinja's default
 * delimiters and Python string-literal escapes. Never evaluates anything.
 */
final class JinjaLexer {
  /** A piece of the template: literal text, an {@code {{ expression }}} or a {@code {% tag %}}. */
  record Segment(Kind kind, String text, List<JinjaToken> tokens, int line, int column) {
    enum Kind {
      TEXT,
      EXPRESSION,
      STATEMENT
    }
  }

  /** The template does not lex (an unterminated tag, comment or string). */
  static final class LexException extends Exception {
    private static final long serialVersionUID = 1L;
    final int line;

    LexException(String message, int line) {
      super(message);
      this.line = line;
    }
  }

  private static final Pattern END_RAW = Pattern.compile("\\{%[-+]?\\s*endraw\\s*[-+]?%}");
  private static final String[] OPERATORS = {
    "**", "//", "==", "!=", "<=", ">=", "+", "-", "*", "/", "%", "~", "|", ".", ",", ":", "(", ")",
    "[", "]", "{", "}", "=", "<", ">", "!", ";"
  };

  private final String src;
  private int pos;
  private int line = 1;
  private int lineStart;

  /** Segments produced so far; kept when lexing fails so the analysable part is still checked. */
  final List<Segment> segments = new ArrayList<>();

  JinjaLexer(String src) {
    this.src = src;
  }

  /** Lexes the whole template into {@link #segments}. */
  void lex() throws LexException {
    while (pos < src.length()) {
      int open = nextOpener(pos);
      if (open < 0) {
        addText(src.length());
        return;
      }
      addText(open);
      char kind = src.charAt(open + 1);
      if (kind == '#') {
        int end = src.indexOf("#}", open + 2);
        if (end < 0) {
          throw new LexException("unterminated comment", line);
        }
        advanceTo(end + 2);
        continue;
      }
      int tagLine = line;
      int tagColumn = open - lineStart + 1;
      advanceTo(open + 2);
      if (pos < src.length() && (src.charAt(pos) == '-' || src.charAt(pos) == '+')) {
        advanceTo(pos + 1);
      }
      List<JinjaToken> tokens = tokens(kind == '{' ? "}}" : "%}");
      Segment.Kind segmentKind = kind == '{' ? Segment.Kind.EXPRESSION : Segment.Kind.STATEMENT;
      segments.add(new Segment(segmentKind, "", tokens, tagLine, tagColumn));
      if (segmentKind == Segment.Kind.STATEMENT
          && tokens.size() == 1
          && tokens.get(0).isName("raw")) {
        Matcher m = END_RAW.matcher(src);
        if (!m.find(pos)) {
          throw new LexException("unterminated raw block", line);
        }
        addText(m.start());
        advanceTo(m.end());
      }
    }
  }

  private int nextOpener(int from) {
    int i = src.indexOf('{', from);
    while (i >= 0 && i + 1 < src.length()) {
      char c = src.charAt(i + 1);
      if (c == '{' || c == '%' || c == '#') {
        return i;
      }
      i = src.indexOf('{', i + 1);
    }
    return -1;
  }

  private void addText(int end) {
    if (end > pos) {
      segments.add(
          new Segment(
              Segment.Kind.TEXT, src.substring(pos, end), List.of(), line, pos - lineStart + 1));
    }
    advanceTo(end);
  }

  private void advanceTo(int target) {
    for (int i = pos; i < target; i++) {
      if (src.charAt(i) == '\n') {
        line++;
        lineStart = i + 1;
      }
    }
    pos = target;
  }

  private List<JinjaToken> tokens(String closer) throws LexException {
    List<JinjaToken> out = new ArrayList<>();
    int startLine = line;
    while (true) {
      skipWhitespace();
      if (pos >= src.length()) {
        throw new LexException("tag opened on line " + startLine + " is never closed", line);
      }
      if (src.startsWith(closer, pos)) {
        advanceTo(pos + 2);
        return out;
      }
      char c = src.charAt(pos);
      if ((c == '-' || c == '+') && src.startsWith(closer, pos + 1)) {
        advanceTo(pos + 3);
        return out;
      }
      int column = pos - lineStart + 1;
      if (c == '\'' || c == '"') {
        out.add(string(c, column));
      } else if (Character.isLetter(c) || c == '_') {
        int end = pos;
        while (end < src.length()
            && (Character.isLetterOrDigit(src.charAt(end)) || src.charAt(end) == '_')) {
          end++;
        }
        out.add(token(JinjaToken.Kind.NAME, src.substring(pos, end), column, end));
      } else if (Character.isDigit(c)) {
        int end = pos;
        while (end < src.length()
            && (Character.isLetterOrDigit(src.charAt(end))
                || src.charAt(end) == '_'
                || src.charAt(end) == '.')) {
          end++;
        }
        out.add(token(JinjaToken.Kind.NUMBER, src.substring(pos, end), column, end));
      } else {
        String op = operatorAt();
        out.add(token(JinjaToken.Kind.OPERATOR, op, column, pos + op.length()));
      }
    }
  }

  private JinjaToken token(JinjaToken.Kind kind, String text, int column, int end) {
    JinjaToken t = new JinjaToken(kind, text, line, column, false);
    advanceTo(end);
    return t;
  }

  private String operatorAt() {
    for (String op : OPERATORS) {
      if (src.startsWith(op, pos)) {
        return op;
      }
    }
    // Anything else (a stray character) is one token of its own; the walker skips it.
    return src.substring(pos, pos + 1);
  }

  private void skipWhitespace() {
    while (pos < src.length() && Character.isWhitespace(src.charAt(pos))) {
      advanceTo(pos + 1);
    }
  }

  private JinjaToken string(char quote, int column) throws LexException {
    int startLine = line;
    StringBuilder value = new StringBuilder();
    boolean encoded = false;
    int i = pos + 1;
    while (true) {
      if (i >= src.length()) {
        throw new LexException("string opened on line " + startLine + " is never closed", line);
      }
      char c = src.charAt(i);
      if (c == quote) {
        i++;
        break;
      }
      if (c != '\\' || i + 1 >= src.length()) {
        value.append(c);
        i++;
        continue;
      }
      char e = src.charAt(i + 1);
      int decoded;
      int consumed;
      switch (e) {
        case 'x' -> {
          decoded = hex(i + 2, 2);
          consumed = 4;
        }
        case 'u' -> {
          decoded = hex(i + 2, 4);
          consumed = 6;
        }
        case 'U' -> {
          decoded = hex(i + 2, 8);
          consumed = 10;
        }
        case 'N' -> {
          // A named escape (\N{LOW LINE}) cannot be decoded without the Unicode name table;
          // keep it visible and count it as an obfuscation.
          int close = src.indexOf('}', i);
          consumed = close < 0 ? 2 : close - i + 1;
          decoded = -1;
          encoded = true;
          value.append(src, i, i + consumed);
        }
        case 'n' -> {
          decoded = '\n';
          consumed = 2;
        }
        case 't' -> {
          decoded = '\t';
          consumed = 2;
        }
        case 'r' -> {
          decoded = '\r';
          consumed = 2;
        }
        case 'a' -> {
          decoded = 7;
          consumed = 2;
        }
        case 'b' -> {
          decoded = '\b';
          consumed = 2;
        }
        case 'f' -> {
          decoded = '\f';
          consumed = 2;
        }
        case 'v' -> {
          decoded = 11;
          consumed = 2;
        }
        case '\\', '\'', '"' -> {
          decoded = e;
          consumed = 2;
        }
        case '\n' -> {
          decoded = -1; // a line continuation
          consumed = 2;
        }
        default -> {
          if (e >= '0' && e <= '7') {
            int end = i + 1;
            int v = 0;
            while (end < src.length()
                && end < i + 4
                && src.charAt(end) >= '0'
                && src.charAt(end) <= '7') {
              v = v * 8 + (src.charAt(end) - '0');
              end++;
            }
            decoded = v;
            consumed = end - i;
          } else {
            value.append('\\');
            decoded = e;
            consumed = 2;
          }
        }
      }
      boolean numericEscape = e == 'x' || e == 'u' || e == 'U' || (e >= '0' && e <= '7');
      if (numericEscape && decoded < 0) {
        value.append('\\').append(e); // invalid escape: keep as written
        consumed = 2;
      } else if (decoded >= 0) {
        if (numericEscape
            && decoded < 0x80
            && (Character.isLetterOrDigit(decoded) || decoded == '_' || decoded == '.')) {
          encoded = true;
        }
        value.appendCodePoint(Character.isValidCodePoint(decoded) ? decoded : 0xfffd);
      }
      i += consumed;
    }
    JinjaToken t = new JinjaToken(JinjaToken.Kind.STRING, value.toString(), line, column, encoded);
    advanceTo(i);
    return t;
  }

  /** The value of {@code digits} hex digits at {@code at}, or -1 when they are not all hex. */
  private int hex(int at, int digits) {
    if (at + digits > src.length()) {
      return -1;
    }
    long v = 0;
    for (int k = 0; k < digits; k++) {
      int d = Character.digit(src.charAt(at + k), 16);
      if (d < 0) {
        return -1;
      }
      v = v * 16 + d;
    }
    return v > Character.MAX_CODE_POINT ? 0xfffd : (int) v;
  }
}
