package io.sentrascan.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** JSON Schema validation for report tests (networknt json-schema-validator 3.x). */
public final class JsonSchemas {
  private static final String CYCLONEDX_IDS = "http://cyclonedx.org/schema/";

  private JsonSchemas() {}

  /** A schema from the test classpath; its {@code $schema} picks the dialect. */
  public static Schema fromClasspath(String resource, SpecificationVersion defaultDialect) {
    try (InputStream in = JsonSchemas.class.getResourceAsStream(resource)) {
      if (in == null) {
        return fail("schema resource " + resource + " is not on the classpath");
      }
      return SchemaRegistry.withDefaultDialect(defaultDialect).getSchema(in, InputFormat.JSON);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The official SARIF 2.1.0 schema, kept outside the repository at {@code
   * ${sentrascan.repoRoot}/../shared/schemas/}. A missing schema fails the test: skipping would let
   * invalid SARIF through unnoticed.
   */
  public static Schema sarif() {
    String root = System.getProperty("sentrascan.repoRoot");
    if (root == null) {
      return fail(
          "system property sentrascan.repoRoot is not set; run the tests through Maven (surefire"
              + " sets it to the repository root)");
    }
    Path file = Path.of(root, "..", "shared", "schemas", "sarif-schema-2.1.0.json").normalize();
    if (!Files.isRegularFile(file)) {
      return fail(
          "the official SARIF 2.1.0 schema is missing at "
              + file.toAbsolutePath()
              + " (sentrascan.repoRoot="
              + root
              + "); it is not copied into the repository, so put it there to validate SARIF"
              + " output");
    }
    try (InputStream in = Files.newInputStream(file)) {
      return SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_4)
          .getSchema(in, InputFormat.JSON);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The official CycloneDX 1.6 JSON schema, kept with the SARIF one at {@code
   * ${sentrascan.repoRoot}/../shared/schemas/}. Its references to {@code spdx.schema.json} and
   * {@code jsf-0.82.schema.json} (by their {@code http://cyclonedx.org/schema/} ids) are mapped to
   * the files next to it, so that validation never touches the network. Any missing file fails the
   * test.
   */
  public static Schema cycloneDx16() {
    Path folder = sharedSchemas();
    for (String name : List.of("bom-1.6.schema.json", "spdx.schema.json", "jsf-0.82.schema.json")) {
      Path file = folder.resolve(name);
      if (!Files.isRegularFile(file)) {
        return fail(
            "the official CycloneDX 1.6 schema file "
                + name
                + " is missing at "
                + file.toAbsolutePath()
                + " (sentrascan.repoRoot="
                + System.getProperty("sentrascan.repoRoot")
                + "); it is not copied into the repository, so put it there to validate BOMs");
      }
    }
    // Every schema is given to the registry by its $id, so that no reference is fetched.
    Map<String, String> byId = new HashMap<>();
    for (String name : List.of("bom-1.6.schema.json", "spdx.schema.json", "jsf-0.82.schema.json")) {
      try {
        byId.put(CYCLONEDX_IDS + name, Files.readString(folder.resolve(name)));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_7, b -> b.schemas(byId))
        .getSchema(SchemaLocation.of(CYCLONEDX_IDS + "bom-1.6.schema.json"));
  }

  private static Path sharedSchemas() {
    String root = System.getProperty("sentrascan.repoRoot");
    if (root == null) {
      return fail(
          "system property sentrascan.repoRoot is not set; run the tests through Maven (surefire"
              + " sets it to the repository root)");
    }
    return Path.of(root, "..", "shared", "schemas").normalize();
  }

  /** Asserts that {@code json} is valid, listing every violation otherwise. */
  public static void assertValid(Schema schema, String json) {
    List<com.networknt.schema.Error> errors = schema.validate(json, InputFormat.JSON);
    assertThat(errors).as("schema violations in:\n" + json).isEmpty();
  }

  /** The violations, for tests that expect some. */
  public static List<com.networknt.schema.Error> violations(Schema schema, String json) {
    return schema.validate(json, InputFormat.JSON);
  }
}
