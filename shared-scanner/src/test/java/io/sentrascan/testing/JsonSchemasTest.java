package io.sentrascan.testing;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JsonSchemasTest {
  @Test
  void aMissingSarifSchemaFailsInsteadOfSkipping(@TempDir Path emptyRepo) {
    String saved = System.getProperty("sentrascan.repoRoot");
    System.setProperty("sentrascan.repoRoot", emptyRepo.resolve("repo").toString());
    try {
      assertThatThrownBy(JsonSchemas::sarif)
          .isInstanceOf(AssertionError.class)
          .hasMessageContaining("official SARIF 2.1.0 schema is missing at")
          .hasMessageContaining(
              emptyRepo.resolve("shared/schemas/sarif-schema-2.1.0.json").toString());
    } finally {
      if (saved == null) {
        System.clearProperty("sentrascan.repoRoot");
      } else {
        System.setProperty("sentrascan.repoRoot", saved);
      }
    }
  }

  @Test
  void aMissingCycloneDxSchemaFailsInsteadOfSkipping(@TempDir Path emptyRepo) {
    String saved = System.getProperty("sentrascan.repoRoot");
    System.setProperty("sentrascan.repoRoot", emptyRepo.resolve("repo").toString());
    try {
      assertThatThrownBy(JsonSchemas::cycloneDx16)
          .isInstanceOf(AssertionError.class)
          .hasMessageContaining("official CycloneDX 1.6 schema file bom-1.6.schema.json is missing")
          .hasMessageContaining(emptyRepo.resolve("shared/schemas/bom-1.6.schema.json").toString());
    } finally {
      if (saved == null) {
        System.clearProperty("sentrascan.repoRoot");
      } else {
        System.setProperty("sentrascan.repoRoot", saved);
      }
    }
  }
}
