package io.sentrascan.scanner.baseline;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sentrascan.scanner.FileResult;
import io.sentrascan.scanner.Finding;
import io.sentrascan.scanner.ScanResult;
import io.sentrascan.scanner.Severity;
import io.sentrascan.scanner.sbom.DetectedLicense;
import io.sentrascan.scanner.sbom.ModelLicenses;
import io.sentrascan.scanner.sbom.PathNames;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * What a model looked like when it was reviewed: every file's SHA-256, format and size, its
 * licenses, the findings of that scan and which of them were accepted. Written by {@code baseline
 * create}, compared by {@code scan --baseline} ({@link BaselineDrift}). Paths are relative to the
 * scanned folder, so the model may move. The JSON form is documented in the README ("Baselines and
 * drift") and versioned by {@link #SCHEMA_VERSION}.
 *
 * @param schemaVersion the version of the JSON form; readers accept the same major version
 * @param toolVersion the SentraScan version that wrote it
 * @param createdAt when the scan it records started
 * @param files relative path to what the file was
 * @param licenses every license found
 * @param findings every finding of that scan (what counts as "not new")
 * @param accepted the findings the reviewer accepted: kept in reports, never failing the scan
 */
public record Baseline(
    String schemaVersion,
    String toolVersion,
    Instant createdAt,
    SortedMap<String, FileEntry> files,
    List<LicenseEntry> licenses,
    List<FindingEntry> findings,
    List<FindingEntry> accepted) {
  /** Minor versions add fields; a new major version changes meanings. */
  public static final String SCHEMA_VERSION = "1.0";

  /** Marks the JSON as a baseline, so that a BOM or report given by mistake is refused. */
  static final String KIND = "sentrascan-baseline";

  /** Larger files are refused: a baseline of 100 000 files is about 20 MB. */
  static final long MAX_BYTES = 256L << 20;

  private static final Pattern SHA256 = Pattern.compile("^[0-9a-f]{64}$");
  private static final ObjectMapper MAPPER = mapper();

  public Baseline {
    Objects.requireNonNull(schemaVersion, "schemaVersion");
    Objects.requireNonNull(toolVersion, "toolVersion");
    Objects.requireNonNull(createdAt, "createdAt");
    files = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(files));
    licenses = List.copyOf(licenses);
    findings = List.copyOf(findings);
    accepted = List.copyOf(accepted);
  }

  /** A file as the baseline saw it. */
  public record FileEntry(String sha256, String format, long size) {}

  /** A license as the baseline saw it: its label (SPDX id or name), class, and where it was. */
  public record LicenseEntry(String license, String licenseClass, String source, String method) {}

  /**
   * A finding, identified by rule, relative path and context (not the offset, which moves when
   * unrelated bytes change).
   */
  public record FindingEntry(
      String ruleId,
      String path,
      @Nullable String context,
      @Nullable Severity severity,
      @Nullable String title) {
    /** The identity used to compare: rule, path and context. */
    public String key() {
      return ruleId + "|" + path + "|" + (context == null ? "" : context);
    }
  }

  /**
   * The baseline of a scan (run {@link io.sentrascan.scanner.sbom.LicenseReview} first so that the
   * license findings are recorded too).
   *
   * @param acceptAll accept every finding of the scan
   * @param acceptRules also accept every finding of these rule ids (and {@code RULE@path} pairs)
   */
  public static Baseline of(ScanResult result, boolean acceptAll, Set<String> acceptRules) {
    PathNames names = new PathNames(result.targets());
    SortedMap<String, FileEntry> files = new TreeMap<>();
    for (FileResult f : result.files()) {
      String sha = f.sha256();
      if (sha != null) {
        files.put(names.of(f.path()), new FileEntry(sha, f.format(), f.size()));
      }
    }
    List<LicenseEntry> licenses = new ArrayList<>();
    for (DetectedLicense l : ModelLicenses.detect(result)) {
      licenses.add(entry(l));
    }
    Set<FindingEntry> findings = new LinkedHashSet<>();
    Set<FindingEntry> accepted = new LinkedHashSet<>();
    for (Finding f : result.findings()) {
      String path = names.of(f.location().path());
      FindingEntry e =
          new FindingEntry(f.ruleId(), path, f.location().context(), f.severity(), f.title());
      findings.add(e);
      if (acceptAll
          || acceptRules.contains(f.ruleId())
          || acceptRules.contains(f.ruleId() + "@" + path)) {
        accepted.add(e);
      }
    }
    return new Baseline(
        SCHEMA_VERSION,
        result.toolVersion(),
        result.startedAt(),
        files,
        licenses,
        List.copyOf(findings),
        List.copyOf(accepted));
  }

  static LicenseEntry entry(DetectedLicense l) {
    return new LicenseEntry(l.label(), l.licenseClass().id(), l.source(), l.method());
  }

  /** The baseline as pretty-printed JSON with a final newline. */
  public String toJson() {
    ObjectNode root = MAPPER.createObjectNode();
    root.put("schemaVersion", schemaVersion);
    root.put("kind", KIND);
    ObjectNode tool = root.putObject("tool");
    tool.put("name", "SentraScan");
    tool.put("version", toolVersion);
    root.put("createdAt", createdAt.toString());
    ArrayNode fileArray = root.putArray("files");
    files.forEach(
        (path, e) -> {
          ObjectNode n = fileArray.addObject();
          n.put("path", path);
          n.put("sha256", e.sha256());
          n.put("format", e.format());
          n.put("size", e.size());
        });
    ArrayNode licenseArray = root.putArray("licenses");
    for (LicenseEntry l : licenses) {
      ObjectNode n = licenseArray.addObject();
      n.put("license", l.license());
      n.put("class", l.licenseClass());
      n.put("source", l.source());
      n.put("method", l.method());
    }
    findingArray(root.putArray("findings"), findings);
    findingArray(root.putArray("accepted"), accepted);
    try {
      // The layout of the reports and BOMs: two spaces, "key": value, \n line ends, final newline.
      DefaultPrettyPrinter printer =
          new DefaultPrettyPrinter()
              .withSeparators(
                  Separators.createDefaultInstance()
                      .withObjectFieldValueSpacing(Separators.Spacing.AFTER)
                      .withObjectEmptySeparator("")
                      .withArrayEmptySeparator(""))
              .withObjectIndenter(new DefaultIndenter("  ", "\n"))
              .withArrayIndenter(new DefaultIndenter("  ", "\n"));
      return MAPPER.writer(printer).writeValueAsString(root) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a tree of strings and numbers always serialises", e);
    }
  }

  private static void findingArray(ArrayNode array, List<FindingEntry> entries) {
    for (FindingEntry f : entries) {
      ObjectNode n = array.addObject();
      n.put("ruleId", f.ruleId());
      n.put("path", f.path());
      n.put("context", f.context());
      n.put("severity", f.severity() == null ? null : f.severity().name());
      n.put("title", f.title());
    }
  }

  /** Reads a baseline file; every problem is an {@link InvalidBaselineException} saying what. */
  public static Baseline read(Path file) throws InvalidBaselineException {
    byte[] bytes;
    try {
      if (!Files.isRegularFile(file)) {
        throw new InvalidBaselineException(
            Files.exists(file) ? file + " is not a regular file" : file + " does not exist");
      }
      try (InputStream in = Files.newInputStream(file)) {
        bytes = in.readNBytes((int) MAX_BYTES + 1);
      }
    } catch (IOException e) {
      throw new InvalidBaselineException("cannot read " + file + ": " + e.getMessage(), e);
    }
    if (bytes.length > MAX_BYTES) {
      throw new InvalidBaselineException(file + " is larger than " + MAX_BYTES + " bytes");
    }
    try {
      return parse(bytes);
    } catch (InvalidBaselineException e) {
      throw new InvalidBaselineException(file + ": " + e.getMessage(), e);
    }
  }

  /** Parses the JSON form. */
  public static Baseline parse(byte[] json) throws InvalidBaselineException {
    JsonNode root;
    try {
      root = MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      String where =
          e.getLocation() == null
              ? ""
              : " at line "
                  + e.getLocation().getLineNr()
                  + ", column "
                  + e.getLocation().getColumnNr();
      String what = e.getOriginalMessage().lines().findFirst().orElse("");
      what = what.replaceAll("\\s*\\(start marker at .*$", "");
      throw new InvalidBaselineException("not JSON (" + what + where + ")", e);
    } catch (IOException e) {
      throw new InvalidBaselineException("not JSON (" + e.getMessage() + ")", e);
    }
    if (root == null || !root.isObject()) {
      throw new InvalidBaselineException("not a JSON object");
    }
    if (!KIND.equals(root.path("kind").asText(null))) {
      throw new InvalidBaselineException(
          "not a SentraScan baseline (no \"kind\": \""
              + KIND
              + "\"); write one with 'baseline"
              + " create'");
    }
    String version = text(root, "schemaVersion");
    if (!version.split("\\.")[0].equals(SCHEMA_VERSION.split("\\.")[0])) {
      throw new InvalidBaselineException(
          "schemaVersion " + version + " is not supported (this SentraScan reads 1.x)");
    }
    Instant created;
    try {
      created = Instant.parse(text(root, "createdAt"));
    } catch (DateTimeParseException e) {
      throw new InvalidBaselineException("createdAt is not an ISO-8601 instant", e);
    }
    SortedMap<String, FileEntry> files = new TreeMap<>();
    for (JsonNode n : array(root, "files")) {
      String path = text(n, "path");
      String sha = text(n, "sha256").toLowerCase(Locale.ROOT);
      if (!SHA256.matcher(sha).matches()) {
        throw new InvalidBaselineException("files: " + path + " has no valid sha256");
      }
      if (files.put(path, new FileEntry(sha, text(n, "format"), n.path("size").asLong(-1)))
          != null) {
        throw new InvalidBaselineException("files: " + path + " is listed twice");
      }
    }
    List<LicenseEntry> licenses = new ArrayList<>();
    for (JsonNode n : array(root, "licenses")) {
      licenses.add(
          new LicenseEntry(
              text(n, "license"),
              text(n, "class"),
              text(n, "source"),
              n.path("method").asText("")));
    }
    return new Baseline(
        version,
        root.path("tool").path("version").asText("unknown"),
        created,
        files,
        licenses,
        findings(root, "findings"),
        findings(root, "accepted"));
  }

  private static List<FindingEntry> findings(JsonNode root, String field)
      throws InvalidBaselineException {
    List<FindingEntry> out = new ArrayList<>();
    for (JsonNode n : array(root, field)) {
      String rule = text(n, "ruleId");
      String path = text(n, "path");
      String context = n.path("context").isTextual() ? n.path("context").asText() : null;
      Severity severity = null;
      if (n.path("severity").isTextual()) {
        try {
          severity = Severity.valueOf(n.path("severity").asText().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
          throw new InvalidBaselineException(
              field + ": " + rule + " has an unknown severity " + n.path("severity").asText(), e);
        }
      }
      String title = n.path("title").isTextual() ? n.path("title").asText() : null;
      out.add(new FindingEntry(rule, path, context, severity, title));
    }
    return out;
  }

  private static Iterable<JsonNode> array(JsonNode root, String field)
      throws InvalidBaselineException {
    JsonNode n = root.get(field);
    if (n == null || n.isNull()) {
      return List.of();
    }
    if (!n.isArray()) {
      throw new InvalidBaselineException(field + " is not an array");
    }
    return n;
  }

  private static String text(JsonNode node, String field) throws InvalidBaselineException {
    JsonNode n = node.get(field);
    if (n == null || !n.isTextual() || n.asText().isEmpty()) {
      throw new InvalidBaselineException("\"" + field + "\" is missing or not a string");
    }
    return n.asText();
  }

  private static ObjectMapper mapper() {
    ObjectMapper m = new ObjectMapper();
    m.getFactory()
        .setStreamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(64).build());
    return m;
  }
}
