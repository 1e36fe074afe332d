package swamp.master.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A worker running a job is killed with SIGKILL; the time until the job runs again on the other
 * worker (its {@code worker} is the other one and its attempts 2). A fresh worker replaces the
 * killed one before the next repetition.
 */
final class KillRecovery {
  final Row row = new Row("kill -9 recovery", "worker killed mid-job -> job running elsewhere",
      "s", "<= 5", 2);
  private final Session session;

  KillRecovery(Session session) {
    this.session = session;
  }

  /** On {@code pool}, whose workers {@code live} (two, 1 slot each) replaces as they die. */
  void run(Pool pool, List<String> live) throws Exception {
    byte[] body = Pool.JSON.writeValueAsBytes(Map.of("argv", List.of("sleep", "600")));
    for (int rep = 0; rep < session.sizes.killReps(); rep++) {
      String id = pool.post("/api/jobs", body).path("id").asText();
      JsonNode job = pool.awaitJob(id, j -> j.path("state").asText().equals("RUNNING"),
          Duration.ofMinutes(1));
      String victim = job.path("worker").asText();
      String survivor = live.stream().filter(w -> !w.equals(victim)).findFirst().orElseThrow();
      Process p = pool.workers.get(victim);
      List<ProcessHandle> orphans = p.descendants().toList();
      long t0 = System.nanoTime();
      p.destroyForcibly(); // SIGKILL
      orphans.forEach(ProcessHandle::destroyForcibly); // the job's sleep would outlive it
      pool.awaitJob(id, j -> j.path("worker").asText().equals(survivor)
          && j.path("attempts").asInt() >= 2, Duration.ofMinutes(2));
      row.samples.add((System.nanoTime() - t0) / 1e9);
      pool.delete("/api/jobs/" + id);
      pool.awaitJob(id, j -> Pool.isFinal(j.path("state").asText()), Duration.ofMinutes(1));
      pool.workers.remove(victim);
      live.remove(victim);
      String fresh = "proc-" + (3 + rep);
      pool.startWorker(fresh, 1, false, false);
      live.add(fresh);
      pool.awaitWorkers(live, Duration.ofMinutes(2));
      pool.awaitGone(victim, Duration.ofMinutes(1));
    }
  }
}
