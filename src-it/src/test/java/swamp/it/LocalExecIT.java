package swamp.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The master's own execution: on by default with no worker, off with --local-exec never. */
@ExtendWith(PoolExtension.class)
class LocalExecIT {

  @Test
  void masterAloneRunsAJobItself(Pool pool) {
    Master master = pool.master();
    String id = master.submit(Map.of("argv", List.of("echo", "hello from the master")));

    JsonNode job = master.awaitFinished(id, Duration.ofSeconds(30));
    assertEquals("SUCCEEDED", job.path("state").asText(), job.toString());
    assertEquals("master", job.path("worker").asText(), job.toString());
    assertEquals(0, job.path("exitCode").asInt(-1), job.toString());
    assertEquals("hello from the master\n", job.path("stdout").asText(), job.toString());
  }

  /**
   * A job the master runs itself dies with the master (kill -9) instead of running on unseen, and
   * runs again once the master is back on its journal: there are never two copies of it at once.
   */
  @Test
  void aJobTheMasterRunsDiesWithItAndRunsAgainAfterARestart(Pool pool) {
    Master master = pool.master();
    String seconds = String.valueOf(600 + new Random().nextInt(300)); // this test's own sleep
    try {
      diesWithTheMaster(pool, master, seconds);
    } finally {
      copies(seconds).forEach(ProcessHandle::destroyForcibly); // none, unless it failed
    }
  }

  private void diesWithTheMaster(Pool pool, Master master, String seconds) {
    String id = master.submit(Map.of("argv", List.of("sleep", seconds)));
    ProcessHandle first = Await.value("the job's process", Duration.ofSeconds(30),
        () -> copies(seconds).size() == 1 ? copies(seconds).get(0) : null);

    master.killHard();
    Await.until("the job's process " + first.pid() + " to die with the master",
        Duration.ofSeconds(10), () -> !first.isAlive());

    Master again = pool.restartMaster(master);
    JsonNode job = Await.value("the job to run again", Pool.STARTUP, () -> {
      JsonNode j = again.job(id);
      return j.path("state").asText().equals("RUNNING") && j.path("attempts").asInt() == 2
          ? j : null;
    });
    assertEquals("master", job.path("worker").asText(), job.toString());
    List<ProcessHandle> second = Await.value("the job's second process", Duration.ofSeconds(30),
        () -> copies(seconds).isEmpty() ? null : copies(seconds));
    assertEquals(1, second.size(), "one copy of the job runs: " + second);

    again.killHard();
    Await.until("the second process to die with the restarted master", Duration.ofSeconds(10),
        () -> copies(seconds).isEmpty());
  }

  /** Every process of this machine that runs {@code sleep seconds}. */
  private static List<ProcessHandle> copies(String seconds) {
    return ProcessHandle.allProcesses()
        .filter(p -> p.info().command().orElse("").endsWith("/sleep")
            && List.of(seconds).equals(List.of(p.info().arguments().orElse(new String[0]))))
        .toList();
  }

  @Test
  void withLocalExecNeverAJobWaitsForAWorker(Pool pool) {
    Master master = pool.master("--local-exec", "never");
    String id = master.submit(Map.of("argv", List.of("echo", "worth the wait")));

    Await.holds(Duration.ofSeconds(2), () -> {
      JsonNode job = master.job(id);
      assertEquals("QUEUED", job.path("state").asText(), "no worker, so the job waits: " + job);
      assertTrue(job.path("worker").isNull(), job.toString());
    });
    JsonNode health = master.health();
    assertEquals(0, health.path("workers").asInt(), health.toString());
    assertEquals(1, health.path("queued").asInt(), health.toString());

    Node worker = pool.worker(master, "late-worker", "--slots", "1");
    JsonNode job = master.awaitFinished(id, Pool.STARTUP);
    assertEquals("SUCCEEDED", job.path("state").asText(), job.toString());
    assertEquals("late-worker", job.path("worker").asText(), job.toString());
    assertEquals("worth the wait\n", job.path("stdout").asText(), job.toString());
    assertTrue(worker.isAlive(), "the worker keeps working after its first job");
  }
}
