package io.sentrascan.scanner.sbom;

import io.sentrascan.scanner.FileResult;
import io.sentrascan.scanner.Finding;
import io.sentrascan.scanner.Rule;
import io.sentrascan.scanner.ScanResult;
import io.sentrascan.scanner.rules.RuleCatalog;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.cyclonedx.model.Property;
import org.cyclonedx.model.vulnerability.Vulnerability;
import org.jspecify.annotations.Nullable;

/**
 * Scan findings as CycloneDX vulnerabilities: id {@code RULE@location}, source SentraScan, the
 * finding's severity, the rule's CWE, the affected file component, and the rule's remediation.
 */
final class FindingVulnerabilities {
  private FindingVulnerabilities() {}

  static List<Vulnerability> of(ScanResult result, PathNames names, Map<String, String> refByPath) {
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
      p = MlBomBuilder.containerOf(p);
    }
    String own = refByPath.get(file.path());
    return own != null ? own : MlBomBuilder.MODEL_REF;
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
    s.setName(MlBomBuilder.TOOL_NAME);
    s.setUrl(MlBomBuilder.TOOL_URL);
    return s;
  }
}
