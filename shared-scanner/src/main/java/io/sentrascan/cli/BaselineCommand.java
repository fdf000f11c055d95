package io.sentrascan.cli;

import io.sentrascan.scanner.Limits;
import io.sentrascan.scanner.Policy;
import io.sentrascan.scanner.ScanEngine;
import io.sentrascan.scanner.ScanResult;
import io.sentrascan.scanner.baseline.Baseline;
import io.sentrascan.scanner.sbom.LicenseReview;
import io.sentrascan.scanner.sbom.ProvenanceReview;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code sentrascan baseline ...}: record what a model looks like; without a subcommand, usage. */
@Command(
    name = "baseline",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "Records a model's files, licenses and accepted findings, for 'scan --baseline'.",
    subcommands = {BaselineCommand.Create.class})
final class BaselineCommand implements Callable<Integer> {
  @CommandLine.Spec private CommandLine.Model.CommandSpec spec;

  private final Main.Environment env;
  private final PrintStream err;

  BaselineCommand(Main.Environment env, PrintStream err) {
    this.env = env;
    this.err = err;
  }

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return Main.ERROR;
  }

  /**
   * {@code baseline create PATH -o FILE}: scans PATH (with default limits) and writes its baseline.
   * Exit codes: 0 written, 2 the scan or the write failed.
   */
  @Command(
      name = "create",
      mixinStandardHelpOptions = true,
      versionProvider = Main.Version.class,
      description =
          "Scans PATH and writes its baseline: every file's SHA-256, format and size, the"
              + " licenses, the findings, and which findings are accepted.",
      exitCodeListHeading = "%nExit codes:%n",
      exitCodeList = {"0:the baseline was written", "2:the scan or the write failed"},
      sortOptions = false)
  static final class Create implements Callable<Integer> {
    @Parameters(arity = "1..*", paramLabel = "PATH", description = "Files or folders to record.")
    private List<Path> paths = new ArrayList<>();

    @Option(
        names = {"-o", "--output"},
        paramLabel = "FILE",
        required = true,
        description = "Where to write the baseline (JSON).")
    private Path output = Path.of("baseline.json");

    @Option(
        names = "--accept-all",
        description = "Accept every current finding: they stay in reports but no longer fail.")
    private boolean acceptAll;

    @Option(
        names = "--accept",
        paramLabel = "RULE[@PATH]",
        description =
            "Accept the findings of a rule, everywhere or at one relative path (repeatable).")
    private List<String> accept = new ArrayList<>();

    @CommandLine.ParentCommand private BaselineCommand parent;

    @Override
    public Integer call() {
      PrintStream err = parent.err;
      for (Path path : paths) {
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
          err.println("sentrascan: no such file or folder: " + path);
          return Main.ERROR;
        }
      }
      String problem = ScanCommand.outputProblem(output);
      if (problem != null) {
        err.println("sentrascan: cannot write the baseline to " + output + ": " + problem);
        return Main.ERROR;
      }
      ScanResult result;
      try {
        result =
            new ScanEngine(parent.env.scanners(), Limits.defaults())
                .scan(paths, Policy.defaults(), p -> {});
        result = ProvenanceReview.apply(LicenseReview.apply(result));
      } catch (IOException e) {
        err.println("sentrascan: cannot scan: " + Main.describe(e));
        return Main.ERROR;
      }
      Baseline baseline = Baseline.of(result, acceptAll, new TreeSet<>(accept));
      try (Writer w = Files.newBufferedWriter(output, StandardCharsets.UTF_8)) {
        w.write(baseline.toJson());
      } catch (IOException e) {
        err.println("sentrascan: cannot write the baseline: " + Main.describe(e));
        return Main.ERROR;
      }
      err.println(
          "baseline of "
              + baseline.files().size()
              + " files, "
              + baseline.licenses().size()
              + " licenses, "
              + baseline.findings().size()
              + " findings ("
              + baseline.accepted().size()
              + " accepted) in "
              + output
              + (result.errored().isEmpty()
                  ? ""
                  : "; " + result.errored().size() + " files could not be fully scanned"));
      return Main.PASS;
    }
  }
}
