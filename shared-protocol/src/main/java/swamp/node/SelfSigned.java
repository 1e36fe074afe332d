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
import java.security.spec.ECGenParameterSpec;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A PKCS12 key store with one EC key pair (P-256) and its self-signed X.509 v3 certificate, as
 * {@code keytool -genkeypair -keyalg EC} makes it, made in this JVM: starting keytool's JVM costs a
 * second of CPU, which a loaded machine turns into many seconds of a master's start. The JDK has
 * no public API for a certificate, so its DER is written here (RFC 5280, no extensions).
 *
 * <p>EC rather than RSA: a 2048-bit RSA pair took 180-940 ms of a master's first start (C1 only,
 * the search for primes varies), a P-256 pair 1-11 ms; and each TLS handshake signs with it.
 * Pools made with an RSA key keep it: nodes read whatever key the store holds, and TLS 1.3 (the
 * only protocol the pool speaks) takes either.
 *
 * <p>{@link #write} protects a store whose password is random with one PBKDF2 iteration where the
 * JDK uses 10,000 for the key, the certificate and the file's MAC each: stretching a password
 * makes each guess of a weak one dearer, and a password of 256 random bits is not guessed either
 * way. Every node reads the pool key at start (Artery's TLS loads it as key store and as trust
 * store), and on C1 alone the 10,000 iterations cost about 0.1 s of CPU per node start.
 */
final class SelfSigned {
  private SelfSigned() {}

  /** ecdsa-with-SHA256, 1.2.840.10045.4.3.2 (RFC 5758 3.2: no parameters). */
  private static final byte[] ECDSA_WITH_SHA256 = {0x06, 0x08, 0x2a, (byte) 0x86, 0x48,
      (byte) 0xce, 0x3d, 0x04, 0x03, 0x02};
  private static final byte[] COMMON_NAME = {0x06, 0x03, 0x55, 0x04, 0x03};

  /** A key store holding {@code alias}: a new P-256 key and its certificate for {@code dn}. */
  static KeyStore keyStore(String alias, String dn, char[] password)
      throws GeneralSecurityException, java.io.IOException {
    if (!dn.startsWith("CN=")) {
      throw new IllegalArgumentException("only CN=... names: " + dn);
    }
    SecureRandom random = new SecureRandom();
    KeyPairGenerator gen = KeyPairGenerator.getInstance("EC");
    gen.initialize(new ECGenParameterSpec("secp256r1"), random);
    KeyPair pair = gen.generateKeyPair();

    byte[] algorithm = der(0x30, ECDSA_WITH_SHA256);
    byte[] name = der(0x30, der(0x31, der(0x30, COMMON_NAME,
        der(0x0c, dn.substring(3).getBytes(StandardCharsets.UTF_8)))));
    ZonedDateTime now = ZonedDateTime.now(ZoneOffset.UTC).withNano(0);
    byte[] validity = der(0x30, time(now.minusDays(1)), time(now.plusYears(100)));
    byte[] serial = new BigInteger(63, random).add(BigInteger.ONE).toByteArray();
    byte[] tbs = der(0x30,
        new byte[] {(byte) 0xa0, 0x03, 0x02, 0x01, 0x02}, // [0] version v3
        der(0x02, serial), algorithm, name, validity, name, pair.getPublic().getEncoded());
    Signature signer = Signature.getInstance("SHA256withECDSA");
    signer.initSign(pair.getPrivate(), random);
    signer.update(tbs);
    byte[] signature = signer.sign(); // DER already: SEQUENCE {r, s}, as RFC 5758 wants it
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

  /**
   * Writes a new {@link #keyStore} to {@code out}, protected by {@code password}: with one PBKDF2
   * iteration when the password is random ({@code randomPassword}), with the JDK's defaults
   * otherwise.
   */
  static void write(java.io.OutputStream out, String alias, String dn, char[] password,
      boolean randomPassword) throws GeneralSecurityException, java.io.IOException {
    if (!randomPassword) {
      keyStore(alias, dn, password).store(out, password);
      return;
    }
    // the JDK reads these when it encrypts the key (setKeyEntry) and when it stores the file;
    // they are the JVM's, so the few key stores it makes are made one at a time
    synchronized (ITERATIONS) {
      Map<String, String> before = new HashMap<>();
      ITERATIONS.forEach(p -> before.put(p, System.getProperty(p)));
      try {
        ITERATIONS.forEach(p -> System.setProperty(p, "1"));
        keyStore(alias, dn, password).store(out, password);
      } finally {
        before.forEach((p, v) -> {
          if (v == null) {
            System.clearProperty(p);
          } else {
            System.setProperty(p, v);
          }
        });
      }
    }
  }

  /** The PKCS12 key store's PBKDF2 iteration counts, as the JDK names them (JDK-8076190). */
  private static final List<String> ITERATIONS = List.of("keystore.pkcs12.keyPbeIterationCount",
      "keystore.pkcs12.certPbeIterationCount", "keystore.pkcs12.macIterationCount");

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
