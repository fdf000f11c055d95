package io.sentrascan.scanner.container;

import static org.assertj.core.api.Assertions.assertThat;

import io.sentrascan.scanner.Limits;
import io.sentrascan.scanner.ScanResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Cuts and corrupts every archive fixture at seeded random places: whatever the damage, the scan
 * ends with a verdict and nothing escapes the engine.
 */
class MutatedArchivesTest {
  private static final int MUTATIONS = 25;

  static Stream<Path> fixtures() throws IOException {
    try (Stream<Path> files = Files.list(Archives.FIXTURES)) {
      List<Path> list =
          files.filter(p -> !p.getFileName().toString().endsWith(".json")).sorted().toList();
      return list.stream();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("fixtures")
  void damagedArchivesEndInAVerdict(Path fixture) throws IOException {
    byte[] original = Files.readAllBytes(fixture);
    Random random = new Random(fixture.getFileName().toString().hashCode());
    // Keep bombs cheap: the limits, not the machine, must stop them.
    Limits limits = Limits.defaults().withMaxTotalBytes(4L << 20);
    for (int i = 0; i < MUTATIONS; i++) {
      byte[] damaged =
          i % 2 == 0
              ? Arrays.copyOf(original, random.nextInt(original.length + 1))
              : flip(original, random);
      ScanResult result = Archives.scan(fixture.getFileName().toString(), damaged, limits);
      assertThat(result.verdict()).isNotNull();
      assertThat(result.files()).isNotEmpty();
    }
  }

  private static byte[] flip(byte[] original, Random random) {
    byte[] copy = original.clone();
    int flips = 1 + random.nextInt(8);
    for (int j = 0; j < flips && copy.length > 0; j++) {
      copy[random.nextInt(copy.length)] = (byte) random.nextInt(256);
    }
    return copy;
  }
}
