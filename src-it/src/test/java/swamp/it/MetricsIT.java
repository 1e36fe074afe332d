package swamp.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import swamp.it.Master.Response;

/** Issue 12: {@code GET /metrics} in Prometheus' text format, its figures as the API's. */
@ExtendWith(PoolExtension.class)
class MetricsIT {

  @Test
  void theMetricsSayWhatTheApiSaysAfterSomeJobsRan(Pool pool) {
    Master master = pool.startMaster("--local-exec", "never");
    Node w1 = pool.worker(master, "w1", "--slots", "2");
    Node w2 = pool.worker(master, "w2", "--slots", "1");
    master.awaitHealthy(Pool.STARTUP);
    master.awaitWorkers(Pool.STARTUP, List.of(w1, w2), "w1", "w2");

    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      ids.add(master.submit(Map.of("argv", List.of("echo", "job " + i))));
    }
    ids.add(master.submit(Map.of("argv", List.of("false"))));
    String running = master.submit(Map.of("argv", List.of("sleep", "300")));
    for (String id : ids) {
      master.awaitFinished(id, Duration.ofSeconds(60));
    }
    Await.until("the sleep to run", Duration.ofSeconds(60),
        () -> master.job(running).path("state").asText().equals("RUNNING"));

    Response r = master.get("/metrics");
    assertEquals(200, r.status(), r.toString());
    Map<String, Double> m = parse(r.text());
    JsonNode health = master.health();

    assertEquals(4.0, m.get("swamp_jobs{state=\"SUCCEEDED\"}"), r.text());
    assertEquals(health.path("failed").asDouble(), m.get("swamp_jobs{state=\"FAILED\"}"));
    assertEquals(1.0, m.get("swamp_jobs{state=\"RUNNING\"}"));
    assertEquals(health.path("queued").asDouble(), m.get("swamp_queue_length"));
    assertEquals(2.0, m.get("swamp_workers{state=\"registered\"}"));
    assertEquals(1.0, m.get("swamp_slots{state=\"busy\"}"), "the sleep holds one slot");
    assertEquals(2.0, m.get("swamp_slots{state=\"free\"}"));
    assertEquals(2.0, m.get("swamp_registrations_total"));
    assertEquals(5.0, m.get("swamp_job_duration_seconds_count"), "each finished job once");
    assertEquals(5.0, m.get("swamp_dispatch_latency_seconds_count"));
    assertEquals(5.0, m.get("swamp_job_duration_seconds_bucket{le=\"+Inf\"}"));
    assertTrue(m.get("swamp_job_duration_seconds_sum") > 0, r.text());

    // the journal's writes, each timed to the end of its fsync: the six submissions were one write
    // each (each answered before the next was sent), and at least one write started jobs and one
    // ended them; and every write the journal holds was timed once: its count is the journal's
    // high-water mark (the sequence number of its last write, which the master records after
    // each fsync)
    double writes = m.get("swamp_journal_write_seconds_count");
    assertTrue(writes >= 6 + 1 + 1, "at least the writes those jobs needed:\n" + r.text());
    assertEquals(writes, m.get("swamp_journal_write_seconds_bucket{le=\"+Inf\"}"));
    assertTrue(m.get("swamp_journal_write_seconds_sum") > 0, r.text());
    java.nio.file.Path mark = pool.logDir().resolve(master.name() + "-journal.high-water");
    Await.until("every journal write timed once (the write count as the journal's mark)",
        Duration.ofSeconds(30), () -> {
          long written;
          try {
            written = Long.parseLong(java.nio.file.Files.readString(mark).strip());
          } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
          return parse(master.get("/metrics").text())
              .get("swamp_journal_write_seconds_count") == written;
        });
    master.delete("/api/jobs/" + running);
  }

  private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*(\\{[^}]*\\})?) (\\S+)$");

  /**
   * The samples of Prometheus' text exposition format, by name with labels as written; every
   * other line is a comment. A line that is neither fails the test.
   */
  static Map<String, Double> parse(String text) {
    Map<String, Double> samples = new HashMap<>();
    for (String line : text.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      Matcher m = SAMPLE.matcher(line);
      assertTrue(m.matches(), "not a sample of the text format: " + line);
      samples.put(m.group(1), Double.parseDouble(m.group(3).replace("+Inf", "Infinity")));
    }
    return samples;
  }
}
