package swamp.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import java.util.Map;
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
