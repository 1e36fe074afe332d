package swamp.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import swamp.it.Master.Response;

/** The API refuses bad input with a 4xx and a reason, and is none the worse for it. */
@ExtendWith(PoolExtension.class)
class HttpApiIT {

  @Test
  void badRequestsGetAClearErrorAndChangeNothing(Pool pool) {
    Master master = pool.master();
    String kept = master.submit(Map.of("argv", List.of("echo", "still here")));
    assertEquals("SUCCEEDED", master.awaitFinished(kept, Duration.ofSeconds(30)).path("state").asText());

    Response malformed = master.post("/api/jobs", "{\"argv\": [\"echo\", ");
    assertError(400, "not valid JSON", malformed);

    assertError(400, "argv", master.post("/api/jobs", "{\"argv\": []}"));

    Response unknown = master.post("/api/jobs", "{\"argv\": [\"echo\"], \"colour\": \"red\"}");
    assertError(400, "colour", unknown);
    assertTrue(unknown.error().contains("unknown field"), unknown.toString());

    assertError(400, "timeout", master.post("/api/jobs", "{\"argv\": [\"echo\"], \"timeout\": \"-5s\"}"));
    assertError(400, "timeout", master.post("/api/jobs", "{\"argv\": [\"echo\"], \"timeout\": -5}"));

    // a batch with one bad job is refused whole
    Response batch = master.post("/api/jobs", "[{\"argv\": [\"echo\", \"ok\"]}, {\"argv\": []}]");
    assertError(400, "job 1", batch);

    assertError(404, "nope", master.get("/api/jobs/nope"));

    // the job accepted before is still there, unchanged, and no bad request made a job
    JsonNode job = master.job(kept);
    assertEquals("SUCCEEDED", job.path("state").asText(), job.toString());
    assertEquals("still here\n", job.path("stdout").asText(), job.toString());
    JsonNode all = master.get("/api/jobs").json();
    assertEquals(1, all.size(), "only the good job exists: " + all);

    // and the master still answers and works
    assertEquals("ok", master.health().path("status").asText());
    String after = master.submit(Map.of("argv", List.of("echo", "after")));
    assertEquals("SUCCEEDED", master.awaitFinished(after, Duration.ofSeconds(30)).path("state").asText());
  }

  static void assertError(int status, String mentions, Response r) {
    assertEquals(status, r.status(), "status of " + r);
    assertNotNull(r.error(), "the answer is {\"error\": ...}: " + r);
    assertTrue(r.error().contains(mentions), "the error names '" + mentions + "': " + r);
  }
}
