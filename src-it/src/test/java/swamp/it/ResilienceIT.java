package swamp.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Nothing lost, nothing run twice: real worker processes killed with -9, frozen with SIGSTOP past
 * the failure detector and the split-brain resolver, jobs cancelled mid-run, jobs that fail.
 * (FailureIT has the plain kill -9 re-run and SIGTERM to the master.)
 */
@org.junit.jupiter.api.Order(3) // among the longest: started early (junit-platform.properties)
@ExtendWith(PoolExtension.class)
class ResilienceIT {

  static final Duration CLI = Duration.ofSeconds(60);

  /**
   * kill -9 of the worker running a job: the job runs again on the other worker as attempt 2,
   * succeeds there, and is reported once. Prints how long the job took to run again elsewhere.
   */
  @Test
  void aJobWhoseWorkerIsKilledFinishesOnTheOtherWithAttempt2Once(Pool pool) {
    TwoWorkers run = twoWorkersAndAJob(pool, "4");
    Master master = run.master();
    String id = run.id();
    Node victim = run.busy();
    String other = run.other();
    // the kill hits a job whose process runs, not one still being started
    ProcessHandle firstRun = awaitJobProcess(victim, "sleep", "4");

    // How the figure is measured: the clock starts just before SIGKILL is sent to the worker's
    // JVM (Process.destroyForcibly, a kill(2) that returns at once) and stops at the first answer
    // of GET /api/jobs/ID, polled every 50 ms, that shows the job RUNNING as attempt 2. RUNNING
    // means the master has dispatched the attempt to the other worker; the process starts there a
    // few ms later (the job's startedAt in its result, printed as well). It includes the failure
    // detector noticing the dead node, the master downing it and re-queueing the job, and up to
    // 50 ms of polling plus one HTTP round trip.
    long killedAtMillis = System.currentTimeMillis();
    long t0 = System.nanoTime();
    victim.killHard();
    JsonNode again = null;
    long deadline = t0 + Duration.ofSeconds(60).toNanos();
    while (again == null) {
      JsonNode j = master.job(id);
      if (j.path("state").asText().equals("RUNNING") && j.path("attempts").asInt() == 2) {
        again = j;
      } else if (Master.FINAL.contains(j.path("state").asText()) || j.path("attempts").asInt() > 2) {
        throw new AssertionError("the job ended or ran again more than once before it was seen"
            + " running as attempt 2: " + j);
      } else if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("the job did not run again within 60s of kill -9: " + j);
      } else {
        pollPause(50);
      }
    }
    long elapsedMs = (System.nanoTime() - t0) / 1_000_000;
    System.out.println("kill -9 to running again elsewhere: " + elapsedMs + " ms");
    assertEquals(other, again.path("worker").asText(), "attempt 2 runs on the survivor: " + again);
    long dispatchedMs = Instant.parse(again.path("startedAt").asText()).toEpochMilli() - killedAtMillis;

    assertNotEquals(0, victim.awaitExit(Duration.ofSeconds(10)));
    firstRun.destroyForcibly(); // the orphan of the killed JVM: nobody reports it

    JsonNode job = master.awaitFinished(id, Duration.ofSeconds(60));
    assertEquals("SUCCEEDED", job.path("state").asText(), job.toString());
    assertEquals(2, job.path("attempts").asInt(), "exactly one more attempt: " + job);
    assertEquals(other, job.path("worker").asText(), "it finished on the survivor: " + job);
    assertEquals(0, job.path("exitCode").asInt(), job.toString());
    long processMs = Instant.parse(job.path("startedAt").asText()).toEpochMilli() - killedAtMillis;
    System.out.println("  (kill -9 at " + Instant.ofEpochMilli(killedAtMillis) + "; the master"
        + " dispatched attempt 2 " + dispatchedMs + " ms after it, by its clock; the process of"
        + " attempt 2 started on " + other + " " + processMs + " ms after it)");

    // reported once: one job, one success, and nothing changes afterwards
    assertReportedOnce(master, id, job, "SUCCEEDED");
  }

  /** A job whose workers keep dying is given up after max-attempts (3) with the reason. */
  @Test
  void aJobWhoseWorkersKeepDyingFailsWithWorkerLost3Times(Pool pool) {
    Master master = pool.startMaster("--local-exec", "never");
    Map<String, Node> workers = new LinkedHashMap<>();
    for (String w : List.of("w1", "w2", "w3")) {
      workers.put(w, pool.worker(master, w, "--slots", "1"));
    }
    master.awaitHealthy(Pool.STARTUP);
    master.awaitWorkers(Pool.STARTUP, workers.values(), "w1", "w2", "w3");

    String id = master.submit(Map.of("argv", List.of("sleep", "60")));
    for (int attempt = 1; attempt <= 3; attempt++) {
      JsonNode j = awaitRunning(master, id, attempt, Duration.ofSeconds(60));
      Node victim = workers.get(j.path("worker").asText());
      assertTrue(victim != null && victim.isAlive(), "attempt " + attempt + " runs on a live worker: " + j);
      ProcessHandle process = awaitJobProcess(victim, "sleep", "60");
      killNine(victim, process);
    }

    JsonNode job = master.awaitFinished(id, Duration.ofSeconds(60));
    assertEquals("FAILED", job.path("state").asText(), job.toString());
    assertTrue(job.path("reason").asText().contains("worker lost 3 times"),
        "the reason says the worker was lost 3 times: " + job);
    assertEquals(3, job.path("attempts").asInt(), job.toString());
    assertTrue(master.isAlive(), "the poison job did not take the master down");
    JsonNode health = master.health();
    assertEquals(1, health.path("failed").asInt(), health.toString());
    assertEquals(0, health.path("running").asInt() + health.path("queued").asInt(), health.toString());
  }

  /**
   * Cancel of a running job kills its process on the worker, and the processes it started, and
   * the job ends CANCELLED; the worker stays in the pool with its slots free.
   */
  @Test
  void cancelKillsTheRunningProcessAndItsChildren(Pool pool) {
    Master master = pool.startMaster("--local-exec", "never");
    // xargs with no input runs its command once, as its child: a job that has a child process
    Node w = pool.worker(master, "w1", "--slots", "2", "--allow", "xargs");
    master.awaitHealthy(Pool.STARTUP);
    master.awaitWorkers(Pool.STARTUP, List.of(w), "w1");

    String plain = master.submit(Map.of("argv", List.of("sleep", "60")));
    String parent = master.submit(Map.of("argv", List.of("xargs", "sleep", "61")));
    ProcessHandle sleep = awaitJobProcess(w, "sleep", "60");
    ProcessHandle xargs = awaitJobProcess(w, "xargs", "sleep", "61");
    ProcessHandle child = awaitJobProcess(w, "sleep", "61");
    assertEquals("RUNNING", master.job(plain).path("state").asText());

    Node cancel = pool.swamp(master, pool.logDir(), "cancel", plain);
    Master.Response deleted = master.delete("/api/jobs/" + parent);
    assertEquals(200, deleted.status(), "DELETE /api/jobs/" + parent + " answered " + deleted);
    assertEquals(0, cancel.awaitExit(CLI), "bin/swamp cancel " + plain + "\n" + cancel.tail(20));

    for (ProcessHandle p : List.of(sleep, xargs, child)) {
      Await.until("process " + p.pid() + " (" + p.info().commandLine().orElse("?") + ") to be gone",
          Duration.ofSeconds(15), () -> !p.isAlive());
    }
    JsonNode a = master.awaitFinished(plain, Duration.ofSeconds(30));
    assertEquals("CANCELLED", a.path("state").asText(), a.toString());
    assertEquals(sleep.pid(), a.path("pid").asLong(), "the job reports the pid that was killed: " + a);
    assertEquals(1, a.path("attempts").asInt(), a.toString());
    JsonNode b = master.awaitFinished(parent, Duration.ofSeconds(30));
    assertEquals("CANCELLED", b.path("state").asText(), b.toString());

    JsonNode workers = master.get("/api/workers").json();
    assertEquals(1, workers.size(), workers.toString());
    assertEquals(0, workers.get(0).path("busy").asInt(), "its slots are free again: " + workers);
    assertTrue(w.isAlive(), "the worker still runs");
  }

  /**
   * A worker frozen with SIGSTOP while it runs a job looks to the cluster like a machine cut off:
   * unreachable, then downed by the split-brain resolver (the master's side survives). The job
   * runs again on the other worker. When the frozen JVM is resumed its old attempt is killed, and
   * it either rejoins or exits, but the job's single result never changes.
   */
  @Test
  void aPartitionedWorkerLeavesNoDuplicateResultAndNoLeftoverProcess(Pool pool) {
    // long enough to outlive the failure detector and stable-after on the frozen worker
    TwoWorkers run = twoWorkersAndAJob(pool, "25");
    Master master = run.master();
    String id = run.id();
    Node frozen = run.busy();
    String first = run.busyId();
    String other = run.other();
    ProcessHandle stale = awaitJobProcess(frozen, "sleep", "25");
    Instant staleStarted = stale.info().startInstant().orElse(Instant.now());

    long t0 = System.nanoTime();
    frozen.signal("STOP");
    long resumed;
    try {
      // past the failure detector (acceptable-heartbeat-pause 2s) and stable-after (7s)
      JsonNode again = awaitRunning(master, id, 2, Duration.ofSeconds(60));
      System.out.println("SIGSTOP to running again elsewhere: " + (System.nanoTime() - t0) / 1_000_000
          + " ms");
      assertEquals(other, again.path("worker").asText(), "attempt 2 runs on the other worker: " + again);
      assertFalse(master.workerIds().contains(first), "the frozen worker is out of the pool");
      assertTrue(stale.isAlive(), "the frozen worker's job process still runs (SIGSTOP froze only"
          + " the JVM), so what follows shows that it is killed, not that it ended");
    } finally {
      frozen.signal("CONT");
      resumed = System.nanoTime();
    }

    // the resumed worker learns it was removed and kills what it ran, well before that sleep 25
    // would have ended by itself
    Await.until("the frozen worker's stale job process " + stale.pid() + " to be killed",
        Duration.ofSeconds(30), () -> !stale.isAlive());
    long goneMs = (System.nanoTime() - resumed) / 1_000_000;
    Duration lived = Duration.between(staleStarted, Instant.now());
    System.out.println("SIGCONT to the stale attempt's process killed: " + goneMs + " ms (it ran "
        + lived.toMillis() + " ms of its 25 s)");

    // it rejoins and registers again, or exits: either way it adds no result
    Await.until("the resumed worker " + first + " to register again or exit", Duration.ofSeconds(60),
        () -> !frozen.isAlive() || master.workerIds().contains(first));

    JsonNode job = master.awaitFinished(id, Duration.ofSeconds(60));
    assertEquals("SUCCEEDED", job.path("state").asText(), job.toString());
    assertEquals(2, job.path("attempts").asInt(), job.toString());
    assertEquals(other, job.path("worker").asText(), job.toString());
    assertReportedOnce(master, id, job, "SUCCEEDED");

    assertTrue(jobProcess(frozen, "sleep", "25").isEmpty(), "no attempt of the job runs on " + first);
    if (frozen.isAlive()) {
      JsonNode workers = master.get("/api/workers").json();
      for (JsonNode w : workers) {
        if (w.path("id").asText().equals(first)) {
          assertEquals(0, w.path("busy").asInt(), "the rejoined worker runs nothing: " + workers);
        }
      }
    } else {
      System.out.println("the resumed worker exited " + frozen.awaitExit(Duration.ZERO));
    }
  }

  /**
   * A job that fails is a failed job, not a lost worker: no retry unless it asks, and then
   * exactly as many as it asks for, and the worker stays.
   */
  @Test
  void aFailingJobIsRetriedOnlyAsAskedAndEndsWithItsExitCode(Pool pool) {
    Master master = pool.startMaster("--local-exec", "never");
    Node w = pool.worker(master, "w1", "--slots", "2");
    master.awaitHealthy(Pool.STARTUP);
    master.awaitWorkers(Pool.STARTUP, List.of(w), "w1");

    String retried = master.submit(Map.of("argv", List.of("false"), "retries", 2));
    String once = master.submit(Map.of("argv", List.of("ls", "/nonexistent")));

    JsonNode r = master.awaitFinished(retried, Duration.ofSeconds(60));
    assertEquals("FAILED", r.path("state").asText(), r.toString());
    assertEquals(1, r.path("exitCode").asInt(), r.toString());
    assertEquals(3, r.path("attempts").asInt(), "1 run + 2 retries: " + r);

    JsonNode o = master.awaitFinished(once, Duration.ofSeconds(60));
    assertEquals("FAILED", o.path("state").asText(), o.toString());
    assertEquals(2, o.path("exitCode").asInt(), o.toString());
    assertEquals(1, o.path("attempts").asInt(), "no retry without --retries: " + o);
    assertTrue(o.path("stderr").asText().contains("/nonexistent"), "ls said why: " + o);
    assertEquals("w1", o.path("worker").asText(), o.toString());

    // the worker is not blamed: it stays registered and free
    assertEquals(java.util.Set.of("w1"), master.workerIds());
    assertTrue(w.isAlive());
    Await.holds(Duration.ofSeconds(1), () -> {
      assertEquals(3, master.job(retried).path("attempts").asInt());
      assertEquals(1, master.job(once).path("attempts").asInt());
    });
  }

  // ---- helpers ----

  /** Waits until the job is RUNNING as attempt {@code attempt}; a later attempt or an end fails. */
  /** A master, two 1-slot workers, and a {@code sleep SECONDS} job running on one of them. */
  record TwoWorkers(Master master, String id, Node busy, String busyId, String other) {}

  static TwoWorkers twoWorkersAndAJob(Pool pool, String seconds) {
    Master master = pool.startMaster("--local-exec", "never");
    Node w1 = pool.worker(master, "w1", "--slots", "1");
    Node w2 = pool.worker(master, "w2", "--slots", "1");
    master.awaitHealthy(Pool.STARTUP);
    master.awaitWorkers(Pool.STARTUP, List.of(w1, w2), "w1", "w2");
    String id = master.submit(Map.of("argv", List.of("sleep", seconds)));
    String first = awaitRunning(master, id, 1, Duration.ofSeconds(30)).path("worker").asText();
    return first.equals("w1")
        ? new TwoWorkers(master, id, w1, "w1", "w2")
        : new TwoWorkers(master, id, w2, "w2", "w1");
  }

  static JsonNode awaitRunning(Master master, String id, int attempt, Duration timeout) {
    return Await.value("job " + id + " to run as attempt " + attempt, timeout, () -> {
      JsonNode j = master.job(id);
      int a = j.path("attempts").asInt();
      if (a > attempt || Master.FINAL.contains(j.path("state").asText())) {
        throw new AssertionError("expected job " + id + " to run as attempt " + attempt + ": " + j);
      }
      return j.path("state").asText().equals("RUNNING") && a == attempt ? j : null;
    });
  }

  /** The process {@code node} started (or a process it started started) with this argv. */
  static Optional<ProcessHandle> jobProcess(Node node, String... argv) {
    String[] args = Arrays.copyOfRange(argv, 1, argv.length);
    return node.descendants()
        .filter(p -> p.info().command().orElse("").endsWith("/" + argv[0])
            && Arrays.equals(p.info().arguments().orElse(new String[0]), args))
        .findFirst();
  }

  static ProcessHandle awaitJobProcess(Node node, String... argv) {
    return Await.value(String.join(" ", argv) + " to run under " + node.name(), Duration.ofSeconds(30),
        () -> {
          if (!node.isAlive()) {
            throw new AssertionError(node.name() + " exited\n" + node.tail(30));
          }
          return jobProcess(node, argv).orElse(null);
        });
  }

  /** kill -9 of a worker's JVM; then its orphaned job process too, which nothing would reap. */
  static void killNine(Node worker, ProcessHandle job) {
    worker.killHard();
    assertNotEquals(0, worker.awaitExit(Duration.ofSeconds(10)));
    job.destroyForcibly();
  }

  /**
   * The job has one final result, {@code done}: the only job in the master, counted once, and
   * unchanged for a while after (no late finish of another attempt replaces it).
   */
  static void assertReportedOnce(Master master, String id, JsonNode done, String state) {
    JsonNode all = master.get("/api/jobs").json();
    assertEquals(1, all.size(), "one job: " + all);
    Await.holds(Duration.ofSeconds(3), () -> {
      JsonNode now = master.job(id);
      for (String f : List.of("state", "attempts", "worker", "exitCode", "startedAt", "finishedAt")) {
        assertEquals(done.path(f), now.path(f), f + " changed after the job finished: " + now);
      }
      JsonNode h = master.health();
      assertEquals(state.equals("SUCCEEDED") ? 1 : 0, h.path("succeeded").asInt(), h.toString());
      assertEquals(0, h.path("running").asInt() + h.path("queued").asInt(), h.toString());
    });
  }

  /** The pause between two polls of a condition (not a synchronisation). */
  static void pollPause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }
}
