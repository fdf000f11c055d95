package io.sentrascan.scanner.sbom;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A license found for the scanned model.
 *
 * @param key the catalog key ({@code Apache-2.0}, {@code Llama-3.1}), or null when the license is
 *     not in the catalog
 * @param spdxId the SPDX id, or null for licenses without one (Llama, Gemma, OpenRAIL) and unknown
 *     ones
 * @param name the license's name, or the card's value for a license not in the catalog
 * @param licenseClass its class; {@link LicenseClass#UNKNOWN} when not in the catalog
 * @param source where it was found, relative to the scanned folder ({@code LICENSE}, {@code
 *     README.md})
 * @param location the display path of that file in the scan result (for findings)
 * @param method how it was found: {@code card front matter}, {@code full text}, {@code notice},
 *     {@code key phrases}, or {@code not recognised}
 * @param cardValue the card's own value ({@code apache-2.0}, {@code llama3}), or null for a text
 */
public record DetectedLicense(
    @Nullable String key,
    @Nullable String spdxId,
    String name,
    LicenseClass licenseClass,
    String source,
    String location,
    String method,
    @Nullable String cardValue) {
  public DetectedLicense {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(licenseClass, "licenseClass");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(location, "location");
    Objects.requireNonNull(method, "method");
  }

  /** The SPDX id if it has one, else its name: what reports and baselines show. */
  public String label() {
    return spdxId != null ? spdxId : name;
  }

  /** True when the card said so, false for a license matched in a LICENSE text. */
  public boolean fromCard() {
    return cardValue != null;
  }
}
