package io.sentrascan.scanner.sbom;

import java.nio.file.Path;
import java.util.Locale;

/** How a BOM is serialised: CycloneDX JSON (the default) or XML. */
public enum BomFormat {
  JSON,
  XML;

  /** XML for a file name ending {@code .xml} (any case), else JSON. */
  public static BomFormat forFile(Path file) {
    Path name = file.getFileName();
    return name != null && name.toString().toLowerCase(Locale.ROOT).endsWith(".xml") ? XML : JSON;
  }
}
