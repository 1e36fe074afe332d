package swamp.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.Test;

class SelfSignedTest {

  @Test
  void thePoolKeyStoreTrustsItsOwnCertificateAndNoOther() throws Exception {
    char[] password = "pool-password".toCharArray();
    KeyStore pool = reload(SelfSigned.keyStore("swamp", "CN=swamp-pool", password), password);
    KeyStore other = SelfSigned.keyStore("swamp", "CN=intruder", password);

    X509Certificate mine = (X509Certificate) pool.getCertificateChain("swamp")[0];
    assertEquals("CN=swamp-pool", mine.getSubjectX500Principal().getName());
    assertEquals(3, mine.getVersion());
    assertEquals("EC", mine.getPublicKey().getAlgorithm());
    assertEquals("SHA256withECDSA", mine.getSigAlgName());
    mine.checkValidity();
    X509TrustManager trust = trustManager(pool);
    trust.checkClientTrusted(new X509Certificate[] {mine}, "ECDHE_ECDSA");
    trust.checkServerTrusted(new X509Certificate[] {mine}, "ECDHE_ECDSA");
    X509Certificate theirs = (X509Certificate) other.getCertificateChain("swamp")[0];
    assertThrows(CertificateException.class,
        () -> trust.checkClientTrusted(new X509Certificate[] {theirs}, "ECDHE_ECDSA"));
  }

  @Test
  void aStoreWithARandomPasswordIsStretchedOnceAndOneWithAChosenPasswordAsTheJdkStretches()
      throws Exception {
    char[] password = "a-password-of-256-random-bits".toCharArray();
    ByteArrayOutputStream random = new ByteArrayOutputStream();
    SelfSigned.write(random, "swamp", "CN=swamp-pool", password, true);
    ByteArrayOutputStream chosen = new ByteArrayOutputStream();
    SelfSigned.write(chosen, "swamp", "CN=swamp-pool", password, false);

    // the key, the certificate, the file's MAC
    assertEquals(List.of(1, 1, 1), iterations(random.toByteArray()));
    assertEquals(List.of(10_000, 10_000, 10_000), iterations(chosen.toByteArray()));
    assertEquals(null, System.getProperty("keystore.pkcs12.macIterationCount"),
        "the JVM's own setting is left as it was");
    for (byte[] file : List.of(random.toByteArray(), chosen.toByteArray())) {
      KeyStore read = KeyStore.getInstance("PKCS12");
      read.load(new ByteArrayInputStream(file), password);
      assertEquals("EC", read.getKey("swamp", password).getAlgorithm());
      X509Certificate mine = (X509Certificate) read.getCertificateChain("swamp")[0];
      trustManager(read).checkServerTrusted(new X509Certificate[] {mine}, "ECDHE_ECDSA");
      assertThrows(java.io.IOException.class, () -> KeyStore.getInstance("PKCS12")
          .load(new ByteArrayInputStream(file), "another".toCharArray()));
    }
  }

  /**
   * The PBKDF2 iteration counts of a PKCS12 file, in the order they appear (the key's bag, the
   * certificates' encrypted bag), then its MAC's (the last INTEGER of the PFX, RFC 7292 4).
   */
  static List<Integer> iterations(byte[] p12) {
    byte[] pbkdf2 = {0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01,
        0x05, 0x0c};
    List<Integer> counts = new java.util.ArrayList<>();
    for (int i = 0; i + pbkdf2.length < p12.length; i++) {
      if (java.util.Arrays.equals(p12, i, i + pbkdf2.length, pbkdf2, 0, pbkdf2.length)) {
        int at = i + pbkdf2.length + 2; // PBKDF2-params: SEQUENCE { salt OCTET STRING, INTEGER }
        assertEquals(0x04, p12[at], "the salt");
        at += 2 + p12[at + 1];
        counts.add(integer(p12, at));
      }
    }
    // PFX ::= SEQUENCE { version, authSafe, macData SEQUENCE { mac, macSalt, iterations } }
    int[] pfx = children(p12, 0);
    int[] macData = children(p12, pfx[2]);
    // "iterations INTEGER DEFAULT 1": DER leaves out a 1
    counts.add(macData.length == 2 ? 1 : integer(p12, macData[2]));
    return counts;
  }

  /** Where the elements inside the constructed element at {@code at} begin. */
  private static int[] children(byte[] der, int at) {
    List<Integer> starts = new java.util.ArrayList<>();
    int[] outer = header(der, at);
    for (int c = outer[0]; c < outer[0] + outer[1]; ) {
      starts.add(c);
      int[] h = header(der, c);
      c = h[0] + h[1];
    }
    return starts.stream().mapToInt(Integer::intValue).toArray();
  }

  /** Where the content of the element at {@code at} begins, and its length. */
  private static int[] header(byte[] der, int at) {
    int n = der[at + 1] & 0xff;
    if (n < 0x80) {
      return new int[] {at + 2, n};
    }
    int len = 0;
    for (int k = 0; k < (n & 0x7f); k++) {
      len = (len << 8) | (der[at + 2 + k] & 0xff);
    }
    return new int[] {at + 2 + (n & 0x7f), len};
  }

  private static int integer(byte[] der, int at) {
    assertEquals(0x02, der[at], "an INTEGER at " + at);
    int v = 0;
    for (int k = 0; k < der[at + 1]; k++) {
      v = (v << 8) | (der[at + 2 + k] & 0xff);
    }
    return v;
  }

  /** Written and read back with its password, as Pekko reads the pool key's file. */
  static KeyStore reload(KeyStore store, char[] password) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    store.store(out, password);
    KeyStore read = KeyStore.getInstance(KeyStore.getDefaultType());
    read.load(new ByteArrayInputStream(out.toByteArray()), password);
    assertEquals(1, read.size());
    read.getKey("swamp", password);
    return read;
  }

  static X509TrustManager trustManager(KeyStore store) throws Exception {
    TrustManagerFactory f = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    f.init(store);
    return (X509TrustManager) f.getTrustManagers()[0];
  }
}
