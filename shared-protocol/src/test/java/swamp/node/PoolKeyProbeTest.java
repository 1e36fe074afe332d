package swamp.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.HashMap;
import java.util.Map;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import swamp.node.PoolKeyProbe.Verdict;

/**
 * The pool key probe against real TLS servers on loopback: a key of the pool, another pool's key,
 * and the peers that must give no verdict (nothing listening, plain tcp, a silent port).
 */
class PoolKeyProbeTest {

  static final String PASSWORD = "pool-password";

  @TempDir Path dir;
  Path pool;
  Path other;
  ServerSocket server;
  Thread serving;

  @BeforeEach
  void keys() throws Exception {
    pool = write("pool.p12", "CN=swamp-pool");
    other = write("other.p12", "CN=swamp-pool"); // the same name, as every pool's key has it
  }

  @AfterEach
  void stop() throws Exception {
    if (server != null) {
      server.close();
    }
    if (serving != null) {
      serving.join(10_000);
    }
  }

  @Test
  void aPeerWithTheSamePoolKeyAcceptsIt() throws Exception {
    int port = tlsServer(pool, pool);
    PoolKeyProbe.Result r = probe(pool, pool).probe("127.0.0.1", port);
    assertEquals(Verdict.ACCEPTED, r.verdict(), r.detail());
  }

  @Test
  void aPeerWithAnotherPoolsKeyIsNotTrustedHere() throws Exception {
    int port = tlsServer(other, other);
    PoolKeyProbe.Result r = probe(pool, pool).probe("127.0.0.1", port);
    assertEquals(Verdict.KEY_REJECTED, r.verdict(), r.detail());
    assertTrue(r.detail().contains("not one this key trusts"), r.detail());
    assertTrue(!r.detail().contains("Exception"), "no class names, only what failed: " + r.detail());
  }

  @Test
  void aPeerWithAKeyOfAnotherNameIsNotTrustedHereEither() throws Exception {
    int port = tlsServer(write("intruder.p12", "CN=intruder"), pool);
    PoolKeyProbe.Result r = probe(pool, pool).probe("127.0.0.1", port);
    assertEquals(Verdict.KEY_REJECTED, r.verdict(), r.detail());
    assertTrue(r.detail().contains("unable to find valid certification path"), r.detail());
    assertTrue(!r.detail().contains("Exception"), "no class names, only what failed: " + r.detail());
  }

  @Test
  void aPeerThatDoesNotTrustThisNodesKeySaysSoAfterTheHandshake() throws Exception {
    // this node trusts the peer (its trust store is the pool's), the peer does not trust this
    // node's key: in TLS 1.3 the client's handshake completes before the server's alert comes
    int port = tlsServer(pool, pool);
    PoolKeyProbe.Result r = probe(other, pool).probe("127.0.0.1", port);
    assertEquals(Verdict.KEY_REJECTED, r.verdict(), r.detail());
    assertTrue(r.detail().contains("does not trust this key's certificate"), r.detail());
  }

  @Test
  void noVerdictWhenNothingListens() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    PoolKeyProbe.Result r = probe(pool, pool).probe("127.0.0.1", port);
    assertEquals(Verdict.NO_VERDICT, r.verdict(), r.detail());
  }

  @Test
  void noVerdictFromAPlainTcpPeerThatClosesOnTheHello() throws Exception {
    // an --insecure master's Artery reads a TLS hello as a bad frame and drops the connection
    server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
    serving = serve(() -> {
      try (Socket s = server.accept()) {
        s.getInputStream().read(new byte[64]);
      }
    });
    PoolKeyProbe.Result r = probe(pool, pool).probe("127.0.0.1", server.getLocalPort());
    assertEquals(Verdict.NO_VERDICT, r.verdict(), r.detail());
  }

  @Test
  void noVerdictFromASilentPeer() throws Exception {
    // a frozen or overloaded master: the kernel takes the connection, nobody answers the hello
    server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
    long start = System.nanoTime();
    PoolKeyProbe.Result r = probe(pool, pool).probe("127.0.0.1", server.getLocalPort());
    assertEquals(Verdict.NO_VERDICT, r.verdict(), r.detail());
    assertTrue(System.nanoTime() - start < 10_000_000_000L, "within the handshake's timeout");
  }

  @Test
  void noProbeForPlainTcp() {
    Config tcp = ConfigFactory.parseMap(Map.of(Credentials.TRANSPORT, "tcp"))
        .withFallback(ConfigFactory.load());
    assertTrue(PoolKeyProbe.of(tcp).isEmpty());
  }

  // ---- helpers ----

  private Path write(String name, String dn) throws Exception {
    Path file = dir.resolve(name);
    try (OutputStream out = Files.newOutputStream(file)) {
      SelfSigned.write(out, "swamp", dn, PASSWORD.toCharArray(), true);
    }
    return file;
  }

  private static PoolKeyProbe probe(Path keyStore, Path trustStore) {
    String ssl = PoolKeyProbe.SSL;
    Map<String, Object> o = new HashMap<>();
    o.put(Credentials.TRANSPORT, "tls-tcp");
    o.put(ssl + "key-store", keyStore.toString());
    o.put(ssl + "key-store-password", PASSWORD);
    o.put(ssl + "key-password", PASSWORD);
    o.put(ssl + "trust-store", trustStore.toString());
    o.put(ssl + "trust-store-password", PASSWORD);
    Config config = ConfigFactory.parseMap(o).withFallback(ConfigFactory.load());
    assertTrue(PoolKeyProbe.of(config).isPresent());
    return new PoolKeyProbe(config, 2_000, 2_000, 1_000);
  }

  /** A TLS 1.3 server with mutual authentication, as Artery's: one connection, then it closes. */
  private int tlsServer(Path keyStore, Path trustStore) throws Exception {
    KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    keys.init(load(keyStore), PASSWORD.toCharArray());
    TrustManagerFactory trust =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trust.init(load(trustStore));
    SSLContext context = SSLContext.getInstance("TLSv1.3");
    context.init(keys.getKeyManagers(), trust.getTrustManagers(), null);
    SSLServerSocket s = (SSLServerSocket) context.getServerSocketFactory()
        .createServerSocket(0, 5, InetAddress.getLoopbackAddress());
    s.setNeedClientAuth(true);
    s.setEnabledProtocols(new String[] {"TLSv1.3"});
    server = s;
    serving = serve(() -> {
      try (SSLSocket c = (SSLSocket) server.accept()) {
        c.startHandshake();
        c.getInputStream().read(); // until the client closes (or the handshake fails)
      }
    });
    return s.getLocalPort();
  }

  private interface Serving {
    void run() throws Exception;
  }

  private static Thread serve(Serving serving) {
    Thread t = new Thread(() -> {
      try {
        serving.run();
      } catch (Exception e) {
        // the client's failures are what the tests look at
      }
    }, "probe-test-server");
    t.setDaemon(true);
    t.start();
    return t;
  }

  private static KeyStore load(Path file) throws Exception {
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(file)) {
      store.load(in, PASSWORD.toCharArray());
    }
    return store;
  }
}
