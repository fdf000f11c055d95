package io.sentrascan.scanner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.sentrascan.scanner.format.numpy.NpyScanner;
import io.sentrascan.scanner.format.numpy.NpzScanner;
import io.sentrascan.scanner.format.pickle.PickleScanner;
import io.sentrascan.scanner.format.pytorch.PyTorchScanner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The pickle-family fixtures must be recognised by the scanner their folder names (a benign fixture
 * that no scanner claims would pass the corpus test for the wrong reason), and those scanners are
 * registered in the documented order.
 */
class PickleFamilyFixturesTest {
  private static final Map<String, String> SCANNER_OF_FOLDER =
      Map.of("pickle", "pickle", "joblib", "pickle", "pytorch", "pytorch", "numpy", "numpy");

  static Stream<Path> fixtures() throws IOException {
    return SCANNER_OF_FOLDER.keySet().stream()
        .sorted()
        .flatMap(
            folder -> {
              try (Stream<Path> files = Files.list(FixtureCorpusTest.ROOT.resolve(folder))) {
                return files
                    .filter(Files::isRegularFile)
                    .filter(p -> !p.getFileName().toString().endsWith(".json"))
                    .sorted()
                    .toList()
                    .stream();
              } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
              }
            });
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("fixtures")
  void isHandledByTheScannerOfItsFolder(Path fixture) throws IOException {
    ScanResult result = ScanEngine.defaults().scan(List.of(fixture), Policy.defaults(), p -> {});
    FileResult top = result.files().get(0);
    String folder = fixture.getParent().getFileName().toString();
    String expected = SCANNER_OF_FOLDER.get(folder);
    if (folder.equals("numpy") && fixture.toString().endsWith(".npz")) {
      expected = "numpy-npz";
    }
    assertThat(top.scanner()).as(FixtureCorpusTest.summarize(result)).isEqualTo(expected);
  }

  @Test
  void everyDenyListFamilyHasAMaliciousFixture() throws IOException {
    com.fasterxml.jackson.databind.JsonNode deny;
    try (var in = getClass().getResourceAsStream("/io/sentrascan/scanner/pickle/denylist.json")) {
      deny = new com.fasterxml.jackson.databind.ObjectMapper().readTree(in);
    }
    ScanResult result =
        ScanEngine.defaults()
            .scan(List.of(FixtureCorpusTest.ROOT.resolve("pickle")), Policy.defaults(), p -> {});
    String descriptions =
        result.findings().stream()
            .filter(f -> f.ruleId().equals("PKL-001"))
            .map(Finding::description)
            .collect(java.util.stream.Collectors.joining("\n"));
    List<String> families = new java.util.ArrayList<>(List.of("dangerous-attribute"));
    deny.path("families").forEach(f -> families.add(f.path("family").asText()));
    assertThat(families)
        .allSatisfy(family -> assertThat(descriptions).contains("deny-listed, " + family + ":"));
  }

  @Test
  void scannersAreRegisteredInOrderBeforeGenericContainers() {
    List<Class<?>> order = Scanners.defaults().stream().<Class<?>>map(Object::getClass).toList();
    assertThat(order)
        .containsSubsequence(
            PyTorchScanner.class, NpzScanner.class, NpyScanner.class, PickleScanner.class);
    assertThat(Scanners.defaults()).allSatisfy(s -> assertThat(s.version()).isNotBlank());
  }

  /**
   * Compressed joblib files are decompressed by the compressed-stream scanner of the archive branch
   * and re-dispatched to the pickle scanner. Until that scanner is registered they are reported as
   * not recognised, and this test says so instead of passing silently.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("compressedJoblib")
  void compressedJoblibGetsTheVerdictItsNameSays(Path fixture) throws IOException {
    ScanResult result = ScanEngine.defaults().scan(List.of(fixture), Policy.defaults(), p -> {});
    assumeTrue(
        result.files().get(0).skipped() == null,
        "no compressed-stream scanner registered yet (it comes with the archive branch)");
    String name = fixture.getFileName().toString();
    Verdict expected = name.startsWith("benign-") ? Verdict.PASS : Verdict.FAIL;
    assertThat(result.verdict()).as(FixtureCorpusTest.summarize(result)).isEqualTo(expected);
    if (expected == Verdict.FAIL) {
      assertThat(result.findings()).extracting(Finding::ruleId).contains("PKL-001");
      assertThat(result.files()).extracting(FileResult::format).contains("joblib");
    }
  }

  static Stream<Path> compressedJoblib() throws IOException {
    try (Stream<Path> files =
        Files.list(FixtureCorpusTest.ROOT.resolve("joblib").resolve("compressed"))) {
      return files.sorted().toList().stream();
    }
  }
}
