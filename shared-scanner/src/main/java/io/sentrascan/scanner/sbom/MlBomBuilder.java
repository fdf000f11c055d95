package io.sentrascan.scanner.sbom;

import io.sentrascan.scanner.FileResult;
import io.sentrascan.scanner.Finding;
import io.sentrascan.scanner.Rule;
import io.sentrascan.scanner.ScanEngine;
import io.sentrascan.scanner.ScanResult;
import io.sentrascan.scanner.rules.RuleCatalog;
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
import org.cyclonedx.model.component.ModelCard;
import org.cyclonedx.model.component.data.ComponentData;
import org.cyclonedx.model.component.data.DatasetChoice;
import org.cyclonedx.model.component.modelCard.Considerations;
import org.cyclonedx.model.component.modelCard.InputOutputParameter;
import org.cyclonedx.model.component.modelCard.ModelParameters;
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

  /** Property keys (or their last dotted part) whose values are Python imports. */
  private static final String IMPORTS = "imports";

  /** Property keys (or their last dotted part) whose values name a framework (torch, keras). */
  private static final String FRAMEWORK = "framework";

  /** At most this many evidence lines per library, so that a huge pickle cannot bloat the BOM. */
  private static final int MAX_EVIDENCE = 10;

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
    Libraries libraries = new Libraries();
    ModelFolder folder = modelFolder(result, names);

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
    metadata.setComponent(modelComponent(result, folder));
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
    List<Vulnerability> vulnerabilities = vulnerabilities(result, names, refByPath);
    if (!vulnerabilities.isEmpty()) {
      bom.setVulnerabilities(vulnerabilities);
    }
    return bom;
  }

  // ---------------------------------------------------------------- the model

  private Component modelComponent(ScanResult result, ModelFolder folder) {
    Component model = new Component();
    model.setType(Component.Type.MACHINE_LEARNING_MODEL);
    model.setBomRef(MODEL_REF);
    model.setName(modelName(result, folder));
    String v = version != null ? version : folder.card().first("version");
    if (v != null) {
      model.setVersion(v);
    }
    LicenseChoice licenses = licenses(folder.card());
    if (licenses != null) {
      model.setLicenses(licenses);
    }
    model.setModelCard(modelCard(folder));
    List<Property> props = new ArrayList<>();
    for (String base : folder.card().list("base_model")) {
      props.add(new Property("sentrascan:card.base_model", base));
    }
    for (String language : folder.card().list("language")) {
      props.add(new Property("sentrascan:card.language", language));
    }
    String library = folder.card().first("library_name");
    if (library != null) {
      props.add(new Property("sentrascan:card.library_name", library));
    }
    if (!props.isEmpty()) {
      model.setProperties(props);
    }
    return model;
  }

  private String modelName(ScanResult result, ModelFolder folder) {
    if (name != null) {
      return name;
    }
    String fromConfig = folder.configText("_name_or_path");
    if (fromConfig != null) {
      String cleaned = repoIdOrLastSegment(fromConfig);
      if (!cleaned.isEmpty()) {
        return cleaned;
      }
    }
    if (result.targets().isEmpty()) {
      return "model";
    }
    String target = PathNames.baseName(result.targets().get(0));
    if (result.targets().size() == 1) {
      int dot = target.lastIndexOf('.');
      if (dot > 0 && !isFolder(result.targets().get(0))) {
        target = target.substring(0, dot); // resnet50.pt names the model resnet50
      }
    }
    return target.isEmpty() ? "model" : target;
  }

  /**
   * {@code _name_or_path} is a Hub id ({@code org/name}) or, after a local save, a path on the
   * machine that saved it: keep an id, keep only the last folder of a path.
   */
  static String repoIdOrLastSegment(String value) {
    String v = value.strip();
    boolean path =
        v.startsWith("/")
            || v.startsWith(".")
            || v.startsWith("~")
            || v.contains("\\")
            || v.matches("^[A-Za-z]:.*")
            || v.chars().filter(c -> c == '/').count() > 1;
    if (!path) {
      return v;
    }
    String[] parts = v.split("[/\\\\]");
    for (int i = parts.length - 1; i >= 0; i--) {
      if (!parts[i].isBlank() && !parts[i].equals(".") && !parts[i].equals("..")) {
        return parts[i].strip();
      }
    }
    return "";
  }

  private static ModelCard modelCard(ModelFolder folder) {
    ModelCard card = new ModelCard();
    card.setBomRef("model-card");
    ModelParameters params = new ModelParameters();
    boolean any = false;

    ModelParameters.Approach.ApproachType approach = approach(folder.card().first("approach"));
    if (approach != null) {
      ModelParameters.Approach a = new ModelParameters.Approach();
      a.setType(approach);
      params.setApproach(a);
      any = true;
    }
    List<String> architectures = folder.architectures();
    String architecture = architectures.isEmpty() ? null : architectures.get(0);
    String task = folder.card().first("pipeline_tag");
    if (task == null && architecture != null) {
      task = TaskCatalog.defaults().taskOf(architecture);
    }
    if (task != null) {
      params.setTask(task);
      List<InputOutputParameter> inputs = ioParameters(TaskCatalog.defaults().inputsOf(task));
      List<InputOutputParameter> outputs = ioParameters(TaskCatalog.defaults().outputsOf(task));
      if (!inputs.isEmpty()) {
        params.setInputs(inputs);
      }
      if (!outputs.isEmpty()) {
        params.setOutputs(outputs);
      }
      any = true;
    }
    String family = folder.configText("model_type");
    if (family != null) {
      params.setArchitectureFamily(family);
      any = true;
    }
    if (architecture != null) {
      params.setModelArchitecture(architecture);
      any = true;
    }
    List<DatasetChoice> datasets = new ArrayList<>();
    for (String dataset : new TreeSet<>(folder.card().list("datasets"))) {
      ComponentData data = new ComponentData();
      data.setType(ComponentData.ComponentDataType.DATASET);
      data.setName(dataset);
      DatasetChoice choice = new DatasetChoice();
      choice.setComponentData(data);
      datasets.add(choice);
    }
    if (!datasets.isEmpty()) {
      params.setDatasets(datasets);
      any = true;
    }
    if (any) {
      card.setModelParameters(params);
    }
    CardSections sections = folder.sections();
    if (!sections.isEmpty()) {
      Considerations considerations = new Considerations();
      if (!sections.useCases().isEmpty()) {
        considerations.setUseCases(sections.useCases());
      }
      if (!sections.technicalLimitations().isEmpty()) {
        considerations.setTechnicalLimitations(sections.technicalLimitations());
      }
      card.setConsiderations(considerations);
    }
    if (architectures.size() > 1) {
      List<Property> props = new ArrayList<>();
      for (String a : architectures) {
        props.add(new Property("sentrascan:config.architecture", a));
      }
      card.setProperties(props);
    }
    return card;
  }

  private static ModelParameters.Approach.@Nullable ApproachType approach(@Nullable String value) {
    if (value == null) {
      return null;
    }
    String v = value.strip().toUpperCase(Locale.ROOT).replace('-', '_').replace(' ', '_');
    for (ModelParameters.Approach.ApproachType t : ModelParameters.Approach.ApproachType.values()) {
      if (t.name().equals(v)) {
        return t;
      }
    }
    return null;
  }

  private static List<InputOutputParameter> ioParameters(List<String> formats) {
    List<InputOutputParameter> out = new ArrayList<>();
    for (String format : formats) {
      InputOutputParameter p = new InputOutputParameter();
      p.setFormat(format);
      out.add(p);
    }
    return out;
  }

  /** The card's {@code license}: SPDX ids as ids, anything else ({@code llama3}) as a name. */
  private static @Nullable LicenseChoice licenses(CardFrontMatter card) {
    List<String> values = card.list("license");
    if (values.isEmpty()) {
      return null;
    }
    LicenseChoice choice = new LicenseChoice();
    for (String value : new TreeSet<>(values)) {
      License license = new License();
      String id = SpdxIds.canonical(value);
      if (id != null) {
        license.setId(id);
      } else if (value.equalsIgnoreCase("other") && card.first("license_name") != null) {
        license.setName(card.first("license_name"));
      } else {
        license.setName(value);
      }
      String link = card.first("license_link");
      if (id == null && link != null && link.matches("^https?://\\S+$")) {
        license.setUrl(link);
      }
      choice.addLicense(license);
    }
    return choice;
  }

  /**
   * The folder's {@code config.json} and card, when the scan had exactly one folder as its target
   * and the files still hash as they did in the scan (else the BOM would describe other bytes).
   */
  private static ModelFolder modelFolder(ScanResult result, PathNames names) {
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
    if (configOk && cardOk) {
      return folder;
    }
    return new ModelFolder(
        configOk ? folder.config() : null,
        configOk ? folder.configSha256() : null,
        cardOk ? folder.card() : CardFrontMatter.empty(),
        cardOk ? folder.sections() : CardSections.NONE,
        cardOk ? folder.cardSha256() : null);
  }

  private static boolean isFolder(String target) {
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

  /** The container of a nested entry ({@code a.zip} for {@code a.zip!/b.pkl}), or "" for none. */
  private static String containerOf(String path) {
    int bang = path.lastIndexOf("!/");
    return bang < 0 ? "" : path.substring(0, bang);
  }

  private static String extension(String fileName) {
    int slash = fileName.lastIndexOf('/');
    int dot = fileName.lastIndexOf('.');
    return dot > slash ? fileName.substring(dot + 1).toLowerCase(Locale.ROOT) : "";
  }

  // ---------------------------------------------------------------- libraries and graph

  /** The PyPI packages the scan implies, by package name, with where each was seen. */
  private static final class Libraries {
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
  }

  private static final class Library {
    @Nullable String version;
    final SortedSet<String> fileRefs = new TreeSet<>();
    final SortedSet<String> evidence = new TreeSet<>();
  }

  /** The model on its top-level files and every library; each file on the libraries it implies. */
  private static List<Dependency> dependencies(
      List<Component> topLevel, List<String> allFileRefs, Libraries libraries) {
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

  // ---------------------------------------------------------------- findings

  private static List<Vulnerability> vulnerabilities(
      ScanResult result, PathNames names, Map<String, String> refByPath) {
    Map<String, Rule> rules = new HashMap<>();
    for (Rule rule : RuleCatalog.defaults().all()) {
      rules.put(rule.id(), rule);
    }
    Map<String, Integer> seen = new HashMap<>();
    List<Vulnerability> out = new ArrayList<>();
    for (FileResult file : result.files()) {
      for (Finding finding : file.findings()) {
        String id = finding.ruleId() + "@" + names.of(finding.location());
        int n = seen.merge(id, 1, Integer::sum);
        Vulnerability v = new Vulnerability();
        v.setBomRef("finding:" + id + (n == 1 ? "" : "#" + n));
        v.setId(id);
        v.setSource(source());
        Vulnerability.Rating rating = new Vulnerability.Rating();
        rating.setSource(source());
        rating.setSeverity(Vulnerability.Rating.Severity.valueOf(finding.severity().name()));
        rating.setMethod(Vulnerability.Rating.Method.OTHER);
        v.addRating(rating);
        Rule rule = rules.get(finding.ruleId());
        Integer cwe = rule == null ? null : cweNumber(rule.cwe());
        if (cwe != null) {
          v.addCwe(cwe);
        }
        v.setDescription(finding.description());
        if (!finding.evidence().isEmpty()) {
          v.setDetail("Evidence: " + finding.evidence());
        }
        v.setRecommendation(finding.remediation());
        Vulnerability.Affect affect = new Vulnerability.Affect();
        affect.setRef(affectedRef(finding.location().path(), file, refByPath));
        v.setAffects(List.of(affect));
        v.setProperties(
            List.of(
                new Property("sentrascan:rule", finding.ruleId()),
                new Property("sentrascan:title", finding.title()),
                new Property("sentrascan:category", finding.category())));
        out.add(v);
      }
    }
    return out;
  }

  /** The component of the finding's path, else of its closest container, else the file's. */
  private static String affectedRef(String path, FileResult file, Map<String, String> refByPath) {
    String p = path;
    while (!p.isEmpty()) {
      String ref = refByPath.get(p);
      if (ref != null) {
        return ref;
      }
      p = containerOf(p);
    }
    String own = refByPath.get(file.path());
    return own != null ? own : MODEL_REF;
  }

  static @Nullable Integer cweNumber(@Nullable String cwe) {
    if (cwe == null) {
      return null;
    }
    String digits = cwe.strip().toUpperCase(Locale.ROOT).replaceFirst("^CWE-", "");
    try {
      return Integer.valueOf(digits);
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static Vulnerability.Source source() {
    Vulnerability.Source s = new Vulnerability.Source();
    s.setName(TOOL_NAME);
    s.setUrl(TOOL_URL);
    return s;
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
