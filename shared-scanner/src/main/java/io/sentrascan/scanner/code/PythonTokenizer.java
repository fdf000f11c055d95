package io.sentrascan.scanner.code;

import io.sentrascan.scanner.code.PythonToken.Kind;
import java.util.ArrayList;
import java.util.List;

/**
 * A lightweight Python tokenizer: enough to tell code from comments and string literals, to follow
 * dotted names and calls, and to find statement boundaries. It never fails: unterminated strings
 * end at the end of the text (or line), unknown characters are operators. Source is never run.
 */
final class PythonTokenizer {
  /** Tokens kept per text at most. */
  static final int MAX_TOKENS = 2_000_000;

  private PythonTokenizer() {}

  /** How deep f-strings inside f-string expressions are followed. */
  private static final int MAX_FSTRING_DEPTH = 4;

  static List<PythonToken> tokenize(CharSequence src) {
    List<PythonToken> out = new ArrayList<>();
    tokenize(src, 0, src.length(), 0, out);
    markDocstrings(out);
    return out;
  }

  /** Tokenizes {@code src[from, n)}; positions are indexes into the whole {@code src}. */
  private static void tokenize(
      CharSequence src, int from, int n, int fstringDepth, List<PythonToken> out) {
    int i = from;
    int depth = 0;
    while (i < n && out.size() < MAX_TOKENS) {
      char c = src.charAt(i);
      if (c == '#') {
        while (i < n && src.charAt(i) != '\n') {
          i++;
        }
      } else if (c == '\\'
          && i + 1 < n
          && (src.charAt(i + 1) == '\n' || src.charAt(i + 1) == '\r')) {
        // line continuation, also with a Windows line break
        i += src.charAt(i + 1) == '\r' && i + 2 < n && src.charAt(i + 2) == '\n' ? 3 : 2;
      } else if (c == '\n' || c == '\r') {
        if (depth == 0 && !out.isEmpty() && out.get(out.size() - 1).kind() != Kind.NEWLINE) {
          out.add(new PythonToken(Kind.NEWLINE, "\n", i, false));
        }
        i++;
      } else if (c == ';') {
        out.add(new PythonToken(Kind.NEWLINE, ";", i, false));
        i++;
      } else if (Character.isWhitespace(c) || c == '\ufeff') {
        i++;
      } else if (c == '\'' || c == '"') {
        i = string(src, i, i, n, fstringDepth, out);
      } else if (Character.isJavaIdentifierStart(c) && c != '$') {
        int start = i;
        while (i < n && Character.isJavaIdentifierPart(src.charAt(i)) && src.charAt(i) != '$') {
          i++;
        }
        if (i < n && (src.charAt(i) == '\'' || src.charAt(i) == '"') && isPrefix(src, start, i)) {
          i = string(src, start, i, n, fstringDepth, out);
        } else {
          out.add(new PythonToken(Kind.NAME, src.subSequence(start, i).toString(), start, false));
        }
      } else if (Character.isDigit(c)) {
        int start = i;
        while (i < n && (Character.isLetterOrDigit(src.charAt(i)) || src.charAt(i) == '_')) {
          i++;
        }
        if (i < n && src.charAt(i) == '.') {
          i++;
          while (i < n && (Character.isLetterOrDigit(src.charAt(i)) || src.charAt(i) == '_')) {
            i++;
          }
        }
        out.add(new PythonToken(Kind.NUMBER, src.subSequence(start, i).toString(), start, false));
      } else {
        if (c == '(' || c == '[' || c == '{') {
          depth++;
        } else if ((c == ')' || c == ']' || c == '}') && depth > 0) {
          depth--;
        }
        String op = String.valueOf(c);
        if (i + 1 < n && src.charAt(i + 1) == '=' && "=!<>+-*/%&|^:".indexOf(c) >= 0) {
          op = src.subSequence(i, i + 2).toString();
        }
        out.add(new PythonToken(Kind.OP, op, i, false));
        i += op.length();
      }
    }
  }

  private static boolean isPrefix(CharSequence src, int start, int end) {
    if (end - start > 2) {
      return false;
    }
    for (int k = start; k < end; k++) {
      if ("rRbBuUfF".indexOf(src.charAt(k)) < 0) {
        return false;
      }
    }
    return true;
  }

  /**
   * Reads a string literal whose quote is at {@code quote}; returns the index after it. The
   * expressions of an f-string are code that runs: their tokens follow the string's token.
   */
  private static int string(
      CharSequence src, int start, int quote, int n, int fstringDepth, List<PythonToken> out) {
    char q = src.charAt(quote);
    boolean triple = quote + 2 < n && src.charAt(quote + 1) == q && src.charAt(quote + 2) == q;
    int i = quote + (triple ? 3 : 1);
    while (i < n) {
      char c = src.charAt(i);
      if (c == '\\') {
        i += 2;
      } else if (triple) {
        if (c == q && i + 2 < n && src.charAt(i + 1) == q && src.charAt(i + 2) == q) {
          i += 3;
          break;
        }
        i++;
      } else if (c == q) {
        i++;
        break;
      } else if (c == '\n') {
        break; // unterminated single-line string
      } else {
        i++;
      }
    }
    i = Math.min(i, n);
    out.add(new PythonToken(Kind.STRING, src.subSequence(start, i).toString(), start, false));
    if (fstringDepth < MAX_FSTRING_DEPTH && isFString(src, start, quote)) {
      int bodyEnd = Math.max(quote + 1, i - (triple ? 3 : 1));
      fstringExpressions(src, quote + (triple ? 3 : 1), bodyEnd, fstringDepth + 1, out);
    }
    return i;
  }

  private static boolean isFString(CharSequence src, int start, int quote) {
    for (int k = start; k < quote; k++) {
      if (src.charAt(k) == 'f' || src.charAt(k) == 'F') {
        return true;
      }
    }
    return false;
  }

  /** Tokenizes each braced expression of an f-string body; a doubled brace is a literal brace. */
  private static void fstringExpressions(
      CharSequence src, int from, int to, int fstringDepth, List<PythonToken> out) {
    int k = from;
    while (k < to) {
      char c = src.charAt(k);
      if (c == '{' && k + 1 < to && src.charAt(k + 1) == '{') {
        k += 2;
      } else if (c == '{') {
        int depth = 1;
        int e = k + 1;
        while (e < to && depth > 0) {
          char d = src.charAt(e);
          if (d == '{') {
            depth++;
          } else if (d == '}') {
            depth--;
          }
          if (depth > 0) {
            e++;
          }
        }
        tokenize(src, k + 1, e, fstringDepth, out);
        out.add(new PythonToken(Kind.NEWLINE, "}", Math.min(e, to - 1), false));
        k = e + 1;
      } else {
        k++;
      }
    }
  }

  /** A string that is a whole statement (after a newline, before a newline) is a docstring. */
  private static void markDocstrings(List<PythonToken> tokens) {
    for (int k = 0; k < tokens.size(); k++) {
      PythonToken t = tokens.get(k);
      if (t.kind() != Kind.STRING) {
        continue;
      }
      int last = k;
      while (last + 1 < tokens.size() && tokens.get(last + 1).kind() == Kind.STRING) {
        last++; // implicit concatenation
      }
      boolean startsStatement = k == 0 || tokens.get(k - 1).kind() == Kind.NEWLINE;
      boolean endsStatement =
          last + 1 >= tokens.size() || tokens.get(last + 1).kind() == Kind.NEWLINE;
      if (startsStatement && endsStatement) {
        for (int j = k; j <= last; j++) {
          PythonToken s = tokens.get(j);
          tokens.set(j, new PythonToken(Kind.STRING, s.text(), s.start(), true));
        }
      }
      k = last;
    }
  }
}
