package io.sentrascan.scanner.container;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * How an extractor would resolve an archive entry name or link target. Both separators count,
 * because archives made on one system are extracted on another.
 */
final class EntryPaths {
  private EntryPaths() {}

  /** The name with {@code \} turned into {@code /}. */
  static String normalize(String name) {
    return name.replace('\\', '/');
  }

  /** {@code /x}, {@code \\server\x}, {@code C:\x} and the drive-relative {@code C:x}. */
  static boolean isAbsolute(String name) {
    String n = normalize(name);
    if (n.startsWith("/")) {
      return true;
    }
    return n.length() >= 2 && isAsciiLetter(n.charAt(0)) && n.charAt(1) == ':';
  }

  /**
   * True when a segment is {@code ..} (also {@code .. } with trailing spaces, as Windows strips).
   */
  static boolean hasParentSegment(String name) {
    for (String segment : normalize(name).split("/", -1)) {
      if (segment.strip().equals("..")) {
        return true;
      }
    }
    return false;
  }

  /** NUL and other control characters, which tools cut or print differently. */
  static boolean hasControlCharacters(String name) {
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether a link stored at {@code entryName} whose target is {@code target} resolves outside the
   * extraction folder. Symbolic links resolve from the entry's folder, hard links from the root.
   */
  static boolean escapes(String entryName, String target, boolean fromEntryFolder) {
    if (target.isEmpty()) {
      return false;
    }
    if (isAbsolute(target)) {
      return true;
    }
    Deque<String> path = new ArrayDeque<>();
    if (fromEntryFolder) {
      String[] parts = normalize(entryName).split("/", -1);
      for (int i = 0; i < parts.length - 1; i++) {
        if (!push(path, parts[i])) {
          return true;
        }
      }
    }
    for (String segment : normalize(target).split("/", -1)) {
      if (!push(path, segment)) {
        return true;
      }
    }
    return false;
  }

  private static boolean push(Deque<String> path, String segment) {
    if (segment.isEmpty() || segment.equals(".")) {
      return true;
    }
    if (segment.strip().equals("..")) {
      return path.pollLast() != null;
    }
    path.addLast(segment);
    return true;
  }

  private static boolean isAsciiLetter(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  }
}
