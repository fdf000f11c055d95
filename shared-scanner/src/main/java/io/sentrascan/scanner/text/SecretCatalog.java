package io.sentrascan.scanner.text;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sentrascan.scanner.Severity;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** The secret patterns of {@code secrets.json}, loaded once, in priority order. */
final class SecretCatalog {
  private static final SecretCatalog DEFAULT = load("secrets.json");

  private final String version;
  private final List<SecretPattern> patterns;

  private SecretCatalog(String version, List<SecretPattern> patterns) {
    this.version = version;
    this.patterns = List.copyOf(patterns);
  }

  static SecretCatalog defaults() {
    return DEFAULT;
  }

  String version() {
    return version;
  }

  List<SecretPattern> patterns() {
    return patterns;
  }

  private static SecretCatalog load(String resource) {
    try (InputStream in = SecretCatalog.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("secret pattern resource missing: " + resource);
      }
      JsonNode root = new ObjectMapper().readTree(in);
      List<SecretPattern> out = new ArrayList<>();
      for (JsonNode node : root.path("patterns")) {
        List<String> keywords = new ArrayList<>();
        node.path("keywords").forEach(k -> keywords.add(k.asText()));
        out.add(
            new SecretPattern(
                node.path("id").asText(),
                node.path("rule").asText(),
                Pattern.compile(node.path("regex").asText()),
                node.path("group").asInt(1),
                node.path("description").asText(),
                node.path("entropy").asDouble(0),
                List.copyOf(keywords),
                node.hasNonNull("validator") ? node.get("validator").asText() : null,
                node.hasNonNull("severity")
                    ? Severity.valueOf(node.get("severity").asText())
                    : null));
      }
      return new SecretCatalog(root.path("version").asText(), out);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read secret patterns " + resource, e);
    }
  }
}
