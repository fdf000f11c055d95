package io.sentrascan.scanner.signing;

import dev.sigstore.KeylessVerificationException;
import dev.sigstore.KeylessVerifier;
import dev.sigstore.TrustedRootProvider;
import dev.sigstore.VerificationOptions;
import dev.sigstore.bundle.Bundle;
import dev.sigstore.bundle.BundleParseException;
import dev.sigstore.rekor.client.RekorEntry;
import dev.sigstore.trustroot.SigstoreConfigurationException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Sigstore keyless verification, offline, with sigstore-java and a trusted root read from a file
 * (never its TUF defaults, which go to the network).
 *
 * <p>sigstore-java checks: the Fulcio chain against the trusted root's certificate authorities
 * valid at the leaf's issuance, an embedded SCT from one of the root's CT logs, the DSSE signature
 * with the leaf key, that the in-toto subject is the manifest's digest, that the first Rekor
 * entry's body names the same payload digest and signature, the entry's signed entry timestamp,
 * inclusion proof and signed checkpoint against the root's transparency-log keys, and any RFC 3161
 * timestamps. On top of that this class checks what sigstore-java 2.0.0 leaves out: that the entry
 * was integrated into the log while the short-lived certificate was valid, the OIDC identity (a
 * subject alternative name) and the OIDC issuer extension.
 */
final class KeylessCheck {
  /** Fulcio's OIDC issuer extension (DER UTF8String), and its older raw-string form. */
  static final String ISSUER_OID = "1.3.6.1.4.1.57264.1.8";

  static final String ISSUER_OID_V1 = "1.3.6.1.4.1.57264.1.1";

  private KeylessCheck() {}

  /** Reads and checks a trusted root file; throws when it is not one. */
  static void load(Path trustedRoot) throws SigningException {
    verifier(trustedRoot);
  }

  private static KeylessVerifier verifier(Path trustedRoot) throws SigningException {
    try {
      return KeylessVerifier.builder()
          .trustedRootProvider(TrustedRootProvider.from(trustedRoot))
          .build();
    } catch (SigstoreConfigurationException | GeneralSecurityException | RuntimeException e) {
      throw new SigningException(
          "cannot read the Sigstore trusted root "
              + trustedRoot
              + ": "
              + shorten(String.valueOf(e.getMessage())),
          e);
    }
  }

  /**
   * Verifies the bundle's keyless signature over {@code subjectDigest} (hex SHA-256 of the in-toto
   * subject) and adds every problem found; returns the verified log entry's description, or null.
   */
  static @Nullable String verify(
      byte[] bundleJson,
      String subjectDigest,
      Trust.Keyless trust,
      List<String> problems,
      List<String> notes)
      throws SigningException {
    KeylessVerifier verifier = verifier(trust.trustedRoot());
    Bundle bundle;
    try (Reader reader =
        new InputStreamReader(
            new java.io.ByteArrayInputStream(bundleJson), StandardCharsets.UTF_8)) {
      bundle = Bundle.from(reader);
    } catch (BundleParseException | java.io.IOException | RuntimeException e) {
      problems.add(
          "it is not a Sigstore keyless bundle (" + shorten(String.valueOf(e.getMessage())) + ")");
      return null;
    }
    X509Certificate leaf;
    try {
      leaf = (X509Certificate) bundle.getCertPath().getCertificates().get(0);
    } catch (RuntimeException e) {
      problems.add("the bundle carries no signing certificate");
      return null;
    }
    byte[] digest;
    try {
      digest = HexFormat.of().parseHex(subjectDigest);
    } catch (IllegalArgumentException e) {
      problems.add("the in-toto subject digest is not hex");
      return null;
    }
    try {
      verifier.verify(digest, bundle, VerificationOptions.empty());
    } catch (KeylessVerificationException e) {
      problems.add(describe(e));
    } catch (RuntimeException e) {
      // sigstore-java throws unchecked exceptions for some malformed input: fail closed.
      problems.add(
          "the keyless signature cannot be verified ("
              + e.getClass().getSimpleName()
              + ": "
              + shorten(String.valueOf(e.getMessage()))
              + ")");
    }
    String entry = null;
    if (!bundle.getEntries().isEmpty()) {
      RekorEntry e = bundle.getEntries().get(0);
      Instant integrated = Instant.ofEpochSecond(e.getIntegratedTime());
      try {
        leaf.checkValidity(Date.from(integrated));
      } catch (CertificateExpiredException | CertificateNotYetValidException ex) {
        problems.add(
            "the transparency-log entry was integrated at "
                + integrated
                + ", outside the signing certificate's validity ("
                + leaf.getNotBefore().toInstant()
                + " to "
                + leaf.getNotAfter().toInstant()
                + ")");
      }
      entry = "Rekor log index " + e.getLogIndex() + ", integrated " + integrated;
      if (bundle.getEntries().size() > 1) {
        notes.add(
            (bundle.getEntries().size() - 1)
                + " further transparency-log entries were not checked (the first one was)");
      }
    }
    List<String> sans = subjectAlternativeNames(leaf);
    if (!sans.contains(trust.identity())) {
      problems.add(
          "the signing certificate is for "
              + (sans.isEmpty() ? "no identity" : String.join(", ", sans))
              + ", not "
              + trust.identity());
    }
    String issuer = issuer(leaf);
    if (!trust.issuer().equals(issuer)) {
      problems.add(
          "the signing certificate's OIDC issuer is "
              + (issuer == null ? "missing" : issuer)
              + ", not "
              + trust.issuer());
    }
    return entry;
  }

  private static String describe(KeylessVerificationException e) {
    StringBuilder out = new StringBuilder(String.valueOf(e.getMessage()).replace('\n', ' '));
    Throwable cause = e.getCause();
    if (cause != null
        && cause.getMessage() != null
        && !out.toString().contains(cause.getMessage().replace('\n', ' '))) {
      out.append(": ").append(cause.getMessage().replace('\n', ' '));
    }
    return "the keyless signature does not verify (" + shorten(out.toString().trim()) + ")";
  }

  /** The email and URI subject alternative names: where Fulcio puts the OIDC identity. */
  static List<String> subjectAlternativeNames(X509Certificate cert) {
    List<String> out = new ArrayList<>();
    try {
      Collection<List<?>> sans = cert.getSubjectAlternativeNames();
      if (sans != null) {
        for (List<?> san : sans) {
          if (san.size() >= 2 && san.get(1) instanceof String s) {
            out.add(s);
          }
        }
      }
    } catch (java.security.cert.CertificateParsingException e) {
      // no usable names
    }
    return out;
  }

  /** The OIDC issuer Fulcio recorded, or null. */
  static @Nullable String issuer(X509Certificate cert) {
    byte[] v2 = cert.getExtensionValue(ISSUER_OID);
    if (v2 != null) {
      byte[] inner = derContent(v2, 0x04);
      byte[] utf8 = inner == null ? null : derContent(inner, 0x0c);
      return utf8 == null ? null : new String(utf8, StandardCharsets.UTF_8);
    }
    byte[] v1 = cert.getExtensionValue(ISSUER_OID_V1);
    if (v1 != null) {
      byte[] raw = derContent(v1, 0x04);
      return raw == null ? null : new String(raw, StandardCharsets.UTF_8);
    }
    return null;
  }

  /** The content of a single DER element with the given tag, or null when it is not one. */
  static byte @Nullable [] derContent(byte[] der, int tag) {
    if (der.length < 2 || (der[0] & 0xff) != tag) {
      return null;
    }
    int len = der[1] & 0xff;
    int start = 2;
    if (len >= 0x80) {
      int n = len & 0x7f;
      if (n == 0 || n > 3 || der.length < 2 + n) {
        return null;
      }
      len = 0;
      for (int i = 0; i < n; i++) {
        len = (len << 8) | (der[2 + i] & 0xff);
      }
      start = 2 + n;
    }
    if (start + len != der.length) {
      return null;
    }
    return java.util.Arrays.copyOfRange(der, start, start + len);
  }

  private static String shorten(String s) {
    return s.length() > 300 ? s.substring(0, 300) + "…" : s;
  }
}
