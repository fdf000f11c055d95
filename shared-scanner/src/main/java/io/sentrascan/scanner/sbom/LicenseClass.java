package io.sentrascan.scanner.sbom;

import java.util.Locale;
import org.jspecify.annotations.Nullable;

/** What a license allows, coarsely: the classes a policy can fail a scan on. */
public enum LicenseClass {
  /** Use, change and redistribute with attribution (MIT, Apache-2.0, BSD, CC-BY, CC0). */
  PERMISSIVE("permissive"),
  /** Changes to the licensed files themselves must be shared (MPL-2.0, LGPL). */
  WEAK_COPYLEFT("weak-copyleft"),
  /** Derived works must be shared under the same license (GPL, AGPL, CC-BY-SA). */
  COPYLEFT("copyleft"),
  /** No commercial use (CC-BY-NC, CC-BY-NC-SA). */
  NON_COMMERCIAL("non-commercial"),
  /** Use restrictions or an acceptable-use policy (OpenRAIL, Llama, Gemma, CC-BY-ND). */
  RESTRICTED_USE("restricted-use"),
  /** A license SentraScan does not know, text it could not match, or none at all. */
  UNKNOWN("unknown");

  private final String id;

  LicenseClass(String id) {
    this.id = id;
  }

  /** The name used in rule data, policies, BOM properties and baselines: {@code weak-copyleft}. */
  public String id() {
    return id;
  }

  /** The class named {@code value} ({@code weak-copyleft}, any case, {@code _} for {@code -}). */
  public static @Nullable LicenseClass parse(String value) {
    String v = value.strip().toLowerCase(Locale.ROOT).replace('_', '-');
    for (LicenseClass c : values()) {
      if (c.id.equals(v) || c.id.replace("-", "").equals(v)) {
        return c;
      }
    }
    return null;
  }
}
