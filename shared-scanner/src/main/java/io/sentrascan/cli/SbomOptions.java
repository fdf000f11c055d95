package io.sentrascan.cli;

import io.sentrascan.scanner.ScanEngine;
import io.sentrascan.scanner.ScanResult;
import io.sentrascan.scanner.sbom.BomFormat;
import io.sentrascan.scanner.sbom.MlBomBuilder;
import io.sentrascan.scanner.sbom.MlBomWriter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;

/**
 * The ML-BOM options of {@code scan}, as a picocli mixin so that the scan command only asks it what
 * to hash and hands it the result.
 */
final class SbomOptions {
  @Option(
      names = "--sbom",
      paramLabel = "FILE",
      description =
          "Also write a CycloneDX 1.6 ML-BOM to FILE: JSON, or XML when FILE ends with .xml.")
  private @Nullable Path file;

  @Option(
      names = "--sbom-name",
      paramLabel = "NAME",
      description = "The model's name in the ML-BOM (default: config.json, else folder name).")
  private @Nullable String name;

  @Option(
      names = "--sbom-version",
      paramLabel = "VERSION",
      description = "The model's version in the ML-BOM (default: none, or the model card's).")
  private @Nullable String version;

  boolean requested() {
    return file != null;
  }

  /** A usage problem with these options, or null; {@code report} is the --output file. */
  @Nullable String usageProblem(@Nullable Path report) {
    if (file == null && (name != null || version != null)) {
      return (name != null ? "--sbom-name" : "--sbom-version") + " needs --sbom FILE";
    }
    if (file != null
        && report != null
        && file.toAbsolutePath().normalize().equals(report.toAbsolutePath().normalize())) {
      return "--sbom and --output name the same file, " + file;
    }
    return null;
  }

  /** Why the BOM cannot be written, checked before a possibly long scan; or null. */
  @Nullable String outputProblem() {
    String problem = file == null ? null : ScanCommand.outputProblem(file);
    return problem == null ? null : "cannot write the ML-BOM to " + file + ": " + problem;
  }

  /** The engine, computing every digest the BOM lists in the same pass when a BOM is wanted. */
  ScanEngine configure(ScanEngine engine) {
    return file == null ? engine : engine.withDigests(MlBomBuilder.DIGESTS);
  }

  /** Writes the BOM; returns the line to show the user. */
  String write(ScanResult result) throws IOException {
    Path target = Objects.requireNonNull(file, "--sbom");
    MlBomWriter.write(new MlBomBuilder().withName(name).withVersion(version).build(result), target);
    return "ML-BOM (CycloneDX 1.6 "
        + BomFormat.forFile(target).name().toLowerCase(Locale.ROOT)
        + ") in "
        + target;
  }
}
