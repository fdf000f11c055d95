package io.sentrascan.cli;

import io.sentrascan.scanner.Finding;
import io.sentrascan.scanner.Limits;
import io.sentrascan.scanner.Policy;
import io.sentrascan.scanner.ScanEngine;
import io.sentrascan.scanner.ScanResult;
import io.sentrascan.scanner.Severity;
import io.sentrascan.scanner.baseline.Baseline;
import io.sentrascan.scanner.baseline.BaselineDrift;
import io.sentrascan.scanner.baseline.InvalidBaselineException;
import io.sentrascan.scanner.report.ReportFormat;
import io.sentrascan.scanner.report.ReportWriter;
import io.sentrascan.scanner.report.TextReportWriter;
import io.sentrascan.scanner.sbom.LicenseReview;
import io.sentrascan.scanner.sbom.ProvenanceReview;
import io.sentrascan.scanner.signing.SignatureCheck;
import io.sentrascan.scanner.signing.SigningException;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code sentrascan scan PATH...}: parse, build the engine and policy, scan, write, exit code. */
@Command(
    name = "scan",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "Scans files and folders (recursively) and reports what was found.",
    sortOptions = false)
final class ScanCommand implements Callable<Integer> {
  @Parameters(arity = "1..*", paramLabel = "PATH", description = "Files or folders to scan.")
  private List<Path> paths = new ArrayList<>();

  @Option(
      names = "--format",
      paramLabel = "FORMAT",
      defaultValue = "text",
      description = "Report format: text, json, markdown or sarif (default: ${DEFAULT-VALUE}).")
  private ReportFormat format = ReportFormat.TEXT;

  @Option(
      names = {"-o", "--output"},
      paramLabel = "FILE",
      description = "Write the report to FILE instead of stdout; a summary still goes to stderr.")
  private @Nullable Path output;

  @Option(
      names = "--fail-on",
      paramLabel = "SEVERITY",
      defaultValue = "high",
      converter = FailOnConverter.class,
      description =
          "Fail on findings at or above: critical, high, medium or low (default: ${DEFAULT-VALUE}).")
  private Severity failOn = Severity.HIGH;

  @Option(
      names = "--strict",
      description = "Also fail on imports that are on neither the allow- nor the deny-list.")
  private boolean strict;

  @Option(
      names = "--max-depth",
      paramLabel = "N",
      description = "How deep containers may nest; 0 scans no entries (default: 10).")
  private @Nullable Integer maxDepth;

  @Option(
      names = "--max-total-bytes",
      paramLabel = "SIZE",
      converter = SizeConverter.class,
      description = "Bytes that may be decompressed per file; suffixes K, M, G, T (default: 16G).")
  private @Nullable Long maxTotalBytes;

  @Option(
      names = "--max-entries",
      paramLabel = "N",
      description = "Archive entries that may be visited per file (default: 100000).")
  private @Nullable Long maxEntries;

  @Option(
      names = "--max-ratio",
      paramLabel = "RATIO",
      description = "Compression ratio above which an entry is a bomb (default: 250).")
  private @Nullable Double maxRatio;

  @Option(
      names = "--time-limit",
      paramLabel = "SECONDS",
      description = "Wall time one top-level file may take (default: 300).")
  private @Nullable Long timeLimit;

  @CommandLine.Mixin private SbomOptions sbom = new SbomOptions();

  @CommandLine.Mixin private SigningOptions signing = new SigningOptions();

  @CommandLine.Mixin private LicenseOptions licenses = new LicenseOptions();

  @Option(
      names = "--baseline",
      paramLabel = "FILE",
      description =
          "Compare with a baseline written by 'baseline create': drift is reported as findings,"
              + " and findings the baseline accepted do not fail the scan.")
  private @Nullable Path baselineFile;

  @CommandLine.Spec private CommandLine.Model.CommandSpec spec;

  private final Main.Environment env;
  private final PrintStream out;
  private final PrintStream err;

  ScanCommand(Main.Environment env, PrintStream out, PrintStream err) {
    this.env = env;
    this.out = out;
    this.err = err;
  }

  @Override
  public Integer call() {
    Limits limits = limits();
    for (Path path : paths) {
      if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
        return fail("no such file or folder: " + path);
      }
    }
    if (output != null) {
      String problem = outputProblem(output);
      if (problem != null) {
        return fail("cannot write the report to " + output + ": " + problem);
      }
    }
    String sbomUsage = sbom.usageProblem(output);
    if (sbomUsage != null) {
      throw usage(sbomUsage);
    }
    String sbomOutput = sbom.outputProblem();
    if (sbomOutput != null) {
      return fail(sbomOutput);
    }
    String signingUsage = signing.usageProblem(paths);
    if (signingUsage != null) {
      throw usage(signingUsage);
    }
    SignatureCheck.Options signatureCheck;
    try {
      signatureCheck = signing.options();
    } catch (SigningException e) {
      return fail(e.getMessage());
    }

    Policy policy;
    try {
      policy = licenses.apply(new Policy(failOn, strict));
    } catch (IllegalArgumentException e) {
      throw usage(e.getMessage());
    }
    Baseline baseline = null;
    if (baselineFile != null) {
      try {
        baseline = Baseline.read(baselineFile);
      } catch (InvalidBaselineException e) {
        return fail("cannot use the baseline: " + e.getMessage());
      }
    }

    Progress progress = new Progress(env.terminal() ? err : null);
    ScanResult result;
    try {
      result = sbom.configure(new ScanEngine(env.scanners(), limits)).scan(paths, policy, progress);
      result = ProvenanceReview.apply(LicenseReview.apply(result));
    } catch (IOException e) {
      return fail("cannot scan: " + Main.describe(e));
    } finally {
      progress.clear();
    }
    if (baseline != null) {
      result = BaselineDrift.apply(result, baseline);
    }
    // After drift: the signature is checked afresh on every scan, never against a baseline.
    result = SignatureCheck.apply(result, signatureCheck);

    boolean toStdout = output == null;
    boolean colour = toStdout && env.terminal() && !env.noColour();
    ReportWriter writer = format.writer(colour);
    try {
      if (toStdout) {
        Writer w = new OutputStreamWriter(out, StandardCharsets.UTF_8);
        writer.write(result, w);
        w.flush();
      } else {
        try (Writer w = Files.newBufferedWriter(output, StandardCharsets.UTF_8)) {
          writer.write(result, w);
        }
      }
    } catch (IOException e) {
      return fail("cannot write the report: " + Main.describe(e));
    }
    if (!(toStdout && format == ReportFormat.TEXT)) {
      err.println(
          TextReportWriter.summaryLine(result)
              + (toStdout ? "" : " (" + format.cliName() + " report in " + output + ")"));
    }
    if (sbom.requested()) {
      try {
        err.println(sbom.write(result));
      } catch (IOException | RuntimeException e) {
        return fail("cannot write the ML-BOM: " + Main.describe(e));
      }
    }
    return switch (result.verdict()) {
      case PASS -> Main.PASS;
      case FAIL -> Main.FAIL;
      case ERROR -> Main.ERROR;
    };
  }

  private Limits limits() {
    Limits limits = Limits.defaults();
    if (maxDepth != null) {
      if (maxDepth < 0) {
        throw usage("--max-depth must be 0 or more, not " + maxDepth);
      }
      limits = limits.withMaxDepth(maxDepth); // 0: scan top-level files only, report any nesting
    }
    if (maxTotalBytes != null) {
      limits = limits.withMaxTotalBytes(positive("--max-total-bytes", maxTotalBytes));
    }
    if (maxEntries != null) {
      limits = limits.withMaxEntries(positive("--max-entries", maxEntries));
    }
    if (maxRatio != null) {
      if (!(maxRatio >= 1.0) || maxRatio.isInfinite()) {
        throw usage("--max-ratio must be a number of at least 1, not " + maxRatio);
      }
      limits = limits.withMaxCompressionRatio(maxRatio);
    }
    if (timeLimit != null) {
      limits = limits.withTimePerFile(Duration.ofSeconds(positive("--time-limit", timeLimit)));
    }
    return limits;
  }

  private <N extends Number> N positive(String option, N value) {
    if (value.longValue() <= 0) {
      throw usage(option + " must be positive, not " + value);
    }
    return value;
  }

  private CommandLine.ParameterException usage(String message) {
    return new CommandLine.ParameterException(spec.commandLine(), message);
  }

  /** Why the report cannot go to {@code file}, checked before a possibly long scan; or null. */
  static @Nullable String outputProblem(Path file) {
    if (Files.isDirectory(file)) {
      return "it is a folder";
    }
    Path parent = file.toAbsolutePath().getParent();
    if (parent == null || !Files.isDirectory(parent)) {
      return "the folder " + parent + " does not exist";
    }
    if (Files.exists(file) ? !Files.isWritable(file) : !Files.isWritable(parent)) {
      return "permission denied";
    }
    return null;
  }

  private int fail(String message) {
    err.println("sentrascan: " + message);
    return Main.ERROR;
  }

  /** {@code --fail-on}: the four severities that make sense as a threshold, in lower case. */
  static final class FailOnConverter implements CommandLine.ITypeConverter<Severity> {
    @Override
    public Severity convert(String value) {
      String v = value.toLowerCase(Locale.ROOT);
      return switch (v) {
        case "critical" -> Severity.CRITICAL;
        case "high" -> Severity.HIGH;
        case "medium" -> Severity.MEDIUM;
        case "low" -> Severity.LOW;
        default ->
            throw new CommandLine.TypeConversionException(
                "expected critical, high, medium or low, not '" + value + "'");
      };
    }
  }

  /** A byte count with an optional binary suffix: {@code 512}, {@code 64K}, {@code 16G}. */
  static final class SizeConverter implements CommandLine.ITypeConverter<Long> {
    @Override
    public Long convert(String value) {
      String v = value.trim().toUpperCase(Locale.ROOT);
      int shift = 0;
      if (!v.isEmpty()) {
        switch (v.charAt(v.length() - 1)) {
          case 'K' -> shift = 10;
          case 'M' -> shift = 20;
          case 'G' -> shift = 30;
          case 'T' -> shift = 40;
          default -> shift = 0;
        }
      }
      String digits = shift == 0 ? v : v.substring(0, v.length() - 1);
      try {
        long n = Long.parseLong(digits);
        if (n > (Long.MAX_VALUE >> shift)) {
          throw new CommandLine.TypeConversionException("'" + value + "' is too large");
        }
        return n << shift;
      } catch (NumberFormatException e) {
        throw new CommandLine.TypeConversionException(
            "expected a byte count such as 1048576, 512M or 16G, not '" + value + "'");
      }
    }
  }

  /**
   * The {@code \r}-updated progress line on stderr; silent when stderr is not a terminal, so that
   * logs and pipes get no control characters.
   */
  static final class Progress implements Consumer<String> {
    private static final int MAX_PATH = 60;
    private final @Nullable PrintStream err;
    private int count;
    private int lastLength;

    Progress(@Nullable PrintStream err) {
      this.err = err;
    }

    @Override
    public void accept(String path) {
      count++;
      if (err == null) {
        return;
      }
      String shown = Finding.printable(path, 4 * MAX_PATH);
      if (shown.length() > MAX_PATH) {
        shown = "…" + shown.substring(shown.length() - MAX_PATH + 1);
      }
      String line = "scanning " + count + (count == 1 ? " file… " : " files… ") + shown;
      err.print("\r" + line + " ".repeat(Math.max(0, lastLength - line.length())));
      err.flush();
      lastLength = line.length();
    }

    void clear() {
      if (err != null && lastLength > 0) {
        err.print("\r" + " ".repeat(lastLength) + "\r");
        err.flush();
        lastLength = 0;
      }
    }
  }
}
