package swamp.it;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/** A master process and the client side of its HTTP API. */
public final class Master extends Node {

  static final ObjectMapper JSON = new ObjectMapper();
  static final Set<String> FINAL = Set.of("SUCCEEDED", "FAILED", "CANCELLED");

  private final int clusterPort;
  private final int httpPort;
  private final HttpClient http;
  /** Sent as {@code Authorization: Bearer ...} with every request when not null. */
  private volatile String apiToken;
  /** The token the master made in the test's ~/.swamp, sent when {@link #apiToken} is null. */
  private final java.util.function.Supplier<java.util.Optional<String>> tokenFile;

  Master(String name, Process process, Path log, int clusterPort, int httpPort, HttpClient http,
      java.util.function.Supplier<java.util.Optional<String>> tokenFile) {
    super(name, process, log, log);
    this.clusterPort = clusterPort;
    this.httpPort = httpPort;
    this.http = http;
    this.tokenFile = tokenFile;
  }

  /** What a worker's {@code --master} takes. */
  public String address() {
    return "127.0.0.1:" + clusterPort;
  }

  /** The port of {@link #address()}. */
  int clusterPort() {
    return clusterPort;
  }

  /** The port of {@link #url()}. */
  int httpPort() {
    return httpPort;
  }

  /** The API's base URL, what {@code SWAMP_URL} takes. */
  public String url() {
    return "http://127.0.0.1:" + httpPort;
  }

  /** An HTTP answer: its status, its body as text and as JSON (missing when not JSON). */
  public record Response(int status, String text, JsonNode json) {
    public String error() {
      return json.path("error").asText(null);
    }

    @Override
    public String toString() {
      return status + " " + text;
    }
  }

  public Response get(String path) {
    return send(HttpRequest.newBuilder(URI.create(url() + path)).GET());
  }

  public Response delete(String path) {
    return send(HttpRequest.newBuilder(URI.create(url() + path)).DELETE());
  }

  /**
   * From now on every request of this object bears {@code Authorization: Bearer token}, for a
   * master started with {@code SWAMP_API_TOKEN}; null sends the one in the test's
   * {@code ~/.swamp/api-token} again (as {@code bin/swamp} does), if there is one. Returns this
   * master.
   */
  public Master apiToken(String token) {
    apiToken = token;
    return this;
  }

  /** The token its requests bear, if any: for tests that write their own requests. */
  public java.util.Optional<String> token() {
    return apiToken != null ? java.util.Optional.of(apiToken) : tokenFile.get();
  }

  /**
   * One request with exactly these headers (the {@link #apiToken} is not added): for tests of
   * what the API makes of the headers themselves. {@code body} null sends none.
   */
  public Response request(String method, String path, java.util.Map<String, String> headers,
      String body) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url() + path)).method(method,
        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    headers.forEach(b::header);
    return exchange(b);
  }

  /** POSTs {@code body} as it is when it is a String, else as JSON. */
  public Response post(String path, Object body) {
    String text;
    try {
      text = body instanceof String s ? s : JSON.writeValueAsString(body);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(e);
    }
    return send(HttpRequest.newBuilder(URI.create(url() + path))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(text)));
  }

  private Response send(HttpRequest.Builder request) {
    return send(http, request.timeout(Duration.ofSeconds(20)));
  }

  private Response send(HttpClient client, HttpRequest.Builder request) {
    String token = apiToken != null ? apiToken : tokenFile.get().orElse(null);
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return exchange(client, request);
  }

  private Response exchange(HttpRequest.Builder request) {
    return exchange(http, request.timeout(Duration.ofSeconds(20)));
  }

  private Response exchange(HttpClient client, HttpRequest.Builder request) {
    try {
      HttpResponse<String> r = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
      JsonNode json;
      try {
        json = r.body().isEmpty() ? MissingNode.getInstance() : JSON.readTree(r.body());
      } catch (JsonProcessingException e) {
        json = MissingNode.getInstance();
      }
      return new Response(r.statusCode(), r.body(), json);
    } catch (IOException e) {
      throw new ApiUnreachable(name() + " at " + url() + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ApiUnreachable("interrupted", e);
    }
  }

  /** The API could not be reached (as opposed to answering with an error). */
  public static final class ApiUnreachable extends RuntimeException {
    ApiUnreachable(String message, Throwable cause) {
      super(message, cause);
    }
  }

  // ---- the calls the tests make ----

  /** Submits one job (a map or a JSON string) and returns its id; anything but 201 fails. */
  public String submit(Object job) {
    Response r = post("/api/jobs", job);
    if (r.status() != 201) {
      throw new AssertionError("submitting " + job + " answered " + r);
    }
    return r.json().path("id").asText();
  }

  /** Submits jobs as one batch and returns their ids in order. */
  public List<String> submitBatch(List<?> jobs) {
    Response r = post("/api/jobs", jobs);
    if (r.status() != 201 || !r.json().isArray() || r.json().size() != jobs.size()) {
      throw new AssertionError("submitting a batch of " + jobs.size() + " answered " + r);
    }
    List<String> ids = new ArrayList<>();
    r.json().forEach(j -> ids.add(j.path("id").asText()));
    return ids;
  }

  public JsonNode job(String id) {
    Response r = get("/api/jobs/" + id);
    if (r.status() != 200) {
      throw new AssertionError("GET /api/jobs/" + id + " answered " + r);
    }
    return r.json();
  }

  /**
   * Waits until the job is SUCCEEDED, FAILED or CANCELLED and returns it. Each probe is a long
   * poll ({@code GET /api/jobs/ID?wait=}), as {@code bin/swamp submit --wait} asks: the master answers when
   * the job ends, so a wait costs a request or two, not ten a second.
   */
  public JsonNode awaitFinished(String id, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    return Await.value("job " + id + " to finish", timeout, () -> {
      long left = Math.max(1, Math.min(LONG_POLL.toMillis(),
          (deadline - System.nanoTime()) / 1_000_000));
      Response r = get("/api/jobs/" + id + "?wait=" + left + "ms");
      if (r.status() != 200) {
        throw new AssertionError("GET /api/jobs/" + id + "?wait=" + left + "ms answered " + r);
      }
      JsonNode j = r.json();
      return FINAL.contains(j.path("state").asText()) ? j : null;
    });
  }

  /** The longest one long poll of {@link #awaitFinished} waits, well within a request's 20 s. */
  static final Duration LONG_POLL = Duration.ofSeconds(5);

  /** Waits until the API answers /api/health with 200 (the process must stay alive). */
  public JsonNode awaitHealthy(Duration timeout) {
    return Await.value(name() + "'s API at " + url() + " to answer", timeout, () -> {
      if (!isAlive()) {
        throw new AssertionError(name() + " exited " + awaitExit(Duration.ZERO)
            + " before its API answered\n" + tail(40));
      }
      try {
        Response r = get("/api/health");
        return r.status() == 200 ? r.json() : null;
      } catch (ApiUnreachable e) {
        return null;
      }
    });
  }

  public JsonNode health() {
    Response r = get("/api/health");
    if (r.status() != 200) {
      throw new AssertionError("GET /api/health answered " + r);
    }
    return r.json();
  }

  /** The ids of the registered workers. */
  public Set<String> workerIds() {
    Response r = get("/api/workers");
    if (r.status() != 200) {
      throw new AssertionError("GET /api/workers answered " + r);
    }
    Set<String> ids = new TreeSet<>();
    r.json().forEach(w -> ids.add(w.path("id").asText()));
    return ids;
  }

  /** Waits until exactly these workers are registered; every worker node must stay alive. */
  public void awaitWorkers(Duration timeout, Collection<? extends Node> workers, String... ids) {
    Set<String> want = new TreeSet<>(List.of(ids));
    List<Node> watched = new ArrayList<>(workers);
    watched.add(this);
    Await.until("workers " + want + " to register with " + name(), timeout, () -> {
      for (Node n : watched) {
        if (!n.isAlive()) {
          throw new AssertionError(n.name() + " exited " + n.awaitExit(Duration.ZERO)
              + " while waiting for workers " + want + " to register\n" + n.tail(40));
        }
      }
      return workerIds().equals(want);
    });
  }

  // ---- a standby's own answers ----

  private static final HttpClient NO_REDIRECTS = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(2))
      .followRedirects(HttpClient.Redirect.NEVER)
      .build();

  /**
   * GETs {@code path} from this master itself: a standby's 307 (its body names the active
   * master's API as {@code active}) or 503 comes back as it is instead of being followed.
   */
  public Response getHere(String path) {
    return getHere(path, Duration.ofSeconds(20));
  }

  /** {@link #getHere(String)} that gives up after {@code timeout} (ApiUnreachable). */
  public Response getHere(String path, Duration timeout) {
    return send(NO_REDIRECTS, HttpRequest.newBuilder(URI.create(url() + path)).GET().timeout(timeout));
  }
}
