package io.sentrascan.scanner.sbom;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Schema;
import io.sentrascan.scanner.FileResult;
import io.sentrascan.scanner.Finding;
import io.sentrascan.scanner.Limits;
import io.sentrascan.scanner.Location;
import io.sentrascan.scanner.Policy;
import io.sentrascan.scanner.ScanEngine;
import io.sentrascan.scanner.ScanResult;
import io.sentrascan.scanner.Severity;
import io.sentrascan.scanner.rules.RuleCatalog;
import io.sentrascan.testing.FakeScanner;
import io.sentrascan.testing.JsonSchemas;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import org.cyclonedx.model.Bom;
import org.cyclonedx.parsers.XmlParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MlBomBuilderTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path dir;

  /**
   * A small Hugging Face–style folder: config, card with front matter, a "model" the fake scanner
   * understands (pickle imports of three frameworks, a finding, a nested entry), a data set and an
   * unrecognised file.
   */
  private Path modelFolder() throws IOException {
    Path model = Files.createDirectories(dir.resolve("tiny-bert"));
    Files.writeString(
        model.resolve("config.json"),
        """
        {
          "_name_or_path": "acme/tiny-bert",
          "architectures": ["BertForSequenceClassification"],
          "model_type": "bert",
          "transformers_version": "4.44.2",
          "hidden_size": 32
        }
        """);
    Files.writeString(
        model.resolve("README.md"),
        """
        ---
        license: apache-2.0
        language:
        - en
        datasets:
          - imdb
          - "glue"
        library_name: transformers
        base_model: google-bert/bert-base-uncased
        model-index:
        - name: tiny-bert
          results: []
        ---
        # tiny-bert

        A test model.
        """);
    Files.writeString(
        model.resolve("pytorch_model.bin"),
        """
        FAKE
        format pytorch-zip
        property pickle.imports torch._utils._rebuild_tensor_v2
        property pickle.imports collections.OrderedDict
        property pickle.imports numpy.core.multiarray._reconstruct
        rule CORE-001 17 truncated
        nested archive/data.pkl FAKE;property pickle.imports sklearn.tree.DecisionTreeClassifier
        """);
    Files.writeString(model.resolve("train.csv"), "text,label\nhello,1\n");
    Files.writeString(model.resolve("vocab.txt"), "[PAD]\n[UNK]\n");
    return model;
  }

  private static ScanResult scan(Path target) throws IOException {
    return new ScanEngine(List.of(new FakeScanner()), Limits.defaults())
        .withDigests(MlBomBuilder.DIGESTS)
        .scan(List.of(target), Policy.defaults(), p -> {});
  }

  private static JsonNode json(Bom bom) throws IOException {
    return JSON.readTree(MlBomWriter.render(bom, BomFormat.JSON));
  }

  private static JsonNode component(JsonNode bom, String ref) {
    List<JsonNode> all = new ArrayList<>();
    collect(bom.path("components"), all);
    return all.stream()
        .filter(c -> c.path("bom-ref").asText().equals(ref))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no component " + ref + " in " + bom));
  }

  private static void collect(JsonNode components, List<JsonNode> out) {
    for (JsonNode c : components) {
      out.add(c);
      collect(c.path("components"), out);
    }
  }

  private static List<String> texts(JsonNode array, String field) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(field.isEmpty() ? n.asText() : n.path(field).asText()));
    return out;
  }

  private static List<String> property(JsonNode node, String name) {
    List<String> out = new ArrayList<>();
    for (JsonNode p : node.path("properties")) {
      if (p.path("name").asText().equals(name)) {
        out.add(p.path("value").asText());
      }
    }
    return out;
  }

  @Test
  void theModelComponentAndItsCardComeFromConfigAndCardFrontMatter() throws IOException {
    JsonNode bom = json(new MlBomBuilder().build(scan(modelFolder())));
    assertThat(bom.path("bomFormat").asText()).isEqualTo("CycloneDX");
    assertThat(bom.path("specVersion").asText()).isEqualTo("1.6");

    JsonNode model = bom.at("/metadata/component");
    assertThat(model.path("type").asText()).isEqualTo("machine-learning-model");
    assertThat(model.path("bom-ref").asText()).isEqualTo("model");
    assertThat(model.path("name").asText()).isEqualTo("acme/tiny-bert");
    assertThat(model.has("version")).as("no version is invented").isFalse();
    assertThat(model.at("/licenses/0/license/id").asText()).isEqualTo("Apache-2.0");
    assertThat(property(model, "sentrascan:card.base_model"))
        .containsExactly("google-bert/bert-base-uncased");

    JsonNode params = model.at("/modelCard/modelParameters");
    assertThat(params.path("task").asText()).isEqualTo("text-classification");
    assertThat(params.path("architectureFamily").asText()).isEqualTo("bert");
    assertThat(params.path("modelArchitecture").asText())
        .isEqualTo("BertForSequenceClassification");
    assertThat(texts(params.path("datasets"), "name")).containsExactly("glue", "imdb");
    assertThat(texts(params.path("datasets"), "type")).containsOnly("dataset");
    assertThat(texts(params.path("inputs"), "format")).containsExactly("text");
    assertThat(texts(params.path("outputs"), "format")).containsExactly("label");
    assertThat(model.at("/modelCard").has("considerations"))
        .as("nothing is known about considerations, so none are claimed")
        .isFalse();

    JsonNode tool = bom.at("/metadata/tools/components/0");
    assertThat(tool.path("name").asText()).isEqualTo("SentraScan");
    assertThat(tool.path("version").asText()).isEqualTo(ScanEngine.TOOL_VERSION);
    assertThat(property(tool, "sentrascan:scanner.fake")).containsExactly("1.0.0");
  }

  @Test
  void namesAndVersionsGivenExplicitlyWin() throws IOException {
    Bom bom = new MlBomBuilder().withName("my-model").withVersion("2.1").build(scan(modelFolder()));
    assertThat(bom.getMetadata().getComponent().getName()).isEqualTo("my-model");
    assertThat(bom.getMetadata().getComponent().getVersion()).isEqualTo("2.1");
  }

  @Test
  void withoutConfigTheNameIsTheFolderOrFileName() throws IOException {
    Path folder = Files.createDirectories(dir.resolve("resnet"));
    Path file = Files.writeString(folder.resolve("resnet50.pt"), "FAKE\n");
    assertThat(new MlBomBuilder().build(scan(folder)).getMetadata().getComponent().getName())
        .isEqualTo("resnet");
    assertThat(new MlBomBuilder().build(scan(file)).getMetadata().getComponent().getName())
        .isEqualTo("resnet50");
  }

  @Test
  void aLocalPathInNameOrPathKeepsOnlyItsLastFolder() {
    assertThat(ModelComponents.repoIdOrLastSegment("acme/tiny-bert")).isEqualTo("acme/tiny-bert");
    assertThat(ModelComponents.repoIdOrLastSegment("bert-base-uncased"))
        .isEqualTo("bert-base-uncased");
    assertThat(ModelComponents.repoIdOrLastSegment("/home/alice/ckpt/run-7/")).isEqualTo("run-7");
    assertThat(ModelComponents.repoIdOrLastSegment("C:\\models\\bert")).isEqualTo("bert");
    assertThat(ModelComponents.repoIdOrLastSegment("./out")).isEqualTo("out");
  }

  @Test
  void everyFileHasFourDigestsEqualToTheFileBytes() throws Exception {
    Path folder = modelFolder();
    JsonNode bom = json(new MlBomBuilder().build(scan(folder)));
    Map<String, String> specNames =
        Map.of("SHA-256", "SHA-256", "SHA-512", "SHA-512", "SHA-1", "SHA-1", "MD5", "MD5");
    for (String name :
        List.of("config.json", "README.md", "pytorch_model.bin", "train.csv", "vocab.txt")) {
      byte[] bytes = Files.readAllBytes(folder.resolve(name));
      JsonNode c = component(bom, "file:" + name);
      assertThat(c.path("name").asText()).isEqualTo(name);
      Map<String, String> hashes = new TreeMap<>();
      c.path("hashes").forEach(h -> hashes.put(h.path("alg").asText(), h.path("content").asText()));
      assertThat(hashes).as(name).hasSize(4);
      for (Map.Entry<String, String> e : specNames.entrySet()) {
        String expected =
            HexFormat.of().formatHex(MessageDigest.getInstance(e.getValue()).digest(bytes));
        assertThat(hashes.get(e.getKey())).as(name + " " + e.getKey()).isEqualTo(expected);
      }
    }
    assertThat(component(bom, "file:pytorch_model.bin").path("type").asText()).isEqualTo("file");
    JsonNode csv = component(bom, "file:train.csv");
    assertThat(csv.path("type").asText()).isEqualTo("data");
    assertThat(csv.at("/data/0/type").asText()).isEqualTo("dataset");
  }

  @Test
  void nestedEntriesAreSubComponentsOfTheirContainer() throws IOException {
    JsonNode bom = json(new MlBomBuilder().build(scan(modelFolder())));
    JsonNode container = component(bom, "file:pytorch_model.bin");
    assertThat(texts(container.path("components"), "bom-ref"))
        .containsExactly("file:pytorch_model.bin!/archive/data.pkl");
    JsonNode entry = container.path("components").get(0);
    assertThat(entry.path("hashes")).hasSize(4);
    assertThat(texts(bom.path("components"), "bom-ref"))
        .as("entries are not repeated at the top level")
        .doesNotContain("file:pytorch_model.bin!/archive/data.pkl");
    assertThat(property(container, "sentrascan:format")).containsExactly("pytorch-zip");
    assertThat(property(container, "sentrascan:pickle.imports"))
        .contains("torch._utils._rebuild_tensor_v2");
  }

  @Test
  void librariesAreInferredFromImportsFormatsConfigAndCard() throws IOException {
    JsonNode bom = json(new MlBomBuilder().build(scan(modelFolder())));
    List<JsonNode> libraries = new ArrayList<>();
    bom.path("components")
        .forEach(
            c -> {
              if (c.path("type").asText().equals("library")) {
                libraries.add(c);
              }
            });
    assertThat(libraries.stream().map(c -> c.path("purl").asText()))
        .containsExactly(
            "pkg:pypi/numpy",
            "pkg:pypi/scikit-learn",
            "pkg:pypi/torch",
            "pkg:pypi/transformers@4.44.2");
    assertThat(libraries.stream().map(c -> c.path("bom-ref").asText()))
        .containsExactly(
            "pkg:pypi/numpy",
            "pkg:pypi/scikit-learn",
            "pkg:pypi/torch",
            "pkg:pypi/transformers@4.44.2");
    assertThat(property(component(bom, "pkg:pypi/torch"), "sentrascan:evidence"))
        .contains(
            "format pytorch-zip in file:pytorch_model.bin",
            "import torch._utils._rebuild_tensor_v2 in file:pytorch_model.bin");

    Map<String, List<String>> graph = new TreeMap<>();
    bom.path("dependencies")
        .forEach(d -> graph.put(d.path("ref").asText(), texts(d.path("dependsOn"), "")));
    assertThat(graph.get("model"))
        .containsExactlyInAnyOrder(
            "file:README.md",
            "file:config.json",
            "file:pytorch_model.bin",
            "file:train.csv",
            "file:vocab.txt",
            "pkg:pypi/numpy",
            "pkg:pypi/scikit-learn",
            "pkg:pypi/torch",
            "pkg:pypi/transformers@4.44.2");
    assertThat(graph.get("file:pytorch_model.bin"))
        .containsExactly("pkg:pypi/numpy", "pkg:pypi/torch");
    assertThat(graph.get("file:pytorch_model.bin!/archive/data.pkl"))
        .containsExactly("pkg:pypi/scikit-learn");
    assertThat(graph.get("file:config.json")).containsExactly("pkg:pypi/transformers@4.44.2");
    assertThat(graph.get("file:README.md"))
        .as("library_name: transformers in the card")
        .containsExactly("pkg:pypi/transformers@4.44.2");
    assertThat(graph.get("pkg:pypi/torch")).isEmpty();
    // every ref in the graph names a component
    List<JsonNode> all = new ArrayList<>();
    collect(bom.path("components"), all);
    List<String> refs = new ArrayList<>(all.stream().map(c -> c.path("bom-ref").asText()).toList());
    refs.add("model");
    graph.forEach(
        (ref, deps) -> {
          assertThat(refs).contains(ref);
          assertThat(refs).containsAll(deps);
        });
  }

  @Test
  void aFrameworkPropertyNamesALibraryToo() throws IOException {
    Path folder = Files.createDirectories(dir.resolve("k"));
    Files.writeString(folder.resolve("model.h5"), "FAKE\nproperty keras.framework keras\n");
    Files.writeString(folder.resolve("model.pt"), "FAKE\nproperty framework pytorch\n");
    JsonNode bom = json(new MlBomBuilder().build(scan(folder)));
    assertThat(component(bom, "pkg:pypi/keras").path("type").asText()).isEqualTo("library");
    assertThat(property(component(bom, "pkg:pypi/torch"), "sentrascan:evidence"))
        .containsExactly("framework pytorch in file:model.pt");
  }

  @Test
  void twoTargetsWithTheSameNameKeepUniqueRefs() throws IOException {
    Path a = Files.createDirectories(dir.resolve("a/model"));
    Path b = Files.createDirectories(dir.resolve("b/model"));
    Files.writeString(a.resolve("w.bin"), "FAKE\n");
    Files.writeString(b.resolve("w.bin"), "FAKE\nrule CORE-001 1 x\n");
    ScanResult result =
        new ScanEngine(List.of(new FakeScanner()), Limits.defaults())
            .scan(List.of(a, b), Policy.defaults(), p -> {});
    String text = MlBomWriter.render(new MlBomBuilder().build(result), BomFormat.JSON);
    JsonSchemas.assertValid(JsonSchemas.cycloneDx16(), text);
    JsonNode bom = JSON.readTree(text);
    assertThat(texts(bom.path("components"), "bom-ref"))
        .containsExactly("file:model/w.bin", "file:model/w.bin#2");
    assertThat(bom.at("/vulnerabilities/0/affects/0/ref").asText())
        .as("the finding points at the second file")
        .isEqualTo("file:model/w.bin#2");
  }

  @Test
  void findingsBecomeVulnerabilitiesWithRatingsCwesAndAffects() throws IOException {
    JsonNode bom = json(new MlBomBuilder().build(sampleResult()));
    JsonNode vulns = bom.path("vulnerabilities");
    assertThat(texts(vulns, "id"))
        .containsExactly(
            "CORE-001@model.zip@40",
            "TEST-IMPORT@model.zip!/archive/data.pkl [GLOBAL foo bar]",
            "CORE-005@model.zip!/archive/data.pkl@128 [entry data.pkl]",
            "CORE-005@model.zip!/archive/data.pkl@128 [entry data.pkl]");
    assertThat(texts(vulns, "bom-ref"))
        .as("bom-refs stay unique when a rule fires twice at one place")
        .doesNotHaveDuplicates();

    JsonNode malformed = vulns.get(0);
    var rule = RuleCatalog.defaults().rule("CORE-001");
    assertThat(malformed.at("/source/name").asText()).isEqualTo("SentraScan");
    assertThat(malformed.at("/ratings/0/severity").asText()).isEqualTo("high");
    assertThat(malformed.at("/ratings/0/method").asText()).isEqualTo("other");
    assertThat(texts(malformed.path("cwes"), "")).containsExactly("20");
    assertThat(malformed.path("description").asText()).isEqualTo("Central directory ends early.");
    assertThat(malformed.path("recommendation").asText()).isEqualTo(rule.remediation());
    assertThat(malformed.path("detail").asText()).contains("PK\\x05\\x06");
    assertThat(texts(malformed.path("affects"), "ref")).containsExactly("file:model.zip");
    assertThat(property(malformed, "sentrascan:title")).containsExactly(rule.title());

    JsonNode unknown = vulns.get(1);
    assertThat(unknown.at("/ratings/0/severity").asText()).isEqualTo("medium");
    assertThat(unknown.has("cwes")).as("a rule outside the catalog has no CWE").isFalse();
    assertThat(texts(unknown.path("affects"), "ref"))
        .containsExactly("file:model.zip!/archive/data.pkl");

    assertThat(vulns.get(2).at("/ratings/0/severity").asText())
        .as("the finding's severity, not the rule's default")
        .isEqualTo("critical");
    assertThat(texts(vulns.get(2).path("cwes"), "")).containsExactly("409");

    JsonNode skipped = component(bom, "file:notes.txt");
    assertThat(property(skipped, "sentrascan:skipped"))
        .containsExactly("no scanner recognises this content");
    assertThat(property(component(bom, "file:model.zip!/archive/data.pkl"), "sentrascan:error"))
        .containsExactly("read failed: simulated");
    assertThat(property(bom.path("metadata"), "sentrascan:verdict")).containsExactly("FAIL");
  }

  @Test
  void bomsAreValidAgainstTheOfficialCycloneDx16Schema() throws IOException {
    Schema schema = JsonSchemas.cycloneDx16();
    JsonSchemas.assertValid(
        schema, MlBomWriter.render(new MlBomBuilder().build(scan(modelFolder())), BomFormat.JSON));
    JsonSchemas.assertValid(
        schema, MlBomWriter.render(new MlBomBuilder().build(sampleResult()), BomFormat.JSON));
    JsonSchemas.assertValid(
        schema, MlBomWriter.render(new MlBomBuilder().build(emptyResult()), BomFormat.JSON));
  }

  @Test
  void theSchemaCatchesABrokenBom() throws IOException {
    // Guards the guard: a validator that accepted anything would make the test above worthless.
    JsonNode bom = json(new MlBomBuilder().build(scan(modelFolder())));
    ((ObjectNode) bom.at("/metadata/component")).put("type", "neural-network");
    assertThat(JsonSchemas.violations(JsonSchemas.cycloneDx16(), bom.toString())).isNotEmpty();
    ((ObjectNode) bom.at("/metadata/component")).put("type", "machine-learning-model");
    ((ObjectNode) bom.at("/metadata/component/licenses/0/license")).put("id", "apache-2.0");
    assertThat(JsonSchemas.violations(JsonSchemas.cycloneDx16(), bom.toString()))
        .as("license ids must be canonical SPDX ids, which the schema checks via spdx.schema.json")
        .isNotEmpty();
  }

  @Test
  void xmlOutputIsValidAgainstTheCycloneDx16XmlSchema() throws Exception {
    // cyclonedx-core-java's XSD check: XML-only, so it needs no JSON-schema library at run time.
    Bom built = new MlBomBuilder().build(scan(modelFolder()));
    byte[] xml = MlBomWriter.render(built, BomFormat.XML).getBytes(StandardCharsets.UTF_8);
    assertThat(new XmlParser().validate(xml, MlBomWriter.SPEC)).isEmpty();
    assertThat(new String(xml, StandardCharsets.UTF_8))
        .contains("<modelCard")
        .contains("machine-learning-model");
    // and says what the JSON says (read back by sbom diff's reader, licenses and all)
    BomContents fromXml = BomContents.parse(xml);
    BomContents fromJson =
        BomContents.parse(
            MlBomWriter.render(built, BomFormat.JSON).getBytes(StandardCharsets.UTF_8));
    assertThat(fromXml).isEqualTo(fromJson);
    assertThat(fromXml.model().licenses()).containsExactly("Apache-2.0");
  }

  @Test
  void theSameInputGivesTheSameBomApartFromSerialAndTimestamp() throws IOException {
    Path folder = modelFolder();
    ScanResult first = scan(folder);
    ScanResult second = scan(folder);
    String a = MlBomWriter.render(new MlBomBuilder().build(first), BomFormat.JSON);
    String b = MlBomWriter.render(new MlBomBuilder().build(second), BomFormat.JSON);
    JsonNode na = JSON.readTree(a);
    JsonNode nb = JSON.readTree(b);
    assertThat(na.path("serialNumber").asText())
        .matches("urn:uuid:[0-9a-f-]{36}")
        .isNotEqualTo(nb.path("serialNumber").asText())
        .isEqualTo("urn:uuid:" + first.scanId());
    assertThat(withoutVolatile(a)).isEqualTo(withoutVolatile(b));
    // and byte-for-byte once those two fields agree
    assertThat(
            a.replace(na.path("serialNumber").asText(), "S")
                .replaceAll("\"timestamp\": \"[^\"]+\"", "T"))
        .isEqualTo(
            b.replace(nb.path("serialNumber").asText(), "S")
                .replaceAll("\"timestamp\": \"[^\"]+\"", "T"));
  }

  @Test
  void aScanIdThatIsNotAUuidStillGivesAValidSerial() {
    assertThat(MlBomBuilder.serial("00000000-0000-0000-0000-000000000001"))
        .isEqualTo(MlBomBuilder.serial("00000000-0000-0000-0000-000000000001"))
        .matches("[0-9a-f]{8}-[0-9a-f]{4}-3[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
    assertThat(MlBomBuilder.serial("s3-job-17")).matches("[0-9a-f-]{36}");
  }

  @Test
  void aConfigChangedSinceTheScanIsNotDescribed() throws IOException {
    Path folder = modelFolder();
    ScanResult result = scan(folder);
    Files.writeString(folder.resolve("config.json"), "{\"_name_or_path\": \"swapped/model\"}");
    Bom bom = new MlBomBuilder().build(result);
    assertThat(bom.getMetadata().getComponent().getName()).isEqualTo("tiny-bert");
  }

  private static String withoutVolatile(String json) throws IOException {
    ObjectNode node = (ObjectNode) JSON.readTree(json);
    node.remove("serialNumber");
    ((ObjectNode) node.path("metadata")).remove("timestamp");
    return node.toPrettyString();
  }

  /** Built directly: nested findings, an unknown rule, a skipped file, an error. */
  static ScanResult sampleResult() {
    RuleCatalog catalog = RuleCatalog.defaults();
    Finding malformed =
        catalog
            .rule("CORE-001")
            .finding(
                new Location("models/model.zip", 40, null),
                "Central directory ends early.",
                "PK\\x05\\x06");
    Finding bomb =
        catalog
            .rule("CORE-005")
            .finding(
                Severity.CRITICAL,
                new Location("models/model.zip!/archive/data.pkl", 128, "entry data.pkl"),
                "Entry expands 1000:1.",
                "");
    Finding unknownImport =
        new Finding(
            "TEST-IMPORT",
            Severity.MEDIUM,
            "unknown-import",
            "Import on neither list",
            "Imports foo.bar.",
            new Location("models/model.zip!/archive/data.pkl", -1, "GLOBAL foo bar"),
            "foo.bar",
            "Check the import.");
    SortedMap<String, SortedSet<String>> props = new TreeMap<>();
    props.put("pickle.imports", new TreeSet<>(List.of("collections.OrderedDict", "joblib.load")));
    List<FileResult> files =
        List.of(
            new FileResult(
                "models/model.zip",
                "zip",
                "zip",
                0,
                1234,
                new TreeMap<>(Map.of("SHA-256", "a".repeat(64), "MD5", "b".repeat(32))),
                List.of(malformed),
                List.of(),
                null,
                new TreeMap<>()),
            new FileResult(
                "models/model.zip!/archive/data.pkl",
                "pickle",
                "pickle",
                1,
                99,
                new TreeMap<>(Map.of("SHA-256", "c".repeat(64))),
                List.of(unknownImport, bomb, bomb),
                List.of("read failed: simulated"),
                null,
                props),
            new FileResult(
                "models/notes.txt",
                "unknown",
                null,
                0,
                5,
                new TreeMap<>(),
                List.of(),
                List.of(),
                "no scanner recognises this content",
                new TreeMap<>()));
    return new ScanResult(
        "6f1c2b9e-3a4d-4e5f-8a9b-0c1d2e3f4a5b",
        Instant.parse("2026-11-27T03:00:00Z"),
        42,
        "1.2.3",
        new TreeMap<>(Map.of("zip", "2.0.0", "pickle", "1.0.0")),
        List.of("models"),
        files,
        Policy.defaults(),
        Policy.defaults().verdict(files));
  }

  static ScanResult emptyResult() {
    return new ScanResult(
        "00000000-0000-0000-0000-000000000002",
        Instant.parse("2026-11-27T03:00:00Z"),
        0,
        "1.2.3",
        new TreeMap<>(),
        List.of(),
        List.of(),
        Policy.defaults(),
        Policy.defaults().verdict(List.of()));
  }
}
