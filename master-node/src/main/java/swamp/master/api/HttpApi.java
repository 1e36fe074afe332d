package swamp.master.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import swamp.master.dispatch.JobDispatcher;
import swamp.master.dispatch.Views.JobView;
import swamp.master.dispatch.Views;
import swamp.master.membership.WorkerRegistry;
import swamp.master.pool.PoolScaler;
import swamp.node.NodeAddress;
import swamp.protocol.JobSpec;
import swamp.protocol.JobState;

/**
 * The master's HTTP API: JSON in, JSON out, {@code {"error": "..."}} with a 4xx status for the
 * caller's mistakes. Built on the JDK's own HTTP server: the API is a handful of routes on
 * loopback, and every answer comes from an ask whose future completes the exchange, so no server
 * thread waits for the actors.
 */
public final class HttpApi {

  private static final Logger log = LoggerFactory.getLogger(HttpApi.class);
  static final int MAX_BODY = 64 * 1024 * 1024;
  static final int MAX_BATCH = 100_000;

  private final MasterAsk master;
  private final Duration askTimeout;
  private final ObjectMapper json = new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);
  private final byte[] apiToken;
  private volatile String refusal;
  private volatile java.util.function.Supplier<String> refuseWhen = () -> null;
  private volatile List<String> allowedJobVariables = List.of();
  private volatile java.util.function.Supplier<Standby> standby = () -> null;
  private HttpServer server;
  private ExecutorService executor;

  /** An API that answers only requests bearing {@code apiToken}, unless it is empty. */
  public HttpApi(MasterAsk master, Duration askTimeout, String apiToken) {
    this.master = master;
    this.askTimeout = askTimeout;
    this.apiToken = apiToken.getBytes(StandardCharsets.UTF_8);
  }

  /**
   * On a standby, where clients should go: the active master's API, or null while there is no
   * reachable active master (a takeover under way).
   */
  public record Standby(String activeUrl) {}

  /** Asks {@code whenStandby} before each request: non-null sends the client on. */
  public void redirectWhenStandby(java.util.function.Supplier<Standby> whenStandby) {
    standby = whenStandby;
  }

  /**
   * The active master's API as this node sees the cluster: null when this node is the active one
   * (the oldest master node is where the singleton runs), otherwise a {@link Standby}.
   */
  public static Standby standbyOf(org.apache.pekko.cluster.typed.Cluster cluster) {
    // the oldest master node still a member, whatever its status: while it is being downed or
    // removed, the singleton has not moved yet, and a request here would reach nobody
    org.apache.pekko.cluster.Member oldest = null;
    for (org.apache.pekko.cluster.Member m : cluster.state().getMembers()) {
      if (m.hasRole("master") && m.status() != org.apache.pekko.cluster.MemberStatus.joining()
          && m.status() != org.apache.pekko.cluster.MemberStatus.weaklyUp()
          && (oldest == null || m.isOlderThan(oldest))) {
        oldest = m;
      }
    }
    if (oldest == null || oldest.address().equals(cluster.selfMember().address())) {
      return null;
    }
    if (oldest.status() != org.apache.pekko.cluster.MemberStatus.up()
        || cluster.state().getUnreachable().contains(oldest)) {
      return new Standby(null);
    }
    return new Standby(NodeAddress.httpUrl(oldest.getRoles()).orElse(null));
  }

  /** The protected variables ({@link swamp.protocol.JobVariables}) a job's env may set. */
  public void allowJobVariables(List<String> names) {
    allowedJobVariables = List.copyOf(names);
  }

  /** Asked before each new job: a non-null answer refuses it (503) with that reason. */
  public void refuseNewJobsWhen(java.util.function.Supplier<String> reason) {
    refuseWhen = reason;
  }

  /** From now on new jobs are refused with this reason; everything else still answers. */
  public void refuseNewJobs(String reason) {
    refusal = reason;
  }

  /**
   * Handler threads: a request's body is read on one, so a client that sends its headers and
   * stalls holds one until the read timeout; this many such clients cannot silence the API.
   */
  static final int HANDLERS = 64;

  /**
   * The JDK server's read limit, in seconds, unless the JVM was given its own
   * ({@code -Dsun.net.httpserver.maxReqTime=...}): a request must arrive whole within it, and an
   * idle kept-alive connection is closed after {@code idleInterval}. Without them a stalled
   * upload holds its handler thread for ever. (No answer limit: a long poll may wait 10 minutes.)
   */
  private static final Map<String, String> TIMEOUTS = Map.of(
      "sun.net.httpserver.maxReqTime", "30",
      "sun.net.httpserver.idleInterval", "30");

  public void start(String host, int port) throws IOException {
    // read once, when the JDK server's class is loaded: before the first server is made
    TIMEOUTS.forEach((k, v) -> {
      if (System.getProperty(k) == null) {
        System.setProperty(k, v);
      }
    });
    server = HttpServer.create(new InetSocketAddress(host, port), 256);
    executor = Executors.newFixedThreadPool(HANDLERS, r -> {
      Thread t = new Thread(r, "swamp-http");
      t.setDaemon(true);
      return t;
    });
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
    log.info("HTTP API on http://{}:{}/api", host, server.getAddress().getPort());
  }

  public int port() {
    return server.getAddress().getPort();
  }

  public void stop() {
    if (server != null) {
      server.stop(0);
      executor.shutdownNow();
    }
  }

  private void handle(HttpExchange ex) {
    try {
      authorize(ex);
      Standby elsewhere = standby.get();
      if (elsewhere != null) {
        if (elsewhere.activeUrl() == null) {
          throw new BadRequest(503, "this master is a standby and the active master is"
              + " unreachable; it takes over once that one is down: try again shortly");
        }
        // 307 keeps the method and the body: a POST of jobs is sent on as it is
        ex.getResponseHeaders().set("Location", elsewhere.activeUrl() + ex.getRequestURI());
        send(ex, 307, Map.of("error", "this master is a standby; the active master is at "
            + elsewhere.activeUrl(), "active", elsewhere.activeUrl()));
        return;
      }
      route(ex);
    } catch (BadRequest e) {
      send(ex, e.status, Map.of("error", e.getMessage()));
    } catch (RuntimeException | IOException e) {
      log.warn("request {} {} failed", ex.getRequestMethod(), ex.getRequestURI(), e);
      send(ex, 500, Map.of("error", "internal error: " + e));
    }
  }

  private void route(HttpExchange ex) throws IOException, BadRequest {
    String method = ex.getRequestMethod();
    String[] path = ex.getRequestURI().getPath().replaceAll("/+$", "").split("/");
    Map<String, String> query = query(ex.getRequestURI().getRawQuery());
    // path[0] is "" and path[1] must be "api"
    if (path.length < 3 || !path[1].equals("api")) {
      throw notFound(ex);
    }
    switch (path[2]) {
      case "health" -> {
        if (path.length > 3) {
          throw notFound(ex);
        }
        allow(ex, method.equals("GET"), "GET");
        reply(ex, this.<Views.Health>askDispatcher(replyTo -> new JobDispatcher.GetHealth(replyTo)),
            h -> ok(h));
      }
      case "jobs" -> jobs(ex, method, path, query);
      case "runs" -> runs(ex, method, path);
      case "workers" -> workers(ex, method, path);
      case "sources" -> {
        allow(ex, path.length == 3 && method.equals("GET"), "GET");
        reply(ex, this.<List<PoolScaler.SourceView>>askScaler(r -> new PoolScaler.ListSources(r)),
            HttpApi::ok);
      }
      default -> throw notFound(ex);
    }
  }

  private void authorize(HttpExchange ex) throws BadRequest {
    if (apiToken.length == 0) {
      return;
    }
    String header = ex.getRequestHeaders().getFirst("Authorization");
    byte[] given = header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)
        ? header.substring(7).trim().getBytes(StandardCharsets.UTF_8) : new byte[0];
    if (!java.security.MessageDigest.isEqual(apiToken, given)) {
      ex.getResponseHeaders().set("WWW-Authenticate", "Bearer");
      throw new BadRequest(401, header == null
          ? "this master requires an API token: send 'Authorization: Bearer TOKEN' (bin/swamp"
              + " sends SWAMP_API_TOKEN, else the master's ~/.swamp/api-token)"
          : "the API token is wrong");
    }
  }

  private void jobs(HttpExchange ex, String method, String[] path, Map<String, String> query)
      throws IOException, BadRequest {
    if (path.length == 3 && method.equals("POST")) {
      String refused = refusal != null ? refusal : refuseWhen.get();
      if (refused != null) {
        throw new BadRequest(503, refused);
      }
      JsonNode body = readJson(ex);
      List<JobSpec> specs;
      try {
        specs = JobRequests.parse(body, MAX_BATCH, allowedJobVariables);
      } catch (JobRequests.BadRequest e) {
        throw new BadRequest(400, e.getMessage());
      }
      boolean batch = body.isArray();
      List<String> keys = JobRequests.keys(body);
      java.util.function.Supplier<CompletionStage<Answer>> submit = () ->
          this.<JobDispatcher.Submitted>askDispatcher(replyTo -> new JobDispatcher.Submit(specs, keys, replyTo))
              .thenApply(s -> s.conflict() != null ? new Answer(409, Map.of("error", s.conflict()))
                  : new Answer(201, batch
                      ? s.ids().stream().map(id -> Map.of("id", id)).toList()
                      : Map.of("id", s.ids().get(0))));
      if (specs.stream().allMatch(s -> s.run() == null)) {
        reply(ex, submit.get(), a -> a);
      } else { // steps of runs: the runs must exist and have them
        reply(ex, this.<Optional<String>>askDispatcher(r -> new JobDispatcher.CheckRuns(specs, r))
            .thenCompose(problem -> problem.isPresent()
                ? java.util.concurrent.CompletableFuture.completedFuture(
                    new Answer(400, Map.of("error", problem.get())))
                : submit.get()),
            a -> a);
      }
    } else if (path.length == 3 && method.equals("GET")) {
      JobState state = null;
      if (query.containsKey("state")) {
        try {
          state = JobState.valueOf(query.get("state").toUpperCase());
        } catch (IllegalArgumentException e) {
          throw new BadRequest(400, "state must be one of " + java.util.Arrays.stream(
              JobState.values()).map(Enum::name).collect(java.util.stream.Collectors.joining(", "))
              + ", not '" + query.get("state") + "'");
        }
      }
      int limit = intParam(query, "limit", 1000);
      JobState s = state;
      reply(ex, this.<List<JobView>>askDispatcher(replyTo -> new JobDispatcher.ListJobs(s, limit, replyTo)),
          HttpApi::ok);
    } else if (path.length == 4 && path[3].equals("await") && method.equals("POST")) {
      // {"ids": [...], "wait": "60s"}: the final ones among them, once there is one
      JsonNode body = readJson(ex);
      List<String> ids = new java.util.ArrayList<>();
      body.path("ids").forEach(id -> ids.add(id.asText()));
      if (!body.path("ids").isArray() || ids.isEmpty() || ids.size() > MAX_BATCH) {
        throw new BadRequest(400, "send {\"ids\": [...]} with 1 to " + MAX_BATCH + " job ids");
      }
      Duration wait = durationParam(body.path("wait").asText("60s"));
      CompletionStage<List<JobView>> awaited = this.<List<JobView>>askDispatcher(
          r -> new JobDispatcher.AwaitAny(ids, wait, r), wait);
      reply(ex, awaited.exceptionally(e -> {
        if (isTimeout(e)) {
          return List.of(); // none ended within the wait
        }
        throw new java.util.concurrent.CompletionException(e);
      }), HttpApi::ok);
    } else if (path.length == 4 && method.equals("GET")) {
      String id = path[3];
      java.util.function.Supplier<CompletionStage<Optional<JobView>>> current = () ->
          this.<Optional<JobView>>askDispatcher(r -> new JobDispatcher.GetJob(id, r));
      if (query.containsKey("wait")) {
        Duration wait = durationParam(query.get("wait"));
        CompletionStage<Optional<JobView>> awaited = this.<Optional<JobView>>askDispatcher(
            r -> new JobDispatcher.AwaitJob(id, wait, r), wait);
        // at the end of the wait the job is answered as it stands
        reply(ex, awaited.exceptionallyCompose(e -> isTimeout(e) ? current.get()
                : java.util.concurrent.CompletableFuture.<Optional<JobView>>failedStage(e)),
            v -> jobAnswer(id, v));
      } else {
        reply(ex, current.get(), v -> jobAnswer(id, v));
      }
    } else if (path.length == 4 && method.equals("DELETE")) {
      String id = path[3];
      reply(ex, this.<JobDispatcher.CancelReply>askDispatcher(r -> new JobDispatcher.CancelJob(id, r)),
          c -> c.view() == null ? new Answer(404, Map.of("error", c.error()))
              : c.error() != null ? new Answer(409, Map.of("error", c.error()))
              : ok(c.view()));
    } else {
      allow(ex, false, path.length == 3 ? "GET, POST" : "GET, DELETE");
    }
  }

  /** {@code POST /api/runs}, {@code GET /api/runs}, {@code GET /api/runs/ID}. */
  private void runs(HttpExchange ex, String method, String[] path) throws IOException, BadRequest {
    if (path.length == 3 && method.equals("POST")) {
      if (refusal != null) {
        throw new BadRequest(503, refusal);
      }
      JobRequests.NewRun run;
      try {
        run = JobRequests.parseRun(readJson(ex), MAX_BATCH);
      } catch (JobRequests.BadRequest e) {
        throw new BadRequest(400, e.getMessage());
      }
      reply(ex, this.<String>askDispatcher(r -> new JobDispatcher.CreateRun(run.name(), run.workDir(), run.commands(), r)),
          id -> new Answer(201, Map.of("id", id)));
    } else if (path.length == 3 && method.equals("GET")) {
      reply(ex, this.<List<Views.RunSummaryView>>askDispatcher(r -> new JobDispatcher.ListRuns(r)),
          HttpApi::ok);
    } else if (path.length == 4 && method.equals("GET")) {
      String id = path[3];
      reply(ex, this.<Optional<Views.RunView>>askDispatcher(r -> new JobDispatcher.GetRun(id, r)),
          v -> v.<Answer>map(HttpApi::ok).orElseGet(() -> new Answer(404, Map.of("error", "no run " + id))));
    } else {
      allow(ex, false, path.length == 3 ? "GET, POST" : "GET");
    }
  }

  private void workers(HttpExchange ex, String method, String[] path) throws IOException, BadRequest {
    if (path.length == 3) {
      allow(ex, method.equals("GET"), "GET");
      reply(ex, this.<List<Views.WorkerView>>askDispatcher(r -> new JobDispatcher.ListWorkers(r))
              .thenCombine(this.<List<PoolScaler.SpawnView>>askScaler(r -> new PoolScaler.ListSpawns(r)),
                  PoolView::withSpawns),
          HttpApi::ok);
    } else if ((path.length == 4 && path[3].equals("dismiss"))
        || (path.length == 5 && path[4].equals("dismiss"))) {
      allow(ex, method.equals("POST"), "POST");
      String id = path.length == 5 ? path[3] : null;
      reply(ex, this.<WorkerRegistry.Dismissed>askRegistry(r -> new WorkerRegistry.DismissWorkers(id, "dismissed by request", r)),
          d -> d.error() != null ? new Answer(404, Map.of("error", d.error()))
              : ok(Map.of("dismissed", d.workerIds())));
    } else {
      throw notFound(ex);
    }
  }

  // ---- plumbing ----

  record Answer(int status, Object body) {}

  static final class BadRequest extends Exception {
    final int status;

    BadRequest(int status, String message) {
      super(message);
      this.status = status;
    }
  }

  private static Answer ok(Object body) {
    return new Answer(200, body);
  }

  private static Answer jobAnswer(String id, Optional<JobView> v) {
    return v.<Answer>map(HttpApi::ok).orElseGet(() -> new Answer(404, Map.of("error", "no job " + id)));
  }

  private <T> CompletionStage<T> askDispatcher(Function<ActorRef<T>, JobDispatcher.Command> q) {
    return askDispatcher(q, askTimeout);
  }

  private <T> CompletionStage<T> askDispatcher(Function<ActorRef<T>, JobDispatcher.Command> q,
      Duration timeout) {
    return master.dispatcher(q, timeout);
  }

  private <T> CompletionStage<T> askRegistry(Function<ActorRef<T>, WorkerRegistry.Command> q) {
    return master.registry(q, askTimeout);
  }

  private <T> CompletionStage<T> askScaler(Function<ActorRef<T>, PoolScaler.Command> q) {
    return master.scaler(q, askTimeout);
  }

  private <T> void reply(HttpExchange ex, CompletionStage<T> answer, Function<T, Answer> render) {
    answer.whenComplete((value, failure) -> {
      if (failure != null) {
        send(ex, 503, Map.of("error", isTimeout(failure)
            ? "the master did not answer within " + askTimeout.toSeconds() + "s"
            : "the master failed to answer: " + failure.getMessage()));
      } else {
        Answer a = render.apply(value);
        send(ex, a.status(), a.body());
      }
    });
  }

  private static boolean isTimeout(Throwable t) {
    while (t != null) {
      if (t instanceof TimeoutException) {
        return true;
      }
      t = t.getCause();
    }
    return false;
  }

  private void send(HttpExchange ex, int status, Object body) {
    try (ex) {
      byte[] bytes = json.writeValueAsBytes(body);
      ex.getResponseHeaders().set("Content-Type", "application/json");
      ex.sendResponseHeaders(status, bytes.length);
      try (OutputStream out = ex.getResponseBody()) {
        out.write(bytes);
      }
    } catch (IOException e) {
      log.debug("could not answer {} {}: {}", ex.getRequestMethod(), ex.getRequestURI(), e.toString());
    }
  }

  private JsonNode readJson(HttpExchange ex) throws IOException, BadRequest {
    byte[] body;
    try (InputStream in = ex.getRequestBody()) {
      body = in.readNBytes(MAX_BODY + 1);
    }
    if (body.length > MAX_BODY) {
      throw new BadRequest(413, "the request body is larger than " + MAX_BODY / (1024 * 1024) + " MiB");
    }
    if (body.length == 0) {
      throw new BadRequest(400, "the request has no body; send a job object or an array of them");
    }
    try {
      return json.readTree(body);
    } catch (JsonProcessingException e) {
      // a broken constraint (nesting too deep, a number too long) has no location
      throw new BadRequest(400, "the body is not valid JSON: " + e.getOriginalMessage()
          + (e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr()
              + ", column " + e.getLocation().getColumnNr()));
    }
  }

  private static void allow(HttpExchange ex, boolean allowed, String methods) throws BadRequest {
    if (!allowed) {
      ex.getResponseHeaders().set("Allow", methods);
      throw new BadRequest(405, ex.getRequestMethod() + " is not allowed on "
          + ex.getRequestURI().getPath() + "; use " + methods);
    }
  }

  private static BadRequest notFound(HttpExchange ex) {
    return new BadRequest(404, "no such endpoint: " + ex.getRequestMethod() + " "
        + ex.getRequestURI().getPath());
  }

  private static Map<String, String> query(String raw) {
    Map<String, String> q = new HashMap<>();
    if (raw != null) {
      for (String pair : raw.split("&")) {
        int eq = pair.indexOf('=');
        String k = eq < 0 ? pair : pair.substring(0, eq);
        String v = eq < 0 ? "" : pair.substring(eq + 1);
        q.put(URLDecoder.decode(k, StandardCharsets.UTF_8), URLDecoder.decode(v, StandardCharsets.UTF_8));
      }
    }
    return q;
  }

  private static int intParam(Map<String, String> q, String name, int dflt) throws BadRequest {
    String v = q.get(name);
    if (v == null) {
      return dflt;
    }
    try {
      int i = Integer.parseInt(v);
      if (i < 1) {
        throw new NumberFormatException();
      }
      return i;
    } catch (NumberFormatException e) {
      throw new BadRequest(400, name + " must be a positive whole number, not '" + v + "'");
    }
  }

  private static Duration durationParam(String v) throws BadRequest {
    try {
      Duration d = JobRequests.parseDuration(v);
      if (d.isNegative() || d.isZero() || d.compareTo(Duration.ofMinutes(10)) > 0) {
        throw new BadRequest(400, "wait must be between 1ms and 10m, not '" + v + "'");
      }
      return d;
    } catch (IllegalArgumentException e) {
      throw new BadRequest(400, "wait: " + e.getMessage());
    }
  }
}
