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
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import swamp.node.PoolKeyProbe.Verdict;

/**
 * The pool key probe against real TLS servers on loopback: a key of the pool, another pool's key,
 * the peers that close on the hello (plain tcp), and those that must give no verdict (nothing
 * listening, a silent port, a peer that answered); real Artery nodes, plain and TLS; and the probe
 * of a plain tcp node, which tells a TLS peer by its certificate.
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
  void aPeerThatResetsTheConnectionOnTheHelloClosesOnIt() throws Exception {
    // as an --insecure master's Artery does: it reads 4 bytes, finds not its magic, aborts
    server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
    serving = serve(() -> {
      try (Socket s = server.accept()) {
        s.getInputStream().readNBytes(4);
        s.setSoLinger(true, 0); // an abort: RST
      }
    });
    PoolKeyProbe.Result r = probe(pool, pool).probe("127.0.0.1", server.getLocalPort());
    assertEquals(Verdict.CLOSED_ON_HELLO, r.verdict(), r.detail());
    assertTrue(r.detail().contains("reset the connection on the TLS hello"), r.detail());
  }

  /**
   * A worker given the master's HTTP port: its server answers the hello as Pekko HTTP does (seen
   * against a real master: a 400 in plain text, then a close).
   */
  @Test
  void aWebServerAnswersInHttp() throws Exception {
    server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
    serving = serve(() -> {
      for (int k = 0; k < 2; k++) {
        try (Socket s = server.accept()) {
          readRecord(s.getInputStream());
          s.getOutputStream().write(("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n"
              + "Connection: close\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        }
      }
    });
    for (PoolKeyProbe p : java.util.List.of(probe(pool, pool), PoolKeyProbe.plainTcp())) {
      PoolKeyProbe.Result r = p.probe("127.0.0.1", server.getLocalPort());
      assertEquals(Verdict.SPEAKS_HTTP, r.verdict(), r.detail());
    }
  }

  @Test
  void aPeerThatReadsTheHelloAndClosesClosesOnIt() throws Exception {
    server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
    serving = serve(() -> {
      try (Socket s = server.accept()) {
        readRecord(s.getInputStream());
        s.shutdownOutput(); // a close after the whole hello: an end of stream, no RST
        s.getInputStream().read();
      }
    });
    PoolKeyProbe.Result r = probe(pool, pool).probe("127.0.0.1", server.getLocalPort());
    assertEquals(Verdict.CLOSED_ON_HELLO, r.verdict(), r.detail());
    assertTrue(r.detail().contains("closed the connection on the TLS hello"), r.detail());
  }

  @Test
  void aPeerThatAnsweredBeforeTheConnectionWasResetIsNoPlainTcpNode() throws Exception {
    // a TLS node that fails half-way (killed, stopping) has sent the start of its answer
    server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
    serving = serve(() -> {
      try (Socket s = server.accept()) {
        readRecord(s.getInputStream());
        s.getOutputStream().write(new byte[] {0x16, 0x03, 0x03, 0x00, 0x40, 0x02}); // a ServerHello's start
        s.getOutputStream().flush();
        s.setSoLinger(true, 0);
      }
    });
    PoolKeyProbe.Result r = probe(pool, pool).probe("127.0.0.1", server.getLocalPort());
    assertEquals(Verdict.NO_VERDICT, r.verdict(), r.detail());
  }

  /** Real Artery nodes on loopback, what the probes of a worker meet. */
  @Test
  void aPlainTcpArteryNodeClosesOnTheHelloOfBothProbes() throws Exception {
    ActorSystem<Void> node = artery(Map.of(Credentials.TRANSPORT, "tcp"));
    try {
      int port = (Integer) node.address().port().get();
      PoolKeyProbe.Result r = probe(pool, pool).probe("127.0.0.1", port);
      assertEquals(Verdict.CLOSED_ON_HELLO, r.verdict(), r.detail());
      PoolKeyProbe.Result plain = PoolKeyProbe.plainTcp().probe("127.0.0.1", port);
      assertEquals(Verdict.CLOSED_ON_HELLO, plain.verdict(), plain.detail());
    } finally {
      node.terminate();
      node.getWhenTerminated().toCompletableFuture().get(30, java.util.concurrent.TimeUnit.SECONDS);
    }
  }

  @Test
  void aTlsArteryNodeAcceptsItsKeyAndShowsAPlainProbeItsCertificate() throws Exception {
    String ssl = PoolKeyProbe.SSL;
    ActorSystem<Void> node = artery(Map.of(Credentials.TRANSPORT, "tls-tcp",
        ssl + "key-store", pool.toString(), ssl + "trust-store", pool.toString(),
        ssl + "key-store-password", PASSWORD, ssl + "key-password", PASSWORD,
        ssl + "trust-store-password", PASSWORD));
    try {
      int port = (Integer) node.address().port().get();
      PoolKeyProbe.Result same = probe(pool, pool).probe("127.0.0.1", port);
      assertEquals(Verdict.ACCEPTED, same.verdict(), same.detail());
      PoolKeyProbe.Result another = probe(other, other).probe("127.0.0.1", port);
      assertEquals(Verdict.KEY_REJECTED, another.verdict(), another.detail());
      PoolKeyProbe.Result plain = PoolKeyProbe.plainTcp().probe("127.0.0.1", port);
      assertEquals(Verdict.SPEAKS_TLS, plain.verdict(), plain.detail());
      assertTrue(plain.detail().contains("CN=swamp-pool"), plain.detail());
    } finally {
      node.terminate();
      node.getWhenTerminated().toCompletableFuture().get(30, java.util.concurrent.TimeUnit.SECONDS);
    }
  }

  @Test
  void aPlainProbeSeesATlsPeerByItsCertificateWhateverItsKey() throws Exception {
    int port = tlsServer(write("intruder.p12", "CN=intruder"), pool);
    PoolKeyProbe.Result r = PoolKeyProbe.plainTcp().probe("127.0.0.1", port);
    assertEquals(Verdict.SPEAKS_TLS, r.verdict(), r.detail());
    assertTrue(r.detail().contains("CN=intruder"), r.detail());
    assertTrue(!PoolKeyProbe.plainTcp().tls());
  }

  @Test
  void aPlainProbeHasNoVerdictOnASilentOrClosedPort() throws Exception {
    int closed;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closed = s.getLocalPort();
    }
    PoolKeyProbe.Result refused = PoolKeyProbe.plainTcp().probe("127.0.0.1", closed);
    assertEquals(Verdict.NO_VERDICT, refused.verdict(), refused.detail());
    server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
    PoolKeyProbe.Result silent =
        new PoolKeyProbe(2_000, 1_000).probe("127.0.0.1", server.getLocalPort());
    assertEquals(Verdict.NO_VERDICT, silent.verdict(), silent.detail());
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

  /** Reads one TLS record (the client's hello) whole. */
  private static void readRecord(InputStream in) throws java.io.IOException {
    byte[] header = in.readNBytes(5);
    in.readNBytes(((header[3] & 0xff) << 8) | (header[4] & 0xff));
  }

  /** An actor system with Artery on a free loopback port, {@code remoting} over the defaults. */
  private static ActorSystem<Void> artery(Map<String, Object> remoting) {
    Map<String, Object> o = new HashMap<>(remoting);
    o.put("pekko.actor.provider", "remote");
    o.put("pekko.remote.artery.canonical.hostname", "127.0.0.1");
    o.put("pekko.remote.artery.canonical.port", 0);
    return ActorSystem.create(Behaviors.empty(), "probe-test",
        ConfigFactory.parseMap(o).withFallback(ConfigFactory.load()));
  }

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

  /** A TLS 1.3 server with mutual authentication, as Artery's: one connection after another. */
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
      while (!s.isClosed()) { // until the test ends
        try (SSLSocket c = (SSLSocket) s.accept()) {
          c.startHandshake();
          c.getInputStream().read(); // until the client closes (or the handshake fails)
        } catch (java.io.IOException oneClient) {
          // the client's failures are what the tests look at; a probe may try again
        }
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
