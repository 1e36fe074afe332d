package swamp.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What a script's planner submits, on a real master and worker: a run, then its steps as jobs
 * with pipelines and redirections, their files written in the run's directory, the run's view
 * of them, and the run after a restart of the master.
 */
@ExtendWith(PoolExtension.class)
class PipelineIT {

  static final Duration JOB = Duration.ofSeconds(60);

  @Test
  void aRunsPipelinesWriteTheirFilesAndTheRunShowsEachStep(Pool pool) throws IOException {
    Path dir = Files.createDirectories(pool.logDir().resolve("sort-run"));
    Files.writeString(dir.resolve("f.txt"), "c\na\nd\nb\n");
    Master master = pool.startMaster("--local-exec", "never");
    Node worker = pool.worker(master, "w1");
    master.awaitHealthy(Pool.STARTUP);
    master.awaitWorkers(Pool.STARTUP, List.of(worker), "w1");

    Master.Response created = master.post("/api/runs", Map.of("name", "sort.sh",
        "workDir", dir.toString(), "commands", List.of(
            command(0, 2, "cat f.txt | sort | head -2 > top.txt 2> err.txt", List.of()),
            command(1, 3, "wc -l < top.txt >> count.txt", List.of(0)),
            command(2, 5, "echo never", List.of()))));
    assertEquals(201, created.status(), created.toString());
    String run = created.json().path("id").asText();
    assertEquals(List.of("WAITING", "WAITING", "WAITING"), states(master, run));

    String top = master.submit(Map.of("argv", List.of("cat", "f.txt"), "workDir", dir.toString(),
        "pipeline", List.of(Map.of("argv", List.of("sort")), Map.of("argv", List.of("head", "-2"),
            "redirects", Map.of("stdout", "top.txt", "stderr", "err.txt"))),
        "run", run, "step", 0));
    JsonNode topJob = master.awaitFinished(top, JOB);
    assertEquals("SUCCEEDED", topJob.path("state").asText(), topJob.toString());
    assertEquals("a\nb\n", Files.readString(dir.resolve("top.txt")));
    assertEquals("", Files.readString(dir.resolve("err.txt")));
    assertEquals("top.txt", topJob.path("pipeline").path(1).path("redirects").path("stdout").asText(),
        "the job shows its pipeline: " + topJob);
    assertEquals(0, topJob.path("step").asInt());

    Files.writeString(dir.resolve("count.txt"), "before\n");
    String count = master.submit(Map.of("argv", List.of("wc", "-l"), "workDir", dir.toString(),
        "redirects", Map.of("stdin", "top.txt", "stdout", "count.txt", "stdoutAppend", true),
        "run", run, "step", 1));
    assertEquals("SUCCEEDED", master.awaitFinished(count, JOB).path("state").asText());
    assertEquals("before\n2\n", Files.readString(dir.resolve("count.txt")));

    // a client follows the run's ended jobs from a cursor instead of naming each job
    JsonNode ended = master.get("/api/runs/" + run + "/ended").json();
    assertEquals(List.of(top, count), ids(ended.path("ended")), ended.toString());
    String cursor = ended.path("next").asText();
    JsonNode nothing = master.get("/api/runs/" + run + "/ended?after=" + cursor).json();
    assertEquals(List.of(), ids(nothing.path("ended")));
    assertEquals(cursor, nothing.path("next").asText(), "it keeps its place");
    HttpApiIT.assertError(400, "after: 'zz' is not a cursor this master gave",
        master.get("/api/runs/" + run + "/ended?after=zz"));
    HttpApiIT.assertError(404, "no run r999", master.get("/api/runs/r999/ended"));

    JsonNode view = master.get("/api/runs/" + run).json();
    assertEquals(List.of("SUCCEEDED", "SUCCEEDED", "WAITING"), states(master, run));
    JsonNode step0 = view.path("commands").path(0);
    assertEquals(List.of(top, "w1", "0", "2"), List.of(step0.path("job").asText(),
        step0.path("worker").asText(), step0.path("exitCode").asText(), step0.path("line").asText()));
    assertEquals("[0]", view.path("commands").path(1).path("dependsOn").toString());
    JsonNode listed = master.get("/api/runs").json().path(0);
    assertEquals(List.of(3, 2, 1), List.of(listed.path("commands").asInt(),
        listed.path("succeeded").asInt(), listed.path("waiting").asInt()), listed.toString());

    // the client decided the echo does not run: it shows so, and no step with a job can be
    HttpApiIT.assertError(409, "step 0 of run " + run + " was submitted as job " + top,
        master.post("/api/runs/" + run + "/not-run", Map.of("steps", List.of(2, 0))));
    HttpApiIT.assertError(404, "no run r999", master.post("/api/runs/r999/not-run", Map.of("steps", List.of(0))));
    HttpApiIT.assertError(400, "steps holds \"two\", not a step",
        master.post("/api/runs/" + run + "/not-run", Map.of("steps", List.of("two"))));
    assertEquals(200, master.post("/api/runs/" + run + "/not-run", Map.of("steps", List.of(2))).status());
    assertEquals(List.of("SUCCEEDED", "SUCCEEDED", "NOT_RUN"), states(master, run));

    // a script planned as it runs adds the commands it plans later; their mistakes are named
    Map<String, Object> more = Map.of("step", 3, "line", 9, "text", "echo more", "argv", List.of("echo", "more"),
        "dependsOn", List.of(1));
    assertEquals(200, master.post("/api/runs/" + run + "/steps", Map.of("commands", List.of(more))).status());
    assertEquals(200, master.post("/api/runs/" + run + "/steps", Map.of("commands", List.of(more))).status(),
        "sent again after a lost answer: the same");
    assertEquals(List.of("SUCCEEDED", "SUCCEEDED", "NOT_RUN", "WAITING"), states(master, run));
    HttpApiIT.assertError(409, "run " + run + " has a step 3 already, 'echo more', not 'echo other'",
        master.post("/api/runs/" + run + "/steps", Map.of("commands", List.of(Map.of("step", 3, "line", 9,
            "text", "echo other", "argv", List.of("echo", "other"))))));
    HttpApiIT.assertError(400, "the commands added start at step 4, not 6",
        master.post("/api/runs/" + run + "/steps", Map.of("commands", List.of(Map.of("step", 6, "line", 9,
            "text", "echo x", "argv", List.of("echo", "x"))))));
    HttpApiIT.assertError(400, "commands[0].dependsOn holds 4, not an earlier step (0 to 3)",
        master.post("/api/runs/" + run + "/steps", Map.of("commands", List.of(Map.of("step", 4, "line", 9,
            "text", "echo x", "argv", List.of("echo", "x"), "dependsOn", List.of(4))))));
    HttpApiIT.assertError(404, "no run r999", master.post("/api/runs/r999/steps", Map.of("commands", List.of(more))));
    String later = master.submit(Map.of("argv", List.of("echo", "more"), "run", run, "step", 3));
    assertEquals("SUCCEEDED", master.awaitFinished(later, JOB).path("state").asText());
    assertEquals(List.of("SUCCEEDED", "SUCCEEDED", "NOT_RUN", "SUCCEEDED"), states(master, run));

    // what the shell would refuse, and what swamp refuses before it runs anything
    Master.Response unknown = master.post("/api/jobs", Map.of("argv", List.of("true"),
        "run", "r999", "step", 0));
    HttpApiIT.assertError(400, "no run r999", unknown);
    HttpApiIT.assertError(400, "not step 9", master.post("/api/jobs",
        Map.of("argv", List.of("true"), "run", run, "step", 9)));
    HttpApiIT.assertError(400, "the next stage would read nothing", master.post("/api/jobs",
        Map.of("argv", List.of("cat", "f.txt"), "redirects", Map.of("stdout", "x.txt"),
            "pipeline", List.of(Map.of("argv", List.of("wc"))))));
    String missing = master.submit(Map.of("argv", List.of("wc", "-l"), "workDir", dir.toString(),
        "redirects", Map.of("stdin", "nope.txt")));
    JsonNode failed = master.awaitFinished(missing, JOB);
    assertEquals("FAILED", failed.path("state").asText());
    assertTrue(failed.path("reason").asText().contains("stdin file nope.txt does not exist"),
        failed.toString());

    Node status = pool.swamp(master, dir, "status", "--run", run);
    assertEquals(0, status.awaitExit(JOB), status.tail(40));
    assertTrue(status.output().contains("SUCCEEDED") && status.output().contains("wc -l < top.txt"),
        status.output());

    Node job = pool.swamp(master, dir, "status", top);
    assertEquals(0, job.awaitExit(JOB), job.tail(40));
    assertTrue(job.output().contains("cat f.txt | sort | head -2 > top.txt 2> err.txt")
        && job.output().contains(run + " step 0"), job.output());

    // every stage of a running pipeline dies with its worker's JVM (kill -9)
    String piped = master.submit(Map.of("argv", List.of("sleep", "300"), "workDir", dir.toString(),
        "pipeline", List.of(Map.of("argv", List.of("cat")), Map.of("argv", List.of("sleep", "301")))));
    List<ProcessHandle> stages = List.of(ResilienceIT.awaitJobProcess(worker, "sleep", "300"),
        ResilienceIT.awaitJobProcess(worker, "cat"), ResilienceIT.awaitJobProcess(worker, "sleep", "301"));
    assertEquals("RUNNING", master.job(piped).path("state").asText());
    worker.killHard();
    assertNotEquals(0, worker.awaitExit(Duration.ofSeconds(10)));
    Await.value("every stage of the pipeline to die with its worker", Duration.ofSeconds(20),
        () -> stages.stream().noneMatch(ProcessHandle::isAlive) ? true : null);

    // the run and its numbering survive the master
    master.killHard();
    assertNotEquals(0, master.awaitExit(Duration.ofSeconds(10)));
    Master again = pool.restartMaster(master, "--local-exec", "never");
    again.awaitHealthy(Pool.STARTUP);
    assertEquals(List.of("SUCCEEDED", "SUCCEEDED", "NOT_RUN", "SUCCEEDED"), states(again, run),
        "journaled, as the jobs, the step added later too");
    // the restarted master's log of the run is a new one: a cursor of the old reads it from the start
    JsonNode after = again.get("/api/runs/" + run + "/ended?after=" + cursor).json();
    assertEquals(List.of(top, count, later), ids(after.path("ended")), after.toString());
    assertNotEquals(cursor, after.path("next").asText());
    Master.Response next = again.post("/api/runs", Map.of("name", "next.sh",
        "workDir", dir.toString(), "commands", List.of(command(0, 1, "true", List.of()))));
    assertEquals(201, next.status(), next.toString());
    assertNotEquals(run, next.json().path("id").asText(), "run ids never repeat");
  }

  static Map<String, Object> command(int step, int line, String text, List<Integer> dependsOn) {
    return Map.of("step", step, "line", line, "text", text,
        "argv", List.of(text.split(" ")[0]), "dependsOn", dependsOn);
  }

  static List<String> ids(JsonNode jobs) {
    List<String> ids = new ArrayList<>();
    jobs.forEach(j -> ids.add(j.path("id").asText()));
    return ids;
  }

  static List<String> states(Master master, String run) {
    Master.Response r = master.get("/api/runs/" + run);
    assertEquals(200, r.status(), r.toString());
    List<String> states = new ArrayList<>();
    r.json().path("commands").forEach(c -> states.add(c.path("state").asText()));
    return states;
  }
}
