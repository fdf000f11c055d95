package io.sentrascan.scanner.sbom;

import io.sentrascan.scanner.FileResult;
import io.sentrascan.scanner.Finding;
import io.sentrascan.scanner.Location;
import io.sentrascan.scanner.ScanResult;
import io.sentrascan.scanner.rules.RuleCatalog;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;
import java.util.TreeSet;
import org.cyclonedx.model.Component;
import org.cyclonedx.model.Pedigree;
import org.jspecify.annotations.Nullable;

/**
 * Adds the provenance findings of a model folder to a scan result: {@code PROV-001} (INFO) lists
 * the base models the folder claims, with which file claims each (the same lineage the ML-BOM
 * records as {@code pedigree.ancestors}); {@code PROV-002} (LOW) when the model card's {@code
 * base_model} and the adapter's {@code base_model_name_or_path} name different models.
 */
public final class ProvenanceReview {
  private ProvenanceReview() {}

  /** The result with the provenance findings added; unchanged when the scan was not one folder. */
  public static ScanResult apply(ScanResult result) {
    PathNames names = new PathNames(result.targets());
    ModelFolder folder = MlBomBuilder.modelFolder(result, names);
    Pedigree pedigree =
        ModelComponents.lineage(folder, ModelComponents.modelName(result, folder, null));
    if (pedigree == null || result.files().isEmpty()) {
      return result;
    }
    String card = fileNamed(result, names, "readme.md");
    String adapter = fileNamed(result, names, "adapter_config.json");
    String where = card != null ? card : adapter != null ? adapter : result.files().get(0).path();
    StringJoiner claims = new StringJoiner("; ");
    for (Component c : pedigree.getAncestors().getComponents()) {
      StringJoiner from = new StringJoiner(", ");
      for (org.cyclonedx.model.Property p : c.getProperties()) {
        from.add(p.getValue());
      }
      claims.add(c.getName() + " (" + from + ")");
    }
    RuleCatalog rules = RuleCatalog.defaults();
    Map<String, List<Finding>> added = new LinkedHashMap<>();
    added
        .computeIfAbsent(where, k -> new ArrayList<>())
        .add(
            rules
                .rule("PROV-001")
                .finding(
                    Location.of(where), "Base models claimed: " + claims + ".", claims.toString()));
    Set<String> fromCard = lower(folder.card().list("base_model"));
    if (folder.adapterBase() != null && !fromCard.isEmpty()) {
      String adapterBase = ModelComponents.repoIdOrLastSegment(folder.adapterBase());
      if (!fromCard.contains(adapterBase.toLowerCase(Locale.ROOT))) {
        String at = adapter != null ? adapter : where;
        added
            .computeIfAbsent(at, k -> new ArrayList<>())
            .add(
                rules
                    .rule("PROV-002")
                    .finding(
                        Location.of(at),
                        "The model card names "
                            + String.join(", ", folder.card().list("base_model"))
                            + " as base model; adapter_config.json names "
                            + adapterBase
                            + ".",
                        "base_model_name_or_path: " + adapterBase));
      }
    }
    return result.withFindings(added, where);
  }

  private static Set<String> lower(List<String> values) {
    Set<String> out = new TreeSet<>();
    values.forEach(v -> out.add(v.strip().toLowerCase(Locale.ROOT)));
    return out;
  }

  private static @Nullable String fileNamed(ScanResult result, PathNames names, String lowerName) {
    for (FileResult f : result.files()) {
      if (f.depth() == 0 && names.of(f.path()).toLowerCase(Locale.ROOT).equals(lowerName)) {
        return f.path();
      }
    }
    return null;
  }
}
