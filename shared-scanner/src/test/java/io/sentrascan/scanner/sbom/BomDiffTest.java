package io.sentrascan.scanner.sbom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sentrascan.scanner.FileResult;
import io.sentrascan.scanner.Finding;
import io.sentrascan.scanner.Location;
import io.sentrascan.scanner.Policy;
import io.sentrascan.scanner.ScanResult;
import io.sentrascan.scanner.rules.RuleCatalog;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BomDiffTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path dir;

  static FileResult file(String path, String sha, List<Finding> findings, String... imports) {
    SortedMap<String, SortedSet<String>> props = new TreeMap<>();
    if (imports.length > 0) {
      props.put("pickle.imports", new TreeSet<>(List.of(imports)));
    }
    return new FileResult(
        path,
        "pickle",
        "pickle",
        path.contains("!/") ? 1 : 0,
        10,
        new TreeMap<>(Map.of("SHA-256", sha, "MD5", sha.substring(0, 32))),
        findings,
        List.of(),
        null,
        props);
  }

  static ScanResult result(List<FileResult> files) {
    return new ScanResult(
        UUID.randomUUID().toString(),
        Instant.now(),
        1,
        "1.2.3",
        new TreeMap<>(),
        List.of("/somewhere/model"),
        files,
        Policy.defaults(),
        Policy.defaults().verdict(files));
  }

  static BomContents contents(ScanResult result, BomFormat format) throws InvalidBomException {
    return BomContents.parse(
        MlBomWriter.render(new MlBomBuilder().build(result), format)
            .getBytes(StandardCharsets.UTF_8));
  }

  private static Finding dangerousImport(String path) {
    return RuleCatalog.defaults()
        .rule("CORE-001")
        .finding(new Location(path, 3, null), "Bad bytes.", "x");
  }

  private static final String A = "a".repeat(64);
  private static final String B = "b".repeat(64);
  private static final String C = "c".repeat(64);

  private ScanResult before() {
    return result(
        List.of(
            file("/somewhere/model/model.pkl", A, List.of(), "torch._utils._rebuild_tensor_v2"),
            file("/somewhere/model/old.pkl", B, List.of(), "numpy.dtype")));
  }

  private ScanResult after() {
    return result(
        List.of(
            file(
                "/somewhere/model/model.pkl",
                C,
                List.of(dangerousImport("/somewhere/model/model.pkl")),
                "torch._utils._rebuild_tensor_v2",
                "sklearn.tree.DecisionTreeClassifier"),
            file("/somewhere/model/new.pkl", B, List.of())));
  }

  @Test
  void twoScansOfTheSameFilesHaveNoDifferences() throws Exception {
    BomDiff diff =
        BomDiff.between(contents(before(), BomFormat.JSON), contents(before(), BomFormat.JSON));
    assertThat(diff.isEmpty()).isTrue();
    assertThat(diff.toText()).endsWith("No differences.\n");
    assertThat(JSON.readTree(diff.toJson()).path("identical").asBoolean()).isTrue();
  }

  @Test
  void jsonAndXmlOfTheSameScanReadTheSame() throws Exception {
    ScanResult r = after();
    Bom2 both = new Bom2(contents(r, BomFormat.JSON), contents(r, BomFormat.XML));
    assertThat(BomDiff.between(both.json, both.xml).isEmpty()).isTrue();
    assertThat(both.xml.components()).isEqualTo(both.json.components());
    assertThat(both.xml.vulnerabilities()).isEqualTo(both.json.vulnerabilities());
    assertThat(both.xml.model()).isEqualTo(both.json.model());
  }

  private record Bom2(BomContents json, BomContents xml) {}

  @Test
  void addedRemovedChangedComponentsHashesAndNewVulnerabilitiesAreListed() throws Exception {
    BomDiff diff =
        BomDiff.between(contents(before(), BomFormat.JSON), contents(after(), BomFormat.XML));
    assertThat(diff.isEmpty()).isFalse();
    assertThat(diff.addedComponents().stream().map(BomContents.Component::name))
        .containsExactly("new.pkl", "scikit-learn");
    assertThat(diff.removedComponents().stream().map(BomContents.Component::name))
        .containsExactly("old.pkl", "numpy");
    assertThat(diff.changedComponents()).hasSize(1);
    BomDiff.ComponentChange changed = diff.changedComponents().get(0);
    assertThat(changed.key()).isEqualTo("model.pkl");
    assertThat(changed.changes())
        .containsExactly(
            new BomDiff.Change("hash MD5", A.substring(0, 32), C.substring(0, 32)),
            new BomDiff.Change("hash SHA-256", A, C));
    assertThat(diff.addedVulnerabilities()).hasSize(1);
    BomContents.Vulnerability v = diff.addedVulnerabilities().get(0);
    assertThat(v.id()).isEqualTo("CORE-001@model.pkl@3");
    assertThat(v.severity()).isEqualTo("high");
    assertThat(v.affects()).containsExactly("file:model.pkl");

    String text = diff.toText();
    assertThat(text.lines().toList())
        .startsWith(
            "Components: 2 added, 2 removed, 1 changed. Vulnerabilities: 1 new, 0 resolved, 0"
                + " changed.")
        .contains(
            "+ file new.pkl",
            "+ library pkg:pypi/scikit-learn",
            "- library pkg:pypi/numpy",
            "- file old.pkl",
            "~ file model.pkl",
            "    hash SHA-256: " + A + " -> " + C,
            "+ vulnerability CORE-001@model.pkl@3 (high) affects file:model.pkl");

    JsonNode json = JSON.readTree(diff.toJson());
    assertThat(json.path("identical").asBoolean()).isFalse();
    assertThat(json.at("/components/added/0/name").asText()).isEqualTo("new.pkl");
    assertThat(json.at("/components/removed/1/purl").asText()).isEqualTo("pkg:pypi/numpy");
    assertThat(json.at("/components/changed/0/changes/1/field").asText()).isEqualTo("hash SHA-256");
    assertThat(json.at("/components/changed/0/changes/1/after").asText()).isEqualTo(C);
    assertThat(json.at("/vulnerabilities/added/0/id").asText()).isEqualTo("CORE-001@model.pkl@3");
    assertThat(json.at("/vulnerabilities/added/0/severity").asText()).isEqualTo("high");

    // the other way round, the vulnerability is resolved
    BomDiff back =
        BomDiff.between(contents(after(), BomFormat.JSON), contents(before(), BomFormat.JSON));
    assertThat(back.removedVulnerabilities()).hasSize(1);
    assertThat(back.toText()).contains("- vulnerability CORE-001@model.pkl@3 (high)");
  }

  @Test
  void versionLicenseAndSeverityChangesAreListed() throws Exception {
    String old =
        """
        {"bomFormat": "CycloneDX", "specVersion": "1.6",
         "metadata": {"component": {"type": "machine-learning-model", "name": "m", "version": "1",
            "licenses": [{"license": {"id": "MIT"}}]}},
         "components": [
           {"type": "library", "name": "torch", "version": "2.1", "purl": "pkg:pypi/torch@2.1"},
           {"type": "file", "name": "w.bin", "hashes": [{"alg": "SHA-256", "content": "AA"}],
            "licenses": [{"expression": "MIT OR Apache-2.0"}]}],
         "vulnerabilities": [{"id": "V-1", "ratings": [{"severity": "low"}],
            "affects": [{"ref": "x"}]}]}
        """;
    String now =
        """
        {"bomFormat": "CycloneDX", "specVersion": "1.6",
         "metadata": {"component": {"type": "machine-learning-model", "name": "m", "version": "2",
            "licenses": [{"license": {"name": "llama3"}}]}},
         "components": [
           {"type": "library", "name": "torch", "version": "2.4", "purl": "pkg:pypi/torch@2.4"},
           {"type": "file", "name": "w.bin", "hashes": [{"alg": "SHA-256", "content": "aa"}]}],
         "vulnerabilities": [{"id": "V-1", "ratings": [{"severity": "low"}, {"severity": "high"}],
            "affects": [{"ref": "x"}]}]}
        """;
    BomDiff diff =
        BomDiff.between(
            BomContents.parse(old.getBytes(StandardCharsets.UTF_8)),
            BomContents.parse(now.getBytes(StandardCharsets.UTF_8)));
    List<String> changes = new ArrayList<>();
    diff.changedComponents()
        .forEach(c -> c.changes().forEach(ch -> changes.add(c.key() + " " + ch)));
    assertThat(changes)
        .containsExactly(
            "(model) Change[field=version, before=1, after=2]",
            "(model) Change[field=licenses, before=MIT, after=llama3]",
            "pkg:pypi/torch Change[field=version, before=2.1, after=2.4]",
            "pkg:pypi/torch Change[field=purl, before=pkg:pypi/torch@2.1, after=pkg:pypi/torch@2.4]",
            "w.bin Change[field=licenses, before=MIT OR Apache-2.0, after=null]");
    assertThat(diff.changedVulnerabilities())
        .containsExactly(
            new BomDiff.VulnerabilityChange(
                "V-1", List.of(new BomDiff.Change("severity", "low", "high"))));
    assertThat(diff.toText()).contains("    licenses: MIT -> llama3", "    version: 2.1 -> 2.4");
  }

  @Test
  void purlVersionsAreIgnoredWhenMatching() {
    assertThat(BomDiff.purlWithoutVersion("pkg:pypi/torch@2.1")).isEqualTo("pkg:pypi/torch");
    assertThat(BomDiff.purlWithoutVersion("pkg:npm/%40scope/x@1.0?arch=x#sub"))
        .isEqualTo("pkg:npm/%40scope/x?arch=x#sub");
    assertThat(BomDiff.purlWithoutVersion("pkg:pypi/torch")).isEqualTo("pkg:pypi/torch");
  }

  @Test
  void controlCharactersFromABomAreEscapedInText() throws Exception {
    String hostile =
        """
        {"bomFormat": "CycloneDX", "specVersion": "1.6",
         "components": [{"type": "file", "name": "evil\\u001b[2Jname"}]}
        """;
    String empty = "{\"bomFormat\": \"CycloneDX\", \"specVersion\": \"1.6\"}";
    BomDiff diff =
        BomDiff.between(
            BomContents.parse(empty.getBytes(StandardCharsets.UTF_8)),
            BomContents.parse(hostile.getBytes(StandardCharsets.UTF_8)));
    assertThat(diff.toText()).contains("+ file evil\\x1b[2Jname").doesNotContain("\u001b");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "   ",
        "hello",
        "{",
        "[1, 2]",
        "{\"bomFormat\": \"SPDX\", \"specVersion\": \"1.6\"}",
        "{\"bomFormat\": \"CycloneDX\"}",
        "{\"bomFormat\": \"CycloneDX\", \"specVersion\": \"1.6\", \"components\": {}}",
        "{\"bomFormat\": \"CycloneDX\", \"specVersion\": \"1.6\", \"components\": [{\"type\": \"file\"}]}",
        "{\"bomFormat\": \"CycloneDX\", \"specVersion\": \"1.6\"} trailing",
        "<bom xmlns=\"urn:other\"/>",
        "<bom xmlns=\"http://cyclonedx.org/schema/bom/1.6\">",
        "<?xml version=\"1.0\"?><!DOCTYPE bom [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
            + "<bom xmlns=\"http://cyclonedx.org/schema/bom/1.6\"><metadata><component type=\"file\">"
            + "<name>&x;</name></component></metadata></bom>"
      })
  void invalidInputIsRefusedWithAOneLineMessage(String text) {
    assertThatThrownBy(() -> BomContents.parse(text.getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(InvalidBomException.class)
        .satisfies(e -> assertThat(e.getMessage()).isNotBlank().doesNotContain("\n"));
  }

  @Test
  void deeplyNestedComponentsAreRefusedNotRecursedInto() {
    int depth = 5000;
    String json =
        "{\"bomFormat\": \"CycloneDX\", \"specVersion\": \"1.6\", \"components\": "
            + "[{\"type\": \"file\", \"name\": \"x\", \"components\": ".repeat(depth)
            + "[]"
            + "}]".repeat(depth)
            + "}";
    assertThatThrownBy(() -> BomContents.parse(json.getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(InvalidBomException.class);
    String xml =
        "<bom xmlns=\"http://cyclonedx.org/schema/bom/1.6\"><components>"
            + "<component type=\"file\"><name>x</name><components>".repeat(depth)
            + "</components></component>".repeat(depth)
            + "</components></bom>";
    assertThatThrownBy(() -> BomContents.parse(xml.getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(InvalidBomException.class)
        .hasMessageContaining("nested");
  }

  @Test
  void unreadableFilesAreRefusedNamingTheFile() throws Exception {
    Path missing = dir.resolve("missing.json");
    assertThatThrownBy(() -> BomContents.read(missing))
        .isInstanceOf(InvalidBomException.class)
        .hasMessage("no such file: " + missing);
    assertThatThrownBy(() -> BomContents.read(dir))
        .isInstanceOf(InvalidBomException.class)
        .hasMessageContaining("is a folder");
    Path bad = Files.writeString(dir.resolve("bad.json"), "{\"bomFormat\": 1,");
    assertThatThrownBy(() -> BomContents.read(bad))
        .isInstanceOf(InvalidBomException.class)
        .hasMessageStartingWith(bad + ": not valid JSON")
        .hasMessageContaining("line 1");
  }
}
