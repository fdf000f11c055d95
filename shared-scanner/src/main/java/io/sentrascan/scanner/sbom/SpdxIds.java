package io.sentrascan.scanner.sbom;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.Collections;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * SPDX license ids in their canonical spelling. Model cards write them in lower case ({@code
 * apache-2.0}); CycloneDX accepts only the exact SPDX id as a license {@code id}, so a card's value
 * is looked up case-insensitively in the SPDX list that cyclonedx-core-java bundles for its own
 * schema. A value not on the list becomes a license {@code name}.
 */
final class SpdxIds {
  /** The SPDX id enumeration inside the cyclonedx-core-java jar. */
  static final String RESOURCE = "/spdx.schema.json";

  private static final Map<String, String> IDS = load();

  private SpdxIds() {}

  /** The canonical id of {@code value}, or null when it is not an SPDX id. */
  static @Nullable String canonical(String value) {
    return IDS.get(value.strip().toLowerCase(Locale.ROOT));
  }

  private static Map<String, String> load() {
    Map<String, String> ids = new HashMap<>();
    try (InputStream in = SpdxIds.class.getResourceAsStream(RESOURCE)) {
      if (in != null) {
        for (JsonNode id : new ObjectMapper().readTree(in).path("enum")) {
          ids.put(id.asText().toLowerCase(Locale.ROOT), id.asText());
        }
      }
    } catch (IOException e) {
      // Without the list every license is written as a name: still valid, only less precise.
    }
    return Collections.unmodifiableMap(ids);
  }
}
