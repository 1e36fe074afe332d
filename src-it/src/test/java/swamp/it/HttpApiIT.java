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
    // a job that ends during a ?wait is answered with the view a plain GET gives, its attempts too
    String slow = master.submit(Map.of("argv", List.of("sleep", "1")));
    JsonNode waited = master.get("/api/jobs/" + slow + "?wait=30s").json();
    assertEquals("SUCCEEDED", waited.path("state").asText(), waited.toString());
    assertEquals(1, waited.path("history").size(), "its one attempt: " + waited);
  }

  /**
   * What a client writing its own requests gets wrong: each is named, with its status, and none
   * is silently taken for something else.
   */
  @Test
  void aClientsMistakesAreNamed(Pool pool) {
    Master master = pool.master("--local-exec", "never"); // no worker: what is submitted stays queued
    String queued = master.submit(Map.of("argv", List.of("echo", "queued")));

    // Linux takes no argument (or NAME=value) of 128 KiB or more: refused now, not failing on every worker
    assertError(400, "argv[1] is 150000 bytes long", master.post("/api/jobs",
        Map.of("argv", List.of("echo", "x".repeat(150_000)))));
    assertError(400, "env BIG=... is 140004 bytes long", master.post("/api/jobs",
        Map.of("argv", List.of("true"), "env", Map.of("BIG", "y".repeat(140_000)))));
    // a key given twice: which one was meant?
    assertError(400, "Duplicate field 'argv'", master.post("/api/jobs",
        "{\"argv\": [\"echo\", \"a\"], \"argv\": [\"echo\", \"b\"]}"));
    Response nan = master.post("/api/jobs", "{\"argv\": [\"true\"], \"slots\": NaN}");
    assertError(400, "Non-standard token 'NaN'", nan);
    assertTrue(!nan.error().contains("enable") && !nan.error().contains("Feature"), "no advice to Jackson's users: " + nan);

    // await: ids the master does not know would never end; a wrong method is named as such
    Response unknown = master.post("/api/jobs/await", Map.of("ids", List.of(queued, "j99999"), "wait", "30s"));
    assertError(404, "no job j99999", unknown);
    assertError(400, "ids", master.post("/api/jobs/await", Map.of("ids", List.of(1, 2))));
    assertError(400, "colour", master.post("/api/jobs/await", Map.of("ids", List.of(queued), "colour", "red")));
    Response get = master.get("/api/jobs/await");
    assertError(405, "use POST", get);

    // query parameters: a state list, a typo named, a limit beyond the jobs there are
    assertEquals(List.of(queued), ids(master.get("/api/jobs?state=queued,failed")));
    assertEquals(List.of(queued), ids(master.get("/api/jobs?state=FAILED&state=QUEUED")));
    assertEquals(List.of(), ids(master.get("/api/jobs?state=FAILED")));
    assertError(400, "unknown query parameter 'stat'", master.get("/api/jobs?stat=QUEUED"));
    assertError(400, "unknown query parameter 'timeout'", master.get("/api/jobs/" + queued + "?timeout=5s"));
    assertError(400, "wait is given 2 times", master.get("/api/jobs/" + queued + "?wait=1s&wait=2s"));
    assertEquals(List.of(queued), ids(master.get("/api/jobs?limit=100000000000")));
    // the paths that take no parameter say so too, and an empty body names what the path takes
    for (String path : List.of("/api/runs?limit=abc", "/api/workers?id=w1", "/api/health?x=1",
        "/api/sources?all", "/api/runs/r1?wait=1s", "/metrics?format=json", "/api/events?since=0")) {
      assertError(400, "unknown query parameter", master.get(path));
    }
    assertError(400, "the request has no body; send a run", master.post("/api/runs", ""));
    assertError(400, "the request has no body; send {\"ids\"", master.post("/api/jobs/await", ""));

    assertEquals("QUEUED", master.job(queued).path("state").asText(), "nothing above touched it");
    assertEquals(1, master.get("/api/jobs").json().size(), "and nothing above made a job");
  }

  private static List<String> ids(Response r) {
    assertEquals(200, r.status(), r.toString());
    List<String> ids = new java.util.ArrayList<>();
    r.json().forEach(j -> ids.add(j.path("id").asText()));
    return ids;
  }

  static void assertError(int status, String mentions, Response r) {
    assertEquals(status, r.status(), "status of " + r);
    assertNotNull(r.error(), "the answer is {\"error\": ...}: " + r);
    assertTrue(r.error().contains(mentions), "the error names '" + mentions + "': " + r);
  }
}
