package swamp.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A master and two workers, as processes: the pool shares the work, and dismissal ends it. Both
 * tests are on the same pool, started once: the jobs first, the dismissal last.
 */
@ExtendWith(PoolExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PoolIT {

  static Pool pool;
  static Master master;
  static Node w1;
  static Node w2;

  @BeforeAll
  static void aMasterAndTwoWorkers(Pool classPool) {
    pool = classPool;
    master = pool.startMaster("--local-exec", "never");
    w1 = pool.worker(master, "w1", "--slots", "2");
    w2 = pool.worker(master, "w2", "--slots", "2");
    master.awaitHealthy(Pool.STARTUP);
    master.awaitWorkers(Pool.STARTUP, List.of(w1, w2), "w1", "w2");
  }

  @Test
  @Order(1)
  void fiftyJobsRunOnBothWorkersAndAllSucceed() {
    // one batch: even jobs sleep (so both workers' slots fill up), odd ones say who they are
    List<Map<String, Object>> jobs = IntStream.range(0, 50)
        .mapToObj(i -> Map.<String, Object>of("argv", i % 2 == 0
            ? List.of("sleep", "0.2") : List.of("echo", "job-" + i)))
        .toList();
    List<String> ids = master.submitBatch(jobs);
    assertEquals(50, Set.copyOf(ids).size(), "50 distinct job ids: " + ids);

    Map<String, JsonNode> finished = Await.value("all 50 jobs to finish", Duration.ofSeconds(90), () -> {
      Map<String, JsonNode> byId = new HashMap<>();
      master.get("/api/jobs?limit=1000").json().forEach(j -> byId.put(j.path("id").asText(), j));
      boolean done = ids.stream().allMatch(id -> byId.containsKey(id)
          && Master.FINAL.contains(byId.get(id).path("state").asText()));
      return done ? byId : null;
    });

    Map<String, Integer> perWorker = new TreeMap<>();
    for (int i = 0; i < ids.size(); i++) {
      JsonNode j = finished.get(ids.get(i));
      assertEquals("SUCCEEDED", j.path("state").asText(), "job " + i + ": " + j);
      assertEquals(0, j.path("exitCode").asInt(-1), "job " + i + ": " + j);
      if (i % 2 == 1) {
        assertEquals("job-" + i + "\n", j.path("stdout").asText(), "job " + i + ": " + j);
      }
      perWorker.merge(j.path("worker").asText(), 1, Integer::sum);
    }
    assertEquals(Set.of("w1", "w2"), perWorker.keySet(),
        "every job ran on w1 or w2, and each of them ran some: " + perWorker);
    assertTrue(perWorker.values().stream().allMatch(n -> n > 0), perWorker.toString());
    assertEquals(50, master.health().path("succeeded").asInt(), master.health().toString());
  }

  @Test
  @Order(2)
  void dismissAllEndsBothWorkerProcessesWithExitZero() {
    master.awaitWorkers(Pool.STARTUP, List.of(w1, w2), "w1", "w2");
    // an id that a path would read as another route ('.', 'x/..' -> /api/workers/dismiss) names no worker
    for (String id : List.of(".", "..", "x/..")) {
      Node wrong = pool.swamp(master, pool.logDir(), "dismiss", id);
      assertEquals(2, wrong.awaitExit(Pool.STARTUP), wrong.tail(20));
      assertTrue(wrong.errors().contains("'" + id + "' names no job, worker or run")
          || wrong.errors().contains("no worker " + id + " is registered"), wrong.tail(20));
    }
    assertEquals(Set.of("w1", "w2"), Set.copyOf(master.workerIds()), "no worker dismissed by a wrong id");
    Node dismiss = pool.swamp(master, pool.logDir(), "dismiss", "--all");
    assertEquals(0, dismiss.awaitExit(Pool.STARTUP), dismiss.tail(20));
    assertTrue(dismiss.output().contains("w1") && dismiss.output().contains("w2"),
        "bin/swamp dismiss --all names both workers: " + dismiss.output());

    assertEquals(0, w1.awaitExit(Duration.ofSeconds(60)), "w1's exit code\n" + w1.tail(20));
    assertEquals(0, w2.awaitExit(Duration.ofSeconds(60)), "w2's exit code\n" + w2.tail(20));
    Await.until("the master to list no worker", Duration.ofSeconds(30), () -> master.workerIds().isEmpty());
    assertTrue(master.isAlive(), "dismissing the workers leaves the master running");
    assertEquals(200, master.get("/api/health").status());
    assertFalse(master.log().contains("'early' response"),
        "a dismiss is answered once its request is read whole, no warning:\n" + master.tail(30));
  }
}
