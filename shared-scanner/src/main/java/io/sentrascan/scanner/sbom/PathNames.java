package io.sentrascan.scanner.sbom;

import io.sentrascan.scanner.Location;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Names files relative to what was scanned, so that a BOM names {@code config.json} and not {@code
 * /home/alice/models/bert/config.json}: two scans of the same model in different places then give
 * the same components, which is what {@code sbom diff} compares. With several targets each name
 * starts with its target's folder or file name.
 */
public final class PathNames {
  private final List<String> targets;
  private final boolean several;

  public PathNames(List<String> targets) {
    List<String> sorted = new ArrayList<>(targets);
    // Longest first, so that a target inside another target claims its own files.
    sorted.sort(Comparator.comparing(String::length).reversed().thenComparing(t -> t));
    this.targets = List.copyOf(sorted);
    this.several = targets.size() > 1;
  }

  /** The name of a display path; nested entries keep their {@code "!/"} joins. */
  public String of(String displayPath) {
    int bang = displayPath.indexOf("!/");
    String outer = bang < 0 ? displayPath : displayPath.substring(0, bang);
    String inner = bang < 0 ? "" : displayPath.substring(bang);
    return outer(outer) + inner;
  }

  /** A location with its path named as {@link #of}: {@code path[@offset][ [context]]}. */
  public String of(Location location) {
    return new Location(of(location.path()), location.offset(), location.context()).toString();
  }

  private String outer(String path) {
    for (String t : targets) {
      if (path.equals(t)) {
        return baseName(t);
      }
      String rel = null;
      if (path.startsWith(t) && !t.isEmpty()) {
        if (isSeparator(t.charAt(t.length() - 1))) {
          rel = path.substring(t.length());
        } else if (path.length() > t.length() && isSeparator(path.charAt(t.length()))) {
          rel = path.substring(t.length() + 1);
        }
      }
      if (rel != null) {
        rel = slashes(rel);
        return several ? baseName(t) + "/" + rel : rel;
      }
    }
    return slashes(path);
  }

  /** The last name of a path: a folder's or a file's; for {@code .} the current folder's name. */
  static String baseName(String path) {
    String p = path;
    while (p.length() > 1 && isSeparator(p.charAt(p.length() - 1))) {
      p = p.substring(0, p.length() - 1);
    }
    int cut = Math.max(p.lastIndexOf('/'), p.lastIndexOf('\\'));
    String name = p.substring(cut + 1);
    if (name.isEmpty() || name.equals(".") || name.equals("..")) {
      try {
        Path real = Path.of(path).toAbsolutePath().normalize().getFileName();
        if (real != null) {
          return real.toString();
        }
      } catch (InvalidPathException e) {
        // fall through to the text as given
      }
      return p.isEmpty() ? path : p;
    }
    return name;
  }

  private static String slashes(String path) {
    return path.replace('\\', '/');
  }

  private static boolean isSeparator(char c) {
    return c == '/' || c == '\\';
  }
}
