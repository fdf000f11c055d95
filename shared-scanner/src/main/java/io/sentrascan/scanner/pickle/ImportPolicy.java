package io.sentrascan.scanner.pickle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The pickle import allow- and deny-lists, loaded once from {@code allowlist.json} and {@code
 * denylist.json} in this package. A name on the deny-list is denied even when an allow pattern also
 * matches it (a test keeps the lists disjoint, so the order only matters for a future mistake, and
 * then it fails safe).
 */
final class ImportPolicy {
  private static final ImportPolicy DEFAULT =
      new ImportPolicy(read("allowlist.json"), read("denylist.json"));

  /** Beyond this many cached names, classification is computed each time. */
  private static final int CACHE_LIMIT = 50_000;

  private final List<Group> allow;
  private final List<Group> deny;
  private final Set<String> dangerousSegments;
  private final String segmentReason;
  private final Map<String, String> aliases;
  private final String allowVersion;
  private final String denyVersion;
  private final Map<String, ImportVerdict> cache = new ConcurrentHashMap<>();

  /** One documented group of patterns. */
  record Group(String name, String reason, List<String> patterns, Pattern regex) {}

  ImportPolicy(JsonNode allowJson, JsonNode denyJson) {
    this.allow = groups(allowJson.path("groups"), "group");
    this.deny = groups(denyJson.path("families"), "family");
    Set<String> segments = new TreeSet<>();
    denyJson.path("dangerousNameSegments").path("segments").forEach(n -> segments.add(n.asText()));
    this.dangerousSegments = Set.copyOf(segments);
    this.segmentReason = denyJson.path("dangerousNameSegments").path("reason").asText();
    Map<String, String> a = new HashMap<>();
    JsonNode aliasNode = denyJson.path("moduleAliases");
    aliasNode.fieldNames().forEachRemaining(key -> a.put(key, aliasNode.get(key).asText()));
    this.aliases = Map.copyOf(a);
    this.allowVersion = allowJson.path("version").asText();
    this.denyVersion = denyJson.path("version").asText();
  }

  static ImportPolicy defaults() {
    return DEFAULT;
  }

  String allowVersion() {
    return allowVersion;
  }

  String denyVersion() {
    return denyVersion;
  }

  List<Group> allowGroups() {
    return allow;
  }

  List<Group> denyFamilies() {
    return deny;
  }

  /** The module name a loader really imports (Python 2 names map to their Python 3 modules). */
  String canonicalModule(String module) {
    String root = module;
    String rest = "";
    int dot = module.indexOf('.');
    if (dot >= 0) {
      root = module.substring(0, dot);
      rest = module.substring(dot);
    }
    String alias = aliases.get(root);
    return alias == null ? module : alias + rest;
  }

  ImportVerdict classify(String module, String name) {
    String qualified = canonicalModule(module) + "." + name;
    ImportVerdict cached = cache.get(qualified);
    if (cached != null) {
      return cached;
    }
    ImportVerdict verdict = compute(qualified, name);
    if (cache.size() < CACHE_LIMIT) {
      cache.put(qualified, verdict);
    }
    return verdict;
  }

  private ImportVerdict compute(String qualified, String name) {
    for (Group g : deny) {
      if (g.regex().matcher(qualified).matches()) {
        return new ImportVerdict(ImportVerdict.Kind.DENIED, g.name(), g.reason());
      }
    }
    for (String segment : name.split("\\.", -1)) {
      if (dangerousSegments.contains(segment)) {
        return new ImportVerdict(ImportVerdict.Kind.DENIED, "dangerous-attribute", segmentReason);
      }
    }
    for (Group g : allow) {
      if (g.regex().matcher(qualified).matches()) {
        return new ImportVerdict(ImportVerdict.Kind.ALLOWED, g.name(), g.reason());
      }
    }
    return ImportVerdict.UNKNOWN;
  }

  private static List<Group> groups(JsonNode array, String nameField) {
    List<Group> out = new ArrayList<>();
    for (JsonNode g : array) {
      List<String> patterns = new ArrayList<>();
      g.path("patterns").forEach(p -> patterns.add(p.asText()));
      StringBuilder regex = new StringBuilder();
      for (String p : patterns) {
        if (regex.length() > 0) {
          regex.append('|');
        }
        regex.append(toRegex(p));
      }
      out.add(
          new Group(
              g.path(nameField).asText(),
              g.path("reason").asText(),
              List.copyOf(patterns),
              Pattern.compile(regex.length() == 0 ? "(?!)" : regex.toString())));
    }
    return List.copyOf(out);
  }

  /**
   * A list pattern as a regular expression: {@code *} matches within one dotted segment, and a
   * trailing {@code .**} matches the name itself and anything below it.
   */
  static String toRegex(String pattern) {
    boolean deep = pattern.endsWith(".**");
    String body = deep ? pattern.substring(0, pattern.length() - 3) : pattern;
    StringBuilder sb = new StringBuilder("(?:");
    String[] parts = body.split("\\*", -1);
    for (int i = 0; i < parts.length; i++) {
      if (i > 0) {
        sb.append("[^.]*");
      }
      sb.append(Pattern.quote(parts[i]));
    }
    if (deep) {
      sb.append("(?:\\..+)?");
    }
    return sb.append(')').toString();
  }

  private static JsonNode read(String resource) {
    try (InputStream in = ImportPolicy.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("pickle list resource missing: " + resource);
      }
      return new ObjectMapper().readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read pickle list " + resource, e);
    }
  }
}
