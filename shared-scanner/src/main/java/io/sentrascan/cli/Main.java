package io.sentrascan.cli;

import io.sentrascan.scanner.ScanEngine;
import io.sentrascan.scanner.Scanner;
import io.sentrascan.scanner.Scanners;
import java.io.Console;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code sentrascan} command. Exit codes: 0 the scan passed, 1 it failed the policy, 2 it could
 * not run (bad arguments, missing path, unwritable output, internal error) or a file could not be
 * scanned (verdict ERROR).
 */
@Command(
    name = "sentrascan",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "Scans machine-learning model files for code execution and other threats.",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:the scan passed",
      "1:a finding fails the policy",
      "2:the scan could not run, or a file could not be scanned"
    },
    subcommands = {
      ScanCommand.class,
      SbomCommand.class,
      SignCommand.class,
      VerifyCommand.class,
      BaselineCommand.class,
      CommandLine.HelpCommand.class,
    })
public final class Main implements Callable<Integer> {
  static final int PASS = 0;
  static final int FAIL = 1;
  static final int ERROR = 2;

  @CommandLine.Spec private CommandLine.Model.CommandSpec spec;

  private Main() {}

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  /** Runs the command line and returns the exit code; never throws, never exits the JVM. */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    return run(args, out, err, new Environment(Scanners.defaults(), isTerminal(), noColour()));
  }

  static int run(String[] args, PrintStream out, PrintStream err, Environment env) {
    PrintWriter outWriter =
        new PrintWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), true);
    PrintWriter errWriter =
        new PrintWriter(new OutputStreamWriter(err, StandardCharsets.UTF_8), true);
    CommandLine cli =
        new CommandLine(
            new Main(),
            new CommandLine.IFactory() {
              @Override
              public <K> K create(Class<K> cls) throws Exception {
                if (cls == ScanCommand.class) {
                  return cls.cast(new ScanCommand(env, out, err));
                }
                if (cls == BaselineCommand.class) {
                  return cls.cast(new BaselineCommand(env, err));
                }
                if (cls == SbomDiffCommand.class) {
                  return cls.cast(new SbomDiffCommand(out, err));
                }
                if (cls == SignCommand.class) {
                  return cls.cast(new SignCommand(out, err));
                }
                if (cls == VerifyCommand.class) {
                  return cls.cast(new VerifyCommand(out, err));
                }
                return CommandLine.defaultFactory().create(cls);
              }
            });
    cli.setOut(outWriter);
    cli.setErr(errWriter);
    cli.setCaseInsensitiveEnumValuesAllowed(true);
    cli.setParameterExceptionHandler(
        (e, ignored) -> {
          errWriter.println("sentrascan: " + e.getMessage());
          // The full command path, so that "sbom diff" gets "sentrascan sbom diff --help".
          errWriter.println(
              "Try '"
                  + e.getCommandLine().getCommandSpec().qualifiedName()
                  + " --help' for usage.");
          return ERROR;
        });
    cli.setExecutionExceptionHandler(
        (e, ignored, parsed) -> {
          // An unexpected failure: one line, not a stack trace; the cause's class helps a report.
          errWriter.println("sentrascan: internal error: " + describe(e));
          return ERROR;
        });
    try {
      return cli.execute(args);
    } catch (RuntimeException e) {
      // Last resort for a failure outside picocli's handlers (for example inside a handler).
      errWriter.println("sentrascan: internal error: " + describe(e));
      return ERROR;
    } finally {
      outWriter.flush();
      errWriter.flush();
    }
  }

  /** Without a subcommand: show the usage, and fail, since nothing was scanned. */
  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return ERROR;
  }

  static String describe(Throwable e) {
    String msg = e.getMessage();
    return e.getClass().getSimpleName() + (msg == null ? "" : ": " + msg);
  }

  /**
   * Whether stdout is a terminal. Up to JDK 21 {@link System#console()} is null when a stream is
   * redirected; from JDK 22 it may return a console anyway and {@code Console.isTerminal()} tells.
   */
  @SuppressWarnings("SystemConsoleNull") // the JDK 22 behaviour is handled by isTerminal() below
  private static boolean isTerminal() {
    Console console = System.console();
    if (console == null) {
      return false;
    }
    try {
      Method isTerminal = Console.class.getMethod("isTerminal");
      return Boolean.TRUE.equals(isTerminal.invoke(console));
    } catch (NoSuchMethodException e) {
      return true; // JDK 17 to 21: a console means a terminal
    } catch (ReflectiveOperationException | RuntimeException e) {
      return false;
    }
  }

  /** The NO_COLOR convention (https://no-color.org): any non-empty value turns colour off. */
  private static boolean noColour() {
    String value = System.getenv("NO_COLOR");
    return value != null && !value.isEmpty();
  }

  /** What the command needs from the outside world; tests pass their own. */
  record Environment(List<Scanner> scanners, boolean terminal, boolean noColour) {}

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      Map<String, String> scanners = ScanEngine.defaults().scannerVersions();
      StringBuilder sb = new StringBuilder("sentrascan " + ScanEngine.TOOL_VERSION);
      scanners.forEach((name, v) -> sb.append("\n  scanner ").append(name).append(' ').append(v));
      return sb.toString().split("\n");
    }
  }
}
