package io.sentrascan.scanner.format.oci;

import static io.sentrascan.testing.FormatFixtures.scanFiles;
import static org.assertj.core.api.Assertions.assertThat;

import io.sentrascan.scanner.FileResult;
import io.sentrascan.scanner.Finding;
import io.sentrascan.scanner.ScanEngine;
import io.sentrascan.scanner.Severity;
import io.sentrascan.scanner.Sources;
import io.sentrascan.testing.CountingSource;
import io.sentrascan.testing.TarFiles;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OciImageScannerTest {
  static final Path FIXTURES = Path.of("src/test/resources/fixtures/oci");

  private static List<FileResult> scan(String name) throws IOException {
    return scanFiles(FIXTURES.resolve(name));
  }

  private static List<Finding> all(List<FileResult> files) {
    return files.stream().flatMap(f -> f.findings().stream()).toList();
  }

  @Test
  void modelInsideALayerIsScannedThroughGzipAndTar() throws IOException {
    List<FileResult> files = scan("benign-model-image.tar");
    assertThat(files.get(0).scanner()).isEqualTo("oci-image");
    assertThat(files.get(0).properties().get("oci.blobs")).containsExactly("3");
    assertThat(files)
        .anySatisfy(
            f -> {
              assertThat(f.path()).endsWith("models/resnet/model.pt");
              assertThat(f.scanner()).isEqualTo("pytorch");
            });
    assertThat(all(files)).noneMatch(f -> f.severity().atLeast(Severity.MEDIUM));
  }

  @Test
  void pickleInALayerFailsTheImage() throws IOException {
    assertThat(all(scan("malicious-pickle-in-layer.tar")))
        .extracting(Finding::ruleId)
        .contains("PKL-001");
    List<FileResult> docker = scan("malicious-docker-save.tar");
    assertThat(docker.get(0).scanner()).isEqualTo("oci-image");
    assertThat(all(docker)).extracting(Finding::ruleId).contains("PKL-001");
  }

  @Test
  void alteredBlobIsHigh() throws IOException {
    Finding f =
        all(scan("malicious-tampered-layer.tar")).stream()
            .filter(x -> x.ruleId().equals("OCI-001"))
            .findFirst()
            .orElseThrow();
    assertThat(f.severity()).isEqualTo(Severity.HIGH);
    assertThat(f.location().context()).startsWith("blobs/sha256/");
    assertThat(f.evidence()).startsWith("sha256:");
  }

  /**
   * The benign image with {@code extra} bytes of incompressible weights added to its gzip layer,
   * the layer blob renamed to its new digest: an image as large as a real model image.
   */
  static Path largeImage(Path dir, int extra) throws IOException, NoSuchAlgorithmException {
    Map<String, byte[]> image = TarFiles.untar(FIXTURES.resolve("benign-model-image.tar"));
    String layerName =
        image.entrySet().stream()
            .max(Map.Entry.comparingByValue((a, b) -> Integer.compare(a.length, b.length)))
            .orElseThrow()
            .getKey();
    Map<String, byte[]> layer;
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(image.get(layerName)))) {
      layer = TarFiles.untar(in);
    }
    byte[] weights = new byte[extra];
    new Random(7).nextBytes(weights);
    layer.put("models/resnet/weights.bin", weights);
    ByteArrayOutputStream gz = new ByteArrayOutputStream(extra + (1 << 20));
    try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
      TarFiles.tar(out, layer);
    }
    byte[] blob = gz.toByteArray();
    String digest = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(blob));
    Map<String, byte[]> out = new LinkedHashMap<>();
    image.forEach(
        (name, data) -> {
          if (name.equals(layerName)) {
            out.put("blobs/sha256/" + digest, blob);
          } else {
            out.put(name, data);
          }
        });
    Path tar = dir.resolve("image.tar");
    TarFiles.tar(tar, out);
    return tar;
  }

  @Test
  void aLayerIsReadOnceForItsDigestAndItsScan(@TempDir Path dir) throws Exception {
    Path image = largeImage(dir, 24 << 20);
    long size = Files.size(image);
    List<FileResult> files;
    CountingSource counted;
    try (Sources.FileSource src = Sources.file(image, image.toString())) {
      counted = new CountingSource(src);
      files = ScanEngine.defaults().withDigests(List.of()).scanSource(counted);
    }
    assertThat(files.get(0).scanner()).isEqualTo("oci-image");
    assertThat(files.get(0).properties().get("oci.blobs")).containsExactly("3");
    assertThat(files).anySatisfy(f -> assertThat(f.path()).endsWith("models/resnet/model.pt"));
    assertThat(files).allSatisfy(f -> assertThat(f.errors()).isEmpty());
    assertThat(all(files)).extracting(Finding::ruleId).doesNotContain("OCI-001");
    assertThat(all(files)).noneMatch(f -> f.severity().atLeast(Severity.MEDIUM));
    // Once: the decompression of the layer feeds its digest; the tar walk passes over it.
    assertThat(counted.read()).isGreaterThan(size * 9 / 10).isLessThan(size * 11 / 10);
  }

  @Test
  void aTamperedLargeLayerIsStillFoundFromTheBytesTheScanRead(@TempDir Path dir) throws Exception {
    Path image = largeImage(dir, 8 << 20);
    byte[] bytes = Files.readAllBytes(image);
    // Flip one byte of the weights, deep inside the stored gzip block of the layer.
    bytes[bytes.length / 2] ^= 0x5a;
    FileResult file =
        ScanEngine.defaults()
            .withDigests(List.of())
            .scanSource(Sources.bytes(bytes, "image.tar"))
            .get(0);
    assertThat(file.findings())
        .filteredOn(f -> f.ruleId().equals("OCI-001"))
        .singleElement()
        .satisfies(f -> assertThat(f.location().context()).startsWith("blobs/sha256/"));
  }
}
