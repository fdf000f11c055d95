package io.sentrascan.scanner.sbom;

import io.sentrascan.scanner.FileResult;
import io.sentrascan.scanner.ScanResult;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * The licenses of a scanned model: the model card's {@code license:} front matter and the texts of
 * its LICENSE files ({@code LICENSE}, {@code LICENSE.txt}, {@code LICENSE.md}, {@code LICENCE*},
 * {@code COPYING*}, top-level files of the scan), matched against {@link LicenseCatalog}.
 *
 * <p>A LICENSE file is read again after the scan, at most {@link #MAX_BYTES}, never through a
 * symbolic link, and only if it still has the SHA-256 the scan computed: the result describes the
 * bytes that were scanned, or says it could not read them.
 */
public final class ModelLicenses {
  /** A license text is a few kilobytes; the GPL-3.0 is 35 KiB. */
  static final int MAX_BYTES = 512 << 10;

  static final String CARD = "card front matter";
  static final String NOT_RECOGNISED = "not recognised";

  private ModelLicenses() {}

  /** Every license found, card first, then LICENSE files in path order. */
  public static List<DetectedLicense> detect(ScanResult result) {
    PathNames names = new PathNames(result.targets());
    return detect(result, MlBomBuilder.modelFolder(result, names), names);
  }

  static List<DetectedLicense> detect(ScanResult result, ModelFolder folder, PathNames names) {
    List<DetectedLicense> out = new ArrayList<>();
    fromCard(result, folder, names, out);
    LicenseCatalog catalog = LicenseCatalog.defaults();
    for (FileResult file : result.files()) {
      if (file.depth() != 0 || !isLicenseFile(file.path())) {
        continue;
      }
      String source = names.of(file.path());
      String text;
      try {
        text = readScanned(file);
      } catch (IOException e) {
        out.add(unrecognised(source, file.path(), "not read: " + e.getMessage()));
        continue;
      }
      List<LicenseCatalog.Match> matches = catalog.match(text);
      if (matches.isEmpty()) {
        out.add(unrecognised(source, file.path(), NOT_RECOGNISED));
      }
      for (LicenseCatalog.Match m : matches) {
        LicenseCatalog.Entry e = m.entry();
        out.add(
            new DetectedLicense(
                e.key(),
                e.spdx(),
                e.name(),
                e.licenseClass(),
                source,
                file.path(),
                m.method(),
                null));
      }
    }
    return List.copyOf(out);
  }

  /** {@code LICENSE}, {@code LICENCE}, {@code COPYING}, with any extension or suffix. */
  static boolean isLicenseFile(String path) {
    if (path.contains("!/")) {
      return false;
    }
    int cut = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
    String name = path.substring(cut + 1).toUpperCase(Locale.ROOT);
    return name.startsWith("LICENSE") || name.startsWith("LICENCE") || name.startsWith("COPYING");
  }

  private static void fromCard(
      ScanResult result, ModelFolder folder, PathNames names, List<DetectedLicense> out) {
    List<String> values = folder.card().list("license");
    if (values.isEmpty()) {
      return;
    }
    String location = cardLocation(result, names);
    String source = names.of(location);
    LicenseCatalog catalog = LicenseCatalog.defaults();
    for (String value : new TreeSet<>(values)) {
      String named = value;
      if (value.equalsIgnoreCase("other") && folder.card().first("license_name") != null) {
        named = Objects.requireNonNull(folder.card().first("license_name"));
      }
      LicenseCatalog.Entry e = catalog.lookup(named);
      if (e != null) {
        out.add(
            new DetectedLicense(
                e.key(), e.spdx(), e.name(), e.licenseClass(), source, location, CARD, value));
      } else {
        String spdx = SpdxIds.canonical(named);
        out.add(
            new DetectedLicense(
                null,
                spdx,
                spdx != null ? spdx : named,
                LicenseClass.UNKNOWN,
                source,
                location,
                CARD,
                value));
      }
    }
  }

  /** The display path of the card the front matter came from, else the scan's first target. */
  private static String cardLocation(ScanResult result, PathNames names) {
    for (FileResult f : result.files()) {
      if (f.depth() == 0 && names.of(f.path()).equalsIgnoreCase("readme.md")) {
        return f.path();
      }
    }
    return result.targets().isEmpty() ? "README.md" : result.targets().get(0);
  }

  private static DetectedLicense unrecognised(String source, String location, String method) {
    return new DetectedLicense(
        null,
        null,
        "license text not recognised",
        LicenseClass.UNKNOWN,
        source,
        location,
        method,
        null);
  }

  /** The file's text as scanned; IOException when it changed, is too large or cannot be read. */
  private static String readScanned(FileResult file) throws IOException {
    Path path;
    try {
      path = Path.of(file.path());
    } catch (InvalidPathException e) {
      throw new IOException("not a local file");
    }
    if (!Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)) {
      throw new IOException("not a regular local file");
    }
    byte[] bytes;
    try (InputStream in = Files.newInputStream(path, LinkOption.NOFOLLOW_LINKS)) {
      bytes = in.readNBytes(MAX_BYTES + 1);
    }
    if (bytes.length > MAX_BYTES) {
      throw new IOException("larger than " + MAX_BYTES + " bytes");
    }
    @Nullable String scanned = file.sha256();
    if (scanned == null) {
      throw new IOException("the scan did not hash it");
    }
    if (!scanned.equals(sha256(bytes))) {
      throw new IOException("changed since the scan");
    }
    return StandardCharsets.UTF_8
        .newDecoder()
        .onMalformedInput(CodingErrorAction.REPLACE)
        .onUnmappableCharacter(CodingErrorAction.REPLACE)
        .decode(java.nio.ByteBuffer.wrap(bytes))
        .toString();
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
