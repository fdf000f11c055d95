package io.sentrascan.scanner.signing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sentrascan.scanner.json.BoundedJson;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The parts of a Sigstore bundle (v0.3 JSON) that a model signature uses: the verification material
 * (a public-key hint, or an X.509 chain or single certificate), how many transparency-log entries
 * it carries, and the DSSE envelope (payload type, payload, first signature).
 *
 * <p>Parts: the media type; {@code verificationMaterial.publicKey.hint} (hex SHA-256 of the
 * signer's PEM public key in the reference tool), or null; the signer's certificate first, then the
 * rest of its chain (empty for key bundles); how many transparency-log entries the bundle has
 * (never checked offline); the DSSE payload type; the payload bytes (the in-toto statement); the
 * first DSSE signature (DER-encoded ECDSA). Immutable.
 */
public final class SigstoreBundle {

  public static final String MEDIA_TYPE = "application/vnd.dev.sigstore.bundle.v0.3+json";

  /** Media types read: v0.3 in both spellings the Sigstore clients write. */
  static final Set<String> MEDIA_TYPES =
      Set.of(MEDIA_TYPE, "application/vnd.dev.sigstore.bundle+json;version=0.3");

  /** A bundle larger than this is refused before parsing (a manifest of 1M shards is ~150 MB). */
  public static final int MAX_BYTES = 256 << 20;

  private static final ObjectMapper JSON = new ObjectMapper(BoundedJson.factory());

  private final String mediaType;
  private final @Nullable String publicKeyHint;
  private final List<X509Certificate> certificates;
  private final int tlogEntries;
  private final String payloadType;
  private final byte[] payload;
  private final byte[] signature;

  public SigstoreBundle(
      String mediaType,
      @Nullable String publicKeyHint,
      List<X509Certificate> certificates,
      int tlogEntries,
      String payloadType,
      byte[] payload,
      byte[] signature) {
    this.mediaType = Objects.requireNonNull(mediaType, "mediaType");
    this.publicKeyHint = publicKeyHint;
    this.certificates = List.copyOf(certificates);
    this.tlogEntries = tlogEntries;
    this.payloadType = Objects.requireNonNull(payloadType, "payloadType");
    this.payload = payload.clone();
    this.signature = signature.clone();
  }

  public String mediaType() {
    return mediaType;
  }

  public @Nullable String publicKeyHint() {
    return publicKeyHint;
  }

  public List<X509Certificate> certificates() {
    return certificates;
  }

  public int tlogEntries() {
    return tlogEntries;
  }

  public String payloadType() {
    return payloadType;
  }

  public byte[] payload() {
    return payload.clone();
  }

  public byte[] signature() {
    return signature.clone();
  }

  /** The bundle JSON (UTF-8), as the reference tool writes it for key and certificate signing. */
  public byte[] toJson() {
    ObjectNode root = JSON.createObjectNode();
    root.put("mediaType", mediaType);
    ObjectNode material = root.putObject("verificationMaterial");
    Base64.Encoder b64 = Base64.getEncoder();
    if (certificates.isEmpty()) {
      material.putObject("publicKey").put("hint", publicKeyHint);
    } else {
      ArrayNode chain = material.putObject("x509CertificateChain").putArray("certificates");
      for (X509Certificate c : certificates) {
        try {
          chain.addObject().put("rawBytes", b64.encodeToString(c.getEncoded()));
        } catch (java.security.cert.CertificateEncodingException e) {
          throw new IllegalStateException("a parsed certificate re-encodes", e);
        }
      }
    }
    material.putArray("tlogEntries");
    ObjectNode envelope = root.putObject("dsseEnvelope");
    envelope.put("payload", b64.encodeToString(payload));
    envelope.put("payloadType", payloadType);
    ObjectNode sig = envelope.putArray("signatures").addObject();
    sig.put("sig", b64.encodeToString(signature));
    sig.put("keyid", "");
    try {
      return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a tree of strings always serialises", e);
    }
  }

  /**
   * Reads a bundle.
   *
   * @throws SigningException when the bytes are not a Sigstore v0.3 bundle with a DSSE envelope
   *     over an in-toto statement
   */
  public static SigstoreBundle parse(byte[] json) throws SigningException {
    if (json.length > MAX_BYTES) {
      throw new SigningException("the signature file is larger than " + (MAX_BYTES >> 20) + " MiB");
    }
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw new SigningException(
          "the signature is not valid JSON (" + BoundedJson.describe(e) + ")");
    } catch (IOException e) {
      throw new SigningException("the signature cannot be read: " + e.getMessage(), e);
    }
    if (root == null || !root.isObject()) {
      throw new SigningException("the signature is not a Sigstore bundle (not a JSON object)");
    }
    JsonNode media = root.path("mediaType");
    if (!media.isTextual()) {
      throw new SigningException("the signature is not a Sigstore bundle (no mediaType)");
    }
    if (!MEDIA_TYPES.contains(media.asText())) {
      throw new SigningException(
          "unsupported Sigstore bundle media type '"
              + shorten(media.asText())
              + "' (expected "
              + MEDIA_TYPE
              + ")");
    }
    JsonNode material = root.path("verificationMaterial");
    if (!material.isObject()) {
      throw new SigningException("the bundle has no verificationMaterial");
    }
    String hint = null;
    JsonNode hintNode = material.path("publicKey").path("hint");
    if (hintNode.isTextual() && !hintNode.asText().isEmpty()) {
      hint = hintNode.asText();
    }
    List<X509Certificate> certificates = new ArrayList<>();
    for (JsonNode c : material.path("x509CertificateChain").path("certificates")) {
      certificates.add(certificate(c.path("rawBytes")));
    }
    if (certificates.isEmpty() && material.path("certificate").isObject()) {
      certificates.add(certificate(material.path("certificate").path("rawBytes")));
    }
    int tlog = material.path("tlogEntries").isArray() ? material.path("tlogEntries").size() : 0;

    JsonNode envelope = root.path("dsseEnvelope");
    if (!envelope.isObject()) {
      throw new SigningException(
          root.has("messageSignature")
              ? "the bundle signs a message digest, not a DSSE envelope: not a model signature"
              : "the bundle has no dsseEnvelope");
    }
    JsonNode type = envelope.path("payloadType");
    if (!type.isTextual()) {
      throw new SigningException("the DSSE envelope has no payloadType");
    }
    if (!type.asText().equals(InTotoStatement.PAYLOAD_TYPE)) {
      throw new SigningException(
          "the DSSE payloadType is '"
              + shorten(type.asText())
              + "', expected "
              + InTotoStatement.PAYLOAD_TYPE);
    }
    byte[] payload = base64(envelope.path("payload"), "dsseEnvelope.payload");
    JsonNode sigs = envelope.path("signatures");
    if (!sigs.isArray() || sigs.isEmpty()) {
      throw new SigningException("the DSSE envelope has no signatures");
    }
    byte[] signature = base64(sigs.get(0).path("sig"), "dsseEnvelope.signatures[0].sig");
    return new SigstoreBundle(
        media.asText(), hint, certificates, tlog, type.asText(), payload, signature);
  }

  private static X509Certificate certificate(JsonNode rawBytes) throws SigningException {
    byte[] der = base64(rawBytes, "certificate rawBytes");
    try {
      return (X509Certificate)
          CertificateFactory.getInstance("X.509")
              .generateCertificate(new ByteArrayInputStream(der));
    } catch (CertificateException | RuntimeException e) {
      throw new SigningException("a certificate in the bundle is not valid DER X.509", e);
    }
  }

  private static byte[] base64(JsonNode node, String what) throws SigningException {
    if (!node.isTextual() || node.asText().isEmpty()) {
      throw new SigningException("the bundle has no " + what);
    }
    try {
      return Base64.getDecoder().decode(node.asText());
    } catch (IllegalArgumentException e) {
      try {
        // Protobuf's JSON mapping allows URL-safe base64 too.
        return Base64.getUrlDecoder().decode(node.asText());
      } catch (IllegalArgumentException again) {
        throw new SigningException(what + " is not base64", e);
      }
    }
  }

  private static String shorten(String s) {
    return s.length() > 80 ? s.substring(0, 80) + "…" : s;
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof SigstoreBundle b
        && mediaType.equals(b.mediaType)
        && Objects.equals(publicKeyHint, b.publicKeyHint)
        && certificates.equals(b.certificates)
        && tlogEntries == b.tlogEntries
        && payloadType.equals(b.payloadType)
        && java.util.Arrays.equals(payload, b.payload)
        && java.util.Arrays.equals(signature, b.signature);
  }

  @Override
  public int hashCode() {
    return Objects.hash(mediaType, publicKeyHint, java.util.Arrays.hashCode(payload));
  }

  @Override
  public String toString() {
    return "SigstoreBundle[" + mediaType + ", " + payload.length + " payload bytes]";
  }
}
