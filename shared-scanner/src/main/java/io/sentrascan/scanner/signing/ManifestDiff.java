package io.sentrascan.scanner.signing;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * How the model on disk differs from the signed manifest, by file: each list is sorted and names
 * paths relative to the model root. For a sharded manifest a file is {@code changed} when any of
 * its shards differs.
 *
 * @param changed files whose content differs from what was signed
 * @param missing files the signature lists that are not on disk
 * @param extra files on disk that the signature does not list
 */
public record ManifestDiff(List<String> changed, List<String> missing, List<String> extra) {
  public ManifestDiff {
    changed = List.copyOf(changed);
    missing = List.copyOf(missing);
    extra = List.copyOf(extra);
  }

  public boolean isEmpty() {
    return changed.isEmpty() && missing.isEmpty() && extra.isEmpty();
  }

  /** One line per difference: {@code changed: PATH}, {@code missing: PATH}, {@code extra: PATH}. */
  public List<String> lines() {
    List<String> out = new ArrayList<>();
    changed.forEach(p -> out.add("changed: " + p));
    missing.forEach(p -> out.add("missing: " + p));
    extra.forEach(p -> out.add("extra: " + p));
    return out;
  }

  /** Compares what was signed with what was hashed now (same serialization). */
  public static ManifestDiff of(ModelManifest signed, ModelManifest actual) {
    boolean shards = signed.serialization().sharded();
    Map<String, Map<String, String>> want = byPath(signed, shards);
    Map<String, Map<String, String>> have = byPath(actual, shards);
    List<String> changed = new ArrayList<>();
    List<String> missing = new ArrayList<>();
    List<String> extra = new ArrayList<>();
    TreeSet<String> all = new TreeSet<>(want.keySet());
    all.addAll(have.keySet());
    for (String path : all) {
      Map<String, String> w = want.get(path);
      Map<String, String> h = have.get(path);
      if (h == null) {
        missing.add(path);
      } else if (w == null) {
        extra.add(path);
      } else if (!Objects.equals(w, h)) {
        changed.add(path);
      }
    }
    return new ManifestDiff(changed, missing, extra);
  }

  private static Map<String, Map<String, String>> byPath(ModelManifest m, boolean shards) {
    Map<String, Map<String, String>> out = new HashMap<>();
    for (Resource r : m.resources()) {
      out.computeIfAbsent(r.path(shards), k -> new TreeMap<>())
          .put(r.name(), r.algorithm() + ":" + r.digest().toLowerCase(java.util.Locale.ROOT));
    }
    return out;
  }
}
