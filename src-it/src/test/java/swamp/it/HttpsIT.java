package swamp.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Issue 12: {@code bin/swamp master --https} serves the API and the dashboard over TLS with the
 * pool's key, and {@code bin/swamp} trusts it by that key; plain HTTP gets no answer there.
 */
@ExtendWith(PoolExtension.class)
class HttpsIT {

  static final Duration CLI = Duration.ofSeconds(60);

  @Test
  void theCliTalksToAnHttpsMasterTrustingThePoolsKey(Pool pool) {
    Master master = pool.startMaster("--https");
    Await.until("the master to serve HTTPS", Pool.STARTUP, () -> {
      assertTrue(master.isAlive(), master.tail(30));
      return master.log().contains("HTTP API on https://");
    });
    Map<String, String> https = Map.of("SWAMP_URL", "https://127.0.0.1:" + master.httpPort());

    Node submit = pool.swamp(null, pool.logDir(), https, "submit", "--wait", "--", "echo", "over https");
    assertEquals(0, submit.awaitExit(CLI), submit.tail(20));
    assertTrue(submit.output().contains("over https"), submit.tail(20));
    Node dashboard = pool.swamp(null, pool.logDir(), https, "dashboard", "--no-open");
    assertEquals(0, dashboard.awaitExit(CLI), dashboard.tail(20));
    assertTrue(dashboard.output().startsWith("https://127.0.0.1:" + master.httpPort() + "/?token="),
        dashboard.output());

    // plain HTTP on that port gets no answer
    org.junit.jupiter.api.Assertions.assertThrows(Master.ApiUnreachable.class,
        () -> master.get("/api/health"));
  }
}
