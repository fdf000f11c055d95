package io.sentrascan.scanner.sbom;

import io.sentrascan.scanner.FileResult;
import io.sentrascan.scanner.ScanEngine;
import io.sentrascan.scanner.ScanResult;
import io.sentrascan.scanner.signing.SignatureCheck;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import org.cyclonedx.model.Bom;
import org.cyclonedx.model.Component;
import org.cyclonedx.model.Dependency;
import org.cyclonedx.model.ExternalReference;
import org.cyclonedx.model.Hash;
import org.cyclonedx.model.License;
import org.cyclonedx.model.LicenseChoice;
import org.cyclonedx.model.Metadata;
import org.cyclonedx.model.Property;
import org.cyclonedx.model.component.data.ComponentData;
import org.cyclonedx.model.metadata.ToolInformation;
import org.cyclonedx.model.vulnerability.Vulnerability;
import org.jspecify.annotations.Nullable;

/**
 * Builds a CycloneDX 1.6 ML-BOM from a {@link ScanResult}.
 *
 * <ul>
 *   <li>{@code metadata.component}: the model ({@code machine-learning-model}) with a {@code
 *       modelCard}; name and version from {@link #withName}/{@link #withVersion}, else {@code
 *       config.json}'s {@code _name_or_path}, else the folder or file name. When the scan had one
 *       folder as its target, that folder's {@code config.json} and model card front matter are
 *       read (bounded, and only if they still hash as scanned), considerations included.
 *   <li>One component per scanned file ({@code file}, or {@code data} for dataset files), named
 *       relative to the scan target, with every digest the engine computed (see {@link #DIGESTS});
 *       entries of containers are sub-components of their container.
 *   <li>A {@code library} component with a {@code pkg:pypi} purl for every framework the scan
 *       implies (imports recorded by scanners, detected formats, {@code transformers_version}, the
 *       card's {@code library_name}).
 *   <li>A dependency graph: the model on its files and libraries, each file on the libraries it
 *       implies.
 *   <li>Every finding as a {@code vulnerability} with the rule's severity, CWE and remediation.
 * </ul>
 *
 * <p>The same scan gives the same BOM except for {@code serialNumber} (derived from the scan id)
 * and {@code metadata.timestamp} (when the scan started). Immutable and thread-safe.
 */
public final class MlBomBuilder {
  /** The digests a BOM lists per file; pass them to {@link ScanEngine#withDigests}. */
  public static final List<String> DIGESTS = List.of("SHA-256", "SHA-512", "SHA-1", "MD5");

  static final String MODEL_REF = "model";
  static final String TOOL_NAME = "SentraScan";
  static final String TOOL_URL = "https://github.com/sentrascan/sentrascan";

  /** Extensions of files that are data sets rather than model files. */
  private static final Set<String> DATASET_EXTENSIONS =
      Set.of("csv", "tsv", "parquet", "arrow", "jsonl", "tfrecord", "tfrecords", "feather", "avro");

  private final @Nullable String name;
  private final @Nullable String version;

  public MlBomBuilder() {
    this(null, null);
  }

  private MlBomBuilder(@Nullable String name, @Nullable String version) {
    this.name = name;
    this.version = version;
  }

  /** The model's name, overriding what the input says; null or blank to infer it. */
  public MlBomBuilder withName(@Nullable String newName) {
    return new MlBomBuilder(blankToNull(newName), version);
  }

  /** The model's version; null or blank to infer it (from the model card, if it has one). */
  public MlBomBuilder withVersion(@Nullable String newVersion) {
    return new MlBomBuilder(name, blankToNull(newVersion));
  }

  /** The BOM of one scan. */
  public Bom build(ScanResult result) {
    PathNames names = new PathNames(result.targets());
    InferredLibraries libraries = new InferredLibraries();
    ModelFolder folder = modelFolder(result, names);
    List<DetectedLicense> licenses = ModelLicenses.detect(result, folder, names);

    Bom bom = new Bom();
    bom.setSerialNumber("urn:uuid:" + serial(result.scanId()));
    bom.setVersion(1);

    // Files, with containers' entries nested in their container.
    Map<String, Component> byPath = new HashMap<>();
    Map<String, String> refByPath = new HashMap<>();
    List<Component> topLevel = new ArrayList<>();
    List<String> allFileRefs = new ArrayList<>();
    Set<String> usedRefs = new HashSet<>();
    for (FileResult file : result.files()) {
      String fileName = names.of(file.path());
      Component c = fileComponent(file, fileName);
      fileLicenses(c, file, licenses);
      // Two targets with the same folder name give the same names: keep the refs unique.
      String ref = c.getBomRef();
      for (int n = 2; !usedRefs.add(ref); n++) {
        ref = c.getBomRef() + "#" + n;
      }
      c.setBomRef(ref);
      byPath.put(file.path(), c);
      refByPath.put(file.path(), c.getBomRef());
      allFileRefs.add(c.getBomRef());
      Component parent = byPath.get(containerOf(file.path()));
      if (parent != null) {
        parent.addComponent(c);
      } else {
        topLevel.add(c);
      }
      libraries.inferFrom(file, c.getBomRef());
    }
    libraries.inferFrom(folder, refByPath, names);

    Metadata metadata = new Metadata();
    metadata.setTimestamp(Date.from(result.startedAt()));
    metadata.setToolChoice(tools(result));
    Component model = ModelComponents.model(result, folder, name, version, licenses);
    // Provenance: the model signature's presence and validity, when the scan checked it.
    SignatureCheck.status(result).ifPresent(s -> SignatureCheck.addTo(model, s));
    metadata.setComponent(model);
    List<Property> props = new ArrayList<>();
    props.add(new Property("sentrascan:verdict", result.verdict().name()));
    props.add(
        new Property(
            "sentrascan:policy.fail-on", result.policy().failOn().name().toLowerCase(Locale.ROOT)));
    props.add(new Property("sentrascan:policy.strict", String.valueOf(result.policy().strict())));
    // The targets as given are not recorded: they are paths on the scanning machine (a home folder,
    // a CI workspace) that say nothing about the model and differ between two scans of it.
    metadata.setProperties(props);
    bom.setMetadata(metadata);

    List<Component> components = new ArrayList<>(topLevel);
    components.addAll(libraries.components());
    bom.setComponents(components);
    bom.setDependencies(dependencies(topLevel, allFileRefs, libraries));
    List<Vulnerability> vulnerabilities = FindingVulnerabilities.of(result, names, refByPath);
    if (!vulnerabilities.isEmpty()) {
      bom.setVulnerabilities(vulnerabilities);
    }
    return bom;
  }

  /**
   * The folder's {@code config.json} and card, when the scan had exactly one folder as its target
   * and the files still hash as they did in the scan (else the BOM would describe other bytes).
   */
  static ModelFolder modelFolder(ScanResult result, PathNames names) {
    if (result.targets().size() != 1 || !isFolder(result.targets().get(0))) {
      return ModelFolder.NONE;
    }
    ModelFolder folder = ModelFolder.read(Path.of(result.targets().get(0)));
    Map<String, String> scanned = new HashMap<>();
    for (FileResult f : result.files()) {
      String sha = f.sha256();
      if (f.depth() == 0 && sha != null) {
        scanned.put(names.of(f.path()).toLowerCase(Locale.ROOT), sha);
      }
    }
    boolean configOk =
        folder.configSha256() == null
            || Objects.equals(scanned.get("config.json"), folder.configSha256())
            || !scanned.containsKey("config.json");
    boolean cardOk =
        folder.cardSha256() == null
            || !scanned.containsKey("readme.md")
            || Objects.equals(scanned.get("readme.md"), folder.cardSha256());
    boolean adapterOk =
        folder.adapterSha256() == null
            || Objects.equals(scanned.get("adapter_config.json"), folder.adapterSha256());
    if (configOk && cardOk && adapterOk) {
      return folder;
    }
    return new ModelFolder(
        configOk ? folder.config() : null,
        configOk ? folder.configSha256() : null,
        cardOk ? folder.card() : CardFrontMatter.empty(),
        cardOk ? folder.sections() : CardSections.NONE,
        cardOk ? folder.cardSha256() : null,
        adapterOk ? folder.adapterBase() : null,
        adapterOk ? folder.adapterSha256() : null);
  }

  static boolean isFolder(String target) {
    try {
      return Files.isDirectory(Path.of(target), LinkOption.NOFOLLOW_LINKS);
    } catch (InvalidPathException e) {
      return false; // a source name such as an S3 key, not a local path
    }
  }

  // ---------------------------------------------------------------- files

  private static Component fileComponent(FileResult file, String fileName) {
    Component c = new Component();
    boolean dataset = DATASET_EXTENSIONS.contains(extension(fileName));
    c.setType(dataset ? Component.Type.DATA : Component.Type.FILE);
    c.setBomRef("file:" + fileName);
    c.setName(fileName);
    List<Hash> hashes = new ArrayList<>();
    file.digests()
        .forEach(
            (alg, hex) -> {
              Hash.Algorithm a = Hash.Algorithm.fromSpec(alg);
              if (a != null) {
                hashes.add(new Hash(a, hex));
              }
            });
    if (!hashes.isEmpty()) {
      c.setHashes(hashes);
    }
    if (dataset) {
      ComponentData data = new ComponentData();
      data.setType(ComponentData.ComponentDataType.DATASET);
      data.setName(fileName);
      c.setData(List.of(data));
    }
    List<Property> props = new ArrayList<>();
    props.add(new Property("sentrascan:format", file.format()));
    if (file.scanner() != null) {
      props.add(new Property("sentrascan:scanner", file.scanner()));
    }
    props.add(new Property("sentrascan:size", String.valueOf(file.size())));
    if (file.skipped() != null) {
      props.add(new Property("sentrascan:skipped", file.skipped()));
    }
    for (String error : file.errors()) {
      props.add(new Property("sentrascan:error", error));
    }
    file.properties()
        .forEach(
            (key, values) -> {
              for (String value : values) {
                props.add(new Property("sentrascan:" + key, value));
              }
            });
    c.setProperties(props);
    return c;
  }

  /** The licenses matched in a LICENSE file, on that file's component. */
  private static void fileLicenses(Component c, FileResult file, List<DetectedLicense> licenses) {
    LicenseChoice choice = new LicenseChoice();
    for (DetectedLicense d : licenses) {
      if (!d.fromCard() && d.location().equals(file.path())) {
        License license = ModelComponents.textLicense(d);
        license.addProperty(new Property("sentrascan:license.class", d.licenseClass().id()));
        license.addProperty(
            new Property("sentrascan:license.source", d.source() + ": " + d.method()));
        choice.addLicense(license);
      }
    }
    if (choice.getLicenses() != null && !choice.getLicenses().isEmpty()) {
      c.setLicenses(choice);
    }
  }

  /** The container of a nested entry ({@code a.zip} for {@code a.zip!/b.pkl}), or "" for none. */
  static String containerOf(String path) {
    int bang = path.lastIndexOf("!/");
    return bang < 0 ? "" : path.substring(0, bang);
  }

  private static String extension(String fileName) {
    int slash = fileName.lastIndexOf('/');
    int dot = fileName.lastIndexOf('.');
    return dot > slash ? fileName.substring(dot + 1).toLowerCase(Locale.ROOT) : "";
  }

  /** The model on its top-level files and every library; each file on the libraries it implies. */
  private static List<Dependency> dependencies(
      List<Component> topLevel, List<String> allFileRefs, InferredLibraries libraries) {
    SortedMap<String, SortedSet<String>> graph = new TreeMap<>();
    SortedSet<String> modelDeps = new TreeSet<>();
    for (Component c : topLevel) {
      modelDeps.add(c.getBomRef());
    }
    for (String ref : allFileRefs) {
      graph.put(ref, new TreeSet<>());
    }
    libraries
        .all()
        .forEach(
            (pkg, lib) -> {
              String libRef = libraries.refOf(pkg);
              modelDeps.add(libRef);
              graph.put(libRef, new TreeSet<>());
              for (String fileRef : lib.fileRefs) {
                graph.computeIfAbsent(fileRef, k -> new TreeSet<>()).add(libRef);
              }
            });
    List<Dependency> out = new ArrayList<>();
    out.add(dependency(MODEL_REF, modelDeps));
    graph.forEach((ref, deps) -> out.add(dependency(ref, deps)));
    return out;
  }

  private static Dependency dependency(String ref, SortedSet<String> on) {
    Dependency d = new Dependency(ref);
    for (String target : on) {
      d.addDependency(new Dependency(target));
    }
    return d;
  }

  // ---------------------------------------------------------------- metadata

  private static ToolInformation tools(ScanResult result) {
    Component tool = new Component();
    tool.setType(Component.Type.APPLICATION);
    tool.setName(TOOL_NAME);
    tool.setVersion(result.toolVersion());
    ExternalReference site = new ExternalReference();
    site.setType(ExternalReference.Type.WEBSITE);
    site.setUrl(TOOL_URL);
    tool.setExternalReferences(List.of(site));
    List<Property> props = new ArrayList<>();
    result.scanners().forEach((n, v) -> props.add(new Property("sentrascan:scanner." + n, v)));
    if (!props.isEmpty()) {
      tool.setProperties(props);
    }
    ToolInformation tools = new ToolInformation();
    tools.setComponents(List.of(tool));
    return tools;
  }

  /**
   * The scan id when it is a UUID the schema accepts (version 1 to 5), else a name-based UUID of
   * it: the BOM and the scan report can be matched, and the serial is still unique per scan.
   */
  static String serial(String scanId) {
    try {
      UUID id = UUID.fromString(scanId);
      if (id.version() >= 1 && id.version() <= 5 && id.variant() == 2) {
        return id.toString();
      }
    } catch (IllegalArgumentException e) {
      // not a UUID: derive one below
    }
    return UUID.nameUUIDFromBytes(("sentrascan:" + scanId).getBytes(StandardCharsets.UTF_8))
        .toString();
  }

  private static @Nullable String blankToNull(@Nullable String s) {
    return s == null || s.isBlank() ? null : s.strip();
  }
}
