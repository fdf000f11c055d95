package io.sentrascan.scanner.code;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sentrascan.scanner.Severity;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/** The calls, decoders, dangerous modules and expected hosts of {@code python-calls.json}. */
final class PythonCallCatalog {
  /**
   * One reported call.
   *
   * @param name fully qualified name; a trailing {@code *} matches any suffix
   * @param ruleId the rule its calls fall under
   * @param kind the extra argument check, or "" for none
   * @param severity a severity other than the rule's default, or null
   */
  record Call(String name, String ruleId, String kind, @Nullable Severity severity) {}

  private static final PythonCallCatalog DEFAULT = load("python-calls.json");

  private final String version;
  private final Map<String, Call> exact;
  private final List<Call> prefixed;
  private final Set<String> decoders;
  private final Set<String> dangerousModules;
  private final Set<String> allowedHosts;

  private PythonCallCatalog(
      String version,
      Map<String, Call> exact,
      List<Call> prefixed,
      Set<String> decoders,
      Set<String> dangerousModules,
      Set<String> allowedHosts) {
    this.version = version;
    this.exact = Map.copyOf(exact);
    this.prefixed = List.copyOf(prefixed);
    this.decoders = Set.copyOf(decoders);
    this.dangerousModules = Set.copyOf(dangerousModules);
    this.allowedHosts = Set.copyOf(allowedHosts);
  }

  static PythonCallCatalog defaults() {
    return DEFAULT;
  }

  String version() {
    return version;
  }

  Optional<Call> lookup(String qualifiedName) {
    Call c = exact.get(qualifiedName);
    if (c != null) {
      return Optional.of(c);
    }
    for (Call p : prefixed) {
      String prefix = p.name().substring(0, p.name().length() - 1);
      if (qualifiedName.startsWith(prefix) && qualifiedName.length() > prefix.length()) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }

  boolean isDecoder(String name) {
    return decoders.contains(name);
  }

  boolean isDangerousModule(String module) {
    int dot = module.indexOf('.');
    return dangerousModules.contains(dot < 0 ? module : module.substring(0, dot));
  }

  /** True for an expected host or any subdomain of one. */
  boolean isAllowedHost(String host) {
    String h = host.toLowerCase(Locale.ROOT);
    for (String allowed : allowedHosts) {
      if (h.equals(allowed) || h.endsWith("." + allowed)) {
        return true;
      }
    }
    return false;
  }

  private static PythonCallCatalog load(String resource) {
    try (InputStream in = PythonCallCatalog.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("python call resource missing: " + resource);
      }
      JsonNode root = new ObjectMapper().readTree(in);
      Map<String, Call> exact = new HashMap<>();
      List<Call> prefixed = new ArrayList<>();
      for (JsonNode node : root.path("calls")) {
        Call call =
            new Call(
                node.path("name").asText(),
                node.path("rule").asText(),
                node.path("kind").asText(""),
                node.hasNonNull("severity")
                    ? Severity.valueOf(node.get("severity").asText())
                    : null);
        if (call.name().endsWith("*")) {
          prefixed.add(call);
        } else {
          exact.put(call.name(), call);
        }
      }
      return new PythonCallCatalog(
          root.path("version").asText(),
          exact,
          prefixed,
          strings(root.path("decoders")),
          strings(root.path("dangerousModules")),
          strings(root.path("allowedHosts")));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + resource, e);
    }
  }

  private static Set<String> strings(JsonNode array) {
    Set<String> out = new TreeSet<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }
}
