package io.sentrascan.scanner.format.keras;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sentrascan.scanner.Severity;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The module and name lists of {@code references.json}: which Python references in a Keras
 * configuration belong to Keras, which mean code execution, and which Keras APIs defeat safe_mode.
 * Loaded once; immutable.
 */
final class KerasReferences {
  /** A Keras or TensorFlow API a configuration should never call, with its severity and why. */
  record RiskyApi(String name, Severity severity, String why) {}

  private static final KerasReferences DEFAULT = load();

  private final String version;
  private final Set<String> kerasModules;
  private final Set<String> dangerousModules;
  private final Set<String> dangerousNames;
  private final Map<String, RiskyApi> riskyApis;

  private KerasReferences(
      String version,
      Set<String> kerasModules,
      Set<String> dangerousModules,
      Set<String> dangerousNames,
      Map<String, RiskyApi> riskyApis) {
    this.version = version;
    this.kerasModules = Set.copyOf(kerasModules);
    this.dangerousModules = Set.copyOf(dangerousModules);
    this.dangerousNames = Set.copyOf(dangerousNames);
    this.riskyApis = Map.copyOf(riskyApis);
  }

  static KerasReferences defaults() {
    return DEFAULT;
  }

  String version() {
    return version;
  }

  /** True when the dotted module path is Keras or TensorFlow itself. */
  boolean isKerasModule(String module) {
    return kerasModules.contains(root(module));
  }

  /** True when importing the module path (or a parent of it) executes code or reaches outside. */
  boolean isDangerousModule(String module) {
    String m = module.trim();
    if (dangerousModules.contains(m) || dangerousModules.contains(root(m))) {
      return true;
    }
    int dot = m.lastIndexOf('.');
    while (dot > 0) {
      m = m.substring(0, dot);
      if (dangerousModules.contains(m)) {
        return true;
      }
      dot = m.lastIndexOf('.');
    }
    return false;
  }

  boolean isDangerousName(String name) {
    return dangerousNames.contains(lastSegment(name));
  }

  /** The risky API a (possibly dotted) name ends with, if any. */
  @Nullable RiskyApi riskyApi(String name) {
    return riskyApis.get(lastSegment(name));
  }

  static String root(String module) {
    String m = module.trim();
    int dot = m.indexOf('.');
    return dot < 0 ? m : m.substring(0, dot);
  }

  static String lastSegment(String name) {
    String n = name.trim();
    int dot = n.lastIndexOf('.');
    return dot < 0 ? n : n.substring(dot + 1);
  }

  private static KerasReferences load() {
    try (InputStream in = KerasReferences.class.getResourceAsStream("references.json")) {
      if (in == null) {
        throw new IllegalStateException("references.json missing from the keras package");
      }
      JsonNode root = new ObjectMapper().readTree(in);
      Map<String, RiskyApi> apis = new HashMap<>();
      for (JsonNode api : root.path("riskyKerasApis")) {
        String name = api.path("name").asText();
        apis.put(
            name,
            new RiskyApi(
                name,
                Severity.valueOf(api.path("severity").asText().toUpperCase(Locale.ROOT)),
                api.path("why").asText()));
      }
      return new KerasReferences(
          root.path("version").asText(),
          strings(root.path("kerasModules")),
          strings(root.path("dangerousModules")),
          strings(root.path("dangerousNames")),
          apis);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read keras references.json", e);
    }
  }

  private static Set<String> strings(JsonNode array) {
    Set<String> out = new HashSet<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }
}
