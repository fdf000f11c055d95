package io.sentrascan.cdk;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.jspecify.annotations.Nullable;

/**
 * Finds the Lambda jar the build produced: {@value #RELATIVE} under the repository root. The root
 * is the {@code sentrascan.repoRoot} system property when set (the Maven build sets it), else the
 * nearest directory at or above the working directory that holds {@code functions/pom.xml} (so
 * {@code cdk synth} works from {@code infra-cdk/} or the top).
 */
public final class FunctionsJar {
  /** Where the jar is, relative to the repository root. */
  public static final String RELATIVE = "functions/target/sentrascan-functions.jar";

  private FunctionsJar() {}

  /** The jar of this repository; fails with what to run when it is not built. */
  public static Path locate() {
    String root = System.getProperty("sentrascan.repoRoot");
    Path start = Paths.get(root == null || root.isBlank() ? "" : root).toAbsolutePath().normalize();
    Path repo = findRoot(start);
    if (repo == null) {
      throw new IllegalStateException(
          "cannot find the SentraScan repository (a directory with functions/pom.xml) at or above "
              + start
              + ": run the CDK app from the repository or set -Dsentrascan.repoRoot");
    }
    return require(repo.resolve(RELATIVE));
  }

  /**
   * Returns {@code jar} if it is a file.
   *
   * @throws IllegalStateException saying how to build it
   */
  public static Path require(Path jar) {
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(
          "the scan function's jar "
              + jar
              + " is missing: build it first with `mvn -B -pl functions -am package -DskipTests`"
              + " (or `mvn -B verify` at the top, which builds functions before infra-cdk)");
    }
    return jar;
  }

  private static @Nullable Path findRoot(Path start) {
    for (Path p = start; p != null; p = p.getParent()) {
      if (Files.isRegularFile(p.resolve("functions/pom.xml"))) {
        return p;
      }
    }
    return null;
  }
}
