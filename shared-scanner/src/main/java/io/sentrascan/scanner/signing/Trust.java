package io.sentrascan.scanner.signing;

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
   * No trusted key: only checks that the files match the manifest. This proves nothing about who
   * signed (anyone can write a manifest), so it never counts as verified.
   */
  record None() implements Trust {}
}
