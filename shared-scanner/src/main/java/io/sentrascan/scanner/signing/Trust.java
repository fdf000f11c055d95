package io.sentrascan.scanner.signing;

import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/** What a signature must chain to in order to be trusted. */
public sealed interface Trust {
  /** A signature made with the private half of this public key. */
  record Key(ECPublicKey publicKey) implements Trust {
    public Key {
      Objects.requireNonNull(publicKey, "publicKey");
    }
  }

  /**
   * A signature made with a certificate that chains to one of {@code anchors} (through the bundle's
   * chain and {@code intermediates}), usable for signing, and, when {@code identity} is given,
   * naming it as a subject alternative name or common name.
   */
  record Certificates(
      List<X509Certificate> anchors, List<X509Certificate> intermediates, @Nullable String identity)
      implements Trust {
    public Certificates {
      anchors = List.copyOf(anchors);
      intermediates = List.copyOf(intermediates);
      if (anchors.isEmpty()) {
        throw new IllegalArgumentException("at least one trust anchor");
      }
    }
  }

  /**
   * A Sigstore keyless signature: a short-lived Fulcio certificate for {@code identity} (the email
   * or URI subject alternative name) from the OIDC provider {@code issuer}, whose chain, SCT and
   * Rekor entry verify against the Sigstore trusted root in {@code trustedRoot} (a {@code
   * trusted_root.json}), all offline. Create it with {@link #of}, which reads the root once so that
   * a bad file fails early.
   */
  record Keyless(Path trustedRoot, String identity, String issuer) implements Trust {
    public Keyless {
      Objects.requireNonNull(trustedRoot, "trustedRoot");
      Objects.requireNonNull(identity, "identity");
      Objects.requireNonNull(issuer, "issuer");
      if (identity.isEmpty() || issuer.isEmpty()) {
        throw new IllegalArgumentException("identity and issuer must not be empty");
      }
    }

    /**
     * Keyless trust in {@code trustedRoot}, checked to be a readable Sigstore trusted root.
     *
     * @throws SigningException when the file cannot be read or is not a trusted root
     */
    public static Keyless of(Path trustedRoot, String identity, String issuer)
        throws SigningException {
      KeylessCheck.load(trustedRoot);
      return new Keyless(trustedRoot, identity, issuer);
    }
  }

  /**
   * No trusted key: only checks that the files match the manifest. This proves nothing about who
   * signed (anyone can write a manifest), so it never counts as verified.
   */
  record None() implements Trust {}
}
