package io.sentrascan.scanner.signing;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPrivateKeySpec;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Reads PEM keys and certificates with the JDK alone: PKCS#8 ({@code PRIVATE KEY}) and SEC1 ({@code
 * EC PRIVATE KEY}, what {@code openssl ecparam -genkey} writes) EC private keys,
 * SubjectPublicKeyInfo ({@code PUBLIC KEY}) public keys, and {@code CERTIFICATE} blocks. Only EC
 * keys on P-256, P-384 and P-521 are accepted, as in the reference tool.
 */
public final class PemFiles {
  /** A key or certificate file larger than this is not a PEM key. */
  static final long MAX_BYTES = 4 << 20;

  private static final Pattern BLOCK =
      Pattern.compile(
          "-----BEGIN ([A-Z0-9 ]+)-----\\s*([A-Za-z0-9+/=\\s:,\\-]*?)-----END \\1-----");

  /** Named-curve OIDs (DER content bytes as dotted strings) to JDK names. */
  private static final Map<String, String> CURVES =
      Map.of(
          "1.2.840.10045.3.1.7", "secp256r1",
          "1.3.132.0.34", "secp384r1",
          "1.3.132.0.35", "secp521r1");

  private static final String EC_PUBLIC_KEY = "1.2.840.10045.2.1";

  private PemFiles() {}

  /**
   * An EC key pair from a PKCS#8 or SEC1 PEM private key file. The public key is the one the file
   * carries (OpenSSL always writes it), so that signing can name it in the bundle.
   */
  public static KeyPair keyPair(Path file) throws SigningException {
    for (Block b : blocks(file)) {
      switch (b.type) {
        case "PRIVATE KEY" -> {
          return pkcs8(b.der, file);
        }
        case "EC PRIVATE KEY" -> {
          return sec1(b.der, null, file);
        }
        case "ENCRYPTED PRIVATE KEY" ->
            throw new SigningException(
                file + ": encrypted private keys are not supported; decrypt it with openssl pkey");
        case "RSA PRIVATE KEY", "DSA PRIVATE KEY", "OPENSSH PRIVATE KEY" ->
            throw new SigningException(
                file + ": " + b.type + " is the wrong key type: an EC (ECDSA P-256) key is needed");
        default -> {
          // EC PARAMETERS and other blocks before the key
        }
      }
    }
    throw new SigningException(file + ": no PEM private key (BEGIN PRIVATE KEY) in the file");
  }

  /** PKCS#8: SEQUENCE { INTEGER 0, SEQUENCE { OID ecPublicKey, OID curve }, OCTET STRING sec1 }. */
  private static KeyPair pkcs8(byte[] der, Path file) throws SigningException {
    Der seq = new Der(der, 0, der.length, file).expect(0x30).content();
    Der alg = seq.expect(0x02).next(0x30);
    Der algOid = alg.content().expect(0x06);
    if (!algOid.oid().equals(EC_PUBLIC_KEY)) {
      throw new SigningException(
          file
              + ": the private key is not an EC key (algorithm "
              + algOid.oid()
              + "): an ECDSA P-256 key is needed");
    }
    Der curveOid = algOid.next(0x06);
    Der inner = alg.next(0x04);
    byte[] sec1 = inner.bytes();
    return sec1(sec1, curveOid.oid(), file);
  }

  /** SEC1 ECPrivateKey: SEQUENCE { INTEGER 1, OCTET STRING d, [0] OID curve, [1] BIT STRING Q }. */
  private static KeyPair sec1(byte[] der, @Nullable String curveOid, Path file)
      throws SigningException {
    Der seq = new Der(der, 0, der.length, file).expect(0x30).content();
    Der d = seq.expect(0x02).next(0x04);
    String oid = curveOid;
    byte[] point = null;
    for (Der f = d.next(); f != null; f = f.next()) {
      if (f.tag() == 0xa0) {
        oid = f.content().expect(0x06).oid();
      } else if (f.tag() == 0xa1) {
        byte[] bits = f.content().expect(0x03).bytes();
        point = bits.length > 1 ? java.util.Arrays.copyOfRange(bits, 1, bits.length) : null;
      }
    }
    String curve = oid == null ? null : CURVES.get(oid);
    if (curve == null) {
      throw new SigningException(
          file + ": unsupported elliptic curve; use P-256 (prime256v1), P-384 or P-521");
    }
    if (point == null) {
      throw new SigningException(
          file
              + ": the private key does not carry its public key; rewrite it with"
              + " 'openssl pkey -in KEY -out KEY.new'");
    }
    try {
      AlgorithmParameters p = AlgorithmParameters.getInstance("EC");
      p.init(new ECGenParameterSpec(curve));
      ECParameterSpec spec = p.getParameterSpec(ECParameterSpec.class);
      int size = (spec.getCurve().getField().getFieldSize() + 7) / 8;
      if (point.length != 1 + 2 * size || point[0] != 4) {
        throw new SigningException(
            file + ": the public key in the private key file is not an uncompressed point");
      }
      ECPoint q =
          new ECPoint(
              new BigInteger(1, java.util.Arrays.copyOfRange(point, 1, 1 + size)),
              new BigInteger(1, java.util.Arrays.copyOfRange(point, 1 + size, point.length)));
      KeyFactory kf = KeyFactory.getInstance("EC");
      PrivateKey priv =
          kf.generatePrivate(new ECPrivateKeySpec(new BigInteger(1, d.bytes()), spec));
      PublicKey pub = kf.generatePublic(new ECPublicKeySpec(q, spec));
      return new KeyPair(pub, priv);
    } catch (GeneralSecurityException | RuntimeException e) {
      throw new SigningException(file + ": cannot read the private key: " + describe(e), e);
    }
  }

  /** An EC public key from a SubjectPublicKeyInfo PEM file, or from a certificate's. */
  public static ECPublicKey publicKey(Path file) throws SigningException {
    for (Block b : blocks(file)) {
      PublicKey key;
      try {
        switch (b.type) {
          case "PUBLIC KEY" ->
              key = KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(b.der));
          case "CERTIFICATE" -> key = certificate(b.der, file).getPublicKey();
          case "RSA PUBLIC KEY" ->
              throw new SigningException(
                  file
                      + ": RSA PUBLIC KEY is the wrong key type: an EC (ECDSA P-256) key is needed");
          default -> {
            continue;
          }
        }
      } catch (java.security.spec.InvalidKeySpecException e) {
        throw new SigningException(
            file + ": not an EC public key (wrong key type, or a damaged file)", e);
      } catch (GeneralSecurityException | RuntimeException e) {
        throw new SigningException(file + ": cannot read the public key: " + describe(e), e);
      }
      if (!(key instanceof ECPublicKey ec)) {
        throw new SigningException(
            file + ": " + key.getAlgorithm() + " is the wrong key type: an EC key is needed");
      }
      checkCurve(ec.getParams(), file);
      return ec;
    }
    throw new SigningException(file + ": no PEM public key (BEGIN PUBLIC KEY) in the file");
  }

  /** Every certificate in a PEM file, in file order; at least one. */
  public static List<X509Certificate> certificates(Path file) throws SigningException {
    List<X509Certificate> out = new ArrayList<>();
    for (Block b : blocks(file)) {
      if (b.type.equals("CERTIFICATE")) {
        out.add(certificate(b.der, file));
      }
    }
    if (out.isEmpty()) {
      throw new SigningException(file + ": no PEM certificate (BEGIN CERTIFICATE) in the file");
    }
    return out;
  }

  /** The public key as PEM SubjectPublicKeyInfo, byte for byte as OpenSSL and pyca write it. */
  public static String publicKeyPem(PublicKey key) {
    String body = Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(key.getEncoded());
    return "-----BEGIN PUBLIC KEY-----\n" + body + "\n-----END PUBLIC KEY-----\n";
  }

  /** The JDK curve name of an EC key's parameters, or null when it is not P-256/384/521. */
  static @Nullable String curveName(ECParameterSpec params) {
    for (String name : CURVES.values()) {
      try {
        AlgorithmParameters p = AlgorithmParameters.getInstance("EC");
        p.init(new ECGenParameterSpec(name));
        ECParameterSpec spec = p.getParameterSpec(ECParameterSpec.class);
        if (spec.getCurve().equals(params.getCurve())
            && spec.getGenerator().equals(params.getGenerator())
            && spec.getOrder().equals(params.getOrder())) {
          return name;
        }
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("the JDK supports " + name, e);
      }
    }
    return null;
  }

  private static void checkCurve(ECParameterSpec params, Path file) throws SigningException {
    if (curveName(params) == null) {
      throw new SigningException(
          file + ": unsupported elliptic curve; use P-256 (prime256v1), P-384 or P-521");
    }
  }

  private static X509Certificate certificate(byte[] der, Path file) throws SigningException {
    try {
      Certificate c =
          CertificateFactory.getInstance("X.509")
              .generateCertificate(new ByteArrayInputStream(der));
      return (X509Certificate) c;
    } catch (CertificateException | RuntimeException e) {
      throw new SigningException(file + ": a certificate in the file is damaged", e);
    }
  }

  private static List<Block> blocks(Path file) throws SigningException {
    String text;
    try {
      if (Files.size(file) > MAX_BYTES) {
        throw new SigningException(file + ": too large for a PEM file");
      }
      text = Files.readString(file, StandardCharsets.ISO_8859_1);
    } catch (IOException e) {
      throw new SigningException("cannot read " + file + ": " + describe(e), e);
    }
    List<Block> out = new ArrayList<>();
    Matcher m = BLOCK.matcher(text);
    while (m.find()) {
      String body = m.group(2);
      if (body.contains(":")) {
        // Legacy OpenSSL "Proc-Type: 4,ENCRYPTED" headers: an encrypted traditional key.
        throw new SigningException(
            file + ": encrypted private keys are not supported; decrypt it with openssl pkey");
      }
      try {
        out.add(new Block(m.group(1), Base64.getMimeDecoder().decode(body)));
      } catch (IllegalArgumentException e) {
        throw new SigningException(file + ": the " + m.group(1) + " block is not base64", e);
      }
    }
    if (out.isEmpty()) {
      throw new SigningException(file + ": not a PEM file (no -----BEGIN ...----- block)");
    }
    return out;
  }

  static String describe(Throwable e) {
    String m = e.getMessage();
    return e.getClass().getSimpleName() + (m == null ? "" : ": " + m);
  }

  /** One PEM block: its label and its decoded bytes (used once, never shared). */
  private static final class Block {
    final String type;
    final byte[] der;

    Block(String type, byte[] der) {
      this.type = type;
      this.der = der;
    }
  }

  /** Just enough DER to walk a SEC1 key: one TLV at a time, definite lengths only. */
  private static final class Der {
    private final byte[] buf;
    private final int start;
    private final int limit;
    private int tag;
    private int valueStart;
    private int valueEnd;

    private final Path file;

    Der(byte[] buf, int start, int limit, Path file) throws SigningException {
      this.file = file;
      this.buf = buf;
      this.start = start;
      this.limit = limit;
      parse();
    }

    private void parse() throws SigningException {
      if (start + 2 > limit) {
        throw bad();
      }
      tag = buf[start] & 0xff;
      int len = buf[start + 1] & 0xff;
      int pos = start + 2;
      if (len >= 0x80) {
        int n = len & 0x7f;
        if (n == 0 || n > 3 || pos + n > limit) {
          throw bad();
        }
        len = 0;
        for (int i = 0; i < n; i++) {
          len = (len << 8) | (buf[pos++] & 0xff);
        }
      }
      if (len > limit - pos) {
        throw bad();
      }
      valueStart = pos;
      valueEnd = pos + len;
    }

    int tag() {
      return tag;
    }

    Der expect(int wanted) throws SigningException {
      if (tag != wanted) {
        throw bad();
      }
      return this;
    }

    Der content() throws SigningException {
      return new Der(buf, valueStart, valueEnd, file);
    }

    @Nullable Der next() throws SigningException {
      return valueEnd >= limit ? null : new Der(buf, valueEnd, limit, file);
    }

    /** The next element, which must exist and have tag {@code wanted}. */
    Der next(int wanted) throws SigningException {
      Der n = next();
      if (n == null) {
        throw bad();
      }
      return n.expect(wanted);
    }

    byte[] bytes() {
      return java.util.Arrays.copyOfRange(buf, valueStart, valueEnd);
    }

    String oid() throws SigningException {
      StringBuilder sb = new StringBuilder();
      long value = 0;
      boolean first = true;
      for (int i = valueStart; i < valueEnd; i++) {
        value = (value << 7) | (buf[i] & 0x7f);
        if ((buf[i] & 0x80) == 0) {
          if (first) {
            long a = Math.min(2, value / 40);
            sb.append(a).append('.').append(value - 40 * a);
            first = false;
          } else {
            sb.append('.').append(value);
          }
          value = 0;
        } else if (value > (1L << 48)) {
          throw bad();
        }
      }
      return sb.toString();
    }

    private SigningException bad() {
      return new SigningException(file + ": the private key is not valid DER");
    }
  }
}
