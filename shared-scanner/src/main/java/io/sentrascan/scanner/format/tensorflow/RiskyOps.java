package io.sentrascan.scanner.format.tensorflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sentrascan.scanner.Severity;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** The op table of {@code ops.json}: which graph ops are reported, with which rule and why. */
final class RiskyOps {
  /**
   * One reported op.
   *
   * @param attr the attribute whose string values are evidence, or null
   * @param attrPrefix when not null, the op is reported only when {@code attr} holds a value that
   *     starts with it ("" = any non-empty value)
   */
  record Op(
      String op,
      String rule,
      Severity severity,
      String why,
      @Nullable String attr,
      @Nullable String attrPrefix) {}

  private static final RiskyOps DEFAULT = load();

  private final String version;
  private final Map<String, Op> ops;

  private RiskyOps(String version, Map<String, Op> ops) {
    this.version = version;
    this.ops = Map.copyOf(ops);
  }

  static RiskyOps defaults() {
    return DEFAULT;
  }

  String version() {
    return version;
  }

  @Nullable Op get(String op) {
    return ops.get(op);
  }

  /** Every listed op, for tests that check the table against the rule catalog. */
  java.util.Collection<Op> all() {
    return ops.values();
  }

  private static RiskyOps load() {
    try (InputStream in = RiskyOps.class.getResourceAsStream("ops.json")) {
      if (in == null) {
        throw new IllegalStateException("ops.json missing from the tensorflow package");
      }
      JsonNode root = new ObjectMapper().readTree(in);
      Map<String, Op> ops = new HashMap<>();
      for (JsonNode n : root.path("ops")) {
        Op op =
            new Op(
                n.path("op").asText(),
                n.path("rule").asText(),
                Severity.valueOf(n.path("severity").asText().toUpperCase(Locale.ROOT)),
                n.path("why").asText(),
                n.hasNonNull("attr") ? n.get("attr").asText() : null,
                n.hasNonNull("attrPrefix") ? n.get("attrPrefix").asText() : null);
        if (ops.put(op.op(), op) != null) {
          throw new IllegalStateException("op listed twice in ops.json: " + op.op());
        }
      }
      return new RiskyOps(root.path("version").asText(), ops);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read tensorflow ops.json", e);
    }
  }
}
