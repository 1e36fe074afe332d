package swamp.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.apache.pekko.actor.AddressFromURIString;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import swamp.node.PoolKeyProbe;

class MasterKeyCheckTest {

  static final String SSL = "pekko.remote.artery.ssl.config-ssl-engine.";

  static Config tls(String keyStore, String trustStore, List<String> seeds) {
    return ConfigFactory.parseMap(Map.of(
            "pekko.remote.artery.transport", "tls-tcp",
            SSL + "key-store", keyStore,
            SSL + "trust-store", trustStore,
            SSL + "key-store-password", "p", SSL + "key-password", "p",
            SSL + "trust-store-password", "p"))
        .withValue("pekko.cluster.seed-nodes", ConfigValueFactory.fromIterable(seeds))
        .withFallback(ConfigFactory.load("application-test"));
  }

  @Test
  void aWorkerWithAMasterChecksItsKeyOrItsTransport() {
    List<String> seeds = List.of("pekko://swamp@127.0.0.1:17355");
    assertTrue(MasterKeyCheck.of(tls("/k/pool.p12", "/k/pool.p12", seeds)).isPresent());
    assertTrue(MasterKeyCheck.of(tls("/k/pool.p12", "/k/pool.p12", List.of())).isEmpty());
    Config tcp = tls("/k/pool.p12", "/k/pool.p12", seeds)
        .withValue("pekko.remote.artery.transport", ConfigValueFactory.fromAnyRef("tcp"));
    assertTrue(MasterKeyCheck.of(tcp).isPresent(), "over plain tcp (--insecure): a TLS master?");
  }

  // ---- the other transport, against real sockets on loopback ----

  /** The keys, made once for the class: a keytool run takes seconds. */
  @TempDir static Path dir;
  static final java.util.Map<String, Path> keys = new java.util.concurrent.ConcurrentHashMap<>();
  final List<AutoCloseable> servers = new ArrayList<>();
  long now; // the check's clock, in nanoseconds

  @AfterEach
  void closeServers() throws Exception {
    for (AutoCloseable s : servers) {
      s.close();
    }
  }

  @Test
  void aTlsWorkerCallsAMasterPlainOnlyWhenItClosesOnTheHelloSecondsApart() throws Exception {
    AtomicBoolean answers = new AtomicBoolean(false);
    int port = plainArteryLike(answers);
    MasterKeyCheck check = tlsCheck(port);
    assertEquals(Optional.empty(), check.rejected(), "one close is no proof: a TLS master stopping");
    now += Duration.ofSeconds(2).toNanos();
    assertEquals(Optional.empty(), check.rejected(), "nor two within " + MasterKeyCheck.CONFIRMED_AFTER);
    now += Duration.ofSeconds(3).toNanos();
    String reason = check.rejected().orElseThrow();
    assertTrue(reason.contains("the master at 127.0.0.1:" + port + " speaks plain tcp (it runs with"
        + " --insecure) and this worker TLS: start the worker with --insecure too, or the master"
        + " without it"), reason);
    assertTrue(reason.contains("reset the connection on TLS hellos 5s apart"), reason);
    assertTrue(reason.contains("retrying cannot fix this"), reason);
  }

  @Test
  void anotherAnswerBetweenTwoClosesStartsOver() throws Exception {
    AtomicBoolean answers = new AtomicBoolean(false);
    int port = plainArteryLike(answers);
    MasterKeyCheck check = tlsCheck(port);
    assertEquals(Optional.empty(), check.rejected());
    now += Duration.ofSeconds(5).toNanos();
    answers.set(true); // it answers before it lets go: no plain node
    assertEquals(Optional.empty(), check.rejected());
    answers.set(false);
    now += Duration.ofSeconds(5).toNanos();
    assertEquals(Optional.empty(), check.rejected(), "the closes start anew");
    now += Duration.ofSeconds(5).toNanos();
    assertTrue(check.rejected().isPresent());
  }

  @Test
  void aPlainWorkerCallsAMasterThatShowsATlsCertificateTls() throws Exception {
    int port = tlsServer();
    MasterKeyCheck check = new MasterKeyCheck(PoolKeyProbe.plainTcp(),
        List.of(AddressFromURIString.parse("pekko://swamp@127.0.0.1:" + port)), () -> now);
    String reason = check.rejected().orElseThrow();
    assertTrue(reason.contains("the master at 127.0.0.1:" + port + " speaks TLS (it runs without"
        + " --insecure) and this worker plain tcp (--insecure): start the worker without"
        + " --insecure"), reason);
    assertTrue(reason.contains("or the master with --insecure too"), reason);
    assertTrue(reason.contains("TLS certificate"), reason);
  }

  @Test
  void aPlainWorkerTakesAMasterThatClosesOnTheHelloForAPlainOne() throws Exception {
    int port = plainArteryLike(new AtomicBoolean(false));
    MasterKeyCheck check = new MasterKeyCheck(PoolKeyProbe.plainTcp(),
        List.of(AddressFromURIString.parse("pekko://swamp@127.0.0.1:" + port)), () -> now);
    for (int i = 0; i < 3; i++) {
      assertEquals(Optional.empty(), check.rejected());
      now += Duration.ofSeconds(5).toNanos();
    }
  }

  @Test
  void aTlsWorkerThatWaitsForItsKeyCallsAMasterThatClosesOnTheHelloPlainAndATlsOneFine()
      throws Exception {
    int plain = plainArteryLike(new AtomicBoolean(false));
    MasterKeyCheck check = new MasterKeyCheck(PoolKeyProbe.plainTcp(), true,
        List.of(AddressFromURIString.parse("pekko://swamp@127.0.0.1:" + plain)), () -> now);
    assertEquals(Optional.empty(), check.rejected());
    now += Duration.ofSeconds(5).toNanos();
    String reason = check.rejected().orElseThrow();
    assertTrue(reason.contains("speaks plain tcp (it runs with --insecure) and this worker TLS"),
        reason);
    int tls = tlsServer();
    MasterKeyCheck waiting = new MasterKeyCheck(PoolKeyProbe.plainTcp(), true,
        List.of(AddressFromURIString.parse("pekko://swamp@127.0.0.1:" + tls)), () -> now);
    for (int i = 0; i < 2; i++) {
      assertEquals(Optional.empty(), waiting.rejected(), "a TLS master: the key will come");
      now += Duration.ofSeconds(5).toNanos();
    }
  }

  /** A TLS worker's check, with a key of its own, of a master at {@code port}. */
  MasterKeyCheck tlsCheck(int port) throws Exception {
    Path key = key("pool.p12");
    String seed = "pekko://swamp@127.0.0.1:" + port;
    return new MasterKeyCheck(PoolKeyProbe.of(tls(key.toString(), key.toString(), List.of(seed))
        .withValue(SSL + "key-store-password", ConfigValueFactory.fromAnyRef(PASSWORD))
        .withValue(SSL + "key-password", ConfigValueFactory.fromAnyRef(PASSWORD))
        .withValue(SSL + "trust-store-password", ConfigValueFactory.fromAnyRef(PASSWORD)))
        .orElseThrow(), List.of(AddressFromURIString.parse(seed)), () -> now);
  }

  static final String PASSWORD = "test-pool-password";

  /** A key as a master makes it, by the JDK's keytool. */
  static synchronized Path key(String name) throws Exception {
    if (keys.containsKey(name)) {
      return keys.get(name);
    }
    Path file = dir.resolve(name);
    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool")
        .toString(), "-genkeypair", "-alias", "swamp", "-keyalg", "EC", "-groupname", "secp256r1",
        "-validity", "30", "-dname", "CN=swamp-pool", "-storetype", "PKCS12", "-keystore",
        file.toString(), "-storepass", PASSWORD).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, out);
    keys.put(name, file);
    return file;
  }

  /**
   * As an --insecure master's Artery does with a TLS hello: reads 4 bytes and resets the
   * connection; or, while {@code answers}, sends a byte first.
   */
  int plainArteryLike(AtomicBoolean answers) throws Exception {
    ServerSocket server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
    servers.add(server);
    serve(() -> {
      while (!server.isClosed()) {
        try (Socket s = server.accept()) {
          s.getInputStream().readNBytes(4);
          if (answers.get()) {
            s.getOutputStream().write(0x16);
            s.getOutputStream().flush();
          }
          s.setSoLinger(true, 0);
        }
      }
    });
    return server.getLocalPort();
  }

  /** A TLS server with a key of its own: any TLS master, whatever its key. */
  int tlsServer() throws Exception {
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(key("master.p12"))) {
      store.load(in, PASSWORD.toCharArray());
    }
    KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    keys.init(store, PASSWORD.toCharArray());
    SSLContext context = SSLContext.getInstance("TLSv1.3");
    context.init(keys.getKeyManagers(), null, null);
    SSLServerSocket server = (SSLServerSocket) context.getServerSocketFactory()
        .createServerSocket(0, 10, InetAddress.getLoopbackAddress());
    server.setNeedClientAuth(true);
    servers.add(server);
    serve(() -> {
      while (!server.isClosed()) {
        try (SSLSocket s = (SSLSocket) server.accept()) {
          s.startHandshake();
        } catch (java.io.IOException handshakeFailed) {
          // the probe ends it at the certificate
        }
      }
    });
    return server.getLocalPort();
  }

  interface Serving {
    void run() throws Exception;
  }

  static void serve(Serving serving) {
    Thread t = new Thread(() -> {
      try {
        serving.run();
      } catch (Exception closed) {
        // the test is over
      }
    }, "key-check-test-server");
    t.setDaemon(true);
    t.start();
  }

  @Test
  void noVerdictIsNoRejection() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    // nothing listens there, and the key store cannot be read: neither says the key is wrong
    // (PoolKeyProbeTest probes real servers)
    Optional<KeyCheck> check = MasterKeyCheck.of(
        tls("/no/such/pool.p12", "/no/such/pool.p12", List.of("pekko://swamp@127.0.0.1:" + port)));
    assertEquals(Optional.empty(), check.get().rejected());
    // but why the worker has not joined is plain, long before it gives up
    String why = check.get().unjoined().orElseThrow();
    assertTrue(why.startsWith("nothing listens at 127.0.0.1:" + port + ": is the master running,"
        + " on that host (bin/swamp master --host"), why);
  }

  /** {@code --master nosuchhost:17355} gave up after 30 min, and said nothing of why. */
  @Test
  void aMasterHostNameThatDoesNotResolveIsSaid() {
    Optional<KeyCheck> check = MasterKeyCheck.of(tls("/no/such/pool.p12", "/no/such/pool.p12",
        List.of("pekko://swamp@no-such-master.invalid:17355")));
    String why = check.get().unjoined().orElseThrow();
    assertTrue(why.startsWith("the master's host name no-such-master.invalid (--master"
        + " no-such-master.invalid:17355) does not resolve to an address"), why);
  }

  @Test
  void theReasonNamesTheKeyTheMasterAndWhatToDo() {
    String seed = "pekko://swamp@10.1.2.3:17355";
    MasterKeyCheck check = new MasterKeyCheck(PoolKeyProbe.of(tls("/site/keys/pool.p12",
        "/site/keys/pool.p12", List.of(seed))).orElseThrow(), List.of(AddressFromURIString.parse(seed)));
    String reason = check.message("10.1.2.3:17355", "its certificate is not one this key trusts");
    assertTrue(reason.contains("the master at 10.1.2.3:17355"), reason);
    assertTrue(reason.contains("pool key /site/keys/pool.p12:"), reason);
    assertTrue(reason.contains("the pool key does not match the master's"), reason);
    assertTrue(reason.contains("SWAMP_TLS_PASSWORD"), reason);
    assertTrue(reason.contains("retrying cannot fix this"), reason);
  }
}
