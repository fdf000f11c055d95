package io.sentrascan.scanner.sbom;

import io.sentrascan.scanner.FileResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import org.cyclonedx.model.Component;
import org.cyclonedx.model.Property;
import org.jspecify.annotations.Nullable;

/** The PyPI packages a scan implies, by package name, with where each was seen. */
final class InferredLibraries {
  /** Property keys (or their last dotted part) whose values are Python imports. */
  private static final String IMPORTS = "imports";

  /** Property keys (or their last dotted part) whose values name a framework (torch, keras). */
  private static final String FRAMEWORK = "framework";

  /** At most this many evidence lines per library, so that a huge pickle cannot bloat the BOM. */
  private static final int MAX_EVIDENCE = 10;

  private final SortedMap<String, Library> byName = new TreeMap<>();

  void inferFrom(FileResult file, String fileRef) {
    PythonPackages packages = PythonPackages.defaults();
    String byFormat = packages.forFormat(file.format());
    if (byFormat != null) {
      add(byFormat, null, fileRef, "format " + file.format() + " in " + fileRef);
    }
    file.properties()
        .forEach(
            (key, values) -> {
              if (key.equals(FRAMEWORK) || key.endsWith("." + FRAMEWORK)) {
                for (String framework : values) {
                  String pkg = packages.forFramework(framework);
                  if (pkg != null) {
                    add(pkg, null, fileRef, "framework " + framework + " in " + fileRef);
                  }
                }
              }
              if (key.equals(IMPORTS) || key.endsWith("." + IMPORTS)) {
                for (String imported : values) {
                  String pkg = packages.forImport(imported);
                  if (pkg != null) {
                    add(pkg, null, fileRef, "import " + imported + " in " + fileRef);
                  }
                }
              }
            });
  }

  void inferFrom(ModelFolder folder, Map<String, String> refByPath, PathNames names) {
    String configRef = refOf("config.json", refByPath, names);
    String cardRef = refOf("readme.md", refByPath, names);
    String transformers = folder.configText("transformers_version");
    if (transformers != null) {
      add(
          "transformers",
          transformers,
          configRef,
          "transformers_version " + transformers + " in config.json");
    }
    String cardLibrary = folder.card().first("library_name");
    if (cardLibrary != null) {
      String pkg = PythonPackages.defaults().forCardLibrary(cardLibrary);
      if (pkg != null) {
        add(pkg, null, cardRef, "library_name " + cardLibrary + " in the model card");
      }
    }
  }

  private static @Nullable String refOf(
      String lowerName, Map<String, String> refByPath, PathNames names) {
    for (Map.Entry<String, String> e : refByPath.entrySet()) {
      if (names.of(e.getKey()).toLowerCase(Locale.ROOT).equals(lowerName)) {
        return e.getValue();
      }
    }
    return null;
  }

  private void add(
      String pkg, @Nullable String version, @Nullable String fileRef, String evidence) {
    Library lib = byName.computeIfAbsent(pkg, k -> new Library());
    if (version != null && isPurlVersion(version)) {
      lib.version = version;
    }
    if (fileRef != null) {
      lib.fileRefs.add(fileRef);
    }
    lib.evidence.add(evidence);
  }

  /** The ref of each library, after {@link #components} fixed the versions. */
  String refOf(String pkg) {
    return purl(pkg, byName.get(pkg).version);
  }

  SortedMap<String, Library> all() {
    return byName;
  }

  List<Component> components() {
    List<Component> out = new ArrayList<>();
    byName.forEach(
        (pkg, lib) -> {
          Component c = new Component();
          c.setType(Component.Type.LIBRARY);
          c.setName(pkg);
          if (lib.version != null) {
            c.setVersion(lib.version);
          }
          String purl = purl(pkg, lib.version);
          c.setPurl(purl);
          c.setBomRef(purl);
          List<Property> props = new ArrayList<>();
          int n = 0;
          for (String e : lib.evidence) {
            if (n++ == MAX_EVIDENCE) {
              props.add(
                  new Property(
                      "sentrascan:evidence",
                      "… and " + (lib.evidence.size() - MAX_EVIDENCE) + " more"));
              break;
            }
            props.add(new Property("sentrascan:evidence", e));
          }
          c.setProperties(props);
          out.add(c);
        });
    return out;
  }

  private static String purl(String pkg, @Nullable String version) {
    // PyPI names in the tables are lower-case ASCII; '+' (a PEP 440 local version) is encoded.
    return "pkg:pypi/" + pkg + (version == null ? "" : "@" + version.replace("+", "%2B"));
  }

  private static boolean isPurlVersion(String version) {
    return version.matches("^[A-Za-z0-9.+!_-]{1,64}$");
  }

  static final class Library {
    @Nullable String version;
    final SortedSet<String> fileRefs = new TreeSet<>();
    final SortedSet<String> evidence = new TreeSet<>();
  }
}
