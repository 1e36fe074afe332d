package swamp.client;

import java.io.EOFException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import swamp.client.HttpExchange.Answer;

/**
 * The client's side of the HTTP API: JSON requests to a master (or the first of several that
 * can be reached), and errors a person can act on. Each request is one {@link HttpExchange}:
 * HTTP/1.1 over a plain socket, one connection per request, what a command that answers at
 * once can afford at start ({@code java.net.http.HttpClient} starts a selector thread and loads
 * hundreds of classes for what is here a request and an answer, mostly on loopback).
 */
public final class MasterClient {

  /** A failure to talk to the master, or an error it answered with; the message says which. */
  public static class ApiException extends Exception {
    private final int status;

    public ApiException(int status, String message) {
      super(message);
      this.status = status;
    }

    /** The HTTP status the master answered with; 0 when there was no answer. */
    public int status() {
      return status;
    }
  }

  /**
   * No answer because the URL names something that is not a master's API, and never will be: a
   * node's cluster port, or an --https master asked over http://. Not a master that is away,
   * which a client waits for: {@code run} waited 5 minutes at a cluster port.
   */
  public static final class WrongAddress extends ApiException {
    WrongAddress(String message) {
      super(0, message);
    }
  }

  /** The failure to talk to {@code base}: a {@link WrongAddress} when {@code hint} says why. */
  private static ApiException cannotTalk(String message, String hint) {
    return hint.isEmpty() ? new ApiException(0, message) : new WrongAddress(message + hint);
  }

  /** Redirects followed at most: a standby sends a client on to the active master, once. */
  static final int MAX_REDIRECTS = 5;

  /** The masters' URLs, as given: a master and its standbys, asked in turn. */
  private final List<String> bases;
  /** Which of {@link #bases} answered last: it is asked first. */
  private volatile int current;
  /**
   * Whether {@link #current} answered and has not been unreachable since; until then, a client of
   * several masters asks first the one that a {@link ConnectRace} picks.
   */
  private volatile boolean answered;

  /** The API token this client sends, asked for each request ({@link #apiToken}; a test's own). */
  private java.util.function.Supplier<Optional<String>> tokens = MasterClient::apiToken;

  /** This client, sending the token {@code tokens} gives instead of {@link #apiToken}'s: for tests. */
  MasterClient withTokens(java.util.function.Supplier<Optional<String>> tokens) {
    this.tokens = tokens;
    return this;
  }

  /**
   * A client of the master at {@code urls}: one URL, or several separated by commas (a master and
   * its standbys, as Spark's clients take a list of masters), asked in turn: a request goes to
   * the first that takes the connection, beginning with the one that answered last, or, before
   * one has answered, with the one that took a connection first ({@link ConnectRace}). Only a
   * master that could not be reached is passed over, never one that was sent the request, so
   * nothing is sent twice. A URL may end in {@code /api}, as the master's log names its API.
   */
  public MasterClient(String urls) {
    List<String> given = new ArrayList<>();
    for (String url : urls.split(",")) {
      if (!url.isBlank()) {
        // the master's log gives its API as http://HOST:PORT/api: the paths asked add /api
        given.add(url.strip().replaceAll("/+$", "").replaceAll("(?i)(://[^/]+)/api$", "$1"));
      }
    }
    this.bases = given.isEmpty() ? List.of(urls.strip()) : List.copyOf(given);
  }

  /** The master's URL, as given; of several, the one that answered last (else the first). */
  public String base() {
    return bases.get(current);
  }

  /** True if something accepts connections at one of the masters' URLs within a second. */
  public boolean answers() {
    return bases.stream().anyMatch(MasterClient::answers);
  }

  /** True if something accepts connections at the URL's host and port within a second. */
  public static boolean answers(String url) {
    try {
      URI u = URI.create(url);
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress(u.getHost(), u.getPort() < 0 ? 80 : u.getPort()), 1000);
        return true;
      }
    } catch (IOException | IllegalArgumentException e) {
      return false;
    }
  }

  /**
   * What a client sends as its API token: {@code SWAMP_API_TOKEN}, else {@code ~/.swamp/api-token}
   * ({@code $HOME} honoured, as the master that wrote it does), else nothing.
   */
  public static Optional<String> apiToken() {
    String env = System.getenv("SWAMP_API_TOKEN");
    if (env != null && !env.isEmpty()) {
      return Optional.of(env);
    }
    return fileToken(tokenFile());
  }

  /**
   * What a refused token (401) was and where the master's is, after the master's own reason:
   * "the API token is wrong" alone left an administrator to guess which token the client had
   * sent (SWAMP_API_TOKEN, or the file of this home, which is not the master's on another machine
   * or under another user).
   */
  static String tokenHint(String env, Path file) {
    String master = "the master takes its own SWAMP_API_TOKEN, else the token in its"
        + " ~/.swamp/api-token (the home of the user it runs as)";
    if (env != null && !env.isEmpty()) {
      return " (this client sent SWAMP_API_TOKEN from its environment; " + master + ")";
    }
    if (fileToken(file).isPresent()) {
      return " (this client sent the token in " + file + "; " + master + ": set SWAMP_API_TOKEN"
          + " to it)";
    }
    return " (this client has no token: SWAMP_API_TOKEN is not set and " + file + " holds none; "
        + master + ": set SWAMP_API_TOKEN to it)";
  }

  private static Optional<String> fileToken(Path file) {
    try {
      String t = Files.readString(file, StandardCharsets.UTF_8).strip();
      return t.isEmpty() ? Optional.empty() : Optional.of(t);
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** Where {@link #apiToken} looks when SWAMP_API_TOKEN is not set: ~/.swamp/api-token. */
  static Path tokenFile() {
    String home = System.getenv("HOME");
    return Path.of(home != null && !home.isBlank() ? home : System.getProperty("user.home"),
        ".swamp", "api-token");
  }

  public Json get(String path) throws ApiException {
    return send("GET", path, null, Duration.ofSeconds(30));
  }

  /** A GET that may be held open by the master for up to {@code wait}. */
  public Json get(String path, Duration wait) throws ApiException {
    return send("GET", path, null, wait.plusSeconds(30));
  }

  public Json post(String path, Object body) throws ApiException {
    byte[] bytes;
    try {
      bytes = Json.write(body).getBytes(StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new ApiException(0, "cannot encode the request: " + e.getMessage());
    }
    return send("POST", path, bytes, Duration.ofMinutes(2));
  }

  public Json delete(String path) throws ApiException {
    return delete(path, Duration.ofSeconds(30));
  }

  public Json delete(String path, Duration timeout) throws ApiException {
    return send("DELETE", path, null, timeout);
  }

  /**
   * {@code id} (a job's, a worker's, a run's, as a person typed it) as one segment of a path, so
   * that it names nothing else: {@code dismiss .} or {@code dismiss 'x/..'} would otherwise
   * be the route that dismisses every worker.
   */
  public static String segment(String id) {
    if (id.isBlank() || id.equals(".") || id.equals("..")) {
      throw new IllegalArgumentException("'" + id + "' names no job, worker or run");
    }
    return URLEncoder.encode(id, StandardCharsets.UTF_8).replace("+", "%20");
  }

  /**
   * A master that could not be reached: nothing was sent to it, so the request may go to the
   * next. {@code reason} says why ("connection refused").
   */
  private static final class Unreachable extends ApiException {
    final String reason;

    Unreachable(String message, String reason) {
      super(0, message);
      this.reason = reason;
    }
  }

  private Json send(String method, String path, byte[] body, Duration timeout)
      throws ApiException {
    String token = tokens.get().orElse(null);
    int first = bases.size() > 1 && !answered ? raced() : current;
    List<String> refused = new ArrayList<>();
    for (int i = 0; i < bases.size(); i++) {
      int at = (first + i) % bases.size();
      try {
        Json json = send(bases.get(at), method, path, body, token, timeout);
        current = at;
        answered = true;
        return json;
      } catch (Unreachable u) {
        if (bases.size() == 1) {
          throw u;
        }
        answered = false;
        refused.add(bases.get(at) + " (" + u.reason + ")");
      } catch (ApiException e) {
        if (e.status() != 0) {
          current = at; // it answered
          answered = true;
        }
        if (e.status() == 401 && token == null) { // the master's words are for any HTTP client
          throw new ApiException(401, "the master at " + bases.get(at) + " requires its API token,"
              + " and this client has none: set SWAMP_API_TOKEN to the master's (the file"
              + " ~/.swamp/api-token on the master's machine), or run where that file is ("
              + tokenFile() + " is not there, or is empty)");
        }
        throw e;
      }
    }
    throw new ApiException(0, "cannot reach a master at any of " + String.join(", ", refused)
        + "; are they running? Set --url or SWAMP_URL");
  }

  /** The master to ask first: the first to take a connection, else the one asked last. */
  private int raced() {
    List<URI> targets = new ArrayList<>();
    for (String base : bases) {
      try {
        targets.add(URI.create(base));
      } catch (IllegalArgumentException e) {
        targets.add(null); // not raced: its own request says what is wrong with it
      }
    }
    int first = ConnectRace.first(targets, HttpExchange.CONNECT_TIMEOUT);
    return first >= 0 ? first : current;
  }

  /** {@code method} on {@code path} of the master at {@code base}, following its redirects. */
  private static Json send(String base, String method, String path, byte[] body, String token,
      Duration timeout) throws ApiException {
    URI asked = uri(base, path);
    URI target = asked;
    Answer answer;
    try {
      answer = HttpExchange.exchange(target, method, body, token, timeout);
      for (int hops = 0; isRedirect(answer.status()) && answer.location() != null; hops++) {
        if (hops == MAX_REDIRECTS) {
          throw new IOException("more than " + MAX_REDIRECTS + " redirects");
        }
        URI next = target.resolve(answer.location());
        if (target.getScheme().equalsIgnoreCase("https") && !next.getScheme().equalsIgnoreCase("https")) {
          break; // never from https down to http
        }
        // 307 and 308 keep the method and the body (a POST of jobs is sent on as it is)
        if (answer.status() != 307 && answer.status() != 308) {
          method = "GET";
          body = null;
        }
        target = next;
        answer = HttpExchange.exchange(target, method, body, token, timeout);
      }
    } catch (ConnectException | NoRouteToHostException | UnknownHostException e) {
      String why = e instanceof UnknownHostException ? "unknown host " + target.getHost()
          : e instanceof NoRouteToHostException ? "no route to host"
          : e.getMessage() != null && e.getMessage().toLowerCase(Locale.ROOT).contains("refused")
          ? "connection refused" : e.getMessage();
      if (!target.equals(asked)) { // a standby sent it on to an active master since gone
        String active = target.getScheme() + "://" + target.getAuthority();
        throw new Unreachable("cannot reach the active master at " + active + ", where " + base
            + " sent the request (" + why + ")", "sent the request on to " + active + ": " + why);
      }
      throw new Unreachable("cannot reach the master at " + base + " (" + why + "); is it"
          + " running? Set --url or SWAMP_URL", why);
    } catch (javax.net.ssl.SSLException e) { // https:// to a master that answers plain http
      String cluster = clusterPortHint(target);
      if (!cluster.isEmpty()) {
        throw new WrongAddress("cannot talk to the master at " + base + cluster);
      }
      throw new ApiException(0, "cannot talk to the master at " + base + ": it does not answer"
          + " HTTPS (" + e.getMessage() + "); a master started without --https takes http://");
    } catch (EOFException e) {
      String said = "cannot talk to the master at " + base + ": " + e.getMessage();
      String gone = closedUnanswered(target);
      if (gone != null) {
        throw new ApiException(0, said + gone);
      }
      String tls = base.startsWith("http:") ? tlsHint(base, target) : "";
      throw tls.isEmpty() ? new ApiException(0, said + "; the master may be stopping: its port"
          + " takes connections but answers nothing") : new WrongAddress(said + tls);
    } catch (IOException e) { // a TLS alert, to http://, is no HTTP answer either
      // https:// to a cluster port: Artery may drop the handshake before the client has written
      // it ('Broken pipe', 'Connection reset'), which is no SSLException
      throw cannotTalk("cannot talk to the master at " + base + ": " + e,
          base.startsWith("http:") ? tlsHint(base, target) : clusterPortHint(target));
    } catch (IllegalArgumentException e) { // 'port out of range:99999', a URL without a host
      throw new ApiException(0, "the master's URL " + base + " (--url or SWAMP_URL) cannot be"
          + " used: " + e.getMessage());
    }
    Json json;
    try {
      json = answer.body().length == 0 ? Json.nullValue()
          : Json.parse(new String(answer.body(), StandardCharsets.UTF_8));
    } catch (IllegalArgumentException e) {
      throw new ApiException(answer.status(), base + " did not answer JSON (HTTP "
          + answer.status() + "); is it a swamp master?");
    }
    if (answer.status() >= 400) {
      throw new ApiException(answer.status(), json.path("error").asText("HTTP " + answer.status())
          + (answer.status() == 401 ? tokenHint(System.getenv("SWAMP_API_TOKEN"), tokenFile())
              : ""));
    }
    return json;
  }

  private static URI uri(String base, String path) throws ApiException {
    if (!base.contains("://")) { // '127.0.0.1:8070', 'pool-host:8070': the scheme left out
      throw new ApiException(0, "'" + base + "' is not a URL: give it with its scheme, http://" + base
          + " (or https:// for a master started with --https)");
    }
    try {
      URI u = URI.create(base + path);
      if (!"http".equalsIgnoreCase(u.getScheme()) && !"https".equalsIgnoreCase(u.getScheme())) {
        throw new IllegalArgumentException("not http or https");
      }
      if (u.getHost() == null) {
        throw new IllegalArgumentException("no host");
      }
      return u;
    } catch (IllegalArgumentException e) {
      throw new ApiException(0, "'" + base + "' is not a URL: " + e.getMessage());
    }
  }

  /**
   * Why a master closed a connection without an answer when it stopped meanwhile (killed in the
   * middle of a wait: nothing listens at its port now); null when its port still takes
   * connections (its sockets are still closing, or, to http://, it was started with --https and
   * drops plain requests unanswered: then its port answers a TLS handshake).
   */
  private static String closedUnanswered(URI target) {
    int port = HttpExchange.port(target);
    try (Socket probe = new Socket()) {
      probe.connect(new InetSocketAddress(target.getHost(), port), (int) HttpExchange.CONNECT_TIMEOUT.toMillis());
    } catch (IOException gone) {
      return "; the master stopped meanwhile: nothing answers at " + target.getHost() + ":" + port + " now";
    }
    return null;
  }

  /**
   * Why a port that http:// got no answer from answers TLS: a master started with --https, or a
   * node's cluster port; empty when it does not.
   */
  private static String tlsHint(String base, URI target) {
    return switch (TlsPorts.probe(target.getHost(), HttpExchange.port(target),
        HttpExchange.CONNECT_TIMEOUT)) {
      case CLUSTER -> clusterPort(target);
      case TLS -> httpsOnly(base);
      case NO_TLS -> "";
    };
  }

  /** Why an https:// port answered nothing a client can use, when it is a node's cluster port. */
  private static String clusterPortHint(URI target) {
    return TlsPorts.probe(target.getHost(), HttpExchange.port(target), HttpExchange.CONNECT_TIMEOUT)
        == TlsPorts.Answer.CLUSTER ? clusterPort(target) : "";
  }

  /** A URL that names a swamp node's cluster port, which takes the pool's nodes only. */
  private static String clusterPort(URI target) {
    return ": " + target.getHost() + ":" + HttpExchange.port(target) + " is a swamp node's cluster"
        + " port (bin/swamp master --port), where only the pool's nodes are answered; the API is on"
        + " the master's HTTP port (--http-port, 8070 unless it was started with another: its log"
        + " says 'HTTP API on ...')";
  }

  private static String httpsOnly(String base) {
    return "; a master started with --https takes https:// only (to http:// it closes the"
        + " connection unanswered: curl says 'Empty reply from server', a browser"
        + " ERR_EMPTY_RESPONSE): use --url " + base.replaceFirst("^http:", "https:") + " or set SWAMP_URL so";
  }

  private static boolean isRedirect(int status) {
    return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
  }
}
