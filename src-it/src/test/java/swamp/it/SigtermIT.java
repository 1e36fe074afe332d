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
 * SIGTERM, what scancel and kill send, drains a worker: its running job finishes (within
 * swamp.worker.term-grace), it takes no new one, and it exits 0. A job that the same SIGTERM
 * ended (scancel signals every process of the grid job, the jobs' too) runs again elsewhere.
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

  /**
   * scancel as Slurm does it: SIGTERM to every process of the grid job, the job's own process
   * too, which here ends a moment before its worker hears of the signal. The job did not fail:
   * its worker was stopped. It runs again on the other worker as attempt 2, succeeds there, and
   * is reported once; the stopped worker exits 0.
   */
  @Test
  void aJobEndedByTheSigtermThatStopsItsWorkerRunsAgainElsewhereOnce(Pool pool) {
    ResilienceIT.TwoWorkers run = ResilienceIT.twoWorkersAndAJob(pool, "8");
    Master master = run.master();
    Node victim = run.busy();
    ProcessHandle job = ResilienceIT.awaitJobProcess(victim, "sleep", "8");

    job.destroy(); // SIGTERM: sleep ends with 143
    victim.terminate();

    assertEquals(0, victim.awaitExit(Duration.ofSeconds(30)), victim.tail(30));
    JsonNode done = master.awaitFinished(run.id(), Duration.ofSeconds(60));
    assertEquals("SUCCEEDED", done.path("state").asText(), done.toString());
    assertEquals(2, done.path("attempts").asInt(), "one more attempt: " + done);
    assertEquals(run.other(), done.path("worker").asText(), "it ran again on the other: " + done);
    assertEquals(0, done.path("exitCode").asInt(), done.toString());
    ResilienceIT.assertReportedOnce(master, run.id(), done, "SUCCEEDED");
    assertTrue(victim.log().contains("was ended by the signal that stops this worker"),
        victim.tail(30));
  }
}
