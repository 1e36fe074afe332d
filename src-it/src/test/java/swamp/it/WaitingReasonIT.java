package swamp.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Item 12: a job that requires a label no worker offers, or more slots than any has (and no
 * worker source could spawn one), says so in its "reason" while it waits, until a worker that offers it comes; submit --wait tells
 * the user once on stderr and keeps waiting, and --wait-timeout gives up (exit 124).
 */
@ExtendWith(PoolExtension.class)
class WaitingReasonIT {

  @Test
  void aJobNoWorkerCanTakeSaysWhyUntilOneComes(Pool pool) {
    Master master = pool.master("--local-exec", "never");
    Node plain = pool.worker(master, "plain", "--slots", "1");
    master.awaitWorkers(Pool.STARTUP, List.of(plain), "plain");

    String id = master.submit(Map.of("argv", List.of("echo", "on a gpu"), "requires", List.of("gpu")));
    JsonNode waiting = master.job(id);
    assertEquals("QUEUED", waiting.path("state").asText(), waiting.toString());
    assertTrue(waiting.path("reason").asText().startsWith("no registered worker offers label gpu"),
        waiting.toString());

    Node cli = pool.swamp(master, pool.logDir(), "submit", "--wait", "--wait-timeout", "4",
        "--requires", "gpu", "--", "echo", "from the cli");
    assertEquals(124, cli.awaitExit(Duration.ofSeconds(90)), cli.tail(20));
    String err = cli.errors();
    assertEquals(1, err.split("no registered worker offers label gpu", -1).length - 1,
        "the reason is told once:\n" + err);
    assertTrue(err.contains("gave up waiting"), err);

    Node gpu = pool.worker(master, "gpu", "--slots", "1", "--capability", "gpu");
    master.awaitWorkers(Pool.STARTUP, List.of(plain, gpu), "gpu", "plain");
    JsonNode done = master.awaitFinished(id, Duration.ofSeconds(30));
    assertEquals("SUCCEEDED", done.path("state").asText(), done.toString());
    assertEquals("gpu", done.path("worker").asText(), done.toString());

    // more slots than any worker has: it says so, rather than wait with no reason
    String wide = master.submit(Map.of("argv", List.of("echo", "wide"), "slots", 4));
    JsonNode queued = master.job(wide);
    assertEquals("QUEUED", queued.path("state").asText(), queued.toString());
    assertTrue(queued.path("reason").asText().startsWith("it needs 4 slots, and no registered worker has that many"
        + " (the most: 1)"), queued.toString());
    Node big = pool.worker(master, "big", "--slots", "4");
    master.awaitWorkers(Pool.STARTUP, List.of(plain, gpu, big), "big", "gpu", "plain");
    JsonNode ran = master.awaitFinished(wide, Duration.ofSeconds(30));
    assertEquals("big", ran.path("worker").asText(), ran.toString());
  }
  /**
   * A job that only a failing source could start a worker for (its submit command exits 1, as
   * sbatch does for a partition that does not exist) says so in its reason, and submit --wait
   * tells the user, rather than wait in silence while the master's log fills with warnings.
   */
  @Test
  void aJobOnlyAFailingSourceCouldServeSaysThatSourceFails(Pool pool) {
    Master master = pool.startSiteMaster(
        "swamp.master.scaling {",
        "  interval = 250ms",
        "  spawn-dir = \"" + pool.logDir().resolve("spawn") + "\"",
        "  failure-backoff = 1m",
        "}",
        "swamp.master.directory = [",
        "{ name = cluster, launcher = command, max-workers = 1, capabilities = [gpu],"
            + " submit = [sh, -c, \"echo 'sbatch: error: invalid partition specified: gpu' >&2;"
            + " exit 1\"] }",
        "]");
    String id = master.submit(Map.of("argv", List.of("echo", "on a gpu"), "requires", List.of("gpu")));
    String reason = Await.value("the job's reason", Duration.ofSeconds(30), () -> {
      JsonNode job = master.job(id);
      assertEquals("QUEUED", job.path("state").asText(), job.toString());
      return job.path("reason").isTextual() ? job.path("reason").asText() : null;
    });
    assertTrue(reason.startsWith("no registered worker can take it, and the worker directory's"
        + " source cluster fails to start one: 1 spawn(s) in a row failed, the last: spawn cluster-"),
        reason);
    assertTrue(reason.endsWith("could not be submitted: sh exited 1: sbatch: error: invalid partition"
        + " specified: gpu"), reason);

    Node cli = pool.swamp(master, pool.logDir(), "submit", "--wait", "--wait-timeout", "4",
        "--requires", "gpu", "--", "echo", "from the cli");
    assertEquals(124, cli.awaitExit(Duration.ofSeconds(90)), cli.tail(20));
    assertTrue(cli.errors().contains("is waiting: no registered worker can take it, and the worker"
        + " directory's source cluster fails to start one"), cli.errors());
  }
}
