package io.sentrascan.cli;

import io.sentrascan.scanner.sbom.BomContents;
import io.sentrascan.scanner.sbom.BomDiff;
import io.sentrascan.scanner.sbom.InvalidBomException;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code sentrascan sbom diff OLD NEW}: what changed between two BOMs. Exit codes: 0 no
 * differences, 1 differences, 2 a BOM could not be read (never 0: an unreadable BOM is not "no
 * change").
 */
@Command(
    name = "diff",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description =
        "Compares two CycloneDX BOMs (JSON or XML): components added, removed or changed (hashes,"
            + " versions, licenses) and vulnerabilities new, resolved or changed.",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:no differences",
      "1:the BOMs differ",
      "2:a BOM could not be read or is not a CycloneDX BOM"
    },
    sortOptions = false)
final class SbomDiffCommand implements Callable<Integer> {
  /** Output formats of the diff. */
  enum Format {
    TEXT,
    JSON
  }

  @Parameters(index = "0", paramLabel = "OLD", description = "The earlier BOM.")
  private Path before = Path.of("");

  @Parameters(index = "1", paramLabel = "NEW", description = "The later BOM.")
  private Path after = Path.of("");

  @Option(
      names = "--format",
      paramLabel = "FORMAT",
      defaultValue = "text",
      description = "Output format: text or json (default: ${DEFAULT-VALUE}).")
  private Format format = Format.TEXT;

  private final PrintStream out;
  private final PrintStream err;

  SbomDiffCommand(PrintStream out, PrintStream err) {
    this.out = out;
    this.err = err;
  }

  @Override
  public Integer call() throws IOException {
    BomContents old;
    BomContents now;
    try {
      old = BomContents.read(before);
      now = BomContents.read(after);
    } catch (InvalidBomException e) {
      err.println("sentrascan: cannot compare: " + e.getMessage());
      return Main.ERROR;
    }
    BomDiff diff = BomDiff.between(old, now);
    Writer w = new OutputStreamWriter(out, StandardCharsets.UTF_8);
    w.write(format == Format.JSON ? diff.toJson() : diff.toText());
    w.flush();
    return diff.isEmpty() ? Main.PASS : Main.FAIL;
  }
}
