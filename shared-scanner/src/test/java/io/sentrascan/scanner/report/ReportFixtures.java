package io.sentrascan.scanner.report;

import io.sentrascan.scanner.FileResult;
import io.sentrascan.scanner.Finding;
import io.sentrascan.scanner.Location;
import io.sentrascan.scanner.Policy;
import io.sentrascan.scanner.ScanEngine;
import io.sentrascan.scanner.ScanResult;
import io.sentrascan.scanner.Severity;
import io.sentrascan.scanner.rules.RuleCatalog;
import io.sentrascan.testing.FakeScanner;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/** Scan results built directly, covering what the writers must handle. */
final class ReportFixtures {
  static final Path INPUTS = Path.of("src/test/resources/report-inputs");
  static final String SHA = "a".repeat(64);

  private ReportFixtures() {}

  /**
   * Every severity, a nested entry with an offset, an unknown rule, a null scanner, an error, a
   * skipped file, properties, and evidence with backticks, pipes and markup.
   */
  static ScanResult sample(Policy policy) {
    RuleCatalog catalog = RuleCatalog.defaults();
    Finding malformed =
        catalog
            .rule("CORE-001")
            .finding(
                new Location("models/model.zip", 40, null),
                "Central directory ends early.",
                "PK\\x05\\x06 `x` | y");
    Finding bomb =
        catalog
            .rule("CORE-005")
            .finding(
                Severity.CRITICAL,
                new Location("models/model.zip!/archive/data.pkl", 128, "entry data.pkl"),
                "Entry expands 1000:1.",
                "``double`` <script>alert(1)</script>");
    Finding unknownImport =
        new Finding(
            "TEST-IMPORT",
            Severity.MEDIUM,
            "unknown-import",
            "Import on neither list",
            "Imports [a link](http://evil.example) *and* | pipes.",
            new Location("models/model.zip!/archive/data.pkl", -1, "GLOBAL foo bar"),
            "foo.bar",
            "Check the import.");
    Finding low =
        new Finding(
            "TEST-LOW",
            Severity.LOW,
            "hygiene",
            "Low thing",
            "Something minor.",
            Location.of("models/weights.bin"),
            "",
            "Ignore it.");
    Finding info =
        new Finding(
            "TEST-INFO",
            Severity.INFO,
            "inventory",
            "Just so you know",
            "Informational.",
            new Location("models/weights.bin", 0, null),
            "\u001b[31mred",
            "Nothing.");
    SortedMap<String, SortedSet<String>> props = new TreeMap<>();
    props.put("imports", new TreeSet<>(List.of("collections.OrderedDict", "torch._utils")));
    List<FileResult> files =
        List.of(
            new FileResult(
                "models/model.zip",
                "zip",
                "zip",
                0,
                1234,
                new TreeMap<>(java.util.Map.of("SHA-256", SHA)),
                List.of(malformed),
                List.of(),
                null,
                new TreeMap<>()),
            new FileResult(
                "models/model.zip!/archive/data.pkl",
                "pickle",
                "pickle",
                1,
                99,
                new TreeMap<>(java.util.Map.of("SHA-256", SHA)),
                List.of(unknownImport, bomb),
                List.of("read failed: simulated"),
                null,
                props),
            new FileResult(
                "models/notes | `odd`.txt",
                "unknown",
                null,
                0,
                5,
                new TreeMap<>(),
                List.of(),
                List.of(),
                "no scanner recognises this content",
                new TreeMap<>()),
            new FileResult(
                "models/weights.bin",
                "fake",
                "fake",
                0,
                10,
                new TreeMap<>(java.util.Map.of("SHA-256", SHA)),
                List.of(low, info),
                List.of(),
                null,
                new TreeMap<>()));
    return new ScanResult(
        "00000000-0000-0000-0000-000000000001",
        Instant.parse("2026-11-27T03:00:00Z"),
        42,
        "1.2.3",
        new TreeMap<>(java.util.Map.of("fake", "1.0.0", "zip", "2.0.0")),
        List.of("models"),
        files,
        policy,
        policy.verdict(files));
  }

  static ScanResult sample() {
    return sample(Policy.defaults());
  }

  /** Nothing scanned at all. */
  static ScanResult empty() {
    return new ScanResult(
        "00000000-0000-0000-0000-000000000002",
        Instant.parse("2026-11-27T03:00:00Z"),
        0,
        "1.2.3",
        new TreeMap<>(),
        List.of(),
        List.of(),
        Policy.defaults(),
        Policy.defaults().verdict(List.of()));
  }

  /** A real engine run over the committed inputs with the fake scanner. */
  static ScanResult scanInputs(Policy policy) {
    try {
      return new ScanEngine(List.of(new FakeScanner()), io.sentrascan.scanner.Limits.defaults())
          .scan(List.of(INPUTS), policy, p -> {});
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
