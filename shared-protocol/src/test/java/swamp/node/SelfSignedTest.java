package swamp.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
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
