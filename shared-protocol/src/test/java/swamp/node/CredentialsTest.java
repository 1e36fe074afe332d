package swamp.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node named a key store it cannot open stops at its start with a message that says why, not
 * after it has started and every TLS handshake fails.
 */
class CredentialsTest {

  @TempDir
  Path dir;

  private static Config tls(Path store, String password) {
    return ConfigFactory.parseMap(Map.of(Credentials.TRANSPORT, "tls-tcp",
            Credentials.SSL + "key-store", store.toString(), Credentials.SSL + "key-store-password", password,
            Credentials.SSL + "trust-store", "", Credentials.SSL + "trust-store-password", ""));
  }

  @Test
  void aKeyStoreThatDoesNotOpenIsNamedAtTheStart() throws Exception {
    Path store = dir.resolve("pool.p12");
    try (OutputStream out = Files.newOutputStream(store)) {
      SelfSigned.write(out, "swamp", "CN=swamp-pool", "right".toCharArray(), true);
    }
    Map<String, Object> ok = Credentials.remoting(tls(store, "right"), false, true);
    assertEquals(store.toString(), ok.get(Credentials.SSL + "trust-store"));

    IllegalArgumentException wrong = assertThrows(IllegalArgumentException.class,
        () -> Credentials.remoting(tls(store, "wrong"), false, false));
    assertTrue(wrong.getMessage().contains(store + " (SWAMP_TLS_KEY_STORE")
        && wrong.getMessage().contains("does not open with its password (SWAMP_TLS_PASSWORD): it is wrong"),
        wrong.getMessage());

    Path missing = dir.resolve("missing.p12");
    IllegalArgumentException master = assertThrows(IllegalArgumentException.class,
        () -> Credentials.remoting(tls(missing, "right"), false, true));
    assertTrue(master.getMessage().endsWith(missing + " (SWAMP_TLS_KEY_STORE, SWAMP_TLS_TRUST_STORE) does not exist"),
        master.getMessage());
    // a worker does not wait for a copy it was told is there: it stops at once, saying what to do
    IllegalArgumentException worker = assertThrows(IllegalArgumentException.class,
        () -> Credentials.remoting(tls(missing, "right"), false, false));
    assertTrue(worker.getMessage().contains(missing + " (SWAMP_TLS_KEY_STORE, SWAMP_TLS_TRUST_STORE) does"
        + " not exist: copy the master's pool key there"), worker.getMessage());

    Path junk = Files.writeString(dir.resolve("junk.p12"), "not a key store\n");
    IllegalArgumentException notAStore = assertThrows(IllegalArgumentException.class,
        () -> Credentials.remoting(tls(junk, "right"), false, false));
    assertTrue(notAStore.getMessage().contains("is not a key store Java reads"), notAStore.getMessage());
  }

  /** An api-token file emptied (by hand, or a full disk) opened the API of a secure master to anyone. */
  @Test
  void anApiTokenFileThatHoldsNoTokenIsRefused() throws Exception {
    Path file = Files.writeString(dir.resolve("api-token"), " \n");
    java.io.IOException e = assertThrows(java.io.IOException.class, () -> Credentials.readApiToken(file));
    assertEquals(file + " holds no API token, and the API would take requests without one: delete"
        + " the file (the master makes a new token) or write a token in it", e.getMessage());
    assertEquals("t0k3n", Credentials.readApiToken(Files.writeString(file, "t0k3n\n")));
  }
}
