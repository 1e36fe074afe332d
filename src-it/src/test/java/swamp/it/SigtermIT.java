package swamp.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * SIGTERM, what scancel and qdel send, drains a worker: its running job finishes (within
 * swamp.worker.term-grace), it takes no new one, and it exits 0.
 */
@ExtendWith(PoolExtension.class)
class SigtermIT {

  @Test
  void aTerminatedWorkerLetsItsRunningJobFinishAndExitsZero(Pool pool) throws Exception {
    Master master = pool.master("--local-exec", "never");
    Node worker = pool.worker(master, "w1", "--slots", "2");
    master.awaitWorkers(Pool.STARTUP, List.of(worker), "w1");
    Path dir = Files.createDirectories(pool.logDir().resolve("jobs"));

    String running = master.submit(Map.of("argv", List.of("sleep", "3"), "workDir", dir.toString()));
    Await.until("the job's process to run on the worker", Duration.ofSeconds(30), () ->
        worker.descendants().anyMatch(p -> p.info().command().orElse("").endsWith("sleep")));
    worker.terminate();
    Await.until("the worker to say it drains", Duration.ofSeconds(20),
        () -> worker.log().contains("draining 1 running job"));
    String later = master.submit(Map.of("argv", List.of("touch", "later"), "workDir", dir.toString()));

    assertEquals(0, worker.awaitExit(Duration.ofSeconds(60)), worker.tail(30));
    JsonNode job = master.awaitFinished(running, Duration.ofSeconds(30));
    assertEquals("SUCCEEDED", job.path("state").asText(), job.toString());
    assertEquals(1, job.path("attempts").asInt(), "it ran once, to its end: " + job);
    assertEquals("w1", job.path("worker").asText(), job.toString());
    // the job submitted after SIGTERM waits for another worker
    assertEquals("QUEUED", master.job(later).path("state").asText(), master.job(later).toString());
    assertTrue(Files.notExists(dir.resolve("later")), "the draining worker took no new job");
  }
}
