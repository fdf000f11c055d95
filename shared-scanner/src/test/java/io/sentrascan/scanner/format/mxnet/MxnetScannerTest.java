package io.sentrascan.scanner.format.mxnet;

import static io.sentrascan.testing.FormatFixtures.scanFile;
import static org.assertj.core.api.Assertions.assertThat;

import io.sentrascan.scanner.FileResult;
import io.sentrascan.scanner.Finding;
import io.sentrascan.scanner.ScanEngine;
import io.sentrascan.scanner.Severity;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class MxnetScannerTest {
  static final Path FIXTURES = Path.of("src/test/resources/fixtures/mxnet");

  private static FileResult scan(String name) throws IOException {
    return scanFile(FIXTURES.resolve(name));
  }

  @Test
  void plainGraphAndParamsAreClean() throws IOException {
    FileResult symbol = scan("benign-mlp-symbol.json");
    assertThat(symbol.scanner()).isEqualTo("mxnet-symbol");
    assertThat(symbol.findings()).isEmpty();
    assertThat(symbol.properties().get("mxnet.version")).containsExactly("10901");
    FileResult params = scan("benign-mlp-0000.params");
    assertThat(params.scanner()).isEqualTo("mxnet-params");
    assertThat(params.findings()).isEmpty();
    assertThat(params.properties().get("mxnet.arrays")).containsExactly("2");
  }

  @Test
  void customOperatorIsMediumWithItsNode() throws IOException {
    FileResult file = scan("custom-op-symbol.json");
    assertThat(file.findings()).hasSize(1);
    Finding f = file.findings().get(0);
    assertThat(f.ruleId()).isEqualTo("MX-001");
    assertThat(f.severity()).isEqualTo(Severity.MEDIUM);
    assertThat(f.evidence()).isEqualTo("op_type: exfil_softmax");
    assertThat(f.location().context()).isEqualTo("node 3 postprocess");
  }

  @Test
  void randomMutationsGiveFindingsNotErrors() throws IOException {
    byte[] good = java.nio.file.Files.readAllBytes(FIXTURES.resolve("benign-mlp-0000.params"));
    java.util.Random random = new java.util.Random(11);
    for (int i = 0; i < 400; i++) {
      byte[] bad = good.clone();
      for (int j = 0; j < 3; j++) {
        int at = 16 + random.nextInt(bad.length - 16); // keep the list magic
        bad[at] = (byte) random.nextInt(256);
      }
      FileResult r =
          ScanEngine.defaults()
              .scanSource(io.sentrascan.scanner.Sources.bytes(bad, "mem.params"))
              .get(0);
      assertThat(r.scanner()).isEqualTo("mxnet-params");
      assertThat(r.errors()).as("mutation %d", i).isEmpty();
    }
  }

  @Test
  void lyingCountsAndSizesAreMalformed() throws IOException {
    assertThat(scan("malformed-lying-count-0000.params").findings())
        .extracting(Finding::description)
        .anyMatch(d -> d.contains("count 1099511627776"));
    assertThat(scan("malformed-huge-array-0000.params").findings())
        .extracting(Finding::description)
        .anyMatch(d -> d.contains("more than the file holds"));
    assertThat(scan("malformed-dangling-input-symbol.json").findings())
        .extracting(Finding::description)
        .anyMatch(d -> d.contains("input from node 7"));
  }
}
