package io.sentrascan.scanner.sbom;

import io.sentrascan.scanner.ScanResult;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import org.cyclonedx.model.Ancestors;
import org.cyclonedx.model.Component;
import org.cyclonedx.model.License;
import org.cyclonedx.model.LicenseChoice;
import org.cyclonedx.model.Pedigree;
import org.cyclonedx.model.Property;
import org.cyclonedx.model.component.ModelCard;
import org.cyclonedx.model.component.data.ComponentData;
import org.cyclonedx.model.component.data.DatasetChoice;
import org.cyclonedx.model.component.modelCard.Considerations;
import org.cyclonedx.model.component.modelCard.InputOutputParameter;
import org.cyclonedx.model.component.modelCard.ModelParameters;
import org.cyclonedx.model.license.Acknowledgement;
import org.jspecify.annotations.Nullable;

/**
 * The model component of an ML-BOM ({@code machine-learning-model}): its name, version, licenses
 * and {@code modelCard}, from what the model folder's {@code config.json} and card say.
 */
final class ModelComponents {
  private ModelComponents() {}

  /**
   * The model: named by {@code name}, else the input; versioned by {@code version}, else the card.
   */
  static Component model(
      ScanResult result,
      ModelFolder folder,
      @Nullable String name,
      @Nullable String version,
      List<DetectedLicense> detected) {
    Component model = new Component();
    model.setType(Component.Type.MACHINE_LEARNING_MODEL);
    model.setBomRef(MlBomBuilder.MODEL_REF);
    model.setName(modelName(result, folder, name));
    String v = version != null ? version : folder.card().first("version");
    if (v != null) {
      model.setVersion(v);
    }
    LicenseChoice licenses = licenses(folder.card(), detected);
    if (licenses != null) {
      model.setLicenses(licenses);
    }
    model.setModelCard(modelCard(folder));
    Pedigree pedigree = lineage(folder, model.getName());
    if (pedigree != null) {
      model.setPedigree(pedigree);
    }
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

  /**
   * The models this one claims to derive from, as {@code pedigree.ancestors}: the card's {@code
   * base_model}, a PEFT adapter's {@code base_model_name_or_path}, and {@code config.json}'s {@code
   * _name_or_path} when it is a Hub id other than this model's name. Each ancestor says where the
   * claim was made ({@code sentrascan:lineage.source}); nothing here is verified.
   */
  static @Nullable Pedigree lineage(ModelFolder folder, String modelName) {
    // Hub ids resolve case-insensitively: one ancestor per id, spelled as first claimed.
    Map<String, String> spelling = new LinkedHashMap<>();
    Map<String, List<String>> claims = new LinkedHashMap<>();
    for (String base : folder.card().list("base_model")) {
      claim(spelling, claims, base.strip(), "README.md: base_model");
    }
    if (folder.adapterBase() != null) {
      claim(
          spelling,
          claims,
          repoIdOrLastSegment(folder.adapterBase()),
          "adapter_config.json: base_model_name_or_path");
    }
    String nameOrPath = folder.configText("_name_or_path");
    if (nameOrPath != null) {
      String id = repoIdOrLastSegment(nameOrPath);
      if (id.contains("/") && !id.equalsIgnoreCase(modelName) && id.equals(nameOrPath.strip())) {
        claim(spelling, claims, id, "config.json: _name_or_path");
      }
    }
    Map<String, List<String>> sources = new LinkedHashMap<>();
    claims.forEach((key, from) -> sources.put(spelling.get(key), from));
    if (sources.isEmpty()) {
      return null;
    }
    Ancestors ancestors = new Ancestors();
    List<Component> components = new ArrayList<>();
    sources.forEach(
        (id, from) -> {
          Component c = new Component();
          c.setType(Component.Type.MACHINE_LEARNING_MODEL);
          c.setBomRef("base-model:" + id);
          c.setName(id);
          List<Property> props = new ArrayList<>();
          for (String source : from) {
            props.add(new Property("sentrascan:lineage.source", source));
          }
          c.setProperties(props);
          components.add(c);
        });
    ancestors.setComponents(components);
    Pedigree pedigree = new Pedigree();
    pedigree.setAncestors(ancestors);
    return pedigree;
  }

  private static void claim(
      Map<String, String> spelling, Map<String, List<String>> claims, String id, String source) {
    if (id.isEmpty()) {
      return;
    }
    String key = id.toLowerCase(Locale.ROOT);
    spelling.putIfAbsent(key, id);
    claims.computeIfAbsent(key, k -> new ArrayList<>()).add(source);
  }

  static String modelName(ScanResult result, ModelFolder folder, @Nullable String name) {
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
      if (dot > 0 && !MlBomBuilder.isFolder(result.targets().get(0))) {
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

  /**
   * The model's licenses: the card's {@code license} (SPDX ids as ids, anything else such as {@code
   * llama3} as a name, {@code declared}) and licenses matched in LICENSE files ({@code concluded});
   * one entry per license, each with its class and every place it was found as properties.
   */
  static @Nullable LicenseChoice licenses(CardFrontMatter card, List<DetectedLicense> detected) {
    Map<String, License> byKey = new LinkedHashMap<>();
    for (DetectedLicense d : detected) {
      String group = d.key() != null ? d.key() : "?" + d.label() + "@" + d.source();
      License license = byKey.get(group);
      if (license == null) {
        license =
            d.fromCard()
                ? cardLicense(card, Objects.requireNonNull(d.cardValue()))
                : textLicense(d);
        license.addProperty(new Property("sentrascan:license.class", d.licenseClass().id()));
        byKey.put(group, license);
      }
      license.addProperty(
          new Property("sentrascan:license.source", d.source() + ": " + d.method()));
    }
    if (byKey.isEmpty()) {
      return null;
    }
    LicenseChoice choice = new LicenseChoice();
    byKey.values().forEach(choice::addLicense);
    return choice;
  }

  /** A license found in a LICENSE text: the SPDX id, else the catalog's name. */
  static License textLicense(DetectedLicense d) {
    License license = new License();
    if (d.spdxId() != null) {
      license.setId(d.spdxId());
    } else if (d.key() != null) {
      license.setName(d.name());
    } else {
      license.setName("Unrecognised license in " + d.source());
    }
    license.setAcknowledgement(Acknowledgement.CONCLUDED);
    return license;
  }

  private static License cardLicense(CardFrontMatter card, String value) {
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
    license.setAcknowledgement(Acknowledgement.DECLARED);
    return license;
  }
}
