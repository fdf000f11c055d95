package io.sentrascan.scanner.sbom;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * The PyPI packages a model needs, looked up from what a scan saw: import modules, frameworks that
 * scanners name, file formats and a model card's {@code library_name}. The mapping is data ({@code
 * python-packages.json}).
 */
final class PythonPackages {
  static final String RESOURCE = "python-packages.json";
  private static final PythonPackages DEFAULT = load();

  private final Map<String, String> modules;
  private final Map<String, String> formats;
  private final Map<String, String> cardLibraries;

  private PythonPackages(
      Map<String, String> modules, Map<String, String> formats, Map<String, String> cards) {
    this.modules = modules;
    this.formats = formats;
    this.cardLibraries = cards;
  }

  static PythonPackages defaults() {
    return DEFAULT;
  }

  /**
   * The package providing an import such as {@code torch._utils._rebuild_tensor_v2}, {@code
   * sklearn.tree DecisionTreeClassifier} or {@code numpy:dtype}; null for the standard library and
   * for modules that are not known (those stay visible as file properties).
   */
  @Nullable String forImport(String qualifiedName) {
    String name = qualifiedName.strip();
    int end = name.length();
    for (char sep : new char[] {'.', ' ', ':', '\n'}) {
      int i = name.indexOf(sep);
      if (i >= 0 && i < end) {
        end = i;
      }
    }
    return modules.get(name.substring(0, end));
  }

  @Nullable String forFormat(String format) {
    return formats.get(format);
  }

  /** A framework a scanner names ({@code torch}, {@code pytorch}, {@code keras}), or null. */
  @Nullable String forFramework(String framework) {
    String name = framework.strip();
    String pkg = forCardLibrary(name);
    if (pkg == null) {
      pkg = modules.get(name);
    }
    if (pkg == null) {
      pkg = modules.get(name.toLowerCase(Locale.ROOT));
    }
    return pkg;
  }

  @Nullable String forCardLibrary(String libraryName) {
    return cardLibraries.get(libraryName.strip());
  }

  private static PythonPackages load() {
    try (InputStream in = PythonPackages.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("resource missing: " + RESOURCE);
      }
      JsonNode root = new ObjectMapper().readTree(in);
      return new PythonPackages(
          table(root.path("modules")),
          table(root.path("formats")),
          table(root.path("cardLibraries")));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + RESOURCE, e);
    }
  }

  static Map<String, String> table(JsonNode node) {
    Map<String, String> out = new TreeMap<>();
    node.properties().forEach(e -> out.put(e.getKey(), e.getValue().asText()));
    return Collections.unmodifiableMap(out);
  }
}
