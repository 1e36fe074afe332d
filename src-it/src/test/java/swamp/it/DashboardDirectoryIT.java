package swamp.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Issue 12: the dashboard's worker directory follows the pushed feed. A master with two sources of
 * the {@code local} launcher (workers are its child processes): {@code good}, whose spawn
 * registers and runs a job, and {@code lost}, whose spawns are told an address where no master
 * listens and fail. An open page shows each spawn pending, the failure and the registration as
 * they happen, without a reload and without polling the master for them.
 */
@ExtendWith(PoolExtension.class)
class DashboardDirectoryIT {

  static final Duration PAGE = Duration.ofSeconds(60);

  @Test
  void spawnsTheirFailuresAndTheirRegistrationsShowWithoutAReload(Pool pool) throws IOException {
    Master master = startMaster(pool);
    try (Browser browser = new Browser()) {
      browser.open(master.url() + "/?token=" + pool.apiTokenFile().orElseThrow());
      browser.await("the two sources on the page", PAGE,
          d -> browser.all("#sources tr[data-source]").size() == 2);
      browser.script("window.notReloaded = 46");

      // a spawn of lost: pending on the page, then failed (the master is not where it is told)
      String stuck = master.submit(Map.of("argv", List.of("true"), "requires", List.of("lost")));
      browser.await("a pending spawn of lost", PAGE,
          d -> !browser.all("#workers tr[data-worker^='lost-']").isEmpty()
              && "1".equals(cell(browser, "lost", 4)));
      browser.await("the spawn of lost to fail", PAGE, d -> !"0".equals(cell(browser, "lost", 6))
          && cell(browser, "lost", 8).contains("lost-"));
      browser.screenshot("dashboard-directory-failed");

      // a spawn of good: pending, then registered as good's, and it runs the job
      String job = master.submit(Map.of("argv", List.of("echo", "on a spawned worker"),
          "requires", List.of("good")));
      browser.await("a spawn of good, pending or registered", PAGE,
          d -> !browser.all("#workers tr[data-worker^='good-']").isEmpty());
      browser.await("good's worker registered, its source named, the job done", Duration.ofSeconds(120),
          d -> "1".equals(cell(browser, "good", 3))
              && "good".equals(browser.text("#workers tr[data-worker^='good-'] td:nth-child(3)"))
              && "registered".equals(browser.text("#workers tr[data-worker^='good-'] .state"))
              && "SUCCEEDED".equals(browser.text("#jobs tr[data-job=" + job + "] .state-cell")));
      // what only the directory knows stays after the feed pushed the workers again (the job's
      // start and end): the walltime left, from the spawn's time
      assertTrue(browser.text("#workers tr[data-worker^='good-'] td:nth-child(7)").matches("1[12][0-9] min"),
          browser.text("#workers tr[data-worker^='good-'] td:nth-child(7)"));
      assertEquals(46L, browser.script("return window.notReloaded"), "the page was not reloaded");
      browser.screenshot("dashboard-directory");

      // pushed, not polled: the page read the directory once at the start and once for each
      // change of the registered workers (good's joined), not every second
      long reads = (Long) browser.script("return performance.getEntriesByType('resource')"
          + ".filter(e => e.name.includes('/api/sources')).length");
      assertTrue(reads <= 3, reads + " reads of /api/sources");
      GridScalingTests.cancel(master, stuck);
    }
  }

  /** The text of column {@code n} (from 1) of source {@code name}'s row. */
  private static String cell(Browser browser, String name, int n) {
    String text = browser.text("#sources tr[data-source=" + name + "] td:nth-child(" + n + ")");
    return text == null ? "" : text;
  }

  private static Master startMaster(Pool pool) {
    return pool.startSiteMaster(
        "swamp.master.scaling {",
        "  interval = 250ms",
        "  status-interval = 1s",
        "  spawn-dir = \"" + pool.logDir().resolve("spawn") + "\"",
        "  spawn-cooldown = 500ms",
        "  idle-timeout = 5m",
        "  registration-timeout = 2m",
        "  failure-backoff = 5s",
        "  worker-java-options = [\"-Xmx192m\", \"-XX:+UseSerialGC\", \"-XX:TieredStopAtLevel=1\"]",
        "}",
        "swamp.master.directory = [",
        "{ name = good, launcher = local, max-workers = 1, max-pending = 1, slots = 1,"
            + " capabilities = [good], walltime = 2h }",
        "{ name = lost, launcher = local, max-workers = 1, max-pending = 1, capabilities = [lost],"
            + " master-address = \"127.0.0.1:" + Pool.freePort() + "\","
            + " registration-timeout = 3s }",
        "]");
  }
}
