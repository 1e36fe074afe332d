package swamp.node;

import com.typesafe.config.Config;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

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
 * TLS 1.3 comes after the handshake); a refused or silent port, a timeout, a peer that closes the
 * connection (a plain tcp node, a master stopping) give {@link Verdict#NO_VERDICT}.
 *
 * <p>A master's Artery logs nothing, at its INFO level, for a connection whose handshake fails, nor
 * for one that completes its handshake and closes without a word.
 */
public final class PoolKeyProbe {

  /** What a probe found. */
  public enum Verdict {
    /** The handshake completed and the peer did not object to this node's certificate. */
    ACCEPTED,
    /** The handshake failed on a certificate: the peer's pool key is not this node's. */
    KEY_REJECTED,
    /** Nothing to say about the key: no connection, no answer in time, or not a TLS peer. */
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

  /** The key store this node shows its peers: its pool key. */
  public Path keyStore() {
    return keyStore;
  }

  /** The trust store it checks its peers' certificates against (usually the key store). */
  public Path trustStore() {
    return trustStore;
  }

  /**
   * Does a TLS handshake with {@code host:port} and closes the connection. Blocks up to the
   * connect timeout (2 s), the handshake's (5 s) and the wait for the peer's verdict on this
   * node's certificate (1 s): call it off actors. Thread-safe.
   */
  public Result probe(String host, int port) {
    SSLContext ctx;
    try {
      ctx = context();
    } catch (GeneralSecurityException | IOException e) {
      return new Result(Verdict.NO_VERDICT, "cannot read the key store " + keyStore + ": " + e);
    }
    try (SSLSocket socket = (SSLSocket) ctx.getSocketFactory().createSocket()) {
      socket.connect(new InetSocketAddress(host, port), connectTimeoutMs);
      socket.setSoTimeout(handshakeTimeoutMs);
      socket.setEnabledProtocols(new String[] {protocol});
      socket.setEnabledCipherSuites(algorithms.toArray(String[]::new));
      socket.startHandshake();
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
    } catch (SSLException e) {
      return classify(e);
    } catch (IOException | IllegalArgumentException e) {
      // refused, unreachable, silent, closed; or settings this JVM's TLS does not have
      return new Result(Verdict.NO_VERDICT, e.toString());
    }
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

  private static KeyStore load(Path file, char[] password)
      throws GeneralSecurityException, IOException {
    KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
    try (InputStream in = Files.newInputStream(file)) {
      store.load(in, password);
    }
    return store;
  }
}
