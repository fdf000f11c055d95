package io.sentrascan.scanner.sbom;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sentrascan.scanner.Finding;
import io.sentrascan.scanner.Policy;
import io.sentrascan.scanner.ScanEngine;
import io.sentrascan.scanner.ScanResult;
import io.sentrascan.scanner.Severity;
import io.sentrascan.scanner.Verdict;
import io.sentrascan.testing.JsonSchemas;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.cyclonedx.parsers.XmlParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Licenses of a scanned model folder: findings with classes, the license policy, and the ML-BOM
 * (valid CycloneDX 1.6 for every license fixture, licenses on the model and the LICENSE file).
 */
class LicenseReviewTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path dir;

  private static ScanResult scan(Path target, Policy policy) throws IOException {
    return LicenseReview.apply(
        ScanEngine.defaults()
            .withDigests(MlBomBuilder.DIGESTS)
            .scan(List.of(target), policy, p -> {}));
  }

  private Path model(String licenseFixture, String card) throws IOException {
    Path model = Files.createDirectories(dir.resolve("model"));
    if (licenseFixture != null) {
      String ext = licenseFixture.endsWith(".md") ? ".md" : "";
      Files.copy(LicenseCatalogTest.ROOT.resolve(licenseFixture), model.resolve("LICENSE" + ext));
    }
    if (card != null) {
      Files.writeString(model.resolve("README.md"), card);
    }
    Files.writeString(model.resolve("config.json"), "{\"model_type\": \"llama\"}");
    return model;
  }

  private static List<Finding> findings(ScanResult r, String ruleId) {
    return r.findings().stream().filter(f -> f.ruleId().equals(ruleId)).toList();
  }

  @Test
  void licensesFromTheCardAndALicenseFileAreListedWithTheirClasses() throws IOException {
    Path model = model("Llama-3.1--head.txt", "---\nlicense: llama3.1\n---\n# m\n");
    ScanResult r = scan(model, Policy.defaults());
    List<Finding> info = findings(r, "LIC-001");
    assertThat(info).hasSize(1);
    assertThat(info.get(0).severity()).isEqualTo(Severity.INFO);
    assertThat(info.get(0).description())
        .contains("Llama 3.1 Community License Agreement (restricted-use, README.md: card")
        .contains("(restricted-use, LICENSE: key phrases)");
    assertThat(findings(r, "LIC-002")).isEmpty();
    assertThat(findings(r, "LIC-003")).isEmpty();
    assertThat(r.verdict()).isEqualTo(Verdict.PASS);
  }

  @Test
  void aCardAndALicenseTextThatDisagreeAreLow() throws IOException {
    ScanResult r =
        scan(model("Llama-3--head.txt", "---\nlicense: mit\n---\n# m\n"), Policy.defaults());
    assertThat(findings(r, "LIC-005"))
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.severity()).isEqualTo(Severity.LOW);
              assertThat(f.description())
                  .isEqualTo(
                      "The model card says MIT; the license text says Meta Llama 3 Community"
                          + " License Agreement (LICENSE).");
            });
    ScanResult agreeing =
        scan(
            model("MIT+Apache-2.0--dual.md", "---\nlicense: [mit, llama3]\n---\n# m\n"),
            Policy.defaults());
    assertThat(findings(agreeing, "LIC-005")).isEmpty();
  }

  @Test
  void aFolderWithoutAnyLicenseGetsALowFinding() throws IOException {
    ScanResult r = scan(model(null, null), Policy.defaults());
    assertThat(findings(r, "LIC-003"))
        .singleElement()
        .satisfies(f -> assertThat(f.severity()).isEqualTo(Severity.LOW));
    assertThat(findings(r, "LIC-001")).isEmpty();
  }

  @Test
  void aFileScannedOnItsOwnNeedsNoLicense() throws IOException {
    Path model = model(null, null);
    ScanResult r = scan(model.resolve("config.json"), Policy.defaults());
    assertThat(r.findings()).noneMatch(f -> f.ruleId().startsWith("LIC-"));
  }

  @Test
  void unknownCardLicensesAndUnrecognisedTextsAreLow() throws IOException {
    Path model = model("none--proprietary.txt", "---\nlicense: my-own-terms\n---\n# m\n");
    ScanResult r = scan(model, Policy.defaults());
    assertThat(findings(r, "LIC-002"))
        .hasSize(2)
        .allMatch(f -> f.severity() == Severity.LOW)
        .anyMatch(f -> f.description().contains("'my-own-terms'"))
        .anyMatch(f -> f.description().contains("LICENSE matches no license"));
  }

  @Test
  void aLicenseChangedAfterTheScanIsNotDescribed() throws IOException {
    Path model = model("MIT--full.txt", null);
    ScanResult scanned = ScanEngine.defaults().scan(List.of(model), Policy.defaults(), p -> {});
    Files.copy(
        LicenseCatalogTest.ROOT.resolve("Gemma--head.txt"),
        model.resolve("LICENSE"),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    ScanResult r = LicenseReview.apply(scanned);
    assertThat(findings(r, "LIC-002"))
        .singleElement()
        .satisfies(f -> assertThat(f.description()).contains("changed since the scan"));
    assertThat(r.findings()).noneMatch(f -> f.description().contains("Gemma"));
  }

  @Test
  void thePolicyFailsOnAForbiddenClassWithItsOwnSeverity() throws IOException {
    Path model = model("CC-BY-NC-4.0--legalcode.txt", "---\nlicense: apache-2.0\n---\n# m\n");
    Policy policy =
        Policy.defaults().withFailOnLicense(Set.of("non-commercial", "copyleft"), Severity.LOW);
    ScanResult r = scan(model, policy);
    assertThat(findings(r, "LIC-004"))
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.severity()).isEqualTo(Severity.LOW);
              assertThat(f.category()).isEqualTo(Policy.LICENSE_POLICY_CATEGORY);
              assertThat(f.description()).startsWith("CC-BY-NC-4.0 is non-commercial");
              assertThat(r.policy().fails(f)).isTrue();
            });
    assertThat(r.verdict()).as("a LOW license-policy finding still fails").isEqualTo(Verdict.FAIL);

    ScanResult permissive =
        scan(model, Policy.defaults().withFailOnLicense(Set.of("copyleft"), Severity.HIGH));
    assertThat(findings(permissive, "LIC-004")).isEmpty();
    assertThat(permissive.verdict()).isEqualTo(Verdict.PASS);
  }

  @Test
  void unknownIsAClassThePolicyCanFailOn() throws IOException {
    ScanResult r =
        scan(
            model("none--mit-0.txt", null),
            Policy.defaults().withFailOnLicense(Set.of("unknown"), Severity.MEDIUM));
    assertThat(findings(r, "LIC-004")).hasSize(1);
    assertThat(r.verdict()).isEqualTo(Verdict.FAIL);
  }

  static Stream<String> fixtures() throws IOException {
    return LicenseCatalogTest.fixtures().map(p -> p.getFileName().toString());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("fixtures")
  void theBomOfAModelWithThisLicenseIsValidAndNamesIt(String fixture) throws Exception {
    Path model = model(fixture, "---\nlicense: apache-2.0\nbase_model: org/base\n---\n# m\n");
    Files.writeString(
        model.resolve("adapter_config.json"),
        "{\"base_model_name_or_path\": \"org/other-base\", \"peft_type\": \"LORA\"}");
    ScanResult r = scan(model, Policy.defaults());
    var bom = new MlBomBuilder().build(r);
    String json = MlBomWriter.render(bom, BomFormat.JSON);
    JsonSchemas.assertValid(JsonSchemas.cycloneDx16(), json);
    byte[] xml = MlBomWriter.render(bom, BomFormat.XML).getBytes(StandardCharsets.UTF_8);
    assertThat(new XmlParser().validate(xml, MlBomWriter.SPEC)).as(fixture).isEmpty();

    JsonNode tree = JSON.readTree(json);
    JsonNode model0 = tree.at("/metadata/component");
    List<String> modelLicenses = labels(model0.path("licenses"));
    List<String> fileLicenses = new ArrayList<>();
    for (JsonNode c : tree.path("components")) {
      if (c.path("name").asText().startsWith("LICENSE")) {
        fileLicenses.addAll(labels(c.path("licenses")));
      }
    }
    String expected = fixture.substring(0, fixture.indexOf("--"));
    List<String> want = new ArrayList<>();
    for (DetectedLicense d : ModelLicenses.detect(r)) {
      if (!d.fromCard()) {
        want.add(d.spdxId() != null ? d.spdxId() : d.key() != null ? d.name() : "?");
      }
    }
    if (expected.equals("none")) {
      assertThat(fileLicenses).containsExactly("Unrecognised license in LICENSE");
    } else {
      assertThat(want).hasSize(expected.split("\\+").length);
      assertThat(fileLicenses).containsExactlyInAnyOrderElementsOf(want);
    }
    assertThat(modelLicenses).contains("Apache-2.0").containsAll(fileLicenses);
    for (JsonNode l : model0.path("licenses")) {
      assertThat(l.at("/license/properties/0/name").asText()).isEqualTo("sentrascan:license.class");
    }
    assertThat(texts(model0.at("/pedigree/ancestors")))
        .containsExactly("org/base", "org/other-base");
  }

  private static List<String> texts(JsonNode components) {
    List<String> out = new ArrayList<>();
    components.forEach(c -> out.add(c.path("name").asText()));
    return out;
  }

  private static List<String> labels(JsonNode licenses) {
    List<String> out = new ArrayList<>();
    for (JsonNode l : licenses) {
      JsonNode lic = l.path("license");
      out.add(lic.has("id") ? lic.path("id").asText() : lic.path("name").asText());
    }
    return out;
  }
}
