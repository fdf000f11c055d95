package io.sentrascan.scanner.signing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.cert.CertPathBuilder;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertStore;
import java.security.cert.CertificateParsingException;
import java.security.cert.CollectionCertStoreParameters;
import java.security.cert.PKIXBuilderParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509CertSelector;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Verifies a model signature offline: reads the bundle, checks the DSSE signature against the
 * trusted key or certificate chain, checks that the manifest is consistent with its subject digest,
 * re-hashes the model the way the manifest says and names every file that was changed, removed or
 * added.
 */
public final class ModelVerifier {
  private static final String CODE_SIGNING = "1.3.6.1.5.5.7.3.3";

  private ModelVerifier() {}

  /**
   * Verifies {@code signatureFile} for {@code model}.
   *
   * @throws SigningException for input that cannot be verified at all: an unreadable or malformed
   *     signature file, an unsupported format or algorithm, a model file that cannot be read
   */
  public static VerificationResult verify(Path model, Path signatureFile, Trust trust)
      throws SigningException {
    byte[] bytes = read(signatureFile);
    SigstoreBundle bundle = SigstoreBundle.parse(bytes);
    InTotoStatement.Parsed statement = InTotoStatement.parse(bundle.payload());
    ModelManifest signed = statement.manifest();

    List<String> problems = new ArrayList<>();
    List<String> notes = new ArrayList<>();
    String signer;
    boolean authenticated = !(trust instanceof Trust.None);
    if (trust instanceof Trust.Key key) {
      signer = "key sha256:" + ModelSigner.keyHint(key.publicKey());
      checkKey(bundle, key.publicKey(), problems);
    } else if (trust instanceof Trust.Certificates certs) {
      if (bundle.certificates().isEmpty()) {
        throw new SigningException(
            "the signature carries no certificate (it was signed with a bare key): verify it with"
                + " the public key instead");
      }
      X509Certificate leaf = bundle.certificates().get(0);
      signer = describe(leaf);
      checkCertificates(bundle, certs, problems);
    } else if (trust instanceof Trust.Keyless keyless) {
      if (bundle.certificates().isEmpty()) {
        throw new SigningException(
            "the signature carries no certificate (it was signed with a bare key): verify it with"
                + " the public key instead");
      }
      String entry =
          KeylessCheck.verify(bytes, statement.subjectDigest(), keyless, problems, notes);
      signer =
          "keyless "
              + keyless.identity()
              + " (OIDC issuer "
              + keyless.issuer()
              + (entry == null ? "" : "; " + entry)
              + ")";
      if (!problems.isEmpty()) {
        signer = describe(bundle.certificates().get(0));
      }
    } else {
      signer =
          bundle.certificates().isEmpty()
              ? (bundle.publicKeyHint() == null
                  ? "unknown key"
                  : "key sha256:" + bundle.publicKeyHint())
              : describe(bundle.certificates().get(0));
    }
    if (bundle.tlogEntries() > 0 && !(trust instanceof Trust.Keyless)) {
      notes.add(
          bundle.tlogEntries()
              + " transparency-log entr"
              + (bundle.tlogEntries() == 1 ? "y was" : "ies were")
              + " not checked (offline verification)");
    }
    String computedRoot = signed.rootDigest();
    if (!computedRoot.equals(statement.subjectDigest())) {
      problems.add(
          "the manifest is inconsistent: its resources hash to "
              + computedRoot
              + " but the subject digest is "
              + statement.subjectDigest());
    }
    ManifestDiff diff = new ManifestDiff(List.of(), List.of(), List.of());
    if (problems.isEmpty()) {
      diff = ManifestDiff.of(signed, rehash(model, signatureFile, signed));
    } else {
      notes.add("the files were not compared, since the signature is not trusted");
    }
    return new VerificationResult(
        authenticated,
        signer,
        problems,
        diff,
        signed.resources().size(),
        signed.paths().size(),
        notes);
  }

  private static void checkKey(SigstoreBundle bundle, ECPublicKey key, List<String> problems)
      throws SigningException {
    String hint = bundle.publicKeyHint();
    if (hint != null && !hint.equalsIgnoreCase(ModelSigner.keyHint(key))) {
      problems.add(
          "it was made with a different key (the bundle names key sha256:"
              + shorten(hint)
              + ", not this public key)");
      return;
    }
    verifySignature(bundle, key, problems, "this public key");
  }

  private static void verifySignature(
      SigstoreBundle bundle, PublicKey key, List<String> problems, String whose)
      throws SigningException {
    try {
      if (!Dsse.verify(key, bundle.payloadType(), bundle.payload(), bundle.signature())) {
        problems.add("the DSSE signature does not verify with " + whose);
      }
    } catch (GeneralSecurityException e) {
      throw new SigningException("cannot verify with " + whose + ": " + PemFiles.describe(e), e);
    }
  }

  private static void checkCertificates(
      SigstoreBundle bundle, Trust.Certificates trust, List<String> problems)
      throws SigningException {
    X509Certificate leaf = bundle.certificates().get(0);
    Set<TrustAnchor> anchors = new HashSet<>();
    for (X509Certificate a : trust.anchors()) {
      anchors.add(new TrustAnchor(a, null));
    }
    Collection<X509Certificate> pool = new LinkedHashSet<>(bundle.certificates());
    pool.addAll(trust.intermediates());
    try {
      X509CertSelector target = new X509CertSelector();
      target.setCertificate(leaf);
      PKIXBuilderParameters params = new PKIXBuilderParameters(anchors, target);
      params.setRevocationEnabled(false); // offline: no CRL or OCSP fetch
      // Like the reference tool: judge the chain at the time the leaf became valid, since a
      // short-lived signing certificate has long expired when the model is verified.
      params.setDate(leaf.getNotBefore());
      params.addCertStore(
          CertStore.getInstance("Collection", new CollectionCertStoreParameters(pool)));
      CertPathBuilder.getInstance("PKIX").build(params);
    } catch (CertPathBuilderException e) {
      problems.add(
          "the signing certificate does not chain to a trust anchor ("
              + shorten(String.valueOf(e.getMessage()))
              + ")");
      return;
    } catch (GeneralSecurityException e) {
      throw new SigningException("cannot check the certificate chain: " + PemFiles.describe(e), e);
    }
    boolean[] usage = leaf.getKeyUsage();
    boolean canSign = usage != null && usage.length > 0 && usage[0];
    try {
      List<String> eku = leaf.getExtendedKeyUsage();
      canSign |= eku != null && eku.contains(CODE_SIGNING);
    } catch (CertificateParsingException e) {
      problems.add("the signing certificate's extended key usage cannot be read");
      return;
    }
    if (!canSign) {
      problems.add(
          "the signing certificate may not be used for signing (no digitalSignature key usage"
              + " and no codeSigning extended key usage)");
      return;
    }
    if (trust.identity() != null && !identities(leaf).contains(trust.identity())) {
      problems.add(
          "the signing certificate is for "
              + String.join(", ", identities(leaf))
              + ", not "
              + trust.identity());
      return;
    }
    if (!(leaf.getPublicKey() instanceof ECPublicKey ec)
        || PemFiles.curveName(ec.getParams()) == null) {
      problems.add("the signing certificate's key is not an ECDSA P-256, P-384 or P-521 key");
      return;
    }
    verifySignature(bundle, ec, problems, "the signing certificate's key");
  }

  /** The subject alternative names (emails, URIs, DNS names) and the subject's common name. */
  static List<String> identities(X509Certificate cert) {
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
    } catch (CertificateParsingException e) {
      // no usable names; the common name below may still be there
    }
    String dn = cert.getSubjectX500Principal().getName();
    for (String part : dn.split(",")) {
      if (part.startsWith("CN=")) {
        out.add(part.substring(3));
      }
    }
    return out;
  }

  private static String describe(X509Certificate leaf) {
    List<String> ids = identities(leaf);
    return "certificate "
        + (ids.isEmpty() ? leaf.getSubjectX500Principal().getName() : String.join(", ", ids))
        + " issued by "
        + leaf.getIssuerX500Principal().getName();
  }

  /** The model hashed again exactly as the signed manifest says. */
  private static ModelManifest rehash(Path model, Path signatureFile, ModelManifest signed)
      throws SigningException {
    List<String> ignore = new ArrayList<>();
    String sigRel = ModelSigner.relativeInside(model, signatureFile);
    if (sigRel != null) {
      ignore.add(sigRel);
    }
    // The reference ignores git metadata by default; a manifest that lists it was made without.
    Set<String> signedPaths = signed.paths();
    for (String git : Serialization.GIT_PATHS) {
      if (signedPaths.stream().noneMatch(p -> p.equals(git) || p.startsWith(git + "/"))) {
        ignore.add(git);
      }
    }
    try {
      return ModelManifest.hash(model, signed.serialization(), ignore);
    } catch (IOException e) {
      throw new SigningException("cannot read the model: " + PemFiles.describe(e), e);
    }
  }

  private static byte[] read(Path file) throws SigningException {
    try {
      if (Files.size(file) > SigstoreBundle.MAX_BYTES) {
        throw new SigningException(file + ": too large for a signature bundle");
      }
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new SigningException(
          "cannot read the signature " + file + ": " + PemFiles.describe(e), e);
    }
  }

  private static String shorten(String s) {
    return s.length() > 120 ? s.substring(0, 120) + "…" : s;
  }
}
