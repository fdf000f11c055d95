package io.sentrascan.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.sentrascan.scanner.FileResult;
import io.sentrascan.scanner.Finding;
import io.sentrascan.scanner.Policy;
import io.sentrascan.scanner.ScanEngine;
import io.sentrascan.scanner.ScanResult;
import io.sentrascan.scanner.Sources;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/**
 * What the format tests do over and over: scan a fixture (or bytes) through the default engine
 * under the default policy, and pick the findings of one rule.
 */
public final class FormatFixtures {
  /** The fixture corpus, one folder per format. */
  public static final Path ROOT = Path.of("src/test/resources/fixtures");

  private FormatFixtures() {}

  /** The folder of one format's fixtures. */
  public static Path folder(String format) {
    return ROOT.resolve(format);
  }

  /** The whole result of scanning {@code path} with the default engine and policy. */
  public static ScanResult scanPath(Path path) throws IOException {
    return ScanEngine.defaults().scan(List.of(path), Policy.defaults(), p -> {});
  }

  /** Every file result of scanning {@code path}: the file itself first, then what it contains. */
  public static List<FileResult> scanFiles(Path path) throws IOException {
    return scanPath(path).files();
  }

  /** The result for {@code path} itself. */
  public static FileResult scanFile(Path path) throws IOException {
    return scanFiles(path).get(0);
  }

  /** The result for {@code data} scanned as a file named {@code name}. */
  public static FileResult scanBytes(byte[] data, String name) {
    return ScanEngine.defaults().scanSource(Sources.bytes(data, name)).get(0);
  }

  /** The result for {@code text} (UTF-8) scanned as a file named {@code name}. */
  public static FileResult scanText(String text, String name) {
    return scanBytes(text.getBytes(StandardCharsets.UTF_8), name);
  }

  /** The findings of {@code ruleId}, in report order. */
  public static List<Finding> rule(FileResult file, String ruleId) {
    return file.findings().stream().filter(f -> f.ruleId().equals(ruleId)).toList();
  }

  /** The one finding of {@code ruleId}; fails the test unless there is exactly one. */
  public static Finding only(FileResult file, String ruleId) {
    List<Finding> found = rule(file, ruleId);
    assertThat(found).as(file.findings().toString()).hasSize(1);
    return found.get(0);
  }
}
