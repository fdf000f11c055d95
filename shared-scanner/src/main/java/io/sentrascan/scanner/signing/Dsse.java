package io.sentrascan.scanner.signing;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.ECKey;

/**
 * DSSE v1 signing: the pre-authentication encoding (PAE) of payload type and payload, signed with
 * ECDSA and the hash that matches the curve (SHA-256 for P-256), the signature DER-encoded as
 * Sigstore and the reference tool write it.
 */
final class Dsse {
  private Dsse() {}

  /** {@code "DSSEv1" SP len(type) SP type SP len(body) SP body}, lengths in bytes, in ASCII. */
  static byte[] pae(String payloadType, byte[] payload) {
    byte[] type = payloadType.getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream out = new ByteArrayOutputStream(payload.length + type.length + 32);
    out.writeBytes(
        ("DSSEv1 " + type.length + " " + payloadType + " " + payload.length + " ")
            .getBytes(StandardCharsets.UTF_8));
    out.writeBytes(payload);
    return out.toByteArray();
  }

  static byte[] sign(PrivateKey key, String payloadType, byte[] payload)
      throws GeneralSecurityException {
    Signature s = Signature.getInstance(algorithm(key));
    s.initSign(key);
    s.update(pae(payloadType, payload));
    return s.sign();
  }

  /** False for a wrong signature, including one that is not valid DER. */
  static boolean verify(PublicKey key, String payloadType, byte[] payload, byte[] signature)
      throws GeneralSecurityException {
    Signature s = Signature.getInstance(algorithm(key));
    s.initVerify(key);
    s.update(pae(payloadType, payload));
    try {
      return s.verify(signature);
    } catch (java.security.SignatureException e) {
      return false; // not a DER ECDSA signature at all
    }
  }

  /** The reference pairs P-256 with SHA-256, P-384 with SHA-384 and P-521 with SHA-512. */
  static String algorithm(java.security.Key key) throws GeneralSecurityException {
    if (!(key instanceof ECKey ec)) {
      throw new GeneralSecurityException("not an EC key: " + key.getAlgorithm());
    }
    String curve = PemFiles.curveName(ec.getParams());
    if (curve == null) {
      throw new GeneralSecurityException("unsupported curve");
    }
    return switch (curve) {
      case "secp384r1" -> "SHA384withECDSA";
      case "secp521r1" -> "SHA512withECDSA";
      default -> "SHA256withECDSA";
    };
  }
}
