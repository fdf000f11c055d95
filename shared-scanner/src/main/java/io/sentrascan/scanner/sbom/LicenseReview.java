package io.sentrascan.scanner.sbom;

import io.sentrascan.scanner.FileResult;
import io.sentrascan.scanner.Finding;
import io.sentrascan.scanner.Location;
import io.sentrascan.scanner.Policy;
import io.sentrascan.scanner.Rule;
import io.sentrascan.scanner.ScanResult;
import io.sentrascan.scanner.rules.RuleCatalog;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;
import java.util.TreeSet;

/**
 * Adds the license findings to a scan result, after the scan:
 *
 * <ul>
 *   <li>{@code LIC-001} (INFO): the licenses found, each with its class and how it was found;
 *   <li>{@code LIC-002} (LOW): a card license not in the catalog, or a LICENSE text that matches no
 *       known license;
 *   <li>{@code LIC-003} (LOW): no license at all in a scanned folder (a file scanned on its own is
 *       not expected to carry one);
 *   <li>{@code LIC-005} (LOW): the card and the LICENSE texts name no license in common;
 *   <li>{@code LIC-004}: a license whose class the policy forbids ({@link Policy#failOnLicense}),
 *       at the policy's {@link Policy#licenseSeverity}; it fails the scan whatever that is.
 * </ul>
 *
 * <p>The verdict is computed again with the result's policy. Findings go to the file the license
 * was found in (the LICENSE file, the card), else to the first top-level file.
 */
public final class LicenseReview {
  private LicenseReview() {}

  /** The result with the license findings added and the verdict recomputed. */
  public static ScanResult apply(ScanResult result) {
    return apply(result, ModelLicenses.detect(result));
  }

  static ScanResult apply(ScanResult result, List<DetectedLicense> licenses) {
    if (result.files().isEmpty()) {
      return result;
    }
    RuleCatalog rules = RuleCatalog.defaults();
    Policy policy = result.policy();
    Map<String, List<Finding>> added = new LinkedHashMap<>();
    String fallback = firstTopLevel(result);
    if (licenses.isEmpty()) {
      if (result.targets().stream().noneMatch(MlBomBuilder::isFolder)) {
        return result; // a file scanned on its own is not expected to carry a license
      }
      add(
          added,
          fallback,
          rules
              .rule("LIC-003")
              .finding(
                  Location.of(fallback),
                  "No LICENSE, LICENCE or COPYING file and no license: in a model card front"
                      + " matter.",
                  ""));
    } else {
      StringJoiner summary = new StringJoiner("; ");
      for (DetectedLicense l : licenses) {
        summary.add(describe(l));
      }
      DetectedLicense first = licenses.get(0);
      add(
          added,
          first.location(),
          rules
              .rule("LIC-001")
              .finding(
                  Location.of(first.location()),
                  "Licenses found: " + summary + ".",
                  String.join(", ", labels(licenses))));
    }
    for (DetectedLicense l : licenses) {
      if (l.key() == null) {
        String what =
            l.fromCard()
                ? "The model card's license '"
                    + l.cardValue()
                    + "' is not a license SentraScan"
                    + " knows, so its class is unknown."
                : ModelLicenses.NOT_RECOGNISED.equals(l.method())
                    ? l.source() + " matches no license SentraScan knows."
                    : l.source() + " could not be checked (" + l.method() + ").";
        add(
            added,
            l.location(),
            rules
                .rule("LIC-002")
                .finding(Location.of(l.location()), what, l.fromCard() ? l.cardValue() : ""));
      }
      if (policy.failOnLicense().contains(l.licenseClass().id())) {
        Rule rule = rules.rule("LIC-004");
        add(
            added,
            l.location(),
            rule.finding(
                policy.licenseSeverity(),
                Location.of(l.location()),
                l.label()
                    + " is "
                    + l.licenseClass().id()
                    + " (from "
                    + l.source()
                    + ", "
                    + l.method()
                    + "); the policy fails on "
                    + String.join(", ", policy.failOnLicense())
                    + ".",
                l.label()));
      }
    }
    disagreement(licenses, rules, added);
    return result.withFindings(added, fallback);
  }

  private static String describe(DetectedLicense l) {
    return l.label()
        + " ("
        + l.licenseClass().id()
        + ", "
        + l.source()
        + ": "
        + l.method()
        + (l.fromCard() && !l.label().equals(l.cardValue()) ? " '" + l.cardValue() + "'" : "")
        + ")";
  }

  private static List<String> labels(List<DetectedLicense> licenses) {
    List<String> out = new ArrayList<>();
    for (DetectedLicense l : licenses) {
      if (!out.contains(l.label())) {
        out.add(l.label());
      }
    }
    return out;
  }

  private static void add(Map<String, List<Finding>> added, String path, Finding f) {
    added.computeIfAbsent(path, k -> new ArrayList<>()).add(f);
  }

  private static String firstTopLevel(ScanResult result) {
    for (FileResult f : result.files()) {
      if (f.depth() == 0) {
        return f.path();
      }
    }
    return result.files().get(0).path();
  }

  /** LIC-005 when the card's known licenses and the recognised LICENSE texts share none. */
  private static void disagreement(
      List<DetectedLicense> licenses, RuleCatalog rules, Map<String, List<Finding>> added) {
    Set<String> card = new TreeSet<>();
    Map<String, DetectedLicense> texts = new LinkedHashMap<>();
    for (DetectedLicense l : licenses) {
      if (l.key() == null) {
        continue;
      }
      if (l.fromCard()) {
        card.add(l.key());
      } else {
        texts.putIfAbsent(l.key(), l);
      }
    }
    if (card.isEmpty() || texts.isEmpty() || texts.keySet().stream().anyMatch(card::contains)) {
      return;
    }
    DetectedLicense first = texts.values().iterator().next();
    List<String> textLabels = new ArrayList<>();
    texts.values().forEach(l -> textLabels.add(l.label() + " (" + l.source() + ")"));
    List<String> cardLabels = new ArrayList<>();
    for (DetectedLicense l : licenses) {
      if (l.fromCard() && l.key() != null) {
        cardLabels.add(l.label());
      }
    }
    add(
        added,
        first.location(),
        rules
            .rule("LIC-005")
            .finding(
                Location.of(first.location()),
                "The model card says "
                    + String.join(", ", cardLabels)
                    + "; the license text says "
                    + String.join(", ", textLabels)
                    + ".",
                String.join(", ", cardLabels) + " vs " + String.join(", ", textLabels)));
  }
}
