package swamp.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static swamp.it.HttpApiIT.assertError;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import swamp.it.Master.Response;

/**
 * Bad input never hurts what is accepted: each kind gets a clear error naming the problem, and the
 * master keeps running with every accepted job still there. (Malformed JSON in general, unknown
 * fields, empty argv and negative timeouts are in HttpApiIT; a program that is not allowed in
 * JobsIT.)
 */
@ExtendWith(PoolExtension.class)
class BadInputIT {

  static final Duration CLI = Duration.ofSeconds(60);

  @Test
  void aHugeArgvIsRefusedNamingItsSize(Pool pool) {
    Master master = pool.master("--local-exec", "never");
    String kept = acceptOne(master);

    String big = "x".repeat(300_000);
    Response r = master.post("/api/jobs", Map.of("argv", List.of("echo", big)));
    assertError(400, "characters", r);
    assertTrue(r.error().contains("300004") && r.error().contains("262144"),
        "the error names the size and the limit: " + r.error());
    assertTrue(r.text().length() < 2000, "the error does not echo the argv back: "
        + r.text().length() + " characters");
    // in a batch it spoils the batch, not the master
    Response batch = master.post("/api/jobs", List.of(Map.of("argv", List.of("echo", "fine")),
        Map.of("argv", List.of("echo", big))));
    assertError(400, "job 1", batch);

    assertUnharmed(master, kept);
  }

  @Test
  void aHugeEnvIsRefusedNamingItsSize(Pool pool) {
    Master master = pool.master("--local-exec", "never");
    String kept = acceptOne(master);

    Response r = master.post("/api/jobs", Map.of("argv", List.of("env"),
        "env", Map.of("BIG", "y".repeat(300_000))));
    assertError(400, "characters", r);
    assertTrue(r.error().contains("env") && r.error().contains("262144"),
        "the error names env and the limit: " + r.error());

    assertUnharmed(master, kept);
  }

  @Test
  void aScriptLineWithAnUnterminatedQuoteSubmitsNothing(Pool pool) throws IOException {
    Master master = pool.master("--local-exec", "never");
    String kept = acceptOne(master);
    Files.writeString(pool.logDir().resolve("bad.swamp"), String.join("\n",
        "# line 3 has a quote that never ends",
        "echo first",
        "echo 'unterminated",
        "echo last", ""));

    Node run = pool.swamp(master, pool.logDir(), "run", "bad.swamp");
    assertEquals(2, run.awaitExit(CLI), "bin/swamp run bad.swamp\n" + run.tail(20));
    assertTrue(run.errors().contains("line 3: unterminated single quote"),
        "it names the line and the problem:\n" + run.tail(20));

    assertUnharmed(master, kept); // not even line 2 was submitted
  }

  @Test
  void aConfigFileWithATypoInASettingNameStopsTheMaster(Pool pool) throws IOException {
    Path site = pool.logDir().resolve("site.conf");
    Files.writeString(site, "include classpath(\"master.conf\")\nswamp.master.local-exce = never\n");
    // as a person does it: bin/swamp master picks the site file from JAVA_OPTS instead of master.conf
    Node master = pool.swamp(null, pool.logDir(), Map.of(
            "JAVA_OPTS", "-Xmx128m -Dconfig.file=" + site, "SWAMP_SECRET", pool.secret()),
        "master", "--port", String.valueOf(Pool.freePort()),
        "--http-port", String.valueOf(Pool.freePort()));

    assertEquals(2, master.awaitExit(Pool.STARTUP), "a master with a typo in its config\n"
        + master.tail(20));
    String err = master.errors();
    assertTrue(err.contains("unknown setting 'swamp.master.local-exce'"), "it names the setting:\n" + err);
    assertTrue(err.contains("did you mean 'swamp.master.local-exec'"), "and the likely intent:\n" + err);

    // a site file that does not start from swamp's settings: it says so, not to turn TLS off
    Files.writeString(site, "swamp.master.local-exec = never\n");
    Node bare = pool.swamp(null, pool.logDir(), Map.of(
            "JAVA_OPTS", "-Xmx128m -Dconfig.file=" + site, "SWAMP_SECRET", pool.secret()),
        "master", "--port", String.valueOf(Pool.freePort()), "--http-port", String.valueOf(Pool.freePort()));
    assertEquals(2, bare.awaitExit(Pool.STARTUP), bare.tail(20));
    assertTrue(bare.errors().contains("the configuration does not include swamp's node settings")
        && bare.errors().contains("include classpath(\"master.conf\")"), bare.tail(20));
    // a worker's site file that includes the master's settings: it says which to include
    Files.writeString(site, "include classpath(\"master.conf\")\n");
    Node wrong = pool.swamp(null, pool.logDir(), Map.of(
            "JAVA_OPTS", "-Xmx128m -Dconfig.file=" + site, "SWAMP_SECRET", pool.secret()),
        "worker", "--master", "127.0.0.1:" + Pool.freePort(), "--give-up-after", "20s");
    assertEquals(2, wrong.awaitExit(Pool.STARTUP), wrong.tail(20));
    assertTrue(wrong.errors().contains("include classpath(\"worker.conf\") (a worker's site file"
        + " includes worker.conf"), wrong.tail(20));
    // and a master's that includes the worker's: it would run with a worker's failure detector
    Files.writeString(site, "include classpath(\"worker.conf\")\n");
    Node workers = pool.swamp(null, pool.logDir(), Map.of(
            "JAVA_OPTS", "-Xmx128m -Dconfig.file=" + site, "SWAMP_SECRET", pool.secret()),
        "master", "--port", String.valueOf(Pool.freePort()), "--http-port", String.valueOf(Pool.freePort()));
    assertEquals(2, workers.awaitExit(Pool.STARTUP), workers.tail(20));
    assertTrue(workers.errors().contains("the configuration is a worker's")
        && workers.errors().contains("begins with include classpath(\"master.conf\"), not worker.conf"),
        workers.tail(20));

    // a setting of the wrong kind stops the master before it starts anything, naming the
    // variable it came from (it started cluster and journal, then exited 1 with a class name)
    Node https = pool.swamp(null, pool.logDir(), Map.of("SWAMP_SECRET", pool.secret(), "SWAMP_HTTPS", "maybe"),
        "master", "--port", String.valueOf(Pool.freePort()), "--http-port", String.valueOf(Pool.freePort()));
    assertEquals(2, https.awaitExit(Pool.STARTUP), https.tail(20));
    assertTrue(https.errors().contains("(SWAMP_HTTPS=maybe): swamp.master.https has type STRING rather"
        + " than BOOLEAN"), https.tail(20));
    assertTrue(!https.log().contains("cluster") && !https.log().contains("journal"), https.tail(20));
  }

  @Test
  void aMasterOnAPortThatIsNoneOrTakenExits2NamingIt(Pool pool) {
    Node noPort = pool.swamp(null, pool.logDir(), Map.of("SWAMP_SECRET", pool.secret()),
        "master", "--port", String.valueOf(Pool.freePort()), "--http-port", "-1");
    assertEquals(2, noPort.awaitExit(Pool.STARTUP), noPort.tail(20));
    assertTrue(noPort.errors().contains("--http-port) must be a port from 0 to 65535, not -1"), noPort.tail(20));

    Master first = pool.master("--local-exec", "never");
    Node taken = pool.swamp(null, pool.logDir(), Map.of("SWAMP_SECRET", pool.secret()),
        "master", "--port", String.valueOf(first.clusterPort()), "--http-port", String.valueOf(Pool.freePort()),
        "--journal", pool.logDir().resolve("other-journal").toString());
    assertEquals(2, taken.awaitExit(Pool.STARTUP), taken.tail(20));
    assertTrue(taken.errors().contains("cannot start its cluster node on 127.0.0.1:" + first.clusterPort()
        + " (--host, --port)"), taken.tail(20));
    assertTrue(first.isAlive());
    // an HTTP port that is taken stops the master before its cluster node starts: it bound the
    // API after the node, took its workers' registrations and exited, leaving them astray
    Node httpTaken = pool.swamp(null, pool.logDir(), Map.of("SWAMP_SECRET", pool.secret()),
        "master", "--port", String.valueOf(Pool.freePort()), "--http-port", String.valueOf(first.httpPort()),
        "--journal", pool.logDir().resolve("http-taken-journal").toString());
    assertEquals(2, httpTaken.awaitExit(Pool.STARTUP), httpTaken.tail(20));
    assertTrue(httpTaken.errors().contains("swamp master: cannot serve HTTP on 127.0.0.1:" + first.httpPort()
        + " (--http-host, --http-port): Address already in use"), httpTaken.tail(20));
    assertTrue(!httpTaken.log().contains("master epoch") && !httpTaken.log().contains("registered"),
        httpTaken.tail(20));
    assertTrue(first.isAlive());
    // so does a worker on it: one line, exit 2, not a stack trace and exit 1
    Node worker = pool.worker(first, "w-taken", "--port", String.valueOf(first.clusterPort()), "--host", "127.0.0.1");
    assertEquals(2, worker.awaitExit(Pool.STARTUP), worker.tail(20));
    assertTrue(worker.errors().contains("swamp worker: cannot start its cluster node on 127.0.0.1:" + first.clusterPort()
        + " (--host, --port)") && !worker.errors().contains("\tat "), worker.tail(20));

    // without --journal, a master's journal is the default one of its port: a second master on
    // the port finds it open, and says what that means
    int port = Pool.freePort();
    int api = Pool.freePort();
    Node one = pool.swamp(null, pool.logDir(), Map.of("SWAMP_SECRET", pool.secret()),
        "master", "--port", String.valueOf(port), "--http-port", String.valueOf(api), "--local-exec", "never");
    Await.until("the first master's API", Pool.STARTUP, () -> {
      try (java.net.Socket s = new java.net.Socket("127.0.0.1", api)) {
        return true;
      } catch (IOException e) {
        return false;
      }
    });
    Node same = pool.swamp(null, pool.logDir(), Map.of("SWAMP_SECRET", pool.secret()),
        "master", "--port", String.valueOf(port), "--http-port", String.valueOf(Pool.freePort()));
    assertEquals(2, same.awaitExit(Pool.STARTUP), same.tail(20));
    assertTrue(same.errors().contains("another process has it open: is a master already running on"
        + " it (one with --port " + port + " and the default journal, or one given the same"
        + " --journal)?"), same.tail(20));
    assertTrue(one.isAlive(), one.tail(20));
  }

  @Test
  void aSecondMasterOnTheSameJournalIsRefusedAndTheFirstKeepsItsJobs(Pool pool) {
    String journal = pool.logDir().resolve("shared-journal").toString();
    Master first = pool.master("--local-exec", "never", "--journal", journal);
    String kept = first.submit(Map.of("argv", List.of("true")));

    Master second = pool.startMaster("--local-exec", "never", "--journal", journal);

    assertEquals(2, second.awaitExit(Pool.STARTUP), "a master on a journal in use\n" + second.tail(20));
    assertTrue(second.log().contains("cannot open the job journal") && second.log().contains("in use"),
        "it says the journal is in use:\n" + second.tail(20));
    assertEquals("QUEUED", first.job(kept).path("state").asText());
  }

  @Test
  void aWorkerWithABadDurationExits2NamingIt(Pool pool) {
    Node worker = pool.worker(pool.secret(), "127.0.0.1:" + Pool.freePort(), "w1",
        "--retry-interval", "fast");

    assertEquals(2, worker.awaitExit(Pool.STARTUP), "exit code of a worker with a bad duration\n"
        + worker.tail(20));
    assertTrue(worker.log().contains("the command line's flags") && worker.log().contains("retry-interval")
        && worker.log().contains("fast"),
        "it names the setting and the value:\n" + worker.tail(20));
  }

  @Test
  void badJsonLeavesQueuedAndRunningJobsIntact(Pool pool) {
    // the master's own single slot: one job runs, the next waits
    Master master = pool.master("--local-exec", "always", "--local-slots", "1");
    String running = master.submit(Map.of("argv", List.of("sleep", "30")));
    String queued = master.submit(Map.of("argv", List.of("echo", "still queued")));
    ResilienceIT.awaitRunning(master, running, 1, Duration.ofSeconds(30));
    assertEquals("QUEUED", master.job(queued).path("state").asText());

    Map<String, String> mentions = Map.of(
        "{\"argv\": [\"echo\", ", "not valid JSON",
        "this is not JSON", "not valid JSON",
        "[1, 2]", "JSON object",
        "{\"argv\": \"echo hi\"}", "argv must be an array",
        "{\"argv\": [\"echo\"], \"retries\": \"many\"}", "retries",
        "null", "no body",
        "{\"argv\": [\"echo\", \"1\"]}{\"argv\": [\"echo\", \"2\"]}", "more than one JSON value",
        "{\"argv\": [\"echo\", \"1\"]} xyz", "Unrecognized token 'xyz'",
        "", "no body");
    mentions.forEach((body, mention) -> assertError(400, mention, master.post("/api/jobs", body)));
    // what a person reads names where, not the parser's settings
    Response truncated = master.post("/api/jobs", "{\"argv\": [\"echo\"]");
    assertError(400, "start marker at line 1, column 1", truncated);
    assertTrue(!truncated.text().contains("Source:") && !truncated.text().contains("REDACTED"), truncated.text());

    JsonNode r = master.job(running);
    assertEquals("RUNNING", r.path("state").asText(), r.toString());
    assertEquals(1, r.path("attempts").asInt(), r.toString());
    assertEquals("QUEUED", master.job(queued).path("state").asText());
    assertEquals(2, master.get("/api/jobs").json().size(), "no bad request made a job");
    assertTrue(master.isAlive());

    // and they carry on: the running one can be cancelled, the queued one then runs
    assertEquals(200, master.delete("/api/jobs/" + running).status());
    assertEquals("CANCELLED", master.awaitFinished(running, Duration.ofSeconds(30)).path("state").asText());
    JsonNode q = master.awaitFinished(queued, Duration.ofSeconds(30));
    assertEquals("SUCCEEDED", q.path("state").asText(), q.toString());
    assertEquals("still queued\n", q.path("stdout").asText(), q.toString());
  }

  // ---- helpers ----

  /** Submits a job that stays QUEUED on a master without workers: what bad input must not hurt. */
  static String acceptOne(Master master) {
    String id = master.submit(Map.of("argv", List.of("echo", "accepted")));
    assertEquals("QUEUED", master.job(id).path("state").asText());
    return id;
  }

  /** The master runs, the accepted job is still queued, and no other job exists. */
  static void assertUnharmed(Master master, String kept) {
    assertTrue(master.isAlive(), master.name() + " still runs");
    assertEquals("ok", master.health().path("status").asText());
    JsonNode all = master.get("/api/jobs").json();
    assertEquals(1, all.size(), "only the accepted job exists: " + all);
    JsonNode job = master.job(kept);
    assertEquals("QUEUED", job.path("state").asText(), job.toString());
    assertEquals(List.of("echo", "accepted"), List.of(job.path("argv").get(0).asText(),
        job.path("argv").get(1).asText()), job.toString());
  }
}
