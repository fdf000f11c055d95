package io.sentrascan.scanner;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Corrupted XGBoost, LightGBM, CatBoost, PMML and skops files yield findings, never an error that
 * escaped a scanner (a parser's RuntimeException must become a malformed-file finding).
 */
class ClassicFormatsMutationTest {
  private static final Path FIXTURES = Path.of("src/test/resources/fixtures");

  @ParameterizedTest
  @ValueSource(
      strings = {
        "xgboost/benign-binary-logistic.json",
        "xgboost/benign-binary-logistic.ubj",
        "xgboost/benign-legacy-binary.model",
        "lightgbm/benign-binary.txt",
        "catboost/benign-classifier.cbm",
        "pmml/benign-transformations.xml",
        "skops/benign-logistic-regression.skops"
      })
  void mutationsAndTruncationsNeverEscapeAsErrors(String fixture) throws IOException {
    byte[] good = Files.readAllBytes(FIXTURES.resolve(fixture));
    String name = Path.of(fixture).getFileName().toString();
    ScanEngine engine = ScanEngine.defaults();
    Random random = new Random(fixture.hashCode());
    for (int i = 0; i < 300; i++) {
      byte[] bad = good.clone();
      for (int j = 0; j < 1 + random.nextInt(4); j++) {
        int at = 8 + random.nextInt(bad.length - 8); // keep the magic so the format's scanner runs
        bad[at] = (byte) random.nextInt(256);
      }
      for (FileResult r : engine.scanSource(Sources.bytes(bad, name))) {
        assertThat(r.errors()).as("mutation %d of %s: %s", i, fixture, r.findings()).isEmpty();
      }
    }
    for (int cut = 8; cut < good.length; cut += Math.max(1, good.length / 97)) {
      byte[] bad = Arrays.copyOf(good, cut);
      for (FileResult r : engine.scanSource(Sources.bytes(bad, name))) {
        assertThat(r.errors()).as("cut at %d of %s", cut, fixture).isEmpty();
      }
    }
  }
}
