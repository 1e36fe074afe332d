package swamp.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A master killed with -9 and started again on the same ports with the same journal: every job
 * it had accepted is still there, the queued ones run, the running ones are taken back from the
 * workers that ran them (not run again), the finished ones are still answered, and a job's
 * submission key still names the job it named.
 */
@org.junit.jupiter.api.Order(4) // among the longest: started early (junit-platform.properties)
@ExtendWith(PoolExtension.class)
class RestartIT {

  /** Appends its token ($1) to the file ($2): each run of a job leaves one line. */
  static final String APPEND = "echo \"$1\" >> \"$2\"";
  /** The same after sleeping $3 seconds. */
  static final String SLEEP_THEN_APPEND = "sleep \"$3\"; echo \"$1\" >> \"$2\"";
  /** Masters run no job themselves; a restarted one takes its predecessor's journal (Pool). */
  static final String[] MASTER_ARGS = {"--local-exec", "never"};
  /** swamp.master.prefetch, as the master-node's reference.conf sets it. */
  static final int PREFETCH = 2;

  /**
   * Three jobs finish, four run on the two workers' four slots and 1,000 wait behind them when the
   * master is killed. After the restart: every job ends SUCCEEDED, each left exactly one line, the
   * four that were running kept their first attempt and its process, and the three finished before
   * the kill still answer as they did. Prints how long the restarted master took to answer, to
   * answer for a recovered job, and to finish them all.
   */
  @Test
  void aKilledMasterRestartsWithEveryJobAndRunsEachExactlyOnce(Pool pool) {
    Path ran = pool.logDir().resolve("ran.txt");
    Master master = pool.startMaster(MASTER_ARGS);
    Map<String, Node> workers = new LinkedHashMap<>();
    for (String w : List.of("w1", "w2")) {
      workers.put(w, pool.worker(master, w, "--slots", "2", "--allow", "sh"));
    }
    master.awaitHealthy(Pool.STARTUP);
    master.awaitWorkers(Pool.STARTUP, workers.values(), "w1", "w2");

    // finished before the kill
    List<String> early = master.submitBatch(List.of(
        append("early-0", ran), append("early-1", ran), append("early-2", ran)));
    Map<String, JsonNode> earlyResults = new LinkedHashMap<>();
    for (String id : early) {
      JsonNode j = master.awaitFinished(id, Duration.ofSeconds(60));
      assertEquals("SUCCEEDED", j.path("state").asText(), j.toString());
      earlyResults.put(id, j);
    }

    // running at the kill: two end while the master is away (their workers keep the results
    // until a master acknowledges them), two still run when their workers are back
    List<String> longTokens = List.of("long-0", "long-1", "long-2", "long-3");
    List<String> longSeconds = List.of("8", "8", "30", "30");
    List<Object> longJobs = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      longJobs.add(sleepThenAppend(longTokens.get(i), longSeconds.get(i), ran));
    }
    List<String> longIds = master.submitBatch(longJobs);
    Map<String, JsonNode> running = new LinkedHashMap<>();
    // the process of each, to tell after the restart that it is the one that finished
    Map<String, Long> pids = new HashMap<>();
    for (int i = 0; i < 4; i++) {
      String id = longIds.get(i);
      running.put(id, ResilienceIT.awaitRunning(master, id, 1, Duration.ofSeconds(30)));
      Node worker = workers.get(running.get(id).path("worker").asText());
      pids.put(id, awaitProcessWithArgs(worker, "-c", SLEEP_THEN_APPEND, "sh", longTokens.get(i),
          ran.toString(), longSeconds.get(i)).pid());
    }

    // queued at the kill: all four slots are taken, and each worker holds its prefetch of the
    // quick jobs (swamp.master.prefetch, 2 by default), given to it and waiting for a slot
    List<Object> quick = new ArrayList<>();
    for (int n = 0; n < 1000; n++) {
      quick.add(keyed(append("job-" + n, ran), "job-" + n));
    }
    List<String> queuedIds = master.submitBatch(quick);
    int prefetched = 2 * PREFETCH;
    JsonNode before = Await.value("the workers' prefetch to be given", Duration.ofSeconds(10),
        () -> {
          JsonNode h = master.health();
          return h.path("running").asInt() == 4 + prefetched ? h : null;
        });
    assertEquals(1000 - prefetched, before.path("queued").asInt(), before.toString());
    assertEquals(4 + prefetched, before.path("running").asInt(), before.toString());

    master.killHard();
    assertNotEquals(0, master.awaitExit(Duration.ofSeconds(10)));
    assertEquals(Set.of("early-0", "early-1", "early-2"), Set.copyOf(lines(ran)),
        "nothing but the early jobs had ended when the master was killed");
    Master again = pool.restartMaster(master, MASTER_ARGS);
    long restartedAtMillis = System.currentTimeMillis() - again.age().toMillis();

    // How the figures are measured: from the start of the restarted master's process (its
    // Node's age: the clock starts just after the process is forked) to the first answer, polled
    // every 20 ms, of GET /api/health with 200; then of GET /api/jobs/ID for the first of the
    // 1,000 queued jobs with it QUEUED or RUNNING; then to the first poll (every 100 ms) of
    // /api/health that counts every job final.
    Duration toHealth = pollUntil(again, "the restarted master's API to answer", () -> {
      try {
        return again.get("/api/health").status() == 200;
      } catch (Master.ApiUnreachable e) {
        return false;
      }
    });
    List<String> notYet = new ArrayList<>();
    Duration toRecovered = pollUntil(again, "a recovered job to be answered", () -> {
      Master.Response r = again.get("/api/jobs/" + queuedIds.get(0));
      if (r.status() != 200) {
        notYet.add(r.toString());
        return false;
      }
      return Set.of("QUEUED", "RUNNING").contains(r.json().path("state").asText());
    });

    // what ended before the kill is answered as it was
    for (Map.Entry<String, JsonNode> e : earlyResults.entrySet()) {
      JsonNode now = again.job(e.getKey());
      for (String f : List.of("state", "attempts", "worker", "exitCode", "startedAt", "finishedAt",
          "argv")) {
        assertEquals(e.getValue().path(f), now.path(f), f + " of a job finished before the kill: "
            + now);
      }
    }

    again.awaitWorkers(Duration.ofSeconds(90), workers.values(), "w1", "w2");
    Duration toWorkers = again.age();
    // which of the two ways back each of the four took depends on how long the workers took
    StringBuilder wereRunning = new StringBuilder();
    for (String id : longIds) {
      JsonNode j = again.job(id);
      assertEquals(1, j.path("attempts").asInt(), "a running job kept its first attempt: " + j);
      wereRunning.append(' ').append(id).append(' ').append(j.path("state").asText());
    }
    JsonNode done = Await.value("all 1,007 jobs to be final", Duration.ofSeconds(120), () -> {
      assertTrue(again.isAlive(), "the restarted master exited\n" + again.tail(40));
      JsonNode h = again.health();
      int ended = h.path("succeeded").asInt() + h.path("failed").asInt()
          + h.path("cancelled").asInt();
      return ended == 1007 && h.path("queued").asInt() + h.path("running").asInt() == 0 ? h : null;
    });
    Duration toAllFinal = again.age();
    System.out.println("restart: process start to /api/health answering: " + toHealth.toMillis()
        + " ms");
    System.out.println("restart: process start to a recovered job answered QUEUED/RUNNING: "
        + toRecovered.toMillis() + " ms" + (notYet.isEmpty() ? ""
            : " (after " + notYet.size() + " other answers, the first: " + notYet.get(0) + ")"));
    System.out.println("restart: process start to both workers registered again: "
        + toWorkers.toMillis() + " ms");
    System.out.println("restart: the jobs running at the kill, when both workers were back:"
        + wereRunning);
    System.out.println("restart: process start to all 1,004 jobs final: " + toAllFinal.toMillis()
        + " ms");
    assertEquals(1007, done.path("succeeded").asInt(), "every job succeeded: " + done);

    // each job once, with one line
    JsonNode all = again.get("/api/jobs?limit=5000").json();
    Map<String, JsonNode> byId = new HashMap<>();
    all.forEach(j -> byId.put(j.path("id").asText(), j));
    assertEquals(1007, byId.size(), "as many jobs as were submitted");
    long lastQueuedFinished = 0;
    for (String id : queuedIds) {
      JsonNode j = byId.get(id);
      assertEquals("SUCCEEDED", j.path("state").asText(), j.toString());
      assertEquals(1, j.path("attempts").asInt(), j.toString());
      lastQueuedFinished = Math.max(lastQueuedFinished,
          Instant.parse(j.path("finishedAt").asText()).toEpochMilli());
    }
    System.out.println("restart: process start to the last of the 1,000 queued jobs finished: "
        + (lastQueuedFinished - restartedAtMillis) + " ms (by its finishedAt)");
    Map<String, Integer> counts = new TreeMap<>();
    lines(ran).forEach(l -> counts.merge(l, 1, Integer::sum));
    Map<String, Integer> twice = new TreeMap<>(counts);
    twice.values().removeIf(c -> c == 1);
    assertEquals(Map.of(), twice, "no job left more than one line");
    assertEquals(1007, counts.size(), "every job left its line: " + counts.size());

    // the four that were running were taken back, not run again
    for (int i = 0; i < 4; i++) {
      String id = longIds.get(i);
      JsonNode j = again.job(id);
      assertEquals("SUCCEEDED", j.path("state").asText(), j.toString());
      assertEquals(1, j.path("attempts").asInt(), "a running job kept its first attempt: " + j);
      assertEquals(running.get(id).path("worker"), j.path("worker"), j.toString());
      assertEquals((long) pids.get(id), j.path("pid").asLong(),
          "the process that ran before the kill is the one that finished: " + j);
    }
  }

  /**
   * A key names one job: sent twice, and again inside a batch, it answers the same id and the
   * job runs once; the key still names it after kill -9 of the master and a restart with the same
   * journal, whether the job had finished or was still waiting.
   */
  @Test
  void aDuplicateSubmissionKeyYieldsOneJob(Pool pool) {
    Path ran = pool.logDir().resolve("ran.txt");
    Master master = pool.startMaster(MASTER_ARGS);
    master.awaitHealthy(Pool.STARTUP);

    // no worker yet: the duplicates arrive while the job waits
    Map<String, Object> job = keyed(append("k-1", ran), "k-1");
    String id = master.submit(job);
    assertEquals(id, master.submit(job), "the same key twice: the same job");
    List<String> batch = master.submitBatch(List.of(append("other-a", ran), job,
        append("other-b", ran)));
    assertEquals(id, batch.get(1), "the key inside a batch: the same job");
    assertEquals(3, Set.of(id, batch.get(0), batch.get(2)).size(), "the others are new: " + batch);
    // a job no worker here can run: still waiting when the master is killed
    Map<String, Object> waiting = keyed(append("k-2", ran), "k-2");
    waiting.put("requires", List.of("nowhere"));
    String waitingId = master.submit(waiting);
    assertEquals(4, master.get("/api/jobs").json().size(), master.get("/api/jobs").toString());

    Node w = pool.worker(master, "w1", "--slots", "2", "--allow", "sh");
    master.awaitWorkers(Pool.STARTUP, List.of(w), "w1");
    for (String j : List.of(id, batch.get(0), batch.get(2))) {
      JsonNode done = master.awaitFinished(j, Duration.ofSeconds(60));
      assertEquals("SUCCEEDED", done.path("state").asText(), done.toString());
    }
    JsonNode finished = master.job(id);
    assertEquals("k-1", finished.path("key").asText(), finished.toString());
    assertEquals(1, finished.path("attempts").asInt(), finished.toString());
    assertEquals(id, master.submit(job), "the key of a finished job: the same job");
    assertEquals("SUCCEEDED", master.job(id).path("state").asText(), "not run again");

    master.killHard();
    assertNotEquals(0, master.awaitExit(Duration.ofSeconds(10)));
    Master again = pool.restartMaster(master, MASTER_ARGS);
    again.awaitHealthy(Pool.STARTUP);
    assertEquals(id, again.submit(job), "after the restart the key names the same job");
    assertEquals(waitingId, again.submit(waiting), "and the waiting one's key its job");
    assertEquals(List.of(id), again.submitBatch(List.of(job)), "in a batch as well");
    JsonNode recovered = again.job(id);
    for (String f : List.of("state", "attempts", "worker", "exitCode", "startedAt", "finishedAt",
        "key")) {
      assertEquals(finished.path(f), recovered.path(f), f + " after the restart: " + recovered);
    }
    assertEquals("QUEUED", again.job(waitingId).path("state").asText());
    assertEquals(4, again.get("/api/jobs").json().size(), again.get("/api/jobs").toString());

    // with its worker back, nothing of it runs again
    again.awaitWorkers(Duration.ofSeconds(90), List.of(w), "w1");
    Await.holds(Duration.ofSeconds(2), () -> {
      JsonNode h = again.health();
      assertEquals(3, h.path("succeeded").asInt(), h.toString());
      assertEquals(1, h.path("queued").asInt(), h.toString());
      assertEquals(0, h.path("running").asInt(), h.toString());
    });
    assertEquals(List.of("k-1", "other-a", "other-b"), lines(ran).stream().sorted().toList(),
        "each job ran once");
  }

  // ---- helpers ----

  static Map<String, Object> append(String token, Path file) {
    return new LinkedHashMap<>(Map.of("argv", List.of("sh", "-c", APPEND, "sh", token,
        file.toString())));
  }

  static Map<String, Object> sleepThenAppend(String token, String seconds, Path file) {
    return new LinkedHashMap<>(Map.of("argv", List.of("sh", "-c", SLEEP_THEN_APPEND, "sh", token,
        file.toString(), seconds)));
  }

  /** The job with this submission key. */
  static Map<String, Object> keyed(Map<String, Object> job, String key) {
    Map<String, Object> m = new LinkedHashMap<>(job);
    m.put("key", key);
    return m;
  }

  /**
   * The process {@code node} started with these arguments (after its program, which the worker
   * may have started by its canonical path: sh as dash).
   */
  static ProcessHandle awaitProcessWithArgs(Node node, String... args) {
    return Await.value("a process with arguments " + List.of(args) + " to run under "
        + node.name(), Duration.ofSeconds(30), () -> {
          if (!node.isAlive()) {
            throw new AssertionError(node.name() + " exited\n" + node.tail(30));
          }
          return node.descendants()
              .filter(p -> List.of(args).equals(List.of(p.info().arguments().orElse(new String[0]))))
              .findFirst().orElse(null);
        });
  }

  /**
   * A worker still registering when its master stops (here: declined, another live worker has
   * its id) is left in a cluster with no master: it joins the cluster again, and the master
   * started at the same address registers it within seconds. It stayed in the masterless
   * cluster, registering with no one, until its give-up time (30 minutes).
   */
  @Test
  void aWorkerStillRegisteringWhenItsMasterStopsRegistersWithTheNextOneAtItsAddress(Pool pool) {
    Master master = pool.startMaster(MASTER_ARGS);
    master.awaitHealthy(Pool.STARTUP);
    Node first = pool.worker(master, "twin", "--slots", "1");
    master.awaitWorkers(Pool.STARTUP, List.of(first), "twin");
    // no retry while the master stops: one would find the first twin gone and register
    Node second = pool.worker(master, "twin", "--slots", "1", "--retry-interval", "5m",
        "--give-up-after", "30m");
    Await.until("the second twin to be declined", Pool.STARTUP,
        () -> second.log().contains("registration declined for now"));

    master.terminate(); // it leaves the cluster: the second twin is alone in it
    assertEquals(0, master.awaitExit(Pool.STARTUP), master.tail(30));
    first.killHard(); // so that the id is free at the next master
    Master next = pool.restartMaster(master, MASTER_ARGS);
    next.awaitHealthy(Pool.STARTUP);
    next.awaitWorkers(Duration.ofSeconds(45), List.of(second), "twin");
    assertTrue(second.log().contains("left the cluster before it registered this worker"),
        second.tail(30));
  }

  static List<String> lines(Path file) {
    try {
      return Files.exists(file) ? Files.readAllLines(file) : List.of();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Polls {@code condition} every 20 ms until it holds and returns how long after {@code master}'s
   * process started it first did; fails after {@link Pool#STARTUP} or when the master exits.
   */
  static Duration pollUntil(Master master, String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + Pool.STARTUP.toNanos();
    while (!condition.getAsBoolean()) {
      if (!master.isAlive()) {
        throw new AssertionError(master.name() + " exited while waiting for " + what + "\n"
            + master.tail(40));
      }
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("timed out after " + Pool.STARTUP.toSeconds() + "s waiting for "
            + what + "\n" + master.tail(40));
      }
      ResilienceIT.pollPause(20);
    }
    return master.age();
  }
}
