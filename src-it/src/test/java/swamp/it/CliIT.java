package swamp.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** bin/swamp as a person uses it, against a master found through SWAMP_URL. */
@ExtendWith(PoolExtension.class)
class CliIT {

  static final Duration CLI = Duration.ofSeconds(90);

  @Test
  void submitWaitAndRunAScript(Pool pool) {
    Master master = pool.master("--local-slots", "4");

    // three client commands at once, as three people would
    Node hello = pool.swamp(master, pool.logDir(), "submit", "--wait", "--", "echo", "hello");
    Node fails = pool.swamp(master, pool.logDir(), "submit", "--wait", "--", "false");
    Node script = pool.swamp(master, Pool.home(), "run", "examples/hello.swamp");

    assertEquals(0, hello.awaitExit(CLI), "bin/swamp submit --wait -- echo hello\n" + hello.tail(20));
    assertEquals("hello", hello.output().strip(), "it prints the job's output\n" + hello.tail(20));

    assertEquals(1, fails.awaitExit(CLI), "bin/swamp submit --wait -- false\n" + fails.tail(20));

    // a wait bound without a wait, or a negative one, is a usage error that submits nothing
    Node unbound = pool.swamp(master, pool.logDir(), "submit", "--wait-timeout", "5s", "--", "echo", "x");
    Node negative = pool.swamp(master, pool.logDir(), "submit", "--wait", "--wait-timeout", "-1s", "--", "echo", "x");
    assertEquals(2, unbound.awaitExit(CLI), unbound.tail(20));
    assertTrue(unbound.errors().contains("--wait-timeout bounds --wait"), unbound.tail(20));
    assertEquals(2, negative.awaitExit(CLI), negative.tail(20));
    assertTrue(negative.errors().contains("'-1s' is negative"), negative.tail(20));

    assertEquals(0, script.awaitExit(CLI), "bin/swamp run examples/hello.swamp\n" + script.tail(40));
    String out = script.output();
    assertTrue(out.contains("hello from swamp"), "the script's first line ran:\n" + out);
    assertTrue(out.contains("quoted words stay together: one   argument two three"),
        "quoted words stay together:\n" + out);
    assertTrue(script.errors().contains("7 command(s): 7 succeeded, 0 failed, 0 not run"),
        "the summary, on standard error:\n" + script.errors());
    assertTrue(!out.contains("SUCCEEDED") && out.indexOf("hello from swamp") < out.indexOf("quoted words"),
        "standard output holds what the commands print, in the script's order, as under bash:\n" + out);
  }

  /**
   * A scientist who submitted a wrong batch cancels it in one command, not job by job: the
   * queued ones never run, the running one is killed; a state that has nothing to cancel, or no
   * job named at all, is a usage error that cancels nothing.
   */
  @Test
  void cancelManyJobsInOneCommand(Pool pool) {
    Master master = pool.master("--local-exec", "always", "--local-slots", "1");
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      ids.add(master.submit(Map.of("argv", List.of("sleep", "60"))));
    }
    Await.until("the first job to run", CLI, () -> master.job(ids.get(0)).path("state").asText().equals("RUNNING"));

    Node nothing = pool.swamp(master, pool.logDir(), "cancel");
    Node done = pool.swamp(master, pool.logDir(), "cancel", "--all", "--state", "SUCCEEDED");
    assertEquals(2, nothing.awaitExit(CLI), nothing.tail(20));
    assertTrue(nothing.errors().contains("name the jobs to cancel"), nothing.tail(20));
    assertEquals(2, done.awaitExit(CLI), done.tail(20));
    assertTrue(done.errors().contains("state must be QUEUED or RUNNING"), done.tail(20));
    assertEquals("QUEUED", master.job(ids.get(5)).path("state").asText(), "nothing was cancelled");

    Node queued = pool.swamp(master, pool.logDir(), "cancel", ids.get(4), ids.get(5), "nope");
    assertEquals(1, queued.awaitExit(CLI), "an id the master does not hold: exit 1\n" + queued.tail(20));
    assertTrue(queued.output().contains("2 queued job(s) cancelled"), queued.tail(20));
    assertTrue(queued.errors().contains("no job nope"), queued.tail(20));

    Node all = pool.swamp(master, pool.logDir(), "cancel", "--all");
    assertEquals(0, all.awaitExit(CLI), all.tail(20));
    assertTrue(all.output().contains("3 queued job(s) cancelled, 1 running being killed"), all.tail(20));
    for (String id : ids) {
      JsonNode job = master.awaitFinished(id, CLI);
      assertEquals("CANCELLED", job.path("state").asText(), job.toString());
    }
    assertTrue(master.job(ids.get(0)).hasNonNull("startedAt"), "the first one ran, and was killed");
    assertTrue(!master.job(ids.get(1)).hasNonNull("startedAt"), "the others never started");
  }
}
