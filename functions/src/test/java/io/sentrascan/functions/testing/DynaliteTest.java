package io.sentrascan.functions.testing;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Without node or dynalite the tests fail with the fix in the message; they are never skipped. */
class DynaliteTest {

  @Test
  void aMissingDynaliteFailsWithTheInstallCommand(@TempDir Path emptyRepo) {
    assertThatThrownBy(() -> Dynalite.startForTest(emptyRepo, "node"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("dynalite is not installed at " + emptyRepo.resolve(Dynalite.CLI))
        .hasMessageContaining("npm install --prefix .ci/node dynalite@4.0.0");
  }

  @Test
  void aMissingNodeFailsWithTheInstallCommand(@TempDir Path repo) throws Exception {
    Path cli = repo.resolve(Dynalite.CLI);
    Files.createDirectories(cli.getParent());
    Files.writeString(cli, "// not run");

    assertThatThrownBy(() -> Dynalite.startForTest(repo, "node-that-does-not-exist"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("cannot run node")
        .hasMessageContaining("npm install --prefix .ci/node dynalite@4.0.0");
  }
}
