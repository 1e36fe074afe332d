package swamp.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * How jobs fail: a program that is not allowed, and one that runs over its timeout. Both on one
 * master (it runs them itself), started once.
 */
@ExtendWith(PoolExtension.class)
class JobsIT {

  static Master master;

  @BeforeAll
  static void aMasterThatRunsJobsItself(Pool pool) {
    master = pool.master();
  }

  @Test
  void aDisallowedProgramFailsWithAReasonNamingIt() {
    String id = master.submit(Map.of("argv", List.of("uname", "-a")));

    JsonNode job = master.awaitFinished(id, Duration.ofSeconds(30));
    assertEquals("FAILED", job.path("state").asText(), job.toString());
    String reason = job.path("reason").asText();
    assertTrue(reason.contains("program 'uname'") && reason.contains("not allowed"),
        "the reason names the program and says it is not allowed: " + reason);
    assertEquals("", job.path("stdout").asText(), "uname never ran: " + job);
  }

  @Test
  void aJobOverItsTimeoutIsKilled() {
    String id = master.submit(Map.of("argv", List.of("sleep", "30"), "timeout", "1s"));
    // the master runs it itself: its sleep is a child of the master's process
    long seen = Await.value("the job's process to start (or the job to end)",
        Duration.ofSeconds(25), () -> {
      Optional<ProcessHandle> sleep = master.descendants()
          .filter(p -> p.info().command().orElse("").endsWith("sleep")
              && Arrays.equals(p.info().arguments().orElse(null), new String[] {"30"}))
          .findFirst();
      if (sleep.isPresent()) {
        return sleep.get().pid();
      }
      return Master.FINAL.contains(master.job(id).path("state").asText()) ? -1L : null;
    });

    JsonNode job = master.awaitFinished(id, Duration.ofSeconds(25));
    assertEquals("FAILED", job.path("state").asText(), job.toString());
    assertTrue(job.path("reason").asText().startsWith("timed out"), "reason: " + job.path("reason"));
    Duration ran = Duration.between(Instant.parse(job.path("startedAt").asText()),
        Instant.parse(job.path("finishedAt").asText()));
    assertTrue(ran.compareTo(Duration.ofSeconds(15)) < 0, "killed soon after its 1s timeout, ran " + ran);
    assertTrue(job.path("pid").isIntegralNumber(), "the job's pid is known: " + job);
    long pid = job.path("pid").asLong();
    if (seen > 0) { // seen running: it is the job's process
      assertEquals(seen, pid, "the pid the job reports is the sleep that ran: " + job);
    }
    assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false),
        "the job's process " + pid + " is gone: "
            + ProcessHandle.of(pid).flatMap(p -> p.info().commandLine()).orElse("?"));
  }
}
