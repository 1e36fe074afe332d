package swamp.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** The client's HTTP over a socket, against a server that answers as the JDK's HttpServer may. */
class MasterClientTest {

  /**
   * A server of {@code n} requests; each request line and body is kept, answered by {@code
   * answer}. A connection closed with nothing sent is not counted.
   */
  static final class FakeServer implements AutoCloseable {
    final ServerSocket socket;
    final List<String> requests = new CopyOnWriteArrayList<>();

    FakeServer(int n, Function<String, String> answer) throws IOException {
      socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
      Thread t = new Thread(() -> {
        for (int i = 0; i < n; ) {
          try (Socket s = socket.accept()) {
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(),
                StandardCharsets.ISO_8859_1));
            String line = in.readLine();
            if (line == null) {
              continue; // a client of several masters tried the connection, and sent nothing
            }
            i++;
            int length = 0;
            StringBuilder headers = new StringBuilder();
            for (String h = in.readLine(); h != null && !h.isEmpty(); h = in.readLine()) {
              headers.append(h).append('\n');
              if (h.toLowerCase().startsWith("content-length:")) {
                length = Integer.parseInt(h.substring(15).trim());
              }
            }
            char[] body = new char[length];
            int got = 0;
            while (got < length) {
              got += in.read(body, got, length - got);
            }
            String request = line + "\n" + headers + new String(body);
            requests.add(request);
            OutputStream out = s.getOutputStream();
            out.write(answer.apply(request).getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
          } catch (IOException e) {
            return;
          }
        }
      });
      t.setDaemon(true);
      t.start();
    }

    String url() {
      return "http://127.0.0.1:" + socket.getLocalPort();
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }

  /** A URL that cannot be used, or https:// to a plain master: what to change, not a Java exception. */
  @Test
  void aWrongUrlOrSchemeIsNamed() throws Exception {
    MasterClient.ApiException bad = assertThrows(
        MasterClient.ApiException.class, () -> new MasterClient("http://127.0.0.1:99999").get("/api/health"));
    assertTrue(bad.getMessage().contains("(--url or SWAMP_URL) cannot be used: port out of range"),
        bad.getMessage());
    for (String bare : new String[] {"127.0.0.1:8070", "localhost:8070"}) { // the scheme left out
      MasterClient.ApiException noScheme = assertThrows(MasterClient.ApiException.class,
          () -> new MasterClient(bare).get("/api/health"));
      assertEquals("'" + bare + "' is not a URL: give it with its scheme, http://" + bare
          + " (or https:// for a master started with --https)", noScheme.getMessage());
    }
    // a plain HTTP server answers the TLS hello in plain text, as the master's does
    try (ServerSocket plain = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
      Thread t = new Thread(() -> {
        try (Socket c = plain.accept()) {
          c.getOutputStream().write("HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n"
              .getBytes(StandardCharsets.ISO_8859_1));
        } catch (IOException e) {
          // the client went
        }
      });
      t.setDaemon(true);
      t.start();
      MasterClient.ApiException tls = assertThrows(MasterClient.ApiException.class,
          () -> new MasterClient("https://127.0.0.1:" + plain.getLocalPort()).get("/api/health"));
      assertTrue(tls.getMessage().contains("it does not answer HTTPS"), tls.getMessage());
      assertTrue(tls.getMessage().contains("a master started without --https takes http://"), tls.getMessage());
    }
  }

  /**
   * A master killed while the client waits closes the connection unanswered, as one started with
   * --https does to http://: the client tells them apart by whether the port still answers.
   */
  @Test
  void aMasterThatStopsInTheMiddleOfAnAnswerIsSaidToHaveStopped() throws Exception {
    ServerSocket dying = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
    Thread t = new Thread(() -> {
      try (Socket c = dying.accept()) {
        c.getInputStream().read(); // the request has come; then the master dies
        dying.close();
      } catch (IOException e) {
        // the client went
      }
    });
    t.setDaemon(true);
    t.start();
    MasterClient.ApiException gone = assertThrows(MasterClient.ApiException.class,
        () -> new MasterClient("http://127.0.0.1:" + dying.getLocalPort()).get("/api/jobs/j1?wait=60s"));
    assertTrue(gone.getMessage().contains("the master stopped meanwhile: nothing answers at 127.0.0.1:"
        + dying.getLocalPort() + " now"), gone.getMessage());
    assertFalse(gone.getMessage().contains("--https"), gone.getMessage());

    // a master being killed may still take connections for a moment, and answer nothing: that
    // is no reason to send the user to https://
    try (FakeServer stopping = new FakeServer(3, request -> "")) {
      MasterClient.ApiException cut = assertThrows(MasterClient.ApiException.class,
          () -> new MasterClient(stopping.url()).get("/api/health"));
      assertTrue(cut.getMessage().contains("the master may be stopping"), cut.getMessage());
      assertFalse(cut.getMessage().contains("--https"), cut.getMessage());
    }
  }

  /** A TLS server's context with a key of its own, made by keytool in {@code dir}. */
  private static javax.net.ssl.SSLContext serverTls(java.nio.file.Path dir) throws Exception {
    java.nio.file.Path store = dir.resolve("k.p12");
    Process keytool = new ProcessBuilder(java.nio.file.Path.of(System.getProperty("java.home"), "bin", "keytool")
        .toString(), "-genkeypair", "-alias", "t", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=t",
        "-storetype", "PKCS12", "-keystore", store.toString(), "-storepass", "secret1").inheritIO().start();
    assertTrue(keytool.waitFor(60, java.util.concurrent.TimeUnit.SECONDS) && keytool.exitValue() == 0);
    java.security.KeyStore ks = java.security.KeyStore.getInstance("PKCS12");
    try (var in = java.nio.file.Files.newInputStream(store)) {
      ks.load(in, "secret1".toCharArray());
    }
    javax.net.ssl.KeyManagerFactory kmf = javax.net.ssl.KeyManagerFactory.getInstance("SunX509");
    kmf.init(ks, "secret1".toCharArray());
    javax.net.ssl.SSLContext tls = javax.net.ssl.SSLContext.getInstance("TLS");
    tls.init(kmf.getKeyManagers(), null, null);
    return tls;
  }

  /**
   * https:// to a node's cluster port, whose mutual TLS may drop the connection before the
   * client has written its handshake ('Broken pipe' in one CI run, no SSLException): still said
   * to be the cluster port.
   */
  @Test
  void aClusterPortThatDropsTheHandshakeIsNamed(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
      throws Exception {
    javax.net.ssl.SSLContext tls = serverTls(dir);
    try (javax.net.ssl.SSLServerSocket server = (javax.net.ssl.SSLServerSocket) tls.getServerSocketFactory()
        .createServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
      server.setNeedClientAuth(true); // as Artery's TLS asks for the pool's certificate
      Thread t = new Thread(() -> {
        boolean first = true;
        while (!server.isClosed()) {
          try (Socket c = server.accept()) {
            if (first) { // dropped at once, with a reset: the client's handshake meets no one
              first = false;
              c.setSoLinger(true, 0);
              continue;
            }
            ((javax.net.ssl.SSLSocket) c).startHandshake(); // fails: the client has no certificate
          } catch (IOException e) {
            // the next
          }
        }
      });
      t.setDaemon(true);
      t.start();
      String url = "https://127.0.0.1:" + server.getLocalPort();
      MasterClient.ApiException e = assertThrows(MasterClient.ApiException.class,
          () -> new MasterClient(url).get("/api/health"));
      assertTrue(e.getMessage().startsWith("cannot talk to the master at " + url + ": ")
          && e.getMessage().contains("127.0.0.1:" + server.getLocalPort() + " is a swamp node's cluster port"),
          e.getMessage());
      // no master that is away, which a run and submit --wait wait for (5 minutes): an error at once
      assertTrue(e instanceof MasterClient.WrongAddress, e.getClass().getName());
      assertFalse(MasterOutage.away(e));
      List<String> notes = new CopyOnWriteArrayList<>();
      MasterOutage outage = new MasterOutage(java.time.Duration.ofMinutes(5), "5m", "the run's jobs", "",
          () -> false, notes::add);
      long start = System.nanoTime();
      assertThrows(MasterClient.WrongAddress.class, () -> outage.call(
          () -> new MasterClient(url).get("/api/health"), ""));
      assertTrue(notes.isEmpty(), notes.toString());
      assertTrue(System.nanoTime() - start < 30_000_000_000L, "not waited for");
    }
  }

  /** To http://, a master started with --https closes the connection unanswered; its port speaks TLS. */
  @Test
  void anHttpsMasterAskedOverHttpIsSaidToTakeHttpsOnly(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
      throws Exception {
    javax.net.ssl.SSLContext tls = serverTls(dir);
    try (ServerSocket server = tls.getServerSocketFactory().createServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
      Thread t = new Thread(() -> {
        while (!server.isClosed()) {
          try (Socket c = server.accept()) {
            ((javax.net.ssl.SSLSocket) c).startHandshake(); // a plain request fails it: closed unanswered
          } catch (IOException e) {
            // the next
          }
        }
      });
      t.setDaemon(true);
      t.start();
      String url = "http://127.0.0.1:" + server.getLocalPort();
      MasterClient.ApiException scheme = assertThrows(MasterClient.ApiException.class,
          () -> new MasterClient(url).get("/api/health"));
      assertTrue(scheme.getMessage().contains("a master started with --https takes https:// only"),
          scheme.getMessage());
      assertTrue(scheme.getMessage().endsWith("use --url " + url.replaceFirst("^http:", "https:")
          + " or set SWAMP_URL so"), scheme.getMessage());
    }
  }

  @Test
  void readsAChunkedAnswer() throws Exception {
    try (FakeServer server = new FakeServer(1, r -> "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n"
        + "Content-Type: application/json\r\n\r\n5\r\n[{\"id\r\n7;ext=1\r\n\":\"j1\"}\r\n1\r\n]\r\n0\r\n\r\n")) {
      Json answer = new MasterClient(server.url()).get("/api/jobs?limit=50");
      assertEquals("j1", answer.get(0).path("id").asText());
      assertTrue(server.requests.get(0).startsWith("GET /api/jobs?limit=50 HTTP/1.1\n"),
          server.requests.get(0));
    }
  }

  @Test
  void aStandbySendsAPostOnWithItsBody() throws Exception {
    try (FakeServer active = new FakeServer(1, r -> "HTTP/1.1 200 OK\r\nContent-Length: 12\r\n\r\n{\"id\":\"j9\"}\n");
        FakeServer standby = new FakeServer(1, r -> "HTTP/1.1 307 Temporary Redirect\r\nLocation: "
            + active.url() + "/api/jobs\r\nContent-Length: 2\r\n\r\n{}")) {
      Json answer = new MasterClient(standby.url() + "/").post("/api/jobs", Map.of("argv", List.of("true")));
      assertEquals("j9", answer.path("id").asText());
      String forwarded = active.requests.get(0);
      assertTrue(forwarded.startsWith("POST /api/jobs HTTP/1.1\n"), forwarded);
      assertTrue(forwarded.endsWith("{\"argv\":[\"true\"]}"), forwarded);
    }
  }

  /** The URL the master's log gives its API at ('HTTP API on http://HOST:PORT/api') works as --url. */
  @Test
  void theApiUrlOfTheMastersLogIsTheMastersUrl() throws Exception {
    try (FakeServer server = new FakeServer(2, r -> "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n[]")) {
      for (String url : new String[] {server.url() + "/api", server.url() + "/api/"}) {
        MasterClient client = new MasterClient(url);
        assertEquals(server.url(), client.base());
        client.get("/api/jobs");
      }
      assertTrue(server.requests.stream().allMatch(r -> r.startsWith("GET /api/jobs HTTP/1.1\n")),
          server.requests.toString());
    }
  }

  /** A standby that sends a client on to an active master just killed: the message names that one, not the standby. */
  @Test
  void anActiveMasterGoneSinceTheStandbySentTheRequestOnIsNamed() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    String gone = "http://127.0.0.1:" + port;
    try (FakeServer standby = new FakeServer(1, r -> "HTTP/1.1 307 Temporary Redirect\r\nLocation: "
        + gone + "/api/runs\r\nContent-Length: 2\r\n\r\n{}")) {
      MasterClient.ApiException e = assertThrows(MasterClient.ApiException.class,
          () -> new MasterClient(standby.url()).post("/api/runs", Map.of("name", "s.sh")));
      assertEquals(0, e.status());
      assertEquals("cannot reach the active master at " + gone + ", where " + standby.url()
          + " sent the request (connection refused)", e.getMessage());
    }
  }

  /**
   * A client on a machine without the master's token (no SWAMP_API_TOKEN, no ~/.swamp/api-token)
   * was told to "send 'Authorization: Bearer TOKEN'", the master's words for any HTTP client; it
   * is told what to set. One that sent a token hears the master's answer, and which token it sent.
   */
  @Test
  void aClientWithoutTheTokenIsToldWhatToSet() throws Exception {
    String body = "{\"error\":\"this master requires an API token: send 'Authorization: Bearer TOKEN'\"}";
    String refused = "HTTP/1.1 401 Unauthorized\r\nContent-Length: " + body.length() + "\r\n\r\n" + body;
    try (FakeServer server = new FakeServer(2, r -> refused)) {
      MasterClient.ApiException none = assertThrows(MasterClient.ApiException.class,
          () -> new MasterClient(server.url()).withTokens(java.util.Optional::empty).get("/api/jobs"));
      assertEquals(401, none.status());
      assertEquals("the master at " + server.url() + " requires its API token, and this client has none:"
          + " set SWAMP_API_TOKEN to the master's (the file ~/.swamp/api-token on the master's machine),"
          + " or run where that file is (" + MasterClient.tokenFile() + " is not there, or is empty)",
          none.getMessage());
      MasterClient.ApiException wrong = assertThrows(MasterClient.ApiException.class,
          () -> new MasterClient(server.url()).withTokens(() -> java.util.Optional.of("t")).get("/api/jobs"));
      assertTrue(wrong.getMessage().startsWith(
          "this master requires an API token: send 'Authorization: Bearer TOKEN' (this client "), wrong.getMessage());
      assertTrue(server.requests.get(1).contains("Authorization: Bearer t"), server.requests.get(1));
    }
  }

  /**
   * A refused token was answered "swamp: the API token is wrong" and nothing more: the client
   * did not say which token it had sent, nor where the master's is.
   */
  @Test
  void aRefusedTokenSaysWhichTokenWasSentAndWhereTheMastersIs(
      @org.junit.jupiter.api.io.TempDir java.nio.file.Path home) throws Exception {
    String body = "{\"error\":\"the API token is wrong\"}";
    try (FakeServer server = new FakeServer(1, r -> "HTTP/1.1 401 Unauthorized\r\nContent-Length: "
        + body.length() + "\r\n\r\n" + body)) {
      MasterClient.ApiException e = assertThrows(MasterClient.ApiException.class,
          () -> new MasterClient(server.url()).get("/api/health"));
      assertEquals(401, e.status());
      assertTrue(e.getMessage().startsWith("the API token is wrong (this client "), e.getMessage());
    }
    java.nio.file.Path file = home.resolve(".swamp/api-token");
    assertEquals(" (this client has no token: SWAMP_API_TOKEN is not set and " + file
        + " holds none; the master takes its own SWAMP_API_TOKEN, else the token in its"
        + " ~/.swamp/api-token (the home of the user it runs as): set SWAMP_API_TOKEN to it)",
        MasterClient.tokenHint(null, file));
    java.nio.file.Files.createDirectories(file.getParent());
    java.nio.file.Files.writeString(file, "t0ken\n");
    assertTrue(MasterClient.tokenHint("", file).startsWith(" (this client sent the token in "
        + file + "; the master takes"), MasterClient.tokenHint("", file));
    assertTrue(MasterClient.tokenHint("abc", file).startsWith(" (this client sent"
        + " SWAMP_API_TOKEN from its environment; "), MasterClient.tokenHint("abc", file));
  }

  @Test
  void anErrorAnswerIsTheMastersMessage() throws Exception {
    String body = "{\"error\":\"no job j7\"}";
    try (FakeServer server = new FakeServer(1, r -> "HTTP/1.1 404 Not Found\r\nContent-Length: "
        + body.length() + "\r\n\r\n" + body)) {
      MasterClient.ApiException e = assertThrows(MasterClient.ApiException.class,
          () -> new MasterClient(server.url()).delete("/api/jobs/j7"));
      assertEquals(404, e.status());
      assertEquals("no job j7", e.getMessage());
    }
  }

  @Test
  void noMasterAndNotAMasterSayWhatToDo() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    MasterClient.ApiException refused = assertThrows(MasterClient.ApiException.class,
        () -> new MasterClient("http://127.0.0.1:" + port).get("/api/health"));
    assertTrue(refused.getMessage().contains("connection refused"), refused.getMessage());
    try (FakeServer server = new FakeServer(1, r -> "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello")) {
      MasterClient.ApiException e = assertThrows(MasterClient.ApiException.class,
          () -> new MasterClient(server.url()).get("/api/health"));
      assertTrue(e.getMessage().contains("did not answer JSON"), e.getMessage());
    }
    MasterClient.ApiException notUrl = assertThrows(MasterClient.ApiException.class,
        () -> new MasterClient("ftp://x").get("/"));
    assertTrue(notUrl.getMessage().startsWith("'ftp://x' is not a URL"), notUrl.getMessage());
  }

  /** A port nothing listens at. */
  private static String nobodyAt() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return "http://127.0.0.1:" + s.getLocalPort();
    }
  }

  /**
   * SWAMP_URL of a master and its standby: a request goes to the first that takes the
   * connection, and from then on to that one first.
   */
  @Test
  void ofSeveralMastersTheFirstThatCanBeReachedIsAsked() throws Exception {
    String gone = nobodyAt();
    try (FakeServer standby = new FakeServer(3, r -> "HTTP/1.1 200 OK\r\nContent-Length: 14\r\n\r\n{\"state\":\"ok\"}")) {
      MasterClient client = new MasterClient(gone + "/, " + standby.url());
      assertEquals(gone, client.base());
      assertEquals("ok", client.get("/api/health").path("state").asText());
      assertEquals(standby.url(), client.base(), "the one that answered is asked first from now on");
      assertEquals("ok", client.get("/api/health").path("state").asText());
      assertEquals(2, standby.requests.size());
      assertTrue(client.answers());
    }
  }

  /**
   * A master whose host is down (it takes no connection and refuses none: here a listener whose
   * queue is full) is passed over for one that takes the connection, without the connect
   * timeout that asking in turn waited.
   */
  @Test
  void aMasterWhoseHostIsDownCostsNoConnectTimeout() throws Exception {
    try (ServerSocket frozen = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        FakeServer standby = new FakeServer(2, r -> "HTTP/1.1 200 OK\r\nContent-Length: 14\r\n\r\n{\"state\":\"ok\"}")) {
      List<Socket> queued = fill(frozen);
      String down = "http://127.0.0.1:" + frozen.getLocalPort();
      MasterClient client = new MasterClient(down + "," + standby.url());
      long t0 = System.nanoTime();
      assertEquals("ok", client.get("/api/health").path("state").asText());
      java.time.Duration took = java.time.Duration.ofNanos(System.nanoTime() - t0);
      assertTrue(took.compareTo(HttpExchange.CONNECT_TIMEOUT) < 0,
          "asked the master that is up without waiting out the connect timeout: " + took);
      assertEquals(standby.url(), client.base());
      assertEquals(1, standby.requests.size());
      assertEquals(1, ConnectRace.first(List.of(java.net.URI.create(down),
          java.net.URI.create(standby.url())), java.time.Duration.ofSeconds(2)));
      for (Socket s : queued) {
        s.close();
      }
    }
  }

  /**
   * Of two masters that both take the connection, the first given is asked first, as before:
   * a standby listed second is not asked first because it connected a moment sooner.
   */
  @Test
  void ofMastersThatAreUpTheFirstGivenIsAskedFirst() throws Exception {
    try (FakeServer active = new FakeServer(1, r -> "HTTP/1.1 200 OK\r\nContent-Length: 14\r\n\r\n{\"state\":\"ok\"}");
        FakeServer standby = new FakeServer(1, r -> "HTTP/1.1 200 OK\r\nContent-Length: 14\r\n\r\n{\"state\":\"no\"}")) {
      MasterClient client = new MasterClient(active.url() + "," + standby.url());
      assertEquals("ok", client.get("/api/health").path("state").asText());
      assertEquals(List.of(), standby.requests);
    }
  }

  /** Connections to {@code server} that it never accepts, until its queue is full. */
  private static List<Socket> fill(ServerSocket server) throws IOException {
    List<Socket> queued = new java.util.ArrayList<>();
    for (int i = 0; i < 16; i++) {
      Socket s = new Socket();
      try {
        s.connect(server.getLocalSocketAddress(), 300);
        queued.add(s);
      } catch (java.net.SocketTimeoutException full) {
        s.close();
        return queued;
      }
    }
    throw new IllegalStateException("the listener's queue never filled");
  }

  /** None of them can be reached: each is named with why. */
  @Test
  void noneOfSeveralMastersReachedNamesEach() throws Exception {
    String a = nobodyAt();
    String b = nobodyAt();
    MasterClient client = new MasterClient(a + "," + b);
    MasterClient.ApiException e = assertThrows(MasterClient.ApiException.class,
        () -> client.post("/api/jobs", Map.of("argv", List.of("true"))));
    assertEquals(0, e.status());
    assertEquals("cannot reach a master at any of " + a + " (connection refused), " + b
        + " (connection refused); are they running? Set --url or SWAMP_URL", e.getMessage());
    assertFalse(client.answers());
  }

  /**
   * A master that took the request and then failed, or answered an error, is not passed over:
   * the next would be sent the same jobs a second time.
   */
  @Test
  void aMasterThatWasSentTheRequestIsNotPassedOver() throws Exception {
    String body = "{\"error\":\"program 'bash' is not allowed\"}";
    try (FakeServer refusing = new FakeServer(1, r -> "HTTP/1.1 400 Bad Request\r\nContent-Length: "
            + body.length() + "\r\n\r\n" + body);
        FakeServer cut = new FakeServer(1, r -> "HTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\n{\"id\"");
        FakeServer next = new FakeServer(2, r -> "HTTP/1.1 200 OK\r\nContent-Length: 12\r\n\r\n{\"id\":\"j1\"}\n")) {
      MasterClient.ApiException refused = assertThrows(MasterClient.ApiException.class,
          () -> new MasterClient(refusing.url() + "," + next.url()).post("/api/jobs", Map.of()));
      assertEquals(400, refused.status());
      assertEquals("program 'bash' is not allowed", refused.getMessage());
      MasterClient.ApiException lost = assertThrows(MasterClient.ApiException.class,
          () -> new MasterClient(cut.url() + "," + next.url()).post("/api/jobs", Map.of()));
      assertEquals(0, lost.status());
      assertTrue(lost.getMessage().startsWith("cannot talk to the master at " + cut.url()), lost.getMessage());
      assertEquals(List.of(), next.requests);
    }
  }
}
