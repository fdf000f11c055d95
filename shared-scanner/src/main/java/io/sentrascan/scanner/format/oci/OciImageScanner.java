package io.sentrascan.scanner.format.oci;

import io.sentrascan.scanner.Probe;
import io.sentrascan.scanner.ScanContext;
import io.sentrascan.scanner.Scanner;
import io.sentrascan.scanner.Source;
import io.sentrascan.scanner.container.TarMembers;
import io.sentrascan.scanner.container.TarScanner;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Container images saved as a tar: OCI image layouts ({@code oci-layout}, {@code index.json},
 * {@code blobs/sha256/...}) and {@code docker save} archives ({@code manifest.json} with layer
 * tars). The tar container walks the image so every layer (tar or tar+gzip) and the model files
 * inside it are scanned; content-addressed blobs are checked against the digest in their name from
 * the bytes that walk reads ({@link BlobHasher}), so each blob is read once.
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
    return "1.1.0";
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
    BlobHasher hashed = new BlobHasher(source);
    Map<TarMembers.Member, BlobHasher.Blob> toCheck = new LinkedHashMap<>();
    try {
      int blobs = 0;
      for (TarMembers.Member m : TarMembers.list(source, PROBE_MEMBERS)) {
        if (!BLOB.matcher(m.name()).matches()) {
          continue;
        }
        blobs++;
        if (m.size() > MAX_HASHED_BLOB || m.dataAt() + m.size() > source.size()) {
          continue; // too large to hash here, or truncated: the tar walk reports the latter
        }
        toCheck.put(m, hashed.track(m.dataAt(), m.size()));
      }
      ctx.addProperty("oci.blobs", Integer.toString(blobs));
      // The walk and the layers' scanners read the blobs through the hasher: one read for both.
      new TarScanner().scan(hashed, ctx);
    } finally {
      try {
        checkDigests(hashed, toCheck, ctx);
      } finally {
        ctx.setFormat("oci-image");
      }
    }
  }

  private static void checkDigests(
      BlobHasher hashed, Map<TarMembers.Member, BlobHasher.Blob> blobs, ScanContext ctx) {
    for (Map.Entry<TarMembers.Member, BlobHasher.Blob> e : blobs.entrySet()) {
      TarMembers.Member m = e.getKey();
      Matcher b = BLOB.matcher(m.name());
      if (!b.matches()) {
        continue;
      }
      String actual;
      try {
        ctx.checkDeadline();
        actual = hashed.digest(e.getValue());
      } catch (IOException | RuntimeException ex) {
        ctx.error("blob " + m.name() + " could not be hashed: " + ex.getMessage());
        continue;
      }
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
  }

  private static String strip(String name) {
    return name.startsWith("./") ? name.substring(2) : name;
  }
}
