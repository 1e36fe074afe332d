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
 * Item 8, fencing by attempt: a worker frozen with SIGSTOP has its job requeued and run elsewhere
 * (its job's process is not frozen with it); when it is continued, it joins again and claims the
 * attempt it still runs, which the master no longer expects: the worker kills that copy before
 * it is given any new job. What this does not prevent: while the worker is frozen, its copy and
 * the new one both run (nothing on a frozen JVM's side can act).
 */
@ExtendWith(PoolExtension.class)
class SigstopIT {

  @Test
  void aFrozenWorkersCopyIsKilledWhenItComesBack(Pool pool) throws Exception {
    Master master = pool.master("--local-exec", "never");
    Node a = pool.worker(master, "a", "--slots", "1", "--allow", "bash");
    Node b = pool.worker(master, "b", "--slots", "1", "--allow", "bash");
    master.awaitWorkers(Pool.STARTUP, List.of(a, b), "a", "b");
    Path dir = Files.createDirectories(pool.logDir().resolve("jobs"));
    Path pids = dir.resolve("pids");
    String id = master.submit(Map.of("argv", List.of("bash", "-c", "echo $$ >> pids; sleep 45"),
        "workDir", dir.toString()));

    List<String> first = Await.value("the first copy to start", Duration.ofSeconds(30),
        () -> lines(pids).size() == 1 ? lines(pids) : null);
    String firstWorker = master.job(id).path("worker").asText();
    Node frozen = firstWorker.equals("a") ? a : b;
    long firstPid = Long.parseLong(first.get(0));
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
    Await.until("the frozen worker's copy (pid " + firstPid + ") to be killed", Duration.ofSeconds(60),
        () -> !alive(firstPid));
    long secondPid = Long.parseLong(lines(pids).get(1));
    assertTrue(alive(secondPid) || Master.FINAL.contains(master.job(id).path("state").asText()),
        "the new copy runs on");
    JsonNode done = master.awaitFinished(id, Duration.ofSeconds(90));
    assertEquals("SUCCEEDED", done.path("state").asText(), done.toString());
    assertEquals(2, lines(pids).size(), "no third copy: " + lines(pids));
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
