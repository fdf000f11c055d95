package io.sentrascan.scanner.format.hfconfig;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** The architectures transformers ships and the hosts a config may name, from a resource. */
final class KnownArchitectures {
  private static final KnownArchitectures DEFAULT = load();

  private final Set<String> families;
  private final Set<String> lowerFamilies;
  private final List<String> suffixes;
  private final List<String> trustedHosts;
  private final String version;

  private KnownArchitectures(
      Set<String> families, List<String> suffixes, List<String> trustedHosts, String version) {
    this.families = families;
    this.suffixes = suffixes;
    this.trustedHosts = trustedHosts;
    this.version = version;
    Set<String> lower = new HashSet<>();
    families.forEach(f -> lower.add(f.toLowerCase(Locale.ROOT).replace("_", "")));
    this.lowerFamilies = lower;
  }

  static KnownArchitectures defaults() {
    return DEFAULT;
  }

  String version() {
    return version;
  }

  /** Whether transformers has code for this architecture class name. */
  boolean isKnownArchitecture(String architecture) {
    for (String suffix : suffixes) {
      if (architecture.endsWith(suffix)
          && families.contains(
              architecture.substring(0, architecture.length() - suffix.length()))) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether a {@code model_type} looks like a family transformers ships (llama, qwen2, gpt2...).
   */
  boolean isKnownModelType(String modelType) {
    return lowerFamilies.contains(
        modelType.toLowerCase(Locale.ROOT).replace("_", "").replace("-", ""));
  }

  /** Whether the host is one of the trusted hosts or a subdomain of one. */
  boolean isTrustedHost(String host) {
    String h = host.toLowerCase(Locale.ROOT);
    for (String trusted : trustedHosts) {
      if (h.equals(trusted) || h.endsWith("." + trusted)) {
        return true;
      }
    }
    return false;
  }

  private static KnownArchitectures load() {
    try (InputStream in =
        KnownArchitectures.class.getResourceAsStream("known-architectures.json")) {
      if (in == null) {
        throw new IllegalStateException("known-architectures.json missing");
      }
      JsonNode root = new ObjectMapper().readTree(in);
      Set<String> families = new HashSet<>();
      root.path("families").forEach(n -> families.add(n.asText()));
      List<String> suffixes = new java.util.ArrayList<>();
      root.path("suffixes").forEach(n -> suffixes.add(n.asText()));
      List<String> hosts = new java.util.ArrayList<>();
      root.path("trustedHosts").forEach(n -> hosts.add(n.asText()));
      return new KnownArchitectures(
          Set.copyOf(families),
          List.copyOf(suffixes),
          List.copyOf(hosts),
          root.path("version").asText());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
