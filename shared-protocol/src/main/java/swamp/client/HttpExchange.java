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
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * One HTTP/1.1 request and its answer, on a connection of its own: what {@link MasterClient}
 * sends each request through.
 */
final class HttpExchange {
  private HttpExchange() {}

  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

  /** One answer: its status, its Location header (or null) and its body. */
  record Answer(int status, String location, byte[] body) {}

  /** One request on a connection of its own, closed after the answer. */
  static Answer exchange(URI target, String method, byte[] body, String token,
      Duration timeout) throws IOException {
    boolean tls = target.getScheme().equalsIgnoreCase("https");
    int port = port(target);
    try (Socket socket = new Socket()) {
      try {
        socket.connect(new InetSocketAddress(target.getHost(), port), (int) CONNECT_TIMEOUT.toMillis());
      } catch (SocketTimeoutException e) { // nothing was sent: as good as refused
        throw new ConnectException("no connection within " + CONNECT_TIMEOUT.toSeconds() + " s");
      }
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

  static int port(URI target) {
    return target.getPort() >= 0 ? target.getPort() : target.getScheme().equalsIgnoreCase("https") ? 443 : 80;
  }
}
