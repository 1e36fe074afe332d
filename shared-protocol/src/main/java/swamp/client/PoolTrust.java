package swamp.client;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;

/**
 * What the CLI trusts of a master that serves HTTPS ({@code bin/swamp master --https}): the
 * pool's own certificate, from the key store the nodes use ({@code SWAMP_TLS_TRUST_STORE} or
 * {@code SWAMP_TLS_KEY_STORE} with {@code SWAMP_TLS_PASSWORD}, else ~/.swamp/pool.p12), and
 * nothing else.
 */
final class PoolTrust {
  private PoolTrust() {}

  /** ~/.swamp ({@code $HOME} honoured, as the master that wrote it does). */
  private static Path dir() {
    String home = System.getenv("HOME");
    return Path.of(home != null && !home.isBlank() ? home : System.getProperty("user.home"), ".swamp");
  }

  /**
   * Sockets that trust the pool's certificate and nothing else, when there is a pool key store
   * to trust; empty otherwise (the JDK's trusted authorities then, with host names checked).
   */
  static Optional<SSLSocketFactory> sockets() throws IOException {
    String named = System.getenv("SWAMP_TLS_TRUST_STORE");
    boolean any = (named != null && !named.isBlank())
        || (System.getenv("SWAMP_TLS_KEY_STORE") != null && !System.getenv("SWAMP_TLS_KEY_STORE").isBlank())
        || Files.isRegularFile(dir().resolve("pool.p12"));
    return any ? Optional.of(context().getSocketFactory()) : Optional.empty();
  }

  static SSLContext context() throws IOException {
    String named = System.getenv("SWAMP_TLS_TRUST_STORE");
    if (named == null || named.isBlank()) {
      named = System.getenv("SWAMP_TLS_KEY_STORE");
    }
    Path store = named == null || named.isBlank() ? dir().resolve("pool.p12") : Path.of(named);
    String password = System.getenv("SWAMP_TLS_PASSWORD");
    if ((password == null || password.isBlank()) && Files.isRegularFile(dir().resolve("pool.password"))) {
      password = Files.readString(dir().resolve("pool.password"), StandardCharsets.UTF_8).strip();
    }
    if (!Files.isRegularFile(store) || password == null) {
      throw new IOException("an https master is trusted by the pool's key store: " + store
          + " (or SWAMP_TLS_TRUST_STORE with SWAMP_TLS_PASSWORD) is needed");
    }
    try (InputStream in = Files.newInputStream(store)) {
      KeyStore keys = KeyStore.getInstance("PKCS12");
      keys.load(in, password.toCharArray());
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(keys);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, tmf.getTrustManagers(), null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot read the key store " + store + ": " + e.getMessage(), e);
    }
  }
}
