package io.sentrascan.cdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FunctionsJarTest {
  @Test
  void theBuildsJarIsFound() {
    // Fails, saying how to build it, when functions was not packaged before this module.
    Path jar = FunctionsJar.locate();
    assertThat(jar).endsWith(Path.of("functions", "target", "sentrascan-functions.jar"));
  }

  @Test
  void aMissingJarSaysHowToBuildIt(@TempDir Path dir) {
    assertThatThrownBy(() -> FunctionsJar.require(dir.resolve("sentrascan-functions.jar")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("is missing: build it first with `mvn -B -pl functions -am package");
  }

  @Test
  void aGivenJarIsUsed(@TempDir Path dir) throws Exception {
    Path jar = Files.createFile(dir.resolve("f.jar"));
    assertThat(FunctionsJar.require(jar)).isEqualTo(jar);
  }
}
