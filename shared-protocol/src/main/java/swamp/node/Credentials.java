package swamp.node;

import com.typesafe.config.Config;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The pool's credentials in {@code ~/.swamp/} ({@code $HOME} honoured), made by the master on its
 * first start, as Jupyter makes its token: the pool key ({@code pool.p12}, a self-signed key pair
 * that serves every node as key store and trust store of Artery's TLS with mutual
 * authentication; see {@link SelfSigned}), its password ({@code pool.password}) and the API
 * token ({@code api-token}).
 * Files 0600, the directory 0700 when swamp makes it. Workers on a shared home find the key there;
 * others are pointed at a copy with {@code SWAMP_TLS_KEY_STORE} and {@code SWAMP_TLS_PASSWORD}.
 */
public final class Credentials {
  /** The environment variables that hold the pool's secrets; no job process inherits them. */
  public static final java.util.Set<String> SECRET_VARIABLES =
      java.util.Set.of("SWAMP_SECRET", "SWAMP_API_TOKEN", "SWAMP_TLS_PASSWORD",
          "SWAMP_JOURNAL_USER", "SWAMP_JOURNAL_PASSWORD");

  private Credentials() {}

  static final String SSL = "pekko.remote.artery.ssl.config-ssl-engine.";
  static final String TRANSPORT = "pekko.remote.artery.transport";

  /** {@code ~/.swamp}: {@code $HOME/.swamp} when HOME is set, else the JVM's user.home. */
  public static Path dir() {
    String home = System.getenv("HOME");
    return Path.of(home != null && !home.isBlank() ? home : System.getProperty("user.home"), ".swamp");
  }

  public static Path poolKey() {
    return dir().resolve("pool.p12");
  }

  public static Path poolKeyPassword() {
    return dir().resolve("pool.password");
  }

  public static Path apiTokenFile() {
    return dir().resolve("api-token");
  }

  // ---- the transport ----

  /**
   * The remoting settings a node runs with: plain tcp when {@code insecure}; otherwise TLS with
   * the key store the configuration names ({@code SWAMP_TLS_*}), which must exist, or else the pool
   * key, which {@code create} makes when it is missing (the master). A worker waits for a missing
   * pool key.
   *
   * @throws IllegalArgumentException when the configuration asks for an unauthenticated
   *     transport without {@code insecure}, or the pool key cannot be read or made
   */
  public static Map<String, Object> remoting(Config config, boolean insecure, boolean create)
      throws IOException {
    Map<String, Object> o = new HashMap<>();
    if (insecure) {
      o.put(TRANSPORT, "tcp");
      return o;
    }
    String transport = config.getString(TRANSPORT);
    com.typesafe.config.ConfigOrigin origin = config.getValue(TRANSPORT).origin();
    if (!transport.equals("tls-tcp") && origin.resource() != null && origin.resource().endsWith("reference.conf")) {
      // a site file that does not start from swamp's settings gets Pekko's own default
      throw new IllegalArgumentException("the configuration does not include swamp's node settings"
          + " (remoting is Pekko's default, plain tcp, from " + origin.description() + "): begin the"
          + " file with include classpath(\"" + (create ? "master.conf" : "worker.conf") + "\")"
          + (create ? "" : " (a worker's site file includes worker.conf; master.conf is the"
              + " master's, and not on a worker's class path)"));
    }
    if (!transport.equals("tls-tcp")) {
      throw new IllegalArgumentException("remoting transport '" + transport + "' lets any node"
          + " that reaches the port join the cluster: use tls-tcp (the default), or pass"
          + " --insecure for plain tcp");
    }
    String keyStore = config.getString(SSL + "key-store");
    String password = config.getString(SSL + "key-store-password");
    if (keyStore.isEmpty()) {
      if (create) {
        ensurePoolKey();
      }
      keyStore = poolKey().toString();
      if (password.isEmpty() && Files.exists(poolKeyPassword())) {
        password = Files.readString(poolKeyPassword(), StandardCharsets.UTF_8).strip();
      }
    } else if (password.isEmpty()) {
      throw new IllegalArgumentException("the key store " + keyStore + " (SWAMP_TLS_KEY_STORE)"
          + " needs its password in SWAMP_TLS_PASSWORD");
    }
    String trustStore = config.getString(SSL + "trust-store");
    String trustPassword = config.getString(SSL + "trust-store-password");
    boolean named = !config.getString(SSL + "key-store").isEmpty();
    // a worker waits for the pool key a master on its home is about to make; one named by
    // SWAMP_TLS_KEY_STORE is a copy someone was to put there, and no wait brings it
    if (create || named || Files.exists(Path.of(keyStore))) {
      readable(keyStore, password, named, !create);
      if (!trustStore.isEmpty()) {
        readable(trustStore, trustPassword.isEmpty() ? password : trustPassword, true, !create);
      }
    }
    o.put(TRANSPORT, "tls-tcp");
    o.put(SSL + "key-store", keyStore);
    o.put(SSL + "key-store-password", password);
    o.put(SSL + "key-password", password);
    o.put(SSL + "trust-store", trustStore.isEmpty() ? keyStore : trustStore);
    o.put(SSL + "trust-store-password", trustPassword.isEmpty() ? password : trustPassword);
    return o;
  }

  /**
   * Checks that {@code store} opens with {@code password}, so that a node does not start and
   * then fail every TLS handshake. {@code named}: named by {@code SWAMP_TLS_*}, not the pool key;
   * {@code worker}: a worker's, which is a copy of the master's.
   */
  private static void readable(String store, String password, boolean named, boolean worker) {
    String which = named ? "the key store " + store + " (SWAMP_TLS_KEY_STORE, SWAMP_TLS_TRUST_STORE)"
        : "the pool key " + store;
    if (!Files.isRegularFile(Path.of(store))) {
      throw new IllegalArgumentException(which + " does not exist" + (named && worker
          ? ": copy the master's pool key there (its pool.p12, and its pool.password into"
              + " SWAMP_TLS_PASSWORD), or name the copy you made" : ""));
    }
    try {
      java.security.KeyStore.getInstance(Path.of(store).toFile(), password.toCharArray());
    } catch (IOException e) {
      boolean wrongPassword = e.getCause() instanceof java.security.UnrecoverableKeyException
          || String.valueOf(e.getMessage()).contains("password");
      throw new IllegalArgumentException(which + (wrongPassword
          ? " does not open with its password (" + (named ? "SWAMP_TLS_PASSWORD" : poolKeyPassword()) + "): it is wrong"
          : " cannot be read: " + e.getMessage()));
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalArgumentException(which + " is not a key store Java reads (PKCS12 or JKS): " + e.getMessage());
    }
  }

  /** The key store a TLS node's configuration names, if it does not exist yet. */
  public static Optional<Path> missingKeyStore(Config config) {
    if (!config.getString(TRANSPORT).equals("tls-tcp")) {
      return Optional.empty();
    }
    Path keyStore = Path.of(config.getString(SSL + "key-store"));
    return Files.isRegularFile(keyStore) ? Optional.empty() : Optional.of(keyStore);
  }

  /**
   * What a worker the master spawns needs to join it: the master's key store and password (in
   * its environment, never its argv); nothing for an insecure master, whose workers get
   * {@code --insecure} instead.
   */
  public static Map<String, String> workerEnvironment(Config config) {
    Map<String, String> env = new HashMap<>();
    if (config.getString(TRANSPORT).equals("tls-tcp")) {
      env.put("SWAMP_TLS_KEY_STORE", config.getString(SSL + "key-store"));
      env.put("SWAMP_TLS_TRUST_STORE", config.getString(SSL + "trust-store"));
      env.put("SWAMP_TLS_PASSWORD", config.getString(SSL + "key-store-password"));
    }
    return env;
  }

  /** Makes the pool key and its password in {@link #dir()} unless they exist. */
  static void ensurePoolKey() throws IOException {
    withLock(() -> {
      if (Files.isRegularFile(poolKey())) {
        return;
      }
      String password = random();
      boolean made = !Files.isRegularFile(poolKeyPassword());
      if (made) {
        writePrivate(poolKeyPassword(), password + "\n");
      } else { // one an administrator chose, perhaps: stretched as the JDK stretches any
        password = Files.readString(poolKeyPassword(), StandardCharsets.UTF_8).strip();
      }
      Path tmp = dir().resolve("pool.p12.new");
      Files.deleteIfExists(tmp);
      Files.createFile(tmp, PosixFilePermissions.asFileAttribute(
          PosixFilePermissions.fromString("rw-------")));
      try (var out = Files.newOutputStream(tmp)) {
        SelfSigned.write(out, "swamp", "CN=swamp-pool", password.toCharArray(), made);
      } catch (java.security.GeneralSecurityException e) {
        throw new IOException("cannot make the pool key: " + e, e);
      }
      Files.move(tmp, poolKey(), StandardCopyOption.ATOMIC_MOVE);
    });
  }

  // ---- the API token ----

  /** The API token from {@link #apiTokenFile()}, made first when it is missing. */
  public static String ensureApiToken() throws IOException {
    withLock(() -> {
      if (!Files.isRegularFile(apiTokenFile())) {
        writePrivate(apiTokenFile(), random() + "\n");
      }
    });
    return readApiToken(apiTokenFile());
  }

  /**
   * The token in {@code file}; one that holds none (emptied, or cut short by a full disk) is
   * refused: the API of a master that is not --insecure would take requests without a token.
   */
  static String readApiToken(Path file) throws IOException {
    String token = Files.readString(file, StandardCharsets.UTF_8).strip();
    if (token.isEmpty()) {
      throw new IOException(file + " holds no API token, and the API would take requests without"
          + " one: delete the file (the master makes a new token) or write a token in it");
    }
    return token;
  }

  // ---- plumbing ----

  private interface IoAction {
    void run() throws IOException;
  }

  /** Runs {@code action} holding {@code ~/.swamp/.lock}: two masters starting at once make one key. */
  private static void withLock(IoAction action) throws IOException {
    Path dir = dir();
    if (!Files.isDirectory(dir)) {
      try {
        Files.createDirectories(dir.getParent());
        Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(
            PosixFilePermissions.fromString("rwx------")));
      } catch (FileAlreadyExistsException e) {
        // made by another process just now
      }
    }
    try (FileChannel ch = FileChannel.open(dir.resolve(".lock"), StandardOpenOption.CREATE,
            StandardOpenOption.WRITE);
        FileLock lock = ch.lock()) {
      action.run();
    }
  }

  /** Writes {@code text} to a new file readable by its owner only, atomically. */
  private static void writePrivate(Path file, String text) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".new");
    Files.deleteIfExists(tmp);
    Files.createFile(tmp, PosixFilePermissions.asFileAttribute(
        PosixFilePermissions.fromString("rw-------")));
    Files.writeString(tmp, text, StandardCharsets.UTF_8);
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
  }

  private static String random() {
    byte[] b = new byte[32];
    new SecureRandom().nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

}
