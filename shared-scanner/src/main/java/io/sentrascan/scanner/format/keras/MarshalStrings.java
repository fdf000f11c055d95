package io.sentrascan.scanner.format.keras;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Reads the strings a CPython {@code marshal} blob carries (names, constants) straight from its
 * bytes, without unmarshalling it: a string object is a type byte ({@code z Z a A u t s}, possibly
 * with the 0x80 reference flag) followed by its length and bytes. Spurious matches inside other
 * objects are harmless: the strings are evidence for a human, and the names checked against the
 * deny-list are ones a real code object holds.
 */
final class MarshalStrings {
  /** Strings kept per blob, so that a hostile blob cannot make the evidence unbounded. */
  static final int MAX_STRINGS = 64;

  private static final int MAX_STRING = 200;

  private MarshalStrings() {}

  static Set<String> of(byte[] marshal) {
    Set<String> out = new LinkedHashSet<>();
    int i = 0;
    while (i < marshal.length && out.size() < MAX_STRINGS) {
      int type = marshal[i] & 0x7f;
      int len = -1;
      int start = -1;
      if (type == 'z' || type == 'Z') {
        if (i + 1 < marshal.length) {
          len = marshal[i + 1] & 0xff;
          start = i + 2;
        }
      } else if (type == 'a' || type == 'A' || type == 'u' || type == 't' || type == 's') {
        if (i + 4 < marshal.length) {
          long l =
              (marshal[i + 1] & 0xffL)
                  | (marshal[i + 2] & 0xffL) << 8
                  | (marshal[i + 3] & 0xffL) << 16
                  | (marshal[i + 4] & 0xffL) << 24;
          len = l <= MAX_STRING ? (int) l : -1;
          start = i + 5;
        }
      }
      if (len > 0 && start + len <= marshal.length && printable(marshal, start, len)) {
        out.add(new String(marshal, start, len, StandardCharsets.US_ASCII));
        i = start + len;
      } else {
        i++;
      }
    }
    return out;
  }

  private static boolean printable(byte[] b, int start, int len) {
    for (int i = start; i < start + len; i++) {
      if (b[i] < 0x20 || b[i] > 0x7e) {
        return false;
      }
    }
    return true;
  }
}
