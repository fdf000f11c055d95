package io.sentrascan.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Golden JSON reports under {@code src/test/resources/golden/<name>.expected.json}, compared after
 * {@link #normalise}. Run the tests with {@code -Dsentrascan.updateGolden=true} to rewrite the
 * goldens from the current output, then review the diff before committing it.
 */
public final class GoldenFiles {
  public static final Path DIR = Path.of("src/test/resources/golden");
  private static final ObjectMapper JSON = new ObjectMapper();

  private GoldenFiles() {}

  /** Compares a JSON or SARIF report with its golden, or rewrites the golden when asked. */
  public static void assertMatchesGolden(String name, String reportJson) {
    String actual = pretty(normalise(reportJson));
    Path golden = DIR.resolve(name + ".expected.json");
    try {
      if (Boolean.getBoolean("sentrascan.updateGolden")) {
        Files.createDirectories(DIR);
        Files.writeString(golden, actual, StandardCharsets.UTF_8);
        return;
      }
      if (!Files.isRegularFile(golden)) {
        fail(
            "golden "
                + golden.toAbsolutePath()
                + " is missing; create it with mvn -pl shared-scanner verify"
                + " -Dsentrascan.updateGolden=true and review it");
      }
      String expected = Files.readString(golden, StandardCharsets.UTF_8);
      assertThat(actual)
          .as(
              "report differs from "
                  + golden
                  + "; if the change is intended, rerun with -Dsentrascan.updateGolden=true")
          .isEqualTo(expected);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The report without what differs between two runs of the same scan: scan id, start and end
   * times, duration, and the tool version (so that a release does not rewrite every golden).
   * Understands both the JSON report and SARIF.
   */
  public static JsonNode normalise(String reportJson) {
    JsonNode root;
    try {
      root = JSON.readTree(reportJson);
    } catch (IOException e) {
      throw new UncheckedIOException("report is not JSON", e);
    }
    if (root.has("schemaVersion")) {
      ObjectNode o = (ObjectNode) root;
      o.put("scanId", "<scan-id>");
      o.put("startedAt", "<started-at>");
      o.put("durationMillis", 0);
      ((ObjectNode) o.path("tool")).put("version", "<tool-version>");
      // Registering a new format must not rewrite every golden of the formats that exist.
      ((ObjectNode) o.path("tool")).put("scanners", "<scanners>");
    }
    for (JsonNode run : root.path("runs")) {
      ((ObjectNode) run.path("tool").path("driver")).put("version", "<tool-version>");
      if (run.path("properties").has("scanners")) {
        ((ObjectNode) run.path("properties")).put("scanners", "<scanners>");
      }
      for (JsonNode invocation : run.path("invocations")) {
        ((ObjectNode) invocation).put("startTimeUtc", "<start-time>");
        ((ObjectNode) invocation).put("endTimeUtc", "<end-time>");
      }
    }
    return root;
  }

  /** Two-space indent and {@code \n} line ends on every platform. */
  public static String pretty(JsonNode node) {
    DefaultPrettyPrinter printer =
        new DefaultPrettyPrinter()
            .withSeparators(
                Separators.createDefaultInstance()
                    .withObjectFieldValueSpacing(Separators.Spacing.AFTER)
                    .withObjectEmptySeparator("")
                    .withArrayEmptySeparator(""))
            .withObjectIndenter(new DefaultIndenter("  ", "\n"))
            .withArrayIndenter(new DefaultIndenter("  ", "\n"));
    try {
      return JSON.writer(printer).writeValueAsString(node) + "\n";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
