package swamp.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
 * Item 10: what a job's processes inherit and how they end. The journal's credentials never
 * reach a job's environment, and the processes a job starts (ncclimo and ncremap are scripts
 * that start others) die when its worker is killed with -9, not only the job's own process.
 */
@ExtendWith(PoolExtension.class)
class JobChildrenIT {

  @Test
  void theJournalsCredentialsNeverReachAJob(Pool pool) {
    Master master = pool.startMaster(Map.of("SWAMP_JOURNAL_USER", "journal-user-x1",
        "SWAMP_JOURNAL_PASSWORD", "journal-password-x1"), List.of(), "--local-slots", "1");
    master.awaitHealthy(Pool.STARTUP);
    String id = master.submit(Map.of("argv", List.of("cat", "/proc/self/environ")));
    JsonNode job = master.awaitFinished(id, Duration.ofSeconds(30));
    assertEquals("SUCCEEDED", job.path("state").asText(), job.toString());
    String env = job.path("stdout").asText();
    assertTrue(env.contains("PATH="), "the job printed its environment: " + env);
    assertFalse(env.contains("journal-password-x1") || env.contains("SWAMP_JOURNAL_PASSWORD"), env);
    assertFalse(env.contains("journal-user-x1") || env.contains("SWAMP_JOURNAL_USER"), env);
  }

  @Test
  void aJobsChildrenDieWhenItsWorkerIsKilled(Pool pool) throws Exception {
    Master master = pool.master("--local-exec", "never");
    Node worker = pool.worker(master, "w1", "--slots", "1", "--allow", "bash");
    master.awaitWorkers(Pool.STARTUP, List.of(worker), "w1");
    Path dir = Files.createDirectories(pool.logDir().resolve("jobs"));
    Path pidFile = dir.resolve("child.pid");
    master.submit(Map.of("argv", List.of("bash", "-c", "sleep 300 & echo $! > child.pid.tmp;"
        + " mv child.pid.tmp child.pid; wait"), "workDir", dir.toString()));
    long child = Await.value("the job's child to start", Duration.ofSeconds(30), () -> {
      try {
        return Files.exists(pidFile) ? Long.parseLong(Files.readString(pidFile).strip()) : null;
      } catch (java.io.IOException e) {
        return null;
      }
    });
    try {
      assertTrue(alive(child), "the job's child " + child + " runs");
      worker.killHard();
      worker.awaitExit(Duration.ofSeconds(30));
      Await.until("the job's child " + child + " to die with its worker", Duration.ofSeconds(30),
          () -> !alive(child));
    } finally {
      ProcessHandle.of(child).ifPresent(ProcessHandle::destroyForcibly);
    }
  }

  /** Alive and not a zombie waiting for its parent. */
  private static boolean alive(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      return !stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z");
    } catch (java.io.IOException e) {
      return false;
    }
  }
}
