package io.sentrascan.scanner.sbom;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sentrascan.scanner.FileResult;
import io.sentrascan.scanner.Policy;
import io.sentrascan.scanner.ScanEngine;
import io.sentrascan.scanner.ScanResult;
import io.sentrascan.testing.JsonSchemas;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.cyclonedx.parsers.XmlParser;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The BOM of every fixture family ({@code src/test/resources/fixtures/<format>/}, scanned as a
 * folder with every registered scanner) is valid CycloneDX 1.6, JSON and XML, and lists every file
 * with four digests. A format merged with its fixtures is covered with no code here.
 */
class FixtureBomTest {
  static final Path ROOT = Path.of("src/test/resources/fixtures");
  private static final ObjectMapper JSON = new ObjectMapper();

  static Stream<Path> families() throws IOException {
    List<Path> out = new ArrayList<>();
    try (Stream<Path> list = Files.list(ROOT)) {
      list.filter(Files::isDirectory).sorted().forEach(out::add);
    }
    assertThat(out).as("fixture families under " + ROOT.toAbsolutePath()).isNotEmpty();
    return out.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("families")
  void theBomOfAFixtureFamilyIsValidCycloneDx(Path family) throws Exception {
    ScanResult result =
        ScanEngine.defaults()
            .withDigests(MlBomBuilder.DIGESTS)
            .scan(List.of(family), Policy.defaults(), p -> {});
    var bom = new MlBomBuilder().build(result);
    String json = MlBomWriter.render(bom, BomFormat.JSON);
    JsonSchemas.assertValid(JsonSchemas.cycloneDx16(), json);
    byte[] xml = MlBomWriter.render(bom, BomFormat.XML).getBytes(StandardCharsets.UTF_8);
    assertThat(new XmlParser().validate(xml, MlBomWriter.SPEC)).as(family.toString()).isEmpty();

    List<String> refs = new ArrayList<>();
    collect(JSON.readTree(json).path("components"), refs);
    for (FileResult file : result.files()) {
      if (file.errors().isEmpty()) {
        assertThat(file.digests()).as(file.path()).hasSize(4);
      }
    }
    assertThat(refs.stream().filter(r -> r.startsWith("file:")).count())
        .as("one component per scanned file")
        .isEqualTo(result.files().size());
    assertThat(
            BomDiff.between(
                    BomContents.parse(json.getBytes(StandardCharsets.UTF_8)),
                    BomContents.parse(xml))
                .isEmpty())
        .as("the JSON and XML forms say the same")
        .isTrue();
  }

  private static void collect(JsonNode components, List<String> refs) {
    for (JsonNode c : components) {
      refs.add(c.path("bom-ref").asText());
      collect(c.path("components"), refs);
    }
  }
}
