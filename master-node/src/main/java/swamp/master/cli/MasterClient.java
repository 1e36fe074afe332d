package swamp.master.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** The CLI's side of the HTTP API: JSON requests, and errors a person can act on. */
final class MasterClient {

  /** A failure to talk to the master, or an error it answered with; the message says which. */
  static final class ApiException extends Exception {
    final int status;

    ApiException(int status, String message) {
      super(message);
      this.status = status;
    }
  }

  static final ObjectMapper JSON = new ObjectMapper();

  private final String base;
  private final HttpClient http;

  MasterClient(String url) {
    this.base = url.replaceAll("/+$", "");
    this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
        .followRedirects(HttpClient.Redirect.NORMAL).build(); // a standby sends us on
  }

  /** The master's URL, as given. */
  String base() {
    return base;
  }

  /** True if something accepts connections at the URL's host and port within a second. */
  static boolean answers(String url) {
    try {
      URI u = URI.create(url);
      try (java.net.Socket s = new java.net.Socket()) {
        s.connect(new java.net.InetSocketAddress(u.getHost(), u.getPort() < 0 ? 80 : u.getPort()), 1000);
        return true;
      }
    } catch (IOException | IllegalArgumentException e) {
      return false;
    }
  }

  JsonNode get(String path) throws ApiException {
    return send(HttpRequest.newBuilder(uri(path)).GET(), Duration.ofSeconds(30));
  }

  /** A GET that may be held open by the master for up to {@code wait}. */
  JsonNode get(String path, Duration wait) throws ApiException {
    return send(HttpRequest.newBuilder(uri(path)).GET(), wait.plusSeconds(30));
  }

  JsonNode post(String path, Object body) throws ApiException {
    try {
      byte[] bytes = JSON.writeValueAsBytes(body);
      return send(HttpRequest.newBuilder(uri(path))
          .header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofByteArray(bytes)), Duration.ofMinutes(2));
    } catch (IOException e) {
      throw new ApiException(0, "cannot encode the request: " + e.getMessage());
    }
  }

  JsonNode delete(String path) throws ApiException {
    return send(HttpRequest.newBuilder(uri(path)).DELETE(), Duration.ofSeconds(30));
  }

  private URI uri(String path) throws ApiException {
    try {
      return URI.create(base + path);
    } catch (IllegalArgumentException e) {
      throw new ApiException(0, "'" + base + "' is not a URL: " + e.getMessage());
    }
  }

  private JsonNode send(HttpRequest.Builder request, Duration timeout) throws ApiException {
    swamp.node.Credentials.clientApiToken()
        .ifPresent(token -> request.header("Authorization", "Bearer " + token));
    HttpResponse<byte[]> response;
    try {
      response = http.send(request.timeout(timeout).build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (ConnectException e) {
      throw new ApiException(0, "cannot reach the master at " + base
          + " (connection refused); is it running? Set --url or SWAMP_URL");
    } catch (IOException e) {
      throw new ApiException(0, "cannot talk to the master at " + base + ": " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ApiException(0, "interrupted");
    }
    JsonNode body;
    try {
      body = response.body().length == 0 ? JSON.nullNode() : JSON.readTree(response.body());
    } catch (IOException e) {
      throw new ApiException(response.statusCode(), base + " did not answer JSON (HTTP "
          + response.statusCode() + "); is it a swamp master?");
    }
    if (response.statusCode() >= 400) {
      String error = body.path("error").asText("HTTP " + response.statusCode());
      throw new ApiException(response.statusCode(), error);
    }
    return body;
  }
}
