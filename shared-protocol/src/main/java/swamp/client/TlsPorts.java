package swamp.client;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509TrustManager;

/**
 * What answers TLS at a port a client was sent to, for its errors: a master's HTTPS API ({@code
 * --https}) completes a handshake; a swamp node's cluster port (Artery over mutual TLS) asks the
 * client for a certificate, which only the pool's nodes have. Nothing is sent over the
 * connection, and no certificate is checked: this only tells the ports apart.
 */
final class TlsPorts {
  private TlsPorts() {}

  enum Answer {
    /** Refused, silent, or no TLS: a plain http server. */
    NO_TLS,
    /** A TLS server that asks no client certificate: an HTTPS API. */
    TLS,
    /** A TLS server that asks the client for its certificate: a pool node's cluster port. */
    CLUSTER
  }

  static Answer probe(String host, int port, Duration timeout) {
    AtomicBoolean askedForCertificate = new AtomicBoolean();
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(host, port), (int) timeout.toMillis());
      socket.setSoTimeout((int) timeout.toMillis());
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(new KeyManager[] {noCertificate(askedForCertificate)},
          new TrustManager[] {ANY_SERVER}, null);
      try (SSLSocket s = (SSLSocket) context.getSocketFactory().createSocket(socket, host, port, false)) {
        s.startHandshake();
      }
      return askedForCertificate.get() ? Answer.CLUSTER : Answer.TLS;
    } catch (IOException | GeneralSecurityException e) {
      // a server that asked for a certificate fails the handshake without one
      return askedForCertificate.get() ? Answer.CLUSTER : Answer.NO_TLS;
    }
  }

  /** A client key manager that has no certificate, and notes when the server asks for one. */
  private static X509ExtendedKeyManager noCertificate(AtomicBoolean asked) {
    return new X509ExtendedKeyManager() {
      @Override
      public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
        asked.set(true);
        return null;
      }

      @Override
      public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
        asked.set(true);
        return null;
      }

      @Override
      public String[] getClientAliases(String keyType, Principal[] issuers) {
        return null;
      }

      @Override
      public String[] getServerAliases(String keyType, Principal[] issuers) {
        return null;
      }

      @Override
      public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        return null;
      }

      @Override
      public X509Certificate[] getCertificateChain(String alias) {
        return null;
      }

      @Override
      public PrivateKey getPrivateKey(String alias) {
        return null;
      }
    };
  }

  /** Takes any server's certificate: the probe sends nothing and only asks what answers. */
  private static final X509TrustManager ANY_SERVER = new X509TrustManager() {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  };
}
