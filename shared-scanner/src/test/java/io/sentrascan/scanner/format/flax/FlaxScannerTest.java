package io.sentrascan.scanner.format.flax;

import static io.sentrascan.testing.FormatFixtures.only;
import static io.sentrascan.testing.FormatFixtures.scanFile;
import static org.assertj.core.api.Assertions.assertThat;

import io.sentrascan.scanner.FileResult;
import io.sentrascan.scanner.Finding;
import io.sentrascan.scanner.ScanEngine;
import io.sentrascan.scanner.Severity;
import io.sentrascan.scanner.Sources;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class FlaxScannerTest {
  static final Path FIXTURES = Path.of("src/test/resources/fixtures/flax");

  private static FileResult scan(String name) throws IOException {
    return scanFile(FIXTURES.resolve(name));
  }

  @Test
  void benignCheckpointIsCleanWithOrWithoutTheExtension() throws IOException {
    for (String name : List.of("benign-mlp.msgpack", "benign-checkpoint_100")) {
      FileResult file = scan(name);
      assertThat(file.scanner()).as(name).isEqualTo("flax");
      assertThat(file.format()).isEqualTo("flax-msgpack");
      assertThat(file.findings()).as(name).isEmpty();
      assertThat(file.properties().get("flax.arrays")).containsExactly("6");
    }
  }

  @Test
  void pickleInABinValueIsHighAndAnalysedAsAPickle() throws IOException {
    FileResult file = scan("malicious-pickle-in-bytes.msgpack");
    Finding f = only(file, "FLAX-002");
    assertThat(f.severity()).isEqualTo(Severity.HIGH);
    assertThat(f.location().context()).isEqualTo("/metadata");
    // the pickle analysis names the import
    assertThat(file.findings())
        .anyMatch(x -> x.ruleId().startsWith("PKL-") && x.evidence().contains("system"));
  }

  @Test
  void unknownExtTypeIsMediumWithItsCode() throws IOException {
    Finding f = only(scan("suspicious-custom-ext.msgpack"), "FLAX-001");
    assertThat(f.severity()).isEqualTo(Severity.MEDIUM);
    assertThat(f.evidence()).contains("ext code 42");
    assertThat(f.location().context()).isEqualTo("/hook");
  }

  @Test
  void arrayWhoseBytesDisagreeWithItsShapeIsReported() throws IOException {
    Finding f = only(scan("malformed-array-size.msgpack"), "FLAX-003");
    assertThat(f.description()).contains("need 128");
    assertThat(f.location().context()).isEqualTo("/params/kernel");
  }

  @Test
  void lyingLengthsAndDeepNestingAreMalformed() throws IOException {
    for (String name :
        List.of(
            "malformed-ext-length.msgpack",
            "malformed-truncated.msgpack",
            "malformed-deep-nesting.msgpack")) {
      FileResult file = scan(name);
      assertThat(file.scanner()).as(name).isEqualTo("flax");
      only(file, "CORE-001");
    }
  }

  @Test
  void otherMsgpackAndJsonAreNotClaimedWithoutTheHint() {
    byte[] plain = {(byte) 0x81, (byte) 0xa1, 'a', 0x01};
    assertThat(ScanEngine.defaults().scanSource(Sources.bytes(plain, "x.bin")).get(0).scanner())
        .isNotEqualTo("flax");
  }

  @Test
  void mutatedCheckpointsNeverThrow() throws IOException {
    byte[] good = Files.readAllBytes(FIXTURES.resolve("benign-mlp.msgpack"));
    Random random = new Random(5);
    for (int i = 0; i < 300; i++) {
      byte[] bad = good.clone();
      for (int k = 0; k < 3; k++) {
        int at = 2 + random.nextInt(bad.length - 2);
        bad[at] = (byte) random.nextInt(256);
      }
      FileResult file = ScanEngine.defaults().scanSource(Sources.bytes(bad, "m.msgpack")).get(0);
      assertThat(file.errors()).as("mutation %d", i).isEmpty();
    }
  }
}
