package swamp.master.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.zip.GZIPOutputStream;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import swamp.master.dispatch.JobDispatcher;
import swamp.master.membership.WorkerRegistry;
import swamp.master.pool.PoolScaler;

/**
 * The HTTP server as a client meets it, over a real socket, with the master's actors stubbed:
 * what reaches the dispatcher is recorded, lists answer empty.
 */
class ApiServerTest {

  static final String TOKEN = "test-token-of-the-api-server-test";
  static ActorTestKit testKit;
  static ApiServer server;
  static final List<JobDispatcher.Command> asked = new CopyOnWriteArrayList<>();
  static final List<WorkerRegistry.Command> askedRegistry = new CopyOnWriteArrayList<>();
  static final HttpClient http = HttpClient.newHttpClient();

  /** Answers a submission with ids, a list with nothing; records every question. */
  static final class Stub implements MasterAsk {
    @Override
    public void tellDispatcher(JobDispatcher.Command command) {}

    @Override
    @SuppressWarnings("unchecked")
    public <T> CompletionStage<T> dispatcher(Function<ActorRef<T>, JobDispatcher.Command> question,
        Duration timeout) {
      JobDispatcher.Command c = question.apply(null);
      asked.add(c);
      if (c instanceof JobDispatcher.Submit s
          && s.specs().get(0).argv().get(0).equals("unanswered")) { // a journal that is down
        return CompletableFuture.failedFuture(new java.util.concurrent.TimeoutException("ask"));
      }
      if (c instanceof JobDispatcher.Submit s) {
        return CompletableFuture.completedFuture((T) new JobDispatcher.Submitted(
            s.specs().stream().map(x -> "j" + asked.size()).toList(), null));
      }
      if (c instanceof JobDispatcher.AwaitAny) {
        return CompletableFuture.completedFuture((T) new JobDispatcher.Awaited(List.of(), List.of()));
      }
      return CompletableFuture.completedFuture((T) List.of());
    }

    @Override
    public <T> CompletionStage<T> registry(Function<ActorRef<T>, WorkerRegistry.Command> q, Duration t) {
      WorkerRegistry.Command c = q.apply(null);
      askedRegistry.add(c);
      if (c instanceof WorkerRegistry.DismissWorkers) {
        return CompletableFuture.completedFuture((T) new WorkerRegistry.Dismissed(List.of("w1"), null));
      }
      return CompletableFuture.failedFuture(new IllegalStateException("not in this test"));
    }

    @Override
    public <T> CompletionStage<T> scaler(Function<ActorRef<T>, PoolScaler.Command> q, Duration t) {
      return CompletableFuture.failedFuture(new IllegalStateException("not in this test"));
    }
  }

  @BeforeAll
  static void start() throws Exception {
    testKit = ActorTestKit.create();
    server = new ApiServer(testKit.system(), new Stub(), Duration.ofSeconds(5), TOKEN);
    server.start("127.0.0.1", 0, false);
  }

  @AfterAll
  static void stop() {
    server.stop().toCompletableFuture().join();
    testKit.shutdownTestKit();
  }

  static HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
        .header("Authorization", "Bearer " + TOKEN);
  }

  static HttpResponse<String> send(HttpRequest.Builder r) throws Exception {
    return http.send(r.build(), HttpResponse.BodyHandlers.ofString());
  }

  static byte[] gzip(String text) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (GZIPOutputStream out = new GZIPOutputStream(bytes)) {
      out.write(text.getBytes(StandardCharsets.UTF_8));
    }
    return bytes.toByteArray();
  }

  @Test
  void aGzippedBodyIsReadDecoded() throws Exception {
    HttpResponse<String> r = send(request("/api/jobs").header("Content-Encoding", "gzip")
        .POST(HttpRequest.BodyPublishers.ofByteArray(gzip("{\"argv\": [\"echo\", \"zipped\"]}"))));
    assertEquals(201, r.statusCode(), r.body());
    assertTrue(asked.stream().anyMatch(c -> c instanceof JobDispatcher.Submit s
        && s.specs().get(0).argv().equals(List.of("echo", "zipped"))), asked.toString());

    // decoded, a body has the limit of a plain one: 64 MiB, not pekko-http's 8 MiB for decoding
    String padded = "{\"argv\": [\"true\"]}" + " ".repeat(10 << 20);
    assertEquals(201, send(request("/api/jobs").header("Content-Encoding", "gzip")
        .POST(HttpRequest.BodyPublishers.ofByteArray(gzip(padded)))).statusCode());
    HttpResponse<String> bomb = send(request("/api/jobs").header("Content-Encoding", "gzip")
        .POST(HttpRequest.BodyPublishers.ofByteArray(gzip(" ".repeat(65 << 20)))));
    assertEquals(413, bomb.statusCode(), bomb.body());
    assertTrue(bomb.body().contains("larger than 64 MiB"), bomb.body());

    HttpResponse<String> unknown = send(request("/api/jobs").header("Content-Encoding", "br")
        .POST(HttpRequest.BodyPublishers.ofString("{\"argv\": [\"echo\"]}")));
    assertEquals(400, unknown.statusCode(), unknown.body());
    assertTrue(unknown.body().startsWith("{\"error\":") && unknown.body().contains("gzip"), unknown.body());
  }

  /**
   * The token in the query of another path than the page's (curl of /api/health?token=...,
   * a scrape of /metrics) is not taken; the 401 said to open the dashboard "with ?token=TOKEN",
   * which is what the client had done. It says where ?token= is taken and what to send here.
   */
  @Test
  void aTokenInTheQueryOfAnApiPathIsSaidToBeTheDashboardsOnly() throws Exception {
    for (String path : new String[] {"/api/health", "/metrics"}) {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
          + server.port() + path + "?token=" + TOKEN)).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(401, r.statusCode(), r.body());
      assertEquals("{\"error\":\"?token= is taken only by the dashboard's page (/?token=TOKEN), which"
          + " keeps it in a cookie; a request to " + path + " sends 'Authorization: Bearer TOKEN'"
          + " (a Prometheus scrape: its authorization or bearer_token_file setting)\"}", r.body());
    }
    HttpResponse<String> none = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
        + server.port() + "/api/health")).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(401, none.statusCode());
    assertTrue(none.body().contains("this master requires an API token"), none.body());
  }

  /** An HTTP/1.0 request without Host was told to "consider setting pekko.http.server.default-host-header". */
  @Test
  void anHttp10RequestWithoutHostIsToldToSendOne() throws Exception {
    try (java.net.Socket s = new java.net.Socket("127.0.0.1", server.port())) {
      s.getOutputStream().write(("GET /api/health HTTP/1.0\r\nAuthorization: Bearer " + TOKEN + "\r\n\r\n")
          .getBytes(StandardCharsets.ISO_8859_1));
      String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertTrue(answer.startsWith("HTTP/1.1 400 "), answer);
      assertTrue(answer.endsWith("{\"error\":\"bad request: the request names no host: send a Host header"
          + " (HOST:PORT of the master), which this server needs of HTTP/1.0 requests too\"}"), answer);
    }
  }

  /**
   * A body given to a dismiss says something it does not do: {"id": "w1"} to the endpoint that
   * dismisses every worker dismissed them all. None, or {} (what bin/swamp sends), dismisses.
   */
  @Test
  void aDismissWithABodyIsRefusedNotTakenForAll() throws Exception {
    askedRegistry.clear();
    for (String body : new String[] {"{\"id\": \"w1\"}", "[\"w1\"]", "w1"}) {
      HttpResponse<String> r = send(request("/api/workers/dismiss")
          .POST(HttpRequest.BodyPublishers.ofString(body)));
      assertEquals(400, r.statusCode(), r.body());
      assertEquals("{\"error\":\"POST /api/workers/dismiss takes no body: it dismisses every worker;"
          + " to dismiss one, POST /api/workers/ID/dismiss\"}", r.body());
    }
    HttpResponse<String> one = send(request("/api/workers/w1/dismiss")
        .POST(HttpRequest.BodyPublishers.ofString("{\"now\": true}")));
    assertEquals(400, one.statusCode(), one.body());
    assertTrue(one.body().contains("takes no body"), one.body());
    assertTrue(askedRegistry.isEmpty(), askedRegistry.toString());

    for (String body : new String[] {"", "{}", " { } \n"}) {
      HttpResponse<String> r = send(request("/api/workers/dismiss")
          .POST(HttpRequest.BodyPublishers.ofString(body)));
      assertEquals(200, r.statusCode(), body + ": " + r.body());
      assertEquals("{\"dismissed\":[\"w1\"]}", r.body());
    }
    assertEquals(3, askedRegistry.size(), askedRegistry.toString());
  }

  /**
   * A submission the dispatcher does not answer in time (its journal down) is refused with a
   * message that ends: it ended "is its job journal reachable? The master's log says".
   */
  @Test
  void anUnansweredSubmissionSaysItWasNotAcceptedAndWhereToLook() throws Exception {
    HttpResponse<String> r = send(request("/api/jobs")
        .POST(HttpRequest.BodyPublishers.ofString("{\"argv\": [\"unanswered\"]}")));
    assertEquals(503, r.statusCode(), r.body());
    assertTrue(r.body().contains("the job was not accepted"), r.body());
    assertTrue(r.body().endsWith("is its job journal reachable? The master's log names the"
        + " journal it cannot read\"}"), r.body());
  }

  @Test
  void headIsAnsweredAsGetWithoutItsBody() throws Exception {
    HttpResponse<String> get = send(request("/api/jobs"));
    HttpResponse<String> head = send(request("/api/jobs").method("HEAD", HttpRequest.BodyPublishers.noBody()));
    assertEquals(200, get.statusCode(), get.body());
    assertEquals(200, head.statusCode(), head.body());
    assertEquals("", head.body());
    assertEquals(get.headers().firstValue("Content-Type"), head.headers().firstValue("Content-Type"));

    HttpResponse<String> post = send(request("/api/jobs/j1").POST(HttpRequest.BodyPublishers.noBody()));
    assertEquals(405, post.statusCode(), post.body());
    assertEquals("GET,DELETE,HEAD", post.headers().firstValue("Allow").orElseThrow().replace(" ", ""));
  }

  /**
   * A query parameter a path does not take is a 400 naming it on every method, as the README says:
   * {@code POST /api/jobs?wait=60s} took the jobs and ignored the wait, a dismiss of all workers
   * with {@code ?id=w3} dismissed them all.
   */
  @Test
  void aQueryParameterIsRefusedOnPostAndDeleteToo() throws Exception {
    HttpResponse<String> submit = send(request("/api/jobs?wait=60s")
        .POST(HttpRequest.BodyPublishers.ofString("{\"argv\": [\"echo\", \"with a query\"]}")));
    assertEquals(400, submit.statusCode(), submit.body());
    assertEquals("{\"error\":\"unknown query parameter 'wait'; this path takes none\"}", submit.body());
    assertTrue(asked.stream().noneMatch(c -> c instanceof JobDispatcher.Submit s
        && s.specs().get(0).argv().contains("with a query")), "nothing was submitted: " + asked);

    HttpResponse<String> dismiss = send(request("/api/workers/dismiss?id=w3")
        .POST(HttpRequest.BodyPublishers.noBody()));
    assertEquals(400, dismiss.statusCode(), dismiss.body());
    assertTrue(dismiss.body().contains("unknown query parameter 'id'"), dismiss.body());

    HttpResponse<String> cancel = send(request("/api/jobs/j1?force=1").DELETE());
    assertEquals(400, cancel.statusCode(), cancel.body());
    assertTrue(cancel.body().contains("unknown query parameter 'force'"), cancel.body());
    assertTrue(asked.stream().noneMatch(c -> c instanceof JobDispatcher.CancelJob), asked.toString());
  }

  /**
   * A limit beyond what there can be is all of them, however many digits it has (one beyond a
   * long was refused as not a positive whole number); an empty worker is a mistake named as
   * one, not a filter that matches no job.
   */
  @Test
  void aJobListsLimitAndWorkerAreReadAsWritten() throws Exception {
    HttpResponse<String> all = send(request("/api/jobs?limit=99999999999999999999"));
    assertEquals(200, all.statusCode(), all.body());
    assertTrue(asked.stream().anyMatch(c -> c instanceof JobDispatcher.ListJobs l
        && l.limit() == Integer.MAX_VALUE), asked.toString());
    assertEquals(200, send(request("/api/jobs?limit=+5")).statusCode());
    HttpResponse<String> zero = send(request("/api/jobs?limit=00"));
    assertEquals(400, zero.statusCode(), zero.body());
    assertTrue(zero.body().contains("limit must be a positive whole number, not '00'"), zero.body());

    HttpResponse<String> noWorker = send(request("/api/jobs?worker="));
    assertEquals(400, noWorker.statusCode(), noWorker.body());
    assertTrue(noWorker.body().contains("worker is empty"), noWorker.body());
  }

  /**
   * The gate's refusals name what is wrong: a Bearer header without its token (it was said to
   * have no scheme), an Origin that is no origin (it was a bare "Invalid port 99999", 400).
   */
  @Test
  void theGatesRefusalsNameTheHeader() throws Exception {
    HttpResponse<String> noToken = send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
        + server.port() + "/api/health")).header("Authorization", "Bearer"));
    assertEquals(401, noToken.statusCode(), noToken.body());
    assertTrue(noToken.body().contains("the Authorization header names no token"), noToken.body());

    for (String origin : List.of("http://127.0.0.1:99999", "http://[::1")) {
      HttpResponse<String> r = send(request("/api/jobs").header("Origin", origin)
          .POST(HttpRequest.BodyPublishers.ofString("{\"argv\": [\"echo\", \"from a bad origin\"]}")));
      assertEquals(403, r.statusCode(), origin + ": " + r.body());
      assertTrue(r.body().contains("its origin " + origin + " is not this master's"), r.body());
    }
    assertTrue(asked.stream().noneMatch(c -> c instanceof JobDispatcher.Submit s
        && s.specs().get(0).argv().contains("from a bad origin")), "nothing was submitted: " + asked);
  }

  /**
   * A master with no token (--insecure on loopback) answers only requests addressed to a loopback
   * name: a web page whose name its DNS points at 127.0.0.1 (DNS rebinding) is then of the same
   * origin as the API, and submitted {@code rm -rf} with 201.
   */
  @Test
  void anApiWithoutATokenAnswersOnlyALoopbackHost() throws Exception {
    ActorTestKit own = ActorTestKit.create(); // a server's actors are named: one server a system
    ApiServer open = new ApiServer(own.system(), new Stub(), Duration.ofSeconds(5), "");
    open.start("127.0.0.1", 0, false);
    try {
      String job = "{\"argv\": [\"rm\", \"-rf\", \"/home/me/data\"]}";
      for (String host : List.of("evil.example", "evil.example:" + open.port(), "10.1.2.3:" + open.port(),
          "127.0.0.1.evil.example:" + open.port(), "[fe80::1]:" + open.port())) {
        String answer = rawPost(open.port(), host, job);
        assertTrue(answer.startsWith("HTTP/1.1 403"), host + ": " + answer);
        assertTrue(answer.contains("not to '" + host + "'") && answer.contains("DNS rebinding"), answer);
      }
      assertTrue(asked.stream().noneMatch(c -> c instanceof JobDispatcher.Submit s
          && s.specs().get(0).argv().contains("/home/me/data")), "nothing was submitted: " + asked);
      for (String host : List.of("127.0.0.1:" + open.port(), "localhost:" + open.port(),
          "LocalHost", "[::1]:" + open.port(), "127.0.1.1", "app.localhost:" + open.port())) {
        String answer = rawPost(open.port(), host, "{\"argv\": [\"true\"]}");
        assertTrue(answer.startsWith("HTTP/1.1 201"), host + ": " + answer);
      }
    } finally {
      open.stop().toCompletableFuture().join();
      own.shutdownTestKit();
    }
  }

  /**
   * The dashboard opened at an IPv6 address (--http-host ::1) may change things: its origin,
   * http://[::1]:PORT, is the master's own (a Uri writes the address without the brackets a Host
   * header has, and every Dismiss and Cancel was refused as cross-site).
   */
  @Test
  void theDashboardsOwnOriginIsItsOwnAtAnIpv6Address() throws Exception {
    String answer = rawPost(server.port(), "[::1]:" + server.port(), "{\"argv\": [\"true\"]}",
        "Authorization: Bearer " + TOKEN + "\r\n");
    assertTrue(answer.startsWith("HTTP/1.1 201"), answer);
  }

  /**
   * A Host header that is not HOST[:PORT] is named as such: pekko-http drops it as illegal and
   * then said only that the request had none.
   */
  @Test
  void aHostThatIsNoHostIsNamed() throws Exception {
    String answer = rawPost(server.port(), "127.0.0.1:http", "{\"argv\": [\"true\"]}",
        "Authorization: Bearer " + TOKEN + "\r\n");
    assertTrue(answer.startsWith("HTTP/1.1 400"), answer);
    assertTrue(answer.contains("a Host header that is not HOST or HOST:PORT counts as none"), answer);
  }

  static String rawPost(int port, String host, String json) throws Exception {
    return rawPost(port, host, json, "");
  }

  /**
   * A POST from a page at {@code host} (java.net.http will not send a Host header of the caller's
   * choosing), with {@code headers} (each ending in CRLF).
   */
  static String rawPost(int port, String host, String json, String headers) throws Exception {
    byte[] body = json.getBytes(StandardCharsets.UTF_8);
    try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write(("POST /api/jobs HTTP/1.1\r\nHost: " + host + "\r\nOrigin: http://"
          + host + "\r\n" + headers + "Content-Type: application/json\r\nContent-Length: " + body.length
          + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      socket.getOutputStream().write(body);
      return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  /** A wait is a duration as everywhere in the API: "60s", or a bare number of seconds. */
  @Test
  void anAwaitsWaitMayBeANumberOfSeconds() throws Exception {
    HttpResponse<String> r = send(request("/api/jobs/await")
        .POST(HttpRequest.BodyPublishers.ofString("{\"ids\": [\"j1\"], \"wait\": 2}")));
    assertEquals(200, r.statusCode(), r.body());
    assertTrue(asked.stream().anyMatch(c -> c instanceof JobDispatcher.AwaitAny a
        && a.within().equals(Duration.ofSeconds(2))), asked.toString());
    HttpResponse<String> bad = send(request("/api/jobs/await")
        .POST(HttpRequest.BodyPublishers.ofString("{\"ids\": [\"j1\"], \"wait\": true}")));
    assertEquals(400, bad.statusCode(), bad.body());
    assertTrue(bad.body().contains("wait must be a duration such as \\\"60s\\\", or a number of seconds"), bad.body());
  }
}
