package io.sentrascan.scanner.report;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sentrascan.scanner.FileResult;
import io.sentrascan.scanner.Finding;
import io.sentrascan.scanner.Location;
import io.sentrascan.scanner.Rule;
import io.sentrascan.scanner.ScanResult;
import io.sentrascan.scanner.Severity;
import io.sentrascan.scanner.rules.RuleCatalog;
import java.io.IOException;
import java.io.Writer;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * SARIF 2.1.0, shaped for GitHub code scanning.
 *
 * <p>Model files are binary and may sit inside containers, which SARIF and GitHub only partly
 * model:
 *
 * <ul>
 *   <li>The artifact {@code uri} is always a real file: for {@code a.zip!/b.pkl} it is {@code
 *       a.zip}, and the full nested path goes into a logical location, the message and {@code
 *       properties.nestedPath}, because GitHub only shows alerts on files of the repository.
 *   <li>Every region has {@code startLine: 1} because GitHub requires a start line (rule GH1003 of
 *       the SARIF validator); {@code byteOffset} is added when the offset is known and refers to
 *       the artifact itself (not to an entry nested in it, whose offset is in the properties).
 *   <li>{@code partialFingerprints} hold a hash of rule, full path, offset, context and evidence,
 *       so that GitHub matches the same finding across runs instead of computing a line hash of a
 *       binary file.
 * </ul>
 */
public final class SarifReportWriter implements ReportWriter {
  static final String SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json";

  /** The key of our fingerprint in {@code partialFingerprints}; bump the suffix if it changes. */
  static final String FINGERPRINT_KEY = "sentrascanFinding/v1";

  private static final String NESTED = "!/";

  private final RuleCatalog catalog;

  public SarifReportWriter() {
    this(RuleCatalog.defaults());
  }

  SarifReportWriter(RuleCatalog catalog) {
    this.catalog = catalog;
  }

  @Override
  public void write(ScanResult result, Writer out) throws IOException {
    JsonOutput.write(toTree(result), out);
  }

  /** The SARIF log as a JSON tree. */
  public ObjectNode toTree(ScanResult result) {
    ObjectNode root = JsonOutput.MAPPER.createObjectNode();
    root.put("$schema", SCHEMA_URI);
    root.put("version", "2.1.0");
    ObjectNode run = root.putArray("runs").addObject();

    Map<String, Rule> rules = reportedRules(result);
    Map<String, Integer> ruleIndex = new LinkedHashMap<>();
    ObjectNode driver = run.putObject("tool").putObject("driver");
    driver.put("name", ToolInfo.NAME);
    driver.put("version", result.toolVersion());
    driver.put("informationUri", ToolInfo.INFORMATION_URI);
    ArrayNode ruleNodes = driver.putArray("rules");
    for (Rule rule : rules.values()) {
      ruleIndex.put(rule.id(), ruleIndex.size());
      ruleNodes.add(rule(rule));
    }

    ObjectNode invocation = run.putArray("invocations").addObject();
    invocation.put("executionSuccessful", result.errored().isEmpty());
    invocation.put("startTimeUtc", result.startedAt().toString());
    invocation.put("endTimeUtc", result.startedAt().plusMillis(result.durationMillis()).toString());
    ArrayNode notifications = invocation.putArray("toolExecutionNotifications");
    for (FileResult file : result.errored()) {
      for (String error : file.errors()) {
        ObjectNode n = notifications.addObject();
        n.put("level", "error");
        n.putObject("message").put("text", file.path() + ": " + error);
        n.putArray("locations").add(location(file.path(), -1, null));
      }
    }

    ArrayNode results = run.putArray("results");
    for (Finding finding : result.findings()) {
      results.add(result(finding, ruleIndex.get(finding.ruleId()), result));
    }

    ObjectNode props = run.putObject("properties");
    props.put("verdict", result.verdict().name());
    props.put("failOn", result.policy().failOn().name());
    props.put("strict", result.policy().strict());
    ObjectNode scanners = props.putObject("scanners");
    result.scanners().forEach(scanners::put);
    return root;
  }

  /** Every rule with at least one finding, sorted by id; unknown ids are described by a finding. */
  private Map<String, Rule> reportedRules(ScanResult result) {
    Map<String, Rule> known = new TreeMap<>();
    for (Rule rule : catalog.all()) {
      known.put(rule.id(), rule);
    }
    Map<String, Rule> out = new TreeMap<>();
    for (Finding f : result.findings()) {
      out.computeIfAbsent(
          f.ruleId(),
          id -> {
            Rule rule = known.get(id);
            return rule != null
                ? rule
                : new Rule(id, f.severity(), f.category(), f.title(), f.remediation(), null);
          });
    }
    return out;
  }

  private static ObjectNode rule(Rule rule) {
    ObjectNode node = JsonOutput.MAPPER.createObjectNode();
    node.put("id", rule.id());
    node.putObject("shortDescription").put("text", rule.title());
    node.putObject("fullDescription").put("text", rule.title() + " (" + rule.category() + ")");
    ObjectNode help = node.putObject("help");
    help.put("text", rule.remediation());
    help.put("markdown", "**Remediation:** " + MarkdownText.escape(rule.remediation()));
    node.putObject("defaultConfiguration").put("level", level(rule.severity()));
    ObjectNode props = node.putObject("properties");
    props.put("security-severity", securitySeverity(rule.severity()));
    props.put("severity", rule.severity().name());
    props.put("category", rule.category());
    ArrayNode tags = props.putArray("tags");
    tags.add("security");
    tags.add(rule.category());
    if (rule.cwe() != null) {
      tags.add("external/cwe/" + rule.cwe().toLowerCase(Locale.ROOT));
    }
    return node;
  }

  private static ObjectNode result(Finding finding, int ruleIndex, ScanResult scan) {
    Location loc = finding.location();
    ObjectNode node = JsonOutput.MAPPER.createObjectNode();
    node.put("ruleId", finding.ruleId());
    node.put("ruleIndex", ruleIndex);
    node.put("level", level(finding.severity()));
    StringBuilder message = new StringBuilder(finding.title()).append(": ");
    message.append(finding.description());
    if (loc.path().contains(NESTED)) {
      message.append(" (in ").append(loc.path()).append(')');
    }
    node.putObject("message").put("text", message.toString());
    node.putArray("locations").add(location(loc.path(), loc.offset(), loc.context()));
    node.putObject("partialFingerprints").put(FINGERPRINT_KEY, fingerprint(finding));
    ObjectNode props = node.putObject("properties");
    props.put("severity", finding.severity().name());
    props.put("category", finding.category());
    props.put("failsPolicy", scan.policy().fails(finding));
    props.put("nestedPath", loc.path());
    props.put("offset", loc.offset());
    if (loc.context() != null) {
      props.put("context", loc.context());
    }
    props.put("evidence", finding.evidence());
    if (scan.policy().isAccepted(finding)) {
      // SARIF's own way to say "known and accepted": code scanning shows it as dismissed.
      node.putArray("suppressions")
          .addObject()
          .put("kind", "external")
          .put("status", "accepted")
          .put("justification", "accepted in the SentraScan baseline");
    }
    return node;
  }

  private static ObjectNode location(String path, long offset, @Nullable String context) {
    int cut = path.indexOf(NESTED);
    String container = cut < 0 ? path : path.substring(0, cut);
    ObjectNode node = JsonOutput.MAPPER.createObjectNode();
    ObjectNode physical = node.putObject("physicalLocation");
    physical.putObject("artifactLocation").put("uri", uri(container));
    ObjectNode region = physical.putObject("region");
    region.put("startLine", 1);
    if (offset >= 0 && cut < 0) {
      region.put("byteOffset", offset);
    }
    if (cut >= 0 || context != null) {
      ArrayNode logical = node.putArray("logicalLocations");
      ObjectNode entry = logical.addObject();
      entry.put("fullyQualifiedName", context == null ? path : path + " [" + context + "]");
      entry.put("kind", "resource");
    }
    return node;
  }

  /**
   * A relative path stays relative (GitHub resolves it against the repository root); an absolute
   * one becomes a {@code file:} URI. Separators become {@code /} and unsafe characters are
   * percent-encoded.
   */
  static String uri(String path) {
    String slashed = path.replace('\\', '/');
    if (slashed.startsWith("s3://") || slashed.startsWith("file:")) {
      return slashed;
    }
    if (Path.of(path).isAbsolute()) {
      return Path.of(path).toUri().toASCIIString();
    }
    // "./model.pkl" (from scanning ".") and "model.pkl" must be the same artifact for GitHub.
    String relative = Path.of(slashed).normalize().toString().replace('\\', '/');
    try {
      return new URI(null, null, relative, null).toASCIIString();
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("cannot encode path " + path, e);
    }
  }

  static String level(Severity severity) {
    return switch (severity) {
      case CRITICAL, HIGH -> "error";
      case MEDIUM -> "warning";
      case LOW, INFO -> "note";
    };
  }

  /** GitHub's bands: over 9.0 critical, 7.0 to 8.9 high, 4.0 to 6.9 medium, 0.1 to 3.9 low. */
  static String securitySeverity(Severity severity) {
    return switch (severity) {
      case CRITICAL -> "9.5";
      case HIGH -> "8.0";
      case MEDIUM -> "5.5";
      case LOW -> "3.0";
      case INFO -> "0.0";
    };
  }

  private static String fingerprint(Finding f) {
    Location loc = f.location();
    String key =
        String.join(
            "\u0000",
            f.ruleId(),
            loc.path(),
            Long.toString(loc.offset()),
            loc.context() == null ? "" : loc.context(),
            f.evidence());
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(md.digest(key.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}
