package swamp.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.pekko.actor.AddressFromURIString;
import org.junit.jupiter.api.Test;
import swamp.node.PoolKeyProbe;

class MasterKeyCheckTest {

  static final String SSL = "pekko.remote.artery.ssl.config-ssl-engine.";

  static Config tls(String keyStore, String trustStore, List<String> seeds) {
    return ConfigFactory.parseMap(Map.of(
            "pekko.remote.artery.transport", "tls-tcp",
            SSL + "key-store", keyStore,
            SSL + "trust-store", trustStore,
            SSL + "key-store-password", "p", SSL + "key-password", "p",
            SSL + "trust-store-password", "p"))
        .withValue("pekko.cluster.seed-nodes", ConfigValueFactory.fromIterable(seeds))
        .withFallback(ConfigFactory.load("application-test"));
  }

  @Test
  void onlyATlsWorkerWithAMasterChecksItsKey() {
    List<String> seeds = List.of("pekko://swamp@127.0.0.1:17355");
    assertTrue(MasterKeyCheck.of(tls("/k/pool.p12", "/k/pool.p12", seeds)).isPresent());
    assertTrue(MasterKeyCheck.of(tls("/k/pool.p12", "/k/pool.p12", List.of())).isEmpty());
    Config tcp = tls("/k/pool.p12", "/k/pool.p12", seeds)
        .withValue("pekko.remote.artery.transport", ConfigValueFactory.fromAnyRef("tcp"));
    assertTrue(MasterKeyCheck.of(tcp).isEmpty(), "no key to check over plain tcp (--insecure)");
  }

  @Test
  void noVerdictIsNoRejection() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    // nothing listens there, and the key store cannot be read: neither says the key is wrong
    // (PoolKeyProbeTest probes real servers)
    Optional<WorkerActor.KeyCheck> check = MasterKeyCheck.of(
        tls("/no/such/pool.p12", "/no/such/pool.p12", List.of("pekko://swamp@127.0.0.1:" + port)));
    assertEquals(Optional.empty(), check.get().rejected());
  }

  @Test
  void theReasonNamesTheKeyTheMasterAndWhatToDo() {
    String seed = "pekko://swamp@10.1.2.3:17355";
    MasterKeyCheck check = new MasterKeyCheck(PoolKeyProbe.of(tls("/site/keys/pool.p12",
        "/site/keys/pool.p12", List.of(seed))).orElseThrow(), List.of(AddressFromURIString.parse(seed)));
    String reason = check.message("10.1.2.3:17355", "its certificate is not one this key trusts");
    assertTrue(reason.contains("the master at 10.1.2.3:17355"), reason);
    assertTrue(reason.contains("pool key /site/keys/pool.p12:"), reason);
    assertTrue(reason.contains("the pool key does not match the master's"), reason);
    assertTrue(reason.contains("SWAMP_TLS_PASSWORD"), reason);
    assertTrue(reason.contains("retrying cannot fix this"), reason);
  }
}
