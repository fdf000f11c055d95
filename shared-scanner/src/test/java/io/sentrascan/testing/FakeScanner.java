package io.sentrascan.testing;

import io.sentrascan.scanner.Finding;
import io.sentrascan.scanner.Probe;
import io.sentrascan.scanner.ScanContext;
import io.sentrascan.scanner.Scanner;
import io.sentrascan.scanner.Severity;
import io.sentrascan.scanner.Source;
import io.sentrascan.scanner.Sources;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * A test-only scanner driven by the file's own text, so that tests can produce any mix of findings,
 * errors and nesting without a real format. It accepts files starting with {@code FAKE}; each
 * further line is one instruction:
 *
 * <ul>
 *   <li>{@code rule ID OFFSET EVIDENCE...}: a finding of a catalog rule;
 *   <li>{@code finding ID SEVERITY CATEGORY OFFSET EVIDENCE...}: a finding of a rule not in the
 *       catalog;
 *   <li>{@code import NAME}: an {@code unknown-import} finding at MEDIUM (fails only under
 *       --strict);
 *   <li>{@code error MESSAGE...}: a scan error;
 *   <li>{@code property KEY VALUE}, {@code format NAME};
 *   <li>{@code nested NAME LINE;LINE;...}: a nested entry whose lines are separated by {@code ;}.
 * </ul>
 */
public final class FakeScanner implements Scanner {
  @Override
  public String name() {
    return "fake";
  }

  @Override
  public String version() {
    return "1.0.0";
  }

  @Override
  public boolean supports(Probe probe) {
    return probe.startsWith("FAKE");
  }

  @Override
  public void scan(Source source, ScanContext ctx) throws IOException {
    String text = new String(source.readFully(0, (int) source.size()), StandardCharsets.UTF_8);
    for (String line : text.split("\n")) {
      String[] w = line.split(" ", -1);
      switch (w[0]) {
        case "rule" ->
            ctx.report(
                w[1],
                ctx.at(Long.parseLong(w[2])),
                "The fake scanner reports " + w[1] + ".",
                rest(w, 3));
        case "finding" ->
            ctx.report(
                new Finding(
                    w[1],
                    Severity.valueOf(w[2]),
                    w[3],
                    "Fake finding " + w[1],
                    "The fake scanner reports a " + w[2] + " " + w[3] + " finding.",
                    ctx.at(Long.parseLong(w[4])),
                    rest(w, 5),
                    "Nothing to do: this is a test."));
        case "import" ->
            ctx.report(
                new Finding(
                    "TEST-IMPORT",
                    Severity.MEDIUM,
                    "unknown-import",
                    "Import on neither the allow- nor the deny-list",
                    "The file imports " + w[1] + ".",
                    ctx.at(-1, "GLOBAL " + w[1]),
                    w[1],
                    "Check what the import does before loading the file."));
        case "error" -> ctx.error(rest(w, 1));
        case "property" -> ctx.addProperty(w[1], w[2]);
        case "format" -> ctx.setFormat(w[1]);
        case "nested" ->
            ctx.scanNested(
                w[1],
                Sources.bytes(
                    rest(w, 2).replace(';', '\n').getBytes(StandardCharsets.UTF_8),
                    ctx.path() + "!/" + w[1]));
        default -> {
          // FAKE header and blank lines
        }
      }
    }
  }

  private static String rest(String[] words, int from) {
    return from >= words.length
        ? ""
        : String.join(" ", java.util.Arrays.copyOfRange(words, from, words.length));
  }
}
