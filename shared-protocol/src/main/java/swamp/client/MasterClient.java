package swamp.client;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * The client's side of the HTTP API: JSON requests, and errors a person can act on. HTTP/1.1 over
 * a plain socket, one connection per request: what a command that answers at once can afford
 * at start ({@code java.net.http.HttpClient} starts a selector thread and loads hundreds of
 * classes for what is here a request and an answer, mostly on loopback).
 */
public final class MasterClient {

  /** A failure to talk to the master, or an error it answered with; the message says which. */
  public static final class ApiException extends Exception {
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

  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
  /** Redirects followed at most: a standby sends a client on to the active master, once. */
  static final int MAX_REDIRECTS = 5;

  private final String base;

  public MasterClient(String url) {
    this.base = url.replaceAll("/+$", "");
  }

  /** The master's URL, as given. */
  public String base() {
    return base;
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
    String home = System.getenv("HOME");
    Path file = Path.of(home != null && !home.isBlank() ? home : System.getProperty("user.home"),
        ".swamp", "api-token");
    try {
      String t = Files.readString(file, StandardCharsets.UTF_8).strip();
      return t.isEmpty() ? Optional.empty() : Optional.of(t);
    } catch (IOException e) {
      return Optional.empty();
    }
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

  private URI uri(String path) throws ApiException {
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

  /** One answer: its status, its Location header (or null) and its body. */
  private record Answer(int status, String location, byte[] body) {}

  private Json send(String method, String path, byte[] body, Duration timeout)
      throws ApiException {
    URI target = uri(path);
    String token = apiToken().orElse(null);
    Answer answer;
    try {
      answer = exchange(target, method, body, token, timeout);
      for (int hops = 0; isRedirect(answer.status) && answer.location != null; hops++) {
        if (hops == MAX_REDIRECTS) {
          throw new IOException("more than " + MAX_REDIRECTS + " redirects");
        }
        URI next = target.resolve(answer.location);
        if (target.getScheme().equalsIgnoreCase("https") && !next.getScheme().equalsIgnoreCase("https")) {
          break; // never from https down to http
        }
        // 307 and 308 keep the method and the body (a POST of jobs is sent on as it is)
        if (answer.status != 307 && answer.status != 308) {
          method = "GET";
          body = null;
        }
        target = next;
        answer = exchange(target, method, body, token, timeout);
      }
    } catch (ConnectException e) {
      if (!target.equals(uri(path))) { // a standby sent it on to an active master since gone
        throw new ApiException(0, "cannot reach the active master at " + target.getScheme() + "://"
            + target.getAuthority() + ", where " + base + " sent the request (connection refused)");
      }
      throw new ApiException(0, "cannot reach the master at " + base
          + " (connection refused); is it running? Set --url or SWAMP_URL");
    } catch (javax.net.ssl.SSLException e) { // https:// to a master that answers plain http
      throw new ApiException(0, "cannot talk to the master at " + base + ": it does not answer"
          + " HTTPS (" + e.getMessage() + "); a master started without --https takes http://");
    } catch (EOFException e) {
      throw new ApiException(0, "cannot talk to the master at " + base + ": " + e.getMessage()
          + closedUnanswered(target));
    } catch (IOException e) { // a TLS alert, to http://, is no HTTP answer either
      throw new ApiException(0, "cannot talk to the master at " + base + ": " + e
          + (base.startsWith("http:") && speaksTls(target.getHost(), port(target)) ? httpsOnly() : ""));
    } catch (IllegalArgumentException e) { // 'port out of range:99999', a URL without a host
      throw new ApiException(0, "the master's URL " + base + " (--url or SWAMP_URL) cannot be"
          + " used: " + e.getMessage());
    }
    Json json;
    try {
      json = answer.body.length == 0 ? Json.nullValue()
          : Json.parse(new String(answer.body, StandardCharsets.UTF_8));
    } catch (IllegalArgumentException e) {
      throw new ApiException(answer.status, base + " did not answer JSON (HTTP "
          + answer.status + "); is it a swamp master?");
    }
    if (answer.status >= 400) {
      throw new ApiException(answer.status, json.path("error").asText("HTTP " + answer.status));
    }
    return json;
  }

  /**
   * Why a master closed a connection without an answer: it stopped meanwhile (killed in the
   * middle of a wait: nothing listens at its port now, or its sockets are still closing), or, to
   * http://, it was started with --https and drops plain requests unanswered: then its port
   * answers a TLS handshake.
   */
  private String closedUnanswered(URI target) {
    int port = port(target);
    try (Socket probe = new Socket()) {
      probe.connect(new InetSocketAddress(target.getHost(), port), (int) CONNECT_TIMEOUT.toMillis());
    } catch (IOException gone) {
      return "; the master stopped meanwhile: nothing answers at " + target.getHost() + ":" + port + " now";
    }
    if (base.startsWith("http:") && speaksTls(target.getHost(), port)) {
      return httpsOnly();
    }
    return "; the master may be stopping: its port takes connections but answers nothing";
  }

  private String httpsOnly() {
    return "; a master started with --https takes https:// only (to http:// it closes the"
        + " connection unanswered: curl says 'Empty reply from server', a browser"
        + " ERR_EMPTY_RESPONSE): use --url " + base.replaceFirst("^http:", "https:") + " or set SWAMP_URL so";
  }

  private static int port(URI target) {
    return target.getPort() >= 0 ? target.getPort() : target.getScheme().equalsIgnoreCase("https") ? 443 : 80;
  }

  /**
   * Whether {@code host:port} answers a TLS handshake: it completes, or fails on the certificate
   * the server sent (one this client does not trust). Nothing is sent over it.
   */
  static boolean speaksTls(String host, int port) {
    try (SSLSocket s = (SSLSocket) SSLSocketFactory.getDefault().createSocket()) {
      s.connect(new InetSocketAddress(host, port), (int) CONNECT_TIMEOUT.toMillis());
      s.setSoTimeout((int) CONNECT_TIMEOUT.toMillis());
      s.startHandshake();
      return true;
    } catch (IOException e) {
      for (Throwable c = e; c != null; c = c.getCause()) {
        if (c instanceof java.security.cert.CertificateException) {
          return true;
        }
      }
      return false;
    }
  }

  private static boolean isRedirect(int status) {
    return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
  }

  /** One request on a connection of its own, closed after the answer. */
  private static Answer exchange(URI target, String method, byte[] body, String token,
      Duration timeout) throws IOException {
    boolean tls = target.getScheme().equalsIgnoreCase("https");
    int port = port(target);
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(target.getHost(), port), (int) CONNECT_TIMEOUT.toMillis());
      socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, timeout.toMillis()));
      socket.setTcpNoDelay(true);
      Socket s = socket;
      if (tls) {
        // a master started with --https shows the pool's own certificate, which names the pool,
        // not a host: trusted as the only certificate trusted, without a host name check
        java.util.Optional<SSLSocketFactory> pool = PoolTrust.sockets();
        SSLSocket ssl = (SSLSocket) pool.orElse((SSLSocketFactory) SSLSocketFactory.getDefault())
            .createSocket(socket, target.getHost(), port, true);
        if (pool.isEmpty()) {
          SSLParameters params = ssl.getSSLParameters();
          params.setEndpointIdentificationAlgorithm("HTTPS");
          ssl.setSSLParameters(params);
        }
        s = ssl;
      }
      StringBuilder head = new StringBuilder();
      String requestTarget = (target.getRawPath() == null || target.getRawPath().isEmpty()
          ? "/" : target.getRawPath()) + (target.getRawQuery() == null ? "" : "?" + target.getRawQuery());
      head.append(method).append(' ').append(requestTarget).append(" HTTP/1.1\r\n");
      head.append("Host: ").append(target.getHost());
      if (target.getPort() >= 0) {
        head.append(':').append(target.getPort());
      }
      head.append("\r\nConnection: close\r\nAccept: application/json\r\n");
      if (token != null) {
        head.append("Authorization: Bearer ").append(token).append("\r\n");
      }
      if (body != null) {
        head.append("Content-Type: application/json\r\nContent-Length: ").append(body.length)
            .append("\r\n");
      } else if (!method.equals("GET")) {
        head.append("Content-Length: 0\r\n");
      }
      head.append("\r\n");
      OutputStream out = s.getOutputStream();
      out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
      if (body != null) {
        out.write(body);
      }
      out.flush();
      return readAnswer(new BufferedInputStream(s.getInputStream()), method);
    }
  }

  /** Reads the status line, the headers and the body (by length, chunked, or to the end). */
  static Answer readAnswer(InputStream in, String method) throws IOException {
    while (true) {
      String statusLine = line(in);
      String[] parts = statusLine.split(" ", 3);
      if (parts.length < 2 || !parts[0].startsWith("HTTP/")) {
        throw new IOException("not an HTTP answer: " + statusLine);
      }
      int status;
      try {
        status = Integer.parseInt(parts[1]);
      } catch (NumberFormatException e) {
        throw new IOException("not an HTTP status: " + statusLine);
      }
      long length = -1;
      boolean chunked = false;
      String location = null;
      for (String h = line(in); !h.isEmpty(); h = line(in)) {
        int colon = h.indexOf(':');
        if (colon < 0) {
          continue;
        }
        String name = h.substring(0, colon).trim().toLowerCase(Locale.ROOT);
        String value = h.substring(colon + 1).trim();
        switch (name) {
          case "content-length" -> length = Long.parseLong(value);
          case "transfer-encoding" -> chunked = value.toLowerCase(Locale.ROOT).contains("chunked");
          case "location" -> location = value;
          default -> { }
        }
      }
      if (status >= 100 && status < 200) {
        continue; // an interim answer (100 Continue): the real one follows
      }
      byte[] body;
      if (method.equals("HEAD") || status == 204 || status == 304) {
        body = new byte[0];
      } else if (chunked) {
        body = chunks(in);
      } else if (length >= 0) {
        body = in.readNBytes((int) length);
        if (body.length < length) {
          throw new EOFException("the answer ended after " + body.length + " of " + length + " bytes");
        }
      } else {
        body = in.readAllBytes();
      }
      return new Answer(status, location, body);
    }
  }

  private static byte[] chunks(InputStream in) throws IOException {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    while (true) {
      String size = line(in);
      int semi = size.indexOf(';');
      int n = Integer.parseInt((semi < 0 ? size : size.substring(0, semi)).trim(), 16);
      if (n == 0) {
        while (!line(in).isEmpty()) {
          // trailers: none that matter here
        }
        return body.toByteArray();
      }
      byte[] chunk = in.readNBytes(n);
      if (chunk.length < n) {
        throw new EOFException("the answer ended inside a chunk");
      }
      body.write(chunk);
      line(in);
    }
  }

  /** A header line without its CRLF; at the end of the stream, an error. */
  private static String line(InputStream in) throws IOException {
    StringBuilder b = new StringBuilder();
    while (true) {
      int c = in.read();
      if (c < 0) {
        throw new EOFException("the connection closed before the whole answer");
      }
      if (c == '\n') {
        int n = b.length();
        return n > 0 && b.charAt(n - 1) == '\r' ? b.substring(0, n - 1) : b.toString();
      }
      b.append((char) c);
    }
  }
}
