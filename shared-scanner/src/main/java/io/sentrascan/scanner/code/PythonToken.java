package io.sentrascan.scanner.code;

/**
 * One token of Python source.
 *
 * @param kind what it is
 * @param text the token as written (for strings: with prefix and quotes)
 * @param start index of its first character
 * @param docstring for strings: the string is a statement on its own (a docstring or a bare
 *     string), which nothing evaluates
 */
record PythonToken(Kind kind, String text, int start, boolean docstring) {
  enum Kind {
    NAME,
    STRING,
    NUMBER,
    OP,
    NEWLINE
  }

  boolean is(String op) {
    return kind == Kind.OP && text.equals(op);
  }

  boolean isName(String name) {
    return kind == Kind.NAME && text.equals(name);
  }

  /** For a string token: its content without prefix and quotes, escapes left as written. */
  String stringValue() {
    int i = 0;
    while (i < text.length() && text.charAt(i) != '\'' && text.charAt(i) != '"') {
      i++;
    }
    String body = text.substring(i);
    int q = body.startsWith("\"\"\"") || body.startsWith("'''") ? 3 : 1;
    if (body.length() < q) {
      return "";
    }
    int end = body.length();
    String quote = body.substring(0, q);
    if (end >= 2 * q && body.endsWith(quote)) {
      end -= q;
    }
    return body.substring(q, Math.max(q, end));
  }

  /** True for b"" and rb"" literals. */
  boolean isBytes() {
    return hasPrefix('b');
  }

  /** True for f-strings, whose expressions are code (tokenized after this token). */
  boolean isFormatted() {
    return hasPrefix('f');
  }

  private boolean hasPrefix(char lower) {
    for (int i = 0; i < text.length() && text.charAt(i) != '\'' && text.charAt(i) != '"'; i++) {
      if (Character.toLowerCase(text.charAt(i)) == lower) {
        return true;
      }
    }
    return false;
  }
}
