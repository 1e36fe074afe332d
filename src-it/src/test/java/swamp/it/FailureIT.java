package swamp.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** What only real processes show: a worker killed with -9 mid-job, a master stopped with SIGTERM. */
@ExtendWith(PoolExtension.class)
class FailureIT {

  @Test
  void aJobWhoseWorkerIsKilledRunsAgainOnAnother(Pool pool) {
    Master master = pool.startMaster("--local-exec", "never");
    Node w1 = pool.worker(master, "w1", "--slots", "1");
    Node w2 = pool.worker(master, "w2", "--slots", "1");
    master.awaitHealthy(Pool.STARTUP);
    master.awaitWorkers(Pool.STARTUP, List.of(w1, w2), "w1", "w2");

    String id = master.submit(Map.of("argv", List.of("sleep", "3")));
    String first = Await.value("job " + id + " to start", Duration.ofSeconds(30), () -> {
      JsonNode j = master.job(id);
      return j.path("state").asText().equals("RUNNING") ? j.path("worker").asText() : null;
    });
    Node victim = first.equals("w1") ? w1 : w2;
    victim.killHard();
    assertNotEquals(0, victim.awaitExit(Duration.ofSeconds(10)));

    JsonNode job = master.awaitFinished(id, Duration.ofSeconds(90));
    assertEquals("SUCCEEDED", job.path("state").asText(), job.toString());
    assertNotEquals(first, job.path("worker").asText(), "it ran again on the other worker: " + job);
    assertTrue(job.path("attempts").asInt() >= 2, "a second attempt: " + job);
  }

  @Test
  void aMasterStoppedWithSigtermDismissesItsWorkersAndEveryoneExits0(Pool pool) {
    Master master = pool.startMaster("--local-exec", "never");
    Node w1 = pool.worker(master, "w1", "--slots", "1");
    master.awaitHealthy(Pool.STARTUP);
    master.awaitWorkers(Pool.STARTUP, List.of(w1), "w1");

    master.terminate();
    assertEquals(0, w1.awaitExit(Duration.ofSeconds(60)), "the worker's exit code\n" + w1.tail(20));
    assertEquals(0, master.awaitExit(Duration.ofSeconds(60)), "the master's exit code\n" + master.tail(20));
  }
}
