package io.sentrascan.scanner.template;

/**
 * One token inside a Jinja tag.
 *
 * @param kind what the token is
 * @param text the identifier, operator or number as written; for a string, its decoded value
 * @param line 1-based line of the token in the template
 * @param column 1-based column
 * @param encoded for a string: an escape sequence (hex, unicode, octal) spelled a plain letter,
 *     digit or underscore, which real templates never need
 */
record JinjaToken(Kind kind, String text, int line, int column, boolean encoded) {
  enum Kind {
    NAME,
    STRING,
    NUMBER,
    OPERATOR
  }

  boolean is(Kind k, String value) {
    return kind == k && text.equals(value);
  }

  boolean isOperator(String value) {
    return is(Kind.OPERATOR, value);
  }

  boolean isName(String value) {
    return is(Kind.NAME, value);
  }
}
