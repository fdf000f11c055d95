package io.sentrascan.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code sentrascan sbom ...}: commands on CycloneDX ML-BOMs; without one, the usage and exit 2.
 */
@Command(
    name = "sbom",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "Works with CycloneDX ML-BOMs (write one with 'scan --sbom FILE').",
    subcommands = {SbomDiffCommand.class})
final class SbomCommand implements Callable<Integer> {
  @CommandLine.Spec private CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return Main.ERROR;
  }
}
