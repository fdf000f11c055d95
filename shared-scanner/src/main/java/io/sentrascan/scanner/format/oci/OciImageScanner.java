package io.sentrascan.scanner.format.oci;

import io.sentrascan.scanner.Probe;
import io.sentrascan.scanner.ScanContext;
import io.sentrascan.scanner.Scanner;
import io.sentrascan.scanner.Source;
import io.sentrascan.scanner.container.TarMembers;
import io.sentrascan.scanner.container.TarScanner;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Container images saved as a tar: OCI image layouts ({@code oci-layout}, {@code index.json},
 * {@code blobs/sha256/...}) and {@code docker save} archives ({@code manifest.json} with layer
 * tars). Content-addressed blobs are checked against the digest in their name; then the tar
 * container walks the image so every layer (tar or tar+gzip) and the model files inside it are
 * scanned.
 */
public final class OciImageScanner implements Scanner {
  private static final int PROBE_MEMBERS = 4096;
  private static final Pattern BLOB = Pattern.compile("(?:\\./)?blobs/sha256/([0-9a-f]{64})");

  /** Blobs up to this size are hashed; bigger layers are left to the engine's own hash pass. */
  static final long MAX_HASHED_BLOB = 1L << 30;

  @Override
  public String name() {
    return "oci-image";
  }

  @Override
  public String version() {
    return "1.0.0";
  }

  @Override
  public String description() {
    return "Container images as tar (OCI image layout with `oci-layout`/`index.json`, or `docker save` with `manifest.json`): blob digests verified against their names; every layer (tar or tar+gzip) scanned recursively so model files inside images are checked.";
  }

  @Override
  public boolean supports(Probe probe) {
    if (probe.headLength() < 512) {
      return false;
    }
    try {
      List<TarMembers.Member> members = TarMembers.list(probe.source(), PROBE_MEMBERS);
      boolean layout = false;
      boolean manifest = false;
      boolean layers = false;
      for (TarMembers.Member m : members) {
        String name = strip(m.name());
        layout |= name.equals("oci-layout");
        manifest |= name.equals("manifest.json");
        layers |= BLOB.matcher(m.name()).matches() || name.endsWith("/layer.tar");
      }
      return layout || (manifest && layers);
    } catch (IOException e) {
      return false;
    }
  }

  @Override
  public void scan(Source source, ScanContext ctx) throws IOException {
    try {
      int blobs = 0;
      for (TarMembers.Member m : TarMembers.list(source, PROBE_MEMBERS)) {
        Matcher b = BLOB.matcher(m.name());
        if (!b.matches()) {
          continue;
        }
        blobs++;
        ctx.checkDeadline();
        if (m.size() > MAX_HASHED_BLOB || m.dataAt() + m.size() > source.size()) {
          continue; // too large to hash here, or truncated: the tar walk reports the latter
        }
        String actual = sha256(source, m.dataAt(), m.size());
        if (!actual.equals(b.group(1))) {
          ctx.report(
              "OCI-001",
              ctx.at(m.dataAt(), m.name()),
              "Blob "
                  + m.name()
                  + " does not hash to the digest in its name (sha256 "
                  + actual
                  + "): the image was altered after it was built, and a runtime that verifies digests refuses it.",
              "sha256:" + actual);
        }
      }
      ctx.addProperty("oci.blobs", Integer.toString(blobs));
      new TarScanner().scan(source, ctx);
    } finally {
      ctx.setFormat("oci-image");
    }
  }

  private static String strip(String name) {
    return name.startsWith("./") ? name.substring(2) : name;
  }

  private static String sha256(Source source, long offset, long length) throws IOException {
    MessageDigest digest;
    try {
      digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
    byte[] buf = new byte[65536];
    try (InputStream in = source.openStream(offset, length)) {
      int n;
      while ((n = in.read(buf)) > 0) {
        digest.update(buf, 0, n);
      }
    }
    return HexFormat.of().formatHex(digest.digest());
  }
}
