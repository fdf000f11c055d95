package io.sentrascan.scanner.format.skops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** The trusted and denied types of {@code types.json}, loaded once. Immutable. */
final class TypePolicy {
  enum Verdict {
    TRUSTED,
    UNTRUSTED,
    DENIED
  }

  private static final TypePolicy DEFAULT = load();

  private final String version;
  private final List<String> trustedModules;
  private final Set<String> trustedNames;
  private final List<String> deniedModules;
  private final Set<String> deniedNames;

  private TypePolicy(
      String version,
      List<String> trustedModules,
      Set<String> trustedNames,
      List<String> deniedModules,
      Set<String> deniedNames) {
    this.version = version;
    this.trustedModules = trustedModules;
    this.trustedNames = trustedNames;
    this.deniedModules = deniedModules;
    this.deniedNames = deniedNames;
  }

  static TypePolicy defaults() {
    return DEFAULT;
  }

  String version() {
    return version;
  }

  /** Classifies {@code module.name}; the deny side wins over the trusted modules. */
  Verdict classify(String module, String name) {
    String full = module + "." + name;
    if (deniedNames.contains(full) || within(module, deniedModules)) {
      return Verdict.DENIED;
    }
    if (trustedNames.contains(full) || within(module, trustedModules)) {
      return Verdict.TRUSTED;
    }
    return Verdict.UNTRUSTED;
  }

  private static boolean within(String module, List<String> modules) {
    for (String m : modules) {
      if (module.equals(m) || module.startsWith(m + ".")) {
        return true;
      }
    }
    return false;
  }

  private static TypePolicy load() {
    try (InputStream in = TypePolicy.class.getResourceAsStream("types.json")) {
      if (in == null) {
        throw new IllegalStateException("types.json missing");
      }
      JsonNode root = new ObjectMapper().readTree(in);
      return new TypePolicy(
          root.path("version").asText(),
          List.copyOf(strings(root.path("trustedModules"))),
          Set.copyOf(strings(root.path("trustedNames"))),
          List.copyOf(strings(root.path("deniedModules"))),
          Set.copyOf(strings(root.path("deniedNames"))));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Set<String> strings(JsonNode array) {
    Set<String> out = new HashSet<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }
}
