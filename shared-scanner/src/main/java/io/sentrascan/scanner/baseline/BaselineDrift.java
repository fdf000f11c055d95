package io.sentrascan.scanner.baseline;

import io.sentrascan.scanner.FileResult;
import io.sentrascan.scanner.Finding;
import io.sentrascan.scanner.Location;
import io.sentrascan.scanner.Policy;
import io.sentrascan.scanner.Rule;
import io.sentrascan.scanner.ScanResult;
import io.sentrascan.scanner.rules.RuleCatalog;
import io.sentrascan.scanner.sbom.DetectedLicense;
import io.sentrascan.scanner.sbom.ModelLicenses;
import io.sentrascan.scanner.sbom.PathNames;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Compares a scan with a {@link Baseline} and reports the drift as findings of its own:
 *
 * <ul>
 *   <li>{@code DRIFT-FILE-ADDED} (LOW), {@code DRIFT-FILE-REMOVED} (LOW), {@code
 *       DRIFT-FILE-MODIFIED} (MEDIUM: another SHA-256), {@code DRIFT-FORMAT-CHANGED} (MEDIUM);
 *   <li>{@code DRIFT-LICENSE-CHANGED} (MEDIUM): the licenses of a file or the card differ;
 *   <li>{@code DRIFT-FINDING-NEW} (the new finding's own severity): a finding that the baseline
 *       neither recorded nor accepted. License findings are left to {@code DRIFT-LICENSE-CHANGED}.
 * </ul>
 *
 * <p>Findings the baseline accepted stay in the result, and the policy is given their keys ({@link
 * Policy#withAccepted}) so that they never fail the scan. Run it after {@link
 * io.sentrascan.scanner.sbom.LicenseReview}, as {@code baseline create} does, so that both see the
 * same findings.
 */
public final class BaselineDrift {
  private BaselineDrift() {}

  /** The result judged against {@code baseline}: drift findings added, accepted ones suppressed. */
  public static ScanResult apply(ScanResult result, Baseline baseline) {
    PathNames names = new PathNames(result.targets());
    RuleCatalog rules = RuleCatalog.defaults();
    Map<String, List<Finding>> added = new LinkedHashMap<>();
    String fallback = fallback(result);

    // Accepted findings: the policy gets their keys in this scan's display paths.
    Set<String> acceptedKeys = new HashSet<>();
    for (Baseline.FindingEntry e : baseline.accepted()) {
      acceptedKeys.add(e.key());
    }
    Set<String> knownKeys = new HashSet<>(acceptedKeys);
    for (Baseline.FindingEntry e : baseline.findings()) {
      knownKeys.add(e.key());
    }
    Set<String> policyKeys = new HashSet<>();
    for (Finding f : result.findings()) {
      String key = key(f, names);
      if (acceptedKeys.contains(key)) {
        policyKeys.add(Policy.acceptanceKey(f));
      } else if (!knownKeys.contains(key) && !skipAsNew(f)) {
        add(
            added,
            f.location().path(),
            rules
                .rule("DRIFT-FINDING-NEW")
                .finding(
                    f.severity(),
                    f.location(),
                    "New since the baseline of "
                        + baseline.createdAt()
                        + ": "
                        + f.ruleId()
                        + " "
                        + f.title()
                        + ".",
                    f.ruleId() + "@" + names.of(f.location())));
      }
    }

    // Files.
    Map<String, FileResult> current = new TreeMap<>();
    for (FileResult f : result.files()) {
      current.put(names.of(f.path()), f);
    }
    current.forEach(
        (name, f) -> {
          Baseline.FileEntry was = baseline.files().get(name);
          if (was == null) {
            add(
                added,
                f.path(),
                rules
                    .rule("DRIFT-FILE-ADDED")
                    .finding(
                        Location.of(f.path()),
                        name
                            + " ("
                            + f.format()
                            + ", "
                            + f.size()
                            + " bytes) is not in the baseline.",
                        "sha256 " + f.sha256()));
            return;
          }
          String sha = f.sha256();
          if (sha != null && !sha.equals(was.sha256())) {
            add(
                added,
                f.path(),
                rules
                    .rule("DRIFT-FILE-MODIFIED")
                    .finding(
                        Location.of(f.path()),
                        name
                            + " changed since the baseline ("
                            + was.size()
                            + " -> "
                            + f.size()
                            + " bytes).",
                        "sha256 " + was.sha256() + " -> " + sha));
          }
          if (!was.format().equals(f.format())) {
            add(
                added,
                f.path(),
                rules
                    .rule("DRIFT-FORMAT-CHANGED")
                    .finding(
                        Location.of(f.path()),
                        name
                            + " was "
                            + was.format()
                            + " in the baseline and is "
                            + f.format()
                            + ".",
                        was.format() + " -> " + f.format()));
          }
        });
    for (Map.Entry<String, Baseline.FileEntry> e : baseline.files().entrySet()) {
      if (!current.containsKey(e.getKey())) {
        String where = displayPath(result, e.getKey());
        add(
            added,
            where,
            rules
                .rule("DRIFT-FILE-REMOVED")
                .finding(
                    Location.of(where),
                    e.getKey() + " (" + e.getValue().format() + ") is in the baseline but gone.",
                    "sha256 " + e.getValue().sha256()));
      }
    }

    // Licenses, compared per place they were found (LICENSE, README.md).
    SortedMap<String, SortedSet<String>> before = new TreeMap<>();
    for (Baseline.LicenseEntry l : baseline.licenses()) {
      before.computeIfAbsent(l.source(), k -> new TreeSet<>()).add(label(l));
    }
    SortedMap<String, SortedSet<String>> now = new TreeMap<>();
    Map<String, String> locationOf = new HashMap<>();
    for (DetectedLicense l : ModelLicenses.detect(result)) {
      now.computeIfAbsent(l.source(), k -> new TreeSet<>()).add(label(Baseline.entry(l)));
      locationOf.putIfAbsent(l.source(), l.location());
    }
    Set<String> sources = new TreeSet<>(before.keySet());
    sources.addAll(now.keySet());
    Rule licenseChanged = rules.rule("DRIFT-LICENSE-CHANGED");
    for (String source : sources) {
      SortedSet<String> was = before.getOrDefault(source, new TreeSet<>());
      SortedSet<String> is = now.getOrDefault(source, new TreeSet<>());
      if (!was.equals(is)) {
        String where = locationOf.getOrDefault(source, displayPath(result, source));
        add(
            added,
            where,
            licenseChanged.finding(
                Location.of(where),
                "The licenses of "
                    + source
                    + " changed since the baseline: "
                    + (was.isEmpty() ? "none" : String.join(", ", was))
                    + " -> "
                    + (is.isEmpty() ? "none" : String.join(", ", is))
                    + ".",
                String.join(", ", was) + " -> " + String.join(", ", is)));
      }
    }

    Policy policy = result.policy();
    Set<String> keys = new HashSet<>(policy.accepted());
    keys.addAll(policyKeys);
    ScanResult judged = result.withPolicy(policy.withAccepted(keys));
    if (judged.files().isEmpty() && !added.isEmpty()) {
      // Everything was removed: the drift needs a file to hang on, or it would vanish into a PASS.
      judged = withPlaceholder(judged);
      fallback = judged.files().get(0).path();
    }
    return judged.withFindings(added, fallback);
  }

  /** The result with one empty entry for its first target, to carry findings about it. */
  private static ScanResult withPlaceholder(ScanResult result) {
    String target = result.targets().isEmpty() ? "." : result.targets().get(0);
    FileResult placeholder =
        new FileResult(
            target,
            "folder",
            null,
            0,
            0,
            new TreeMap<>(),
            List.of(),
            List.of(),
            "no files left to scan",
            new TreeMap<>());
    return new ScanResult(
        result.scanId(),
        result.startedAt(),
        result.durationMillis(),
        result.toolVersion(),
        result.scanners(),
        result.targets(),
        List.of(placeholder),
        result.policy(),
        result.verdict());
  }

  private static String label(Baseline.LicenseEntry l) {
    return l.license() + " (" + l.licenseClass() + ")";
  }

  /** License findings have their own drift rule; drift findings are never "new" themselves. */
  private static boolean skipAsNew(Finding f) {
    return f.category().equals("license")
        || f.category().equals(Policy.LICENSE_POLICY_CATEGORY)
        || f.category().equals("drift");
  }

  static String key(Finding f, PathNames names) {
    return new Baseline.FindingEntry(
            f.ruleId(), names.of(f.location().path()), f.location().context(), null, null)
        .key();
  }

  /** Where a relative name would be in this scan: under the one folder scanned, else as is. */
  private static String displayPath(ScanResult result, String relative) {
    if (result.targets().size() == 1) {
      String target = result.targets().get(0);
      try {
        if (Files.isDirectory(Path.of(target), LinkOption.NOFOLLOW_LINKS)) {
          return target.endsWith("/") ? target + relative : target + "/" + relative;
        }
      } catch (InvalidPathException e) {
        return relative;
      }
    }
    return relative;
  }

  private static String fallback(ScanResult result) {
    for (FileResult f : result.files()) {
      if (f.depth() == 0) {
        return f.path();
      }
    }
    return result.files().isEmpty() ? "" : result.files().get(0).path();
  }

  private static void add(Map<String, List<Finding>> added, String path, Finding f) {
    added.computeIfAbsent(Objects.requireNonNull(path), k -> new ArrayList<>()).add(f);
  }
}
