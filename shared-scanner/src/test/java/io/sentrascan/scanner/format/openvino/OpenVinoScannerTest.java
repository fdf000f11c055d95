package io.sentrascan.scanner.format.openvino;

import static io.sentrascan.testing.FormatFixtures.only;
import static io.sentrascan.testing.FormatFixtures.scanFile;
import static org.assertj.core.api.Assertions.assertThat;

import io.sentrascan.scanner.FileResult;
import io.sentrascan.scanner.Finding;
import io.sentrascan.scanner.ScanEngine;
import io.sentrascan.scanner.Severity;
import io.sentrascan.scanner.Sources;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OpenVinoScannerTest {
  static final Path FIXTURES = Path.of("src/test/resources/fixtures/openvino");

  private static FileResult scan(String name) throws IOException {
    return scanFile(FIXTURES.resolve(name));
  }

  private static FileResult scanText(String xml) {
    return ScanEngine.defaults()
        .scanSource(Sources.bytes(xml.getBytes(StandardCharsets.UTF_8), "model.xml"))
        .get(0);
  }

  @Test
  void benignIrIsClean() throws IOException {
    FileResult file = scan("benign-mlp.xml");
    assertThat(file.scanner()).isEqualTo("openvino");
    assertThat(file.findings()).isEmpty();
    assertThat(file.properties().get("openvino.layers")).containsExactly("6");
    assertThat(file.properties().get("openvino.ir_version")).containsExactly("11");
  }

  @Test
  void customOpsetLayerIsMediumWithItsLayer() throws IOException {
    Finding f = only(scan("suspicious-custom-extension.xml"), "OV-001");
    assertThat(f.severity()).isEqualTo(Severity.MEDIUM);
    assertThat(f.location().context()).isEqualTo("layer 3 customnms3 (CustomNms)");
    assertThat(f.evidence()).isEqualTo("type=CustomNms version=custom_opset");
  }

  @Test
  void externalEntityIsReportedAndNeverResolved(@TempDir Path dir) throws IOException {
    Path secret = dir.resolve("secret.txt");
    Files.writeString(secret, "TOP-SECRET-CANARY");
    String xml =
        "<?xml version=\"1.0\"?>\n<!DOCTYPE net [<!ENTITY x SYSTEM \""
            + secret.toUri()
            + "\">]>\n<net name=\"n\" version=\"11\"><layers>"
            + "<layer id=\"0\" name=\"&x;\" type=\"Parameter\" version=\"opset1\"/>"
            + "</layers></net>\n";
    FileResult file = scanText(xml);
    assertThat(file.scanner()).isEqualTo("openvino");
    assertThat(file.findings()).anyMatch(f -> f.ruleId().equals("OV-003"));
    assertThat(file.findings().toString()).doesNotContain("TOP-SECRET-CANARY");
    assertThat(file.properties().toString()).doesNotContain("TOP-SECRET-CANARY");
    assertThat(scan("malicious-xxe-doctype.xml").findings())
        .anyMatch(f -> f.ruleId().equals("OV-003") && f.severity() == Severity.HIGH);
  }

  @Test
  void unknownTypeInAStandardOpsetIsLow() {
    FileResult file =
        scanText(
            "<net name=\"n\" version=\"11\"><layers><layer id=\"0\" name=\"a\""
                + " type=\"FancyNewOp\" version=\"opset99\"/></layers></net>");
    assertThat(only(file, "OV-002").severity()).isEqualTo(Severity.LOW);
  }

  @Test
  void customLayerElementAndExtensionAttributeAreReported() {
    FileResult file =
        scanText(
            "<net name=\"n\" version=\"10\" extension=\"libcustom.so\"><custom_layer"
                + " type=\"X\"/><layers/></net>");
    assertThat(file.findings().stream().filter(f -> f.ruleId().equals("OV-001"))).hasSize(2);
  }

  @Test
  void otherXmlIsNotClaimed() {
    assertThat(scanText("<?xml version=\"1.0\"?><PMML version=\"4.4\"/>").scanner())
        .isNotEqualTo("openvino");
    assertThat(scanText("<network version=\"1\"/>").scanner()).isNotEqualTo("openvino");
  }

  @Test
  void malformedXmlIsMalformed() throws IOException {
    only(scan("malformed-unclosed.xml"), "CORE-001");
    only(scan("malformed-deep-nesting.xml"), "CORE-001");
  }
}
