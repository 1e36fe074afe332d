package swamp.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import swamp.it.Master.Response;

/**
 * Issue 14, item 2 (the API's half): the API is closed by default. A master makes a random token
 * in ~/.swamp/api-token on its first start; a request without it gets 401, and {@code bin/swamp}
 * works with nothing set because it reads that file. {@code --insecure} opens the API on
 * loopback only; beyond loopback without a token the master does not start.
 */
@ExtendWith(PoolExtension.class)
class ClosedApiIT {

  static final Duration CLI = Duration.ofSeconds(60);

  @Test
  void aRequestWithoutTheTokenGets401AndTheCliReadsTheTokenFile(Pool pool) throws Exception {
    Master master = pool.master(); // no SWAMP_API_TOKEN anywhere
    Path file = pool.userHome().resolve(".swamp/api-token");
    assertTrue(Files.isRegularFile(file), "the master made " + file);
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    String token = Files.readString(file).strip();
    assertTrue(token.length() >= 32, "a random token of some length: " + token.length());

    for (String[] call : new String[][] {{"GET", "/api/health"}, {"GET", "/api/jobs"},
        {"GET", "/api/workers"}, {"POST", "/api/jobs"}, {"DELETE", "/api/jobs/j1"},
        {"POST", "/api/workers/dismiss"}}) {
      Response r = master.request(call[0], call[1], Map.of(), call[0].equals("POST")
          ? "{\"argv\": [\"echo\", \"sneaked in\"]}" : null);
      assertEquals(401, r.status(), call[0] + " " + call[1] + " without the token: " + r);
    }
    Response wrong = master.request("GET", "/api/health",
        Map.of("Authorization", "Bearer " + token + "x"), null);
    assertEquals(401, wrong.status(), wrong.toString());
    Response basic = master.request("GET", "/api/health", Map.of("Authorization", "Basic " + token), null);
    assertEquals(401, basic.status(), basic.toString());
    assertTrue(basic.text().contains("'Bearer TOKEN', not 'Basic ...'"), "the scheme is named as the problem: " + basic);
    Response lower = master.request("GET", "/api/health",
        Map.of("Authorization", "bearer " + token), null);
    assertEquals(200, lower.status(), "the scheme is case-insensitive: " + lower);
    assertEquals(0, master.health().path("queued").asInt(), "nothing got in");

    // the CLI with no SWAMP_API_TOKEN: it reads ~/.swamp/api-token (the test's HOME)
    Node submit = pool.swamp(master, pool.logDir(), "submit", "--wait", "--", "echo", "hello");
    assertEquals(0, submit.awaitExit(CLI), "bin/swamp submit with the token file\n" + submit.tail(20));
    assertTrue(submit.output().contains("hello"), submit.tail(20));
    // and a local-exec job sees no token in its environment
    Node env = pool.swamp(master, pool.logDir(), "submit", "--wait", "--", "cat", "/proc/self/environ");
    assertEquals(0, env.awaitExit(CLI), env.tail(20));
    assertFalse(env.output().contains(token), "a job saw the API token");
  }

  @Test
  void insecureOpensTheApiOnLoopbackOnlyAndBeyondItWithoutATokenTheMasterExits2(Pool pool) {
    Master open = pool.startMaster("--insecure");
    Node refused = pool.swamp(null, pool.logDir(), Map.of("SWAMP_SECRET", pool.secret()),
        "master", "--insecure", "--http-host", "0.0.0.0",
        "--port", String.valueOf(Pool.freePort()), "--http-port", String.valueOf(Pool.freePort()),
        "--journal", pool.logDir().resolve("refused-journal").toString());

    assertEquals(2, refused.awaitExit(Pool.STARTUP), "a master beyond loopback without a token\n"
        + refused.tail(20));
    assertTrue(refused.errors().contains("0.0.0.0") && refused.errors().contains("SWAMP_API_TOKEN"),
        "it says why and what to do:\n" + refused.tail(20));

    open.awaitHealthy(Pool.STARTUP);
    Response r = open.request("GET", "/api/health", Map.of(), null);
    assertEquals(200, r.status(), "an --insecure master on loopback takes no token: " + r);
    assertTrue(open.log().contains("without a token"), "and says so\n" + open.tail(20));
    Response page = open.getHere("/?token=anything"); // the redirect itself, not followed
    assertEquals(303, page.status(), "the dashboard's address with a token goes on to the page: " + page);
    assertFalse(Files.exists(pool.userHome().resolve(".swamp/api-token")),
        "an --insecure master makes no token");
  }
}
