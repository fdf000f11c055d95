package io.sentrascan.scanner.report;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sentrascan.scanner.FileResult;
import io.sentrascan.scanner.Finding;
import io.sentrascan.scanner.Location;
import io.sentrascan.scanner.ScanResult;
import io.sentrascan.scanner.Severity;
import java.io.IOException;
import java.io.Writer;
import java.util.Map;
import java.util.SortedSet;

/**
 * The machine-readable report: one JSON object whose shape is fixed by the JSON Schema at {@link
 * #SCHEMA_RESOURCE} and documented in {@code docs/report-format.md}.
 *
 * <p>Keys always appear, in a fixed order; absent values are {@code null}, never missing keys, so
 * consumers see one shape. Only {@code scanId}, {@code startedAt} and {@code durationMillis} differ
 * between two scans of the same files.
 */
public final class JsonReportWriter implements ReportWriter {
  /**
   * The version of the report shape. Adding a field bumps the minor version; renaming or removing
   * one, or changing its meaning, bumps the major version.
   */
  public static final String SCHEMA_VERSION = "1.1.0";

  /** Classpath location of the JSON Schema (draft 2020-12) that every report conforms to. */
  public static final String SCHEMA_RESOURCE = "/io/sentrascan/scanner/report/report.schema.json";

  @Override
  public void write(ScanResult result, Writer out) throws IOException {
    JsonOutput.write(toTree(result), out);
  }

  /** The report as a JSON tree, in the order it is written. */
  public ObjectNode toTree(ScanResult result) {
    ObjectNode root = JsonOutput.MAPPER.createObjectNode();
    root.put("schemaVersion", SCHEMA_VERSION);
    root.put("scanId", result.scanId());
    ObjectNode tool = root.putObject("tool");
    tool.put("name", ToolInfo.NAME);
    tool.put("version", result.toolVersion());
    ObjectNode scanners = tool.putObject("scanners");
    result.scanners().forEach(scanners::put);
    root.put("startedAt", result.startedAt().toString());
    root.put("durationMillis", result.durationMillis());
    ArrayNode targets = root.putArray("targets");
    result.targets().forEach(targets::add);
    ObjectNode policy = root.putObject("policy");
    policy.put("failOn", result.policy().failOn().name());
    policy.put("strict", result.policy().strict());
    ArrayNode licenseClasses = policy.putArray("failOnLicense");
    result.policy().failOnLicense().forEach(licenseClasses::add);
    root.put("verdict", result.verdict().name());
    root.set("counts", counts(result));
    ArrayNode files = root.putArray("files");
    for (FileResult file : result.files()) {
      files.add(file(file));
    }
    ArrayNode findings = root.putArray("findings");
    for (Finding finding : result.findings()) {
      findings.add(
          finding(finding, result.policy().fails(finding), result.policy().isAccepted(finding)));
    }
    return root;
  }

  private static ObjectNode counts(ScanResult result) {
    ObjectNode counts = JsonOutput.MAPPER.createObjectNode();
    counts.put("files", result.files().size());
    counts.put("skipped", result.files().stream().filter(f -> f.skipped() != null).count());
    counts.put("withErrors", result.errored().size());
    counts.put("findings", result.findings().size());
    ObjectNode bySeverity = counts.putObject("bySeverity");
    Map<Severity, Integer> bySev = result.countsBySeverity();
    for (Severity s : Severity.values()) {
      bySeverity.put(s.name(), bySev.getOrDefault(s, 0));
    }
    return counts;
  }

  private static ObjectNode file(FileResult file) {
    ObjectNode node = JsonOutput.MAPPER.createObjectNode();
    node.put("path", file.path());
    node.put("format", file.format());
    node.put("scanner", file.scanner());
    node.put("depth", file.depth());
    node.put("size", file.size());
    node.put("sha256", file.sha256());
    ObjectNode digests = node.putObject("digests");
    file.digests().forEach(digests::put);
    node.put("skipped", file.skipped());
    ArrayNode errors = node.putArray("errors");
    file.errors().forEach(errors::add);
    node.put("findings", file.findings().size());
    ObjectNode properties = node.putObject("properties");
    for (Map.Entry<String, SortedSet<String>> e : file.properties().entrySet()) {
      ArrayNode values = properties.putArray(e.getKey());
      e.getValue().forEach(values::add);
    }
    return node;
  }

  private static ObjectNode finding(Finding finding, boolean fails, boolean accepted) {
    ObjectNode node = JsonOutput.MAPPER.createObjectNode();
    node.put("ruleId", finding.ruleId());
    node.put("severity", finding.severity().name());
    node.put("category", finding.category());
    node.put("failsPolicy", fails);
    node.put("accepted", accepted);
    node.put("title", finding.title());
    node.put("description", finding.description());
    Location location = finding.location();
    ObjectNode loc = node.putObject("location");
    loc.put("path", location.path());
    loc.put("offset", location.offset());
    loc.put("context", location.context());
    node.put("evidence", finding.evidence());
    node.put("remediation", finding.remediation());
    return node;
  }
}
