package swamp.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Item 6 of issue 14: finished jobs' output is kept within a budget (by default an eighth of the
 * heap), so a master with a 256 MB heap takes 600 jobs of 256 KiB output each, stays up and
 * answers, and starts again with the same heap from the journal that run wrote.
 */
@ExtendWith(PoolExtension.class)
class MemoryIT {

  static final int JOBS = 600;
  static final int OUTPUT = 256 * 1024;

  @Test
  void sixHundredJobsOf256KibOutputFitA256MbHeapAndItsRestart(Pool pool) {
    String[] args = {"--local-exec", "always", "--local-slots", "4"};
    // Pool.JVM_OPTS gives every master -Xmx256m
    assertTrue(Pool.JVM_OPTS.contains("-Xmx256m"));
    Master master = pool.startMaster(args);
    master.awaitHealthy(Pool.STARTUP);
    List<String> ids = new ArrayList<>();
    for (int b = 0; b < JOBS / 100; b++) {
      List<Object> batch = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        batch.add(Map.of("argv", List.of("head", "-c", String.valueOf(OUTPUT), "/dev/zero")));
      }
      ids.addAll(master.submitBatch(batch));
    }
    Await.until("every job to succeed, the API answering", Duration.ofMinutes(4), () -> {
      if (!master.isAlive()) {
        throw new AssertionError("the master died:\n" + master.tail(40));
      }
      JsonNode h = master.health();
      assertEquals(0, h.path("failed").asInt(), h.toString());
      return h.path("succeeded").asInt() == JOBS;
    });
    checkOutputs(master, ids);

    master.killHard();
    master.awaitExit(Duration.ofSeconds(10));
    Master again = pool.restartMaster(master, args);
    again.awaitHealthy(Pool.STARTUP);
    assertEquals(JOBS, again.health().path("succeeded").asInt(), again.health().toString());
    checkOutputs(again, ids);
    assertTrue(again.isAlive());
  }

  /** The newest job keeps its whole output; the oldest says its output was dropped. */
  private static void checkOutputs(Master master, List<String> ids) {
    JsonNode newest = master.job(ids.get(ids.size() - 1));
    assertEquals(OUTPUT, newest.path("stdout").asText().length(), "the newest job's output");
    JsonNode oldest = master.job(ids.get(0));
    assertEquals("SUCCEEDED", oldest.path("state").asText());
    assertTrue(oldest.path("stdout").asText().startsWith("[output dropped: budget"),
        "the oldest job's output: " + oldest.path("stdout").asText().substring(0,
            Math.min(100, oldest.path("stdout").asText().length())));
  }
}
