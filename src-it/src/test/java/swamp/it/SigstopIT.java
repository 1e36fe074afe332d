package swamp.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
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
 * Item 8, a SIGSTOPped worker's job runs once. The job writes a tick every tenth of a second. A
 * worker frozen with SIGSTOP has its job stopped by its lease within seconds (the reaper, outside
 * the frozen JVM, stops it), long before the master gives the job to another worker; when the
 * frozen worker is continued it registers again, claims the attempt, and the master, which no
 * longer expects it, has it killed before it lets the worker's jobs go on (fencing by attempt).
 * So no tick of the first copy follows the second copy's first: one copy ran at any moment, and
 * one ran to the end.
 */
@org.junit.jupiter.api.Order(5) // among the longest: started early (junit-platform.properties)
@ExtendWith(PoolExtension.class)
class SigstopIT {

  private static final int TICKS = 250;

  @Test
  void aFrozenWorkersJobRunsOnce(Pool pool) throws Exception {
    Master master = pool.master("--local-exec", "never");
    Node a = pool.worker(master, "a", "--slots", "1", "--allow", "bash");
    Node b = pool.worker(master, "b", "--slots", "1", "--allow", "bash");
    master.awaitWorkers(Pool.STARTUP, List.of(a, b), "a", "b");
    Path dir = Files.createDirectories(pool.logDir().resolve("jobs"));
    Path pids = dir.resolve("pids");
    Path ticks = dir.resolve("ticks");
    String id = master.submit(Map.of("argv", List.of("bash", "-c", "echo $$ >> pids;"
        + " for ((i = 0; i < " + TICKS + "; i++)); do echo $$ >> ticks; sleep 0.1; done"),
        "workDir", dir.toString()));

    String firstPid = Await.value("the first copy to tick", Duration.ofSeconds(30),
        () -> lines(ticks).isEmpty() ? null : lines(ticks).get(0));
    String firstWorker = master.job(id).path("worker").asText();
    Node frozen = firstWorker.equals("a") ? a : b;
    frozen.signal("STOP");
    try {
      Await.until("the job to run again elsewhere", Duration.ofSeconds(90), () -> {
        JsonNode j = master.job(id);
        return j.path("attempts").asInt() >= 2 && j.path("state").asText().equals("RUNNING")
            && lines(pids).size() == 2;
      });
    } finally {
      frozen.signal("CONT");
    }
    assertNotEquals(firstWorker, master.job(id).path("worker").asText());
    Await.until("the frozen worker's copy (pid " + firstPid + ") to be killed",
        Duration.ofSeconds(60), () -> !alive(Long.parseLong(firstPid)));
    JsonNode done = master.awaitFinished(id, Duration.ofSeconds(120));
    assertEquals("SUCCEEDED", done.path("state").asText(), done.toString());

    List<String> all = lines(ticks);
    String secondPid = lines(pids).get(1);
    int firstOfSecond = all.indexOf(secondPid);
    assertEquals(TICKS, all.stream().filter(secondPid::equals).count(),
        "the second copy ran to the end");
    assertEquals(List.of(), all.subList(firstOfSecond, all.size()).stream()
        .filter(firstPid::equals).toList(),
        "no tick of the first copy after the second began: they never ran at once");
    assertTrue(all.stream().filter(firstPid::equals).count() < TICKS, "the first copy never finished");
    assertEquals(2, lines(pids).size(), "no third copy: " + lines(pids));
  }

  /**
   * A master frozen long enough for its workers to give it up: each worker's split-brain
   * resolver downs it, and it joins again from a new node, keeping its jobs, which finish
   * after. When the master is continued, the old nodes' ports refuse connections, as a dead
   * worker's do; the master, knowing it was paused, has their jobs wait for their workers to
   * register again rather than give them to the first worker that does. Here the worker that ran
   * both jobs registers last (it is frozen for that moment): each job ran once. They ran twice.
   */
  @Test
  void aFrozenMastersWorkersThatJoinedAgainKeepTheJobsTheyRan(Pool pool) throws Exception {
    Master master = pool.master("--local-exec", "never");
    // the workers give a silent master up after 5 s, not 30 (worker.conf): the test is shorter
    Map<String, String> impatient = Map.of("JAVA_TOOL_OPTIONS",
        "-Dpekko.cluster.failure-detector.acceptable-heartbeat-pause=5s");
    Node ran = pool.worker(pool.secret(), master.address(), "ran", impatient, "--slots", "2",
        "--allow", "sh");
    master.awaitWorkers(Pool.STARTUP, List.of(ran), "ran");
    Path tokens = Files.createDirectories(pool.logDir().resolve("jobs")).resolve("tokens");
    List<String> ids = new java.util.ArrayList<>();
    for (String token : List.of("one", "two")) {
      ids.add(master.submit(Map.of("argv", List.of("sh", "-c", "sleep 40; echo $1 >> $2", "sh",
          token, tokens.toString()))));
    }
    Await.until("both jobs to run on worker 'ran'", Duration.ofSeconds(30), () -> ids.stream()
        .allMatch(id -> master.job(id).path("state").asText().equals("RUNNING")));
    Node idle = pool.worker(pool.secret(), master.address(), "idle", impatient, "--slots", "2",
        "--allow", "sh");
    master.awaitWorkers(Pool.STARTUP, List.of(ran, idle), "ran", "idle");
    assertEquals(List.of(), lines(tokens), "the jobs end while the master is frozen, not before");

    master.signal("STOP");
    try {
      Await.until("both workers to join again without their master", Duration.ofSeconds(90),
          () -> ran.log().contains("joining the cluster again")
              && idle.log().contains("joining the cluster again"));
      // they end after their worker joined again: it keeps their finishes for a master
      Await.until("both jobs to end", Duration.ofSeconds(60), () -> lines(tokens).size() == 2);
      ran.signal("STOP");
    } finally {
      master.signal("CONT");
    }
    try {
      Await.until("the master to find worker 'ran' gone and 'idle' registered again",
          Duration.ofSeconds(60), () -> master.log().split("worker idle registered from").length > 2
              && (master.log().contains("waits for worker ran to register again")
                  || master.log().contains("goes back to the queue: worker ran")));
    } finally {
      ran.signal("CONT");
    }
    for (String id : ids) {
      JsonNode done = master.awaitFinished(id, Duration.ofSeconds(90));
      assertEquals("SUCCEEDED", done.path("state").asText(), done.toString());
      assertEquals(1, done.path("attempts").asInt(), done.toString());
    }
    assertEquals(List.of("one", "two"), lines(tokens).stream().sorted().toList(),
        "each job ran once");
    assertTrue(master.log().contains("the master was paused for"), master.tail(30));
  }

  private static List<String> lines(Path p) {
    try {
      return Files.exists(p) ? Files.readAllLines(p) : List.of();
    } catch (java.io.IOException e) {
      return List.of();
    }
  }

  private static boolean alive(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      return !stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z");
    } catch (java.io.IOException e) {
      return false;
    }
  }
}
