package swamp.node;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;

/**
 * A PKCS12 key store with one RSA key pair and its self-signed X.509 v3 certificate, as {@code
 * keytool -genkeypair} makes it, made in this JVM: starting keytool's JVM costs a second of CPU,
 * which a loaded machine turns into many seconds of a master's start. The JDK has no public API
 * for a certificate, so its DER is written here (RFC 5280, no extensions).
 */
final class SelfSigned {
  private SelfSigned() {}

  private static final byte[] SHA256_WITH_RSA = {0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86,
      (byte) 0xf7, 0x0d, 0x01, 0x01, 0x0b};
  private static final byte[] COMMON_NAME = {0x06, 0x03, 0x55, 0x04, 0x03};

  /** A key store holding {@code alias}: a new 2048-bit RSA key and its certificate for {@code dn}. */
  static KeyStore keyStore(String alias, String dn, char[] password)
      throws GeneralSecurityException, java.io.IOException {
    if (!dn.startsWith("CN=")) {
      throw new IllegalArgumentException("only CN=... names: " + dn);
    }
    SecureRandom random = new SecureRandom();
    KeyPairGenerator gen = KeyPairGenerator.getInstance("RSA");
    gen.initialize(2048, random);
    KeyPair pair = gen.generateKeyPair();

    byte[] algorithm = der(0x30, SHA256_WITH_RSA, new byte[] {0x05, 0x00});
    byte[] name = der(0x30, der(0x31, der(0x30, COMMON_NAME,
        der(0x0c, dn.substring(3).getBytes(StandardCharsets.UTF_8)))));
    ZonedDateTime now = ZonedDateTime.now(ZoneOffset.UTC).withNano(0);
    byte[] validity = der(0x30, time(now.minusDays(1)), time(now.plusYears(100)));
    byte[] serial = new BigInteger(63, random).add(BigInteger.ONE).toByteArray();
    byte[] tbs = der(0x30,
        new byte[] {(byte) 0xa0, 0x03, 0x02, 0x01, 0x02}, // [0] version v3
        der(0x02, serial), algorithm, name, validity, name, pair.getPublic().getEncoded());
    Signature signer = Signature.getInstance("SHA256withRSA");
    signer.initSign(pair.getPrivate(), random);
    signer.update(tbs);
    byte[] signature = signer.sign();
    byte[] bits = new byte[signature.length + 1]; // a BIT STRING: no unused bits
    System.arraycopy(signature, 0, bits, 1, signature.length);
    byte[] cert = der(0x30, tbs, algorithm, der(0x03, bits));

    Certificate certificate = CertificateFactory.getInstance("X.509")
        .generateCertificate(new ByteArrayInputStream(cert));
    certificate.verify(pair.getPublic());
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    store.setKeyEntry(alias, pair.getPrivate(), password, new Certificate[] {certificate});
    return store;
  }

  /** UTCTime through 2049, GeneralizedTime after (RFC 5280 4.1.2.5). */
  private static byte[] time(ZonedDateTime t) {
    boolean utc = t.getYear() < 2050;
    String s = t.format(DateTimeFormatter.ofPattern(utc ? "yyMMddHHmmss" : "yyyyMMddHHmmss")) + "Z";
    return der(utc ? 0x17 : 0x18, s.getBytes(StandardCharsets.US_ASCII));
  }

  /** One DER element: {@code tag}, the length, then the parts. */
  private static byte[] der(int tag, byte[]... parts) {
    ByteArrayOutputStream content = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      content.writeBytes(p);
    }
    int n = content.size();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(tag);
    if (n < 0x80) {
      out.write(n);
    } else if (n < 0x100) {
      out.write(0x81);
      out.write(n);
    } else if (n < 0x10000) {
      out.write(0x82);
      out.write(n >> 8);
      out.write(n);
    } else {
      out.write(0x83);
      out.write(n >> 16);
      out.write(n >> 8);
      out.write(n);
    }
    out.writeBytes(content.toByteArray());
    return out.toByteArray();
  }
}
