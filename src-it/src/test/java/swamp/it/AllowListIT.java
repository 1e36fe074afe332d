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
import swamp.it.Master.Response;

/**
 * The allow-list means what it says: {@code env} is not on the default list, a launcher that is
 * allowed runs only programs that are, and a job's env cannot set loader or interpreter start-up
 * variables: the master refuses them at submission, the worker in any case.
 */
@ExtendWith(PoolExtension.class)
class AllowListIT {

  static final Duration JOB = Duration.ofSeconds(30);

  @Test
  void aJobRunsOnlyWhatTheAllowListAllows(Pool pool) throws Exception {
    Path conf = pool.logDir().resolve("master-allows-ld-preload.conf");
    // a master that lets LD_PRELOAD through, so that only the worker stands in its way
    Files.writeString(conf, "include classpath(\"master.conf\")\n"
        + "swamp.worker.allowed-job-variables = [LD_PRELOAD]\n");
    Master master = pool.startMaster(Map.of(), List.of("-Dconfig.file=" + conf),
        "--local-exec", "never");
    Node plain = pool.worker(master, "plain", "--slots", "2", "--capability", "plain");
    Node launchers = pool.worker(master, "launchers", "--slots", "2", "--capability", "launchers",
        "--allow", "env", "--allow", "nice", "--allow", "xargs", "--allow", "find");
    master.awaitHealthy(Pool.STARTUP);
    master.awaitWorkers(Pool.STARTUP, List.of(plain, launchers), "plain", "launchers");
    Path dir = Files.createDirectories(pool.logDir().resolve("jobs"));
    Path f = dir.resolve("f");

    // the default list has env, nice and nohup, and what they run must be on it too
    JsonNode viaEnv = run(master, dir, "plain", Map.of(), "env", "bash", "-c", "id > f");
    assertEquals("FAILED", viaEnv.path("state").asText(), viaEnv.toString());
    assertTrue(viaEnv.path("reason").asText().contains("'env' would run 'bash'")
        && viaEnv.path("reason").asText().contains("not allowed"), viaEnv.toString());
    JsonNode niceTouch = run(master, dir, "plain", Map.of(), "nice", "-n", "5", "env", "A=1", "touch", "nice.txt");
    assertEquals("SUCCEEDED", niceTouch.path("state").asText(), niceTouch.toString());
    assertTrue(Files.exists(dir.resolve("nice.txt")), niceTouch.toString());

    // allowed launchers, each told to run bash, which is not allowed
    List<List<String>> sneaky = List.of(
        List.of("env", "bash", "-c", "id > f"),
        List.of("nice", "-n", "1", "bash", "-c", "id > f"),
        List.of("xargs", "-a", "/dev/null", "-r", "bash", "-c", "id > f"),
        List.of("find", ".", "-maxdepth", "0", "-exec", "bash", "-c", "id > f", ";"));
    for (List<String> argv : sneaky) {
      JsonNode job = run(master, dir, "launchers", Map.of(), argv.toArray(String[]::new));
      assertEquals("FAILED", job.path("state").asText(), job.toString());
      String reason = job.path("reason").asText();
      assertTrue(reason.contains("'bash'") && reason.contains("not allowed"), argv + ": " + reason);
      assertTrue(job.path("pid").isNull() || job.path("pid").isMissingNode(), "nothing started: " + job);
    }
    // a variable set through env's own arguments is checked like the job's env
    JsonNode preloadByEnv = run(master, dir, "launchers", Map.of(),
        "env", "LD_PRELOAD=/nonexistent.so", "touch", "f");
    assertEquals("FAILED", preloadByEnv.path("state").asText(), preloadByEnv.toString());
    assertTrue(preloadByEnv.path("reason").asText().contains("LD_PRELOAD"), preloadByEnv.toString());

    // the master lets LD_PRELOAD through (it was told to); the worker does not
    JsonNode preload = run(master, dir, "plain", Map.of("LD_PRELOAD", "/nonexistent.so"), "touch", "f");
    assertEquals("FAILED", preload.path("state").asText(), preload.toString());
    assertTrue(preload.path("reason").asText().contains("LD_PRELOAD"), preload.toString());
    assertFalse(Files.exists(f), "no refused job ran: " + f + " exists");

    // PATH is not let through by the master: 400, naming it, and nothing accepted
    Response path = master.post("/api/jobs", Map.of("argv", List.of("touch", "f"),
        "env", Map.of("PATH", dir.toString())));
    assertEquals(400, path.status(), path.toString());
    assertTrue(path.error().contains("PATH"), path.toString());

    // an allowed launcher running an allowed program works
    JsonNode fine = run(master, dir, "launchers", Map.of("OMP_NUM_THREADS", "1"),
        "nice", "-n", "1", "env", "A=1", "touch", "f");
    assertEquals("SUCCEEDED", fine.path("state").asText(), fine.toString());
    assertTrue(Files.exists(f), "nice env touch f ran");
  }

  private static JsonNode run(Master master, Path dir, String label, Map<String, String> env,
      String... argv) {
    String id = master.submit(Map.of("argv", List.of(argv), "workDir", dir.toString(),
        "requires", List.of(label), "env", env));
    return master.awaitFinished(id, JOB);
  }
}
