package io.sentrascan.cli;

import io.sentrascan.scanner.Policy;
import io.sentrascan.scanner.Severity;
import io.sentrascan.scanner.sbom.LicenseClass;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import picocli.CommandLine.Option;

/** The license policy options of {@code scan}, as a picocli mixin. */
final class LicenseOptions {
  @Option(
      names = "--fail-on-license",
      paramLabel = "CLASS",
      split = ",",
      description =
          "Fail the scan when a license of this class is found: permissive, weak-copyleft,"
              + " copyleft, non-commercial, restricted-use or unknown (comma-separated or"
              + " repeated).")
  private List<String> classes = new ArrayList<>();

  @Option(
      names = "--license-severity",
      paramLabel = "SEVERITY",
      defaultValue = "high",
      converter = ScanCommand.FailOnConverter.class,
      description =
          "Severity of the finding for a license that --fail-on-license forbids: critical, high,"
              + " medium or low (default: ${DEFAULT-VALUE}); it fails the scan whatever this is.")
  private Severity severity = Severity.HIGH;

  /** The policy with the license classes; IllegalArgumentException names an unknown class. */
  Policy apply(Policy policy) {
    if (classes.isEmpty()) {
      return policy;
    }
    Set<String> ids = new TreeSet<>();
    for (String value : classes) {
      if (value.isBlank()) {
        continue;
      }
      LicenseClass c = LicenseClass.parse(value);
      if (c == null) {
        throw new IllegalArgumentException(
            "--fail-on-license: unknown license class '"
                + value
                + "'; expected one of "
                + String.join(
                    ", ", Arrays.stream(LicenseClass.values()).map(LicenseClass::id).toList()));
      }
      ids.add(c.id());
    }
    return policy.withFailOnLicense(ids, severity);
  }
}
