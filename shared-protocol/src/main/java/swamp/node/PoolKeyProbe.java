package swamp.node;

import com.typesafe.config.Config;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * Whether a TLS node's address accepts this node's pool key: a TLS handshake with a plain JSSE
 * socket built from the key store and trust store Artery uses ({@code
 * pekko.remote.artery.ssl.config-ssl-engine}), as Artery's own would do, and nothing sent after it.
 *
 * <p>Artery itself only says, at WARN and again at every restart of its outbound stream, that its
 * stream failed; a worker with another pool's key (or an old one, after the master made a new
 * key) would retry until it gives up. The probe tells that case apart from a master that is not up
 * yet or slow: only a failure about a certificate is a {@link Verdict#KEY_REJECTED} (this node
 * does not trust the peer's certificate, or the peer answers with a certificate alert, which in
 * TLS 1.3 comes after the handshake); a refused or silent port, a timeout, a peer that answers
 * and then lets the connection go give {@link Verdict#NO_VERDICT}.
 *
 * <p>It also tells the other transport. An {@code --insecure} (plain tcp) master's Artery reads
 * the first 4 bytes of the TLS hello, finds not its magic ({@code TcpFraming}: "Stream didn't
 * start with expected magic bytes"), fails the connection's stream and aborts the connection: the
 * probe sees it reset (or closed), with not one byte in answer: {@link Verdict#CLOSED_ON_HELLO}.
 * A TLS master does that only for a moment, as it stops (seen in the few milliseconds between its
 * last handshake and its port refusing connections): one such answer is no proof, two some
 * seconds apart are ({@code MasterKeyCheck} asks for them). The probe of a plain tcp node ({@link
 * #plainTcp()}) has no key: it sends the same hello and calls a peer that shows a TLS certificate
 * {@link Verdict#SPEAKS_TLS}, which only a TLS node does, and ends the handshake there; a TLS
 * master answers a plain node's own Artery connection with a bare close, nothing it could tell.
 *
 * <p>A master's Artery logs nothing, at its INFO level, for a connection whose handshake fails, nor
 * for one that completes its handshake and closes without a word, nor, plain, for one that does
 * not start with its magic.
 */
public final class PoolKeyProbe {

  /** What a probe found. */
  public enum Verdict {
    /** The handshake completed and the peer did not object to this node's certificate. */
    ACCEPTED,
    /** The handshake failed on a certificate: the peer's pool key is not this node's. */
    KEY_REJECTED,
    /**
     * The peer took the connection and reset or closed it on the TLS hello without a byte in
     * answer: what a plain tcp (--insecure) node's Artery does, and for a moment a TLS node that
     * stops.
     */
    CLOSED_ON_HELLO,
    /** The peer answered the hello with a TLS certificate: a TLS node (only a plain probe says it). */
    SPEAKS_TLS,
    /** The peer answered the hello in HTTP: a web server (a master's API port), no node. */
    SPEAKS_HTTP,
    /** Nothing to say: no connection, no answer in time, or a failure of another kind. */
    NO_VERDICT
  }

  /** A probe's verdict and what it saw, for a log line. */
  public record Result(Verdict verdict, String detail) {}

  static final String SSL = "pekko.remote.artery.ssl.config-ssl-engine.";

  /** TLS alerts a peer sends about the certificate it was shown (RFC 8446 6.2). */
  private static final Pattern CERTIFICATE_ALERT = Pattern.compile("fatal alert: (bad_certificate"
      + "|unsupported_certificate|certificate_revoked|certificate_expired|certificate_unknown"
      + "|unknown_ca|access_denied|certificate_required)");

  /** The class names the JDK puts before a cause's message, {@code sun.security...Exception: }. */
  private static final String EXCEPTION_NAME = "(?:[a-z]\\w*\\.)+[A-Z]\\w*(?:Exception|Error): ";

  /** Null in a plain probe, which has no key (and so are the other key store fields). */
  private final Path keyStore;
  private final char[] keyStorePassword;
  private final char[] keyPassword;
  private final Path trustStore;
  private final char[] trustStorePassword;
  private final String protocol;
  private final List<String> algorithms;
  private final int connectTimeoutMs;
  private final int handshakeTimeoutMs;
  private final int verdictWaitMs;
  /** Made on the first probe, from the files as they are then. */
  private SSLContext context;

  PoolKeyProbe(Config config, int connectTimeoutMs, int handshakeTimeoutMs, int verdictWaitMs) {
    this.keyStore = Path.of(config.getString(SSL + "key-store"));
    this.keyStorePassword = config.getString(SSL + "key-store-password").toCharArray();
    this.keyPassword = config.getString(SSL + "key-password").toCharArray();
    this.trustStore = Path.of(config.getString(SSL + "trust-store"));
    this.trustStorePassword = config.getString(SSL + "trust-store-password").toCharArray();
    this.protocol = config.getString(SSL + "protocol");
    this.algorithms = config.getStringList(SSL + "enabled-algorithms");
    this.connectTimeoutMs = connectTimeoutMs;
    this.handshakeTimeoutMs = handshakeTimeoutMs;
    this.verdictWaitMs = verdictWaitMs;
  }

  /** A plain probe: no key, the JDK's TLS versions and cipher suites, any certificate shown. */
  PoolKeyProbe(int connectTimeoutMs, int handshakeTimeoutMs) {
    this.keyStore = null;
    this.keyStorePassword = null;
    this.keyPassword = null;
    this.trustStore = null;
    this.trustStorePassword = null;
    this.protocol = null;
    this.algorithms = List.of();
    this.connectTimeoutMs = connectTimeoutMs;
    this.handshakeTimeoutMs = handshakeTimeoutMs;
    this.verdictWaitMs = 0;
  }

  /**
   * The probe of a node whose remoting {@code config} (the resolved one, as {@link
   * Credentials#remoting} completes it) is TLS; none for plain tcp, where there is no key.
   */
  public static Optional<PoolKeyProbe> of(Config config) {
    if (!config.getString(Credentials.TRANSPORT).equals("tls-tcp")) {
      return Optional.empty();
    }
    return Optional.of(new PoolKeyProbe(config, 2_000, 5_000, 1_000));
  }

  /**
   * The probe of a plain tcp (--insecure) node: whether a peer speaks TLS ({@link
   * Verdict#SPEAKS_TLS}), or closes on a TLS hello as a plain node does ({@link
   * Verdict#CLOSED_ON_HELLO}). It has no key, and trusts no certificate: it only looks at it.
   */
  public static PoolKeyProbe plainTcp() {
    return new PoolKeyProbe(2_000, 5_000);
  }

  /** Whether this probe shows the peer a pool key (a TLS node's), or is a plain node's. */
  public boolean tls() {
    return keyStore != null;
  }

  /** The key store this node shows its peers: its pool key (null in a plain probe). */
  public Path keyStore() {
    return keyStore;
  }

  /** The trust store it checks its peers' certificates against (usually the key store; null in a plain probe). */
  public Path trustStore() {
    return trustStore;
  }

  /**
   * Does a TLS handshake with {@code host:port} and closes the connection. Blocks up to the
   * connect timeout (2 s), the handshake's (5 s) and the wait for the peer's verdict on this
   * node's certificate (1 s): call it off actors. Thread-safe.
   */
  public Result probe(String host, int port) {
    ShownCertificate shown = new ShownCertificate();
    SSLContext ctx;
    try {
      ctx = tls() ? context() : plainContext(shown);
    } catch (GeneralSecurityException | IOException e) {
      return new Result(Verdict.NO_VERDICT, "cannot read the key store " + keyStore + ": " + e);
    }
    try (CountingSocket tcp = new CountingSocket()) {
      tcp.connect(new InetSocketAddress(host, port), connectTimeoutMs);
      tcp.setSoTimeout(handshakeTimeoutMs);
      try (SSLSocket socket = (SSLSocket) ctx.getSocketFactory().createSocket(tcp, host, port, true)) {
        return handshake(socket, shown);
      } catch (IOException | IllegalArgumentException e) {
        return failed(e, tcp.received(), tcp.first(), shown);
      }
    } catch (IOException e) {
      // refused, unreachable, silent
      return new Result(Verdict.NO_VERDICT, e.toString());
    }
  }

  private Result handshake(SSLSocket socket, ShownCertificate shown) throws IOException {
    if (tls()) {
      socket.setEnabledProtocols(new String[] {protocol});
      socket.setEnabledCipherSuites(algorithms.toArray(String[]::new));
    }
    socket.startHandshake();
    if (!tls()) { // a peer with a certificate that trusts none, as a plain probe does
      return new Result(Verdict.SPEAKS_TLS, "it answered a TLS hello with a TLS certificate, "
          + shown.subject);
    }
    // TLS 1.3: the server checks the client's certificate after the client's last handshake
    // message, and says what it thinks of it with an alert: read for it a moment
    socket.setSoTimeout(verdictWaitMs);
    try {
      int read = socket.getInputStream().read();
      return read < 0
          ? new Result(Verdict.NO_VERDICT, "it closed the connection after the handshake")
          : new Result(Verdict.ACCEPTED, "the handshake completed and it sent data");
    } catch (SocketTimeoutException quiet) {
      return new Result(Verdict.ACCEPTED, "the handshake completed");
    }
  }

  /** What a failed handshake says, after the peer sent {@code received} bytes. */
  private static Result failed(Exception e, long received, String first, ShownCertificate shown) {
    if (first.startsWith("HTTP/")) { // '--master HOST:8070': the API's port, not the cluster's
      return new Result(Verdict.SPEAKS_HTTP, "it answered the TLS hello in HTTP: a web server");
    }
    if (shown.subject != null) { // a plain probe ends the handshake at the certificate
      return new Result(Verdict.SPEAKS_TLS, "it answered a TLS hello with a TLS certificate, "
          + shown.subject);
    }
    if (received == 0 && closedByPeer(e)) {
      return new Result(Verdict.CLOSED_ON_HELLO, "it "
          + (String.valueOf(rootMessage(e)).contains("reset") ? "reset" : "closed")
          + " the connection on the TLS hello without a byte in answer, as a plain tcp node does");
    }
    if (e instanceof SSLException ssl) {
      return classify(ssl);
    }
    // silent (the handshake's timeout), reset after an answer, or settings this JVM's TLS lacks
    return new Result(Verdict.NO_VERDICT, e.toString());
  }

  /** A reset, a broken pipe or an end of stream: the peer let the connection go. */
  static boolean closedByPeer(Throwable e) {
    for (Throwable t = e; t != null && t.getCause() != t; t = t.getCause()) {
      if (t instanceof SocketTimeoutException) {
        return false;
      }
      if (t instanceof EOFException || t instanceof SocketException
          || String.valueOf(t.getMessage()).contains("Remote host terminated the handshake")) {
        return true;
      }
    }
    return false;
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getMessage();
  }

  /** A failure about a certificate is a verdict on the key; any other failure is none. */
  static Result classify(SSLException e) {
    Throwable untrusted = null; // the innermost says it best: "signature check failed"
    for (Throwable t = e; t != null && t.getCause() != t; t = t.getCause()) {
      if (t instanceof CertificateException || t instanceof CertPathValidatorException) {
        untrusted = t;
      }
      Matcher alert = CERTIFICATE_ALERT.matcher(String.valueOf(t.getMessage()));
      if (untrusted == null && alert.find()) {
        return new Result(Verdict.KEY_REJECTED, "it does not trust this key's certificate"
            + " (its TLS alert: " + alert.group(1) + ")");
      }
    }
    if (untrusted != null) {
      return new Result(Verdict.KEY_REJECTED, "its certificate is not one this key trusts: "
          + String.valueOf(untrusted.getMessage()).replaceAll(EXCEPTION_NAME, ""));
    }
    return new Result(Verdict.NO_VERDICT, e.toString());
  }

  private synchronized SSLContext context() throws GeneralSecurityException, IOException {
    if (context == null) {
      KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      keys.init(load(keyStore, keyStorePassword), keyPassword);
      TrustManagerFactory trust =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trust.init(load(trustStore, trustStorePassword));
      SSLContext c = SSLContext.getInstance(protocol);
      c.init(keys.getKeyManagers(), trust.getTrustManagers(), null);
      context = c;
    }
    return context;
  }

  /** A context of no key, whose trust manager notes the certificate shown and trusts none. */
  private static SSLContext plainContext(ShownCertificate shown) throws GeneralSecurityException {
    SSLContext c = SSLContext.getInstance("TLS");
    c.init(null, new TrustManager[] {shown}, null);
    return c;
  }

  /** Sees a TLS server's certificate, and ends the handshake there. */
  private static final class ShownCertificate implements X509TrustManager {
    volatile String subject;

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType)
        throws CertificateException {
      subject = chain.length == 0 ? "with no subject"
          : chain[0].getSubjectX500Principal().getName();
      throw new CertificateException("a plain tcp node's probe trusts no certificate");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType)
        throws CertificateException {
      throw new CertificateException("a probe is no server");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }

  private static KeyStore load(Path file, char[] password)
      throws GeneralSecurityException, IOException {
    KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
    try (InputStream in = Files.newInputStream(file)) {
      store.load(in, password);
    }
    return store;
  }
}
