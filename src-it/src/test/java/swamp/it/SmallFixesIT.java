package swamp.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static swamp.it.HttpApiIT.assertError;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import swamp.it.Master.Response;

/**
 * The small ones of issue 14 (items 11 and 13), each as a user meets it: timeouts that mean
 * what they say, answers that are JSON and name the problem, the journal file a user names,
 * $HOME, and a --help that lists every flag.
 */
@ExtendWith(PoolExtension.class)
class SmallFixesIT {

  static final Duration CLI = Duration.ofSeconds(90);

  @Test
  void timeoutsKeysAndAnswers(Pool pool) throws Exception {
    Path journal = pool.logDir().resolve("named.mv.db");
    Master master = pool.startMaster(Map.of("SWAMP_API_TOKEN", "t0ken"), List.of(),
        "--local-slots", "2", "--journal", journal.toString()).apiToken("t0ken");
    master.awaitHealthy(Pool.STARTUP);
    // the file named, not named.mv.db.mv.db
    assertTrue(Files.exists(journal), "the journal is the file named: " + journal);
    assertFalse(Files.exists(Path.of(journal + ".mv.db")), "no " + journal + ".mv.db");

    // item 11: timeouts
    assertError(400, "30d", master.post("/api/jobs", Map.of("argv", List.of("true"), "timeout", "999999d")));
    assertError(400, "1ms", master.post("/api/jobs", Map.of("argv", List.of("true"), "timeout", "1ns")));
    String bareText = master.submit(Map.of("argv", List.of("sleep", "1"), "timeout", "30"));
    Node cli = pool.swamp(master, pool.logDir(), Map.of("SWAMP_API_TOKEN", "t0ken"),
        "submit", "--wait", "--timeout", "30", "--", "sleep", "1");
    assertEquals(0, cli.awaitExit(CLI), "--timeout 30 is 30 seconds, not 30 ms\n" + cli.tail(20));
    JsonNode job = master.awaitFinished(bareText, Duration.ofSeconds(60));
    assertEquals("SUCCEEDED", job.path("state").asText(), "\"30\" is 30 seconds: " + job);

    // item 13: answers
    Response nested = master.post("/api/jobs", "[".repeat(100_000) + "]".repeat(100_000));
    assertEquals(400, nested.status(), nested.toString());
    assertTrue(nested.error() != null && nested.error().contains("JSON"), nested.toString());
    Response health = master.post("/api/health", "{}");
    assertEquals(405, health.status(), health.toString());
    Response lower = master.request("GET", "/api/health", Map.of("Authorization", "bearer t0ken"), null);
    assertEquals(200, lower.status(), "the scheme is case-insensitive (RFC 7235): " + lower);

    Map<String, Object> first = Map.of("argv", List.of("echo", "one"), "key", "k-1");
    String id = master.submit(first);
    assertEquals(id, master.submit(first), "a retry with its key is the same job");
    Response other = master.post("/api/jobs", Map.of("argv", List.of("echo", "two"), "key", "k-1"));
    assertError(409, "k-1", other);
    assertTrue(other.error().contains(id), "it names the job the key is: " + other);
    assertTrue(other.error().contains("submitted with another argv (its command: echo one)"), other.toString());
    Response slower = master.post("/api/jobs", Map.of("argv", List.of("echo", "one"), "key", "k-1", "timeout", "5s"));
    assertError(409, "submitted with another timeout (its command: echo one)", slower);
  }

  @Test
  void theDefaultJournalIsUnderHome(Pool pool) throws Exception {
    Path home = Files.createDirectories(pool.logDir().resolve("home"));
    int port = Pool.freePort();
    int http = Pool.freePort();
    Map<String, String> env = new LinkedHashMap<>();
    env.put("HOME", home.toString());
    env.put("SWAMP_SECRET", pool.secret());
    env.put("JAVA_OPTS", "-Xmx128m -Djava.io.tmpdir=" + pool.tmpDir());
    Node master = pool.swamp(null, pool.logDir(), env, "master", "--port", String.valueOf(port),
        "--http-port", String.valueOf(http), "--local-exec", "never");
    Path file = home.resolve(".swamp/journal/master-" + port + ".mv.db");
    Await.until("the master to serve", Pool.STARTUP, () -> {
      assertTrue(master.isAlive(), master.tail(30));
      return (master.output() + master.errors()).contains("API http://");
    });
    assertTrue(Files.exists(file), "the journal is under $HOME: " + file + "\n" + master.tail(30));
    master.terminate();
    assertEquals(0, master.awaitExit(Pool.STARTUP), master.tail(30));
  }

  @Test
  void helpListsEveryFlagOfEveryCommand(Pool pool) {
    Node help = pool.swamp(null, pool.logDir(), "--help");
    assertEquals(0, help.awaitExit(CLI), help.tail(20));
    Node none = pool.swamp(null, pool.logDir()); // no command: the usage, and a usage error's exit
    assertEquals(2, none.awaitExit(CLI), none.tail(20));
    assertTrue(none.log().contains("usage: bin/swamp COMMAND"), none.tail(20));
    String all = help.output();
    List<String> commands = List.of("master", "worker", "submit", "run", "status", "runs",
        "workers", "cancel", "dismiss");
    List<Node> each = new ArrayList<>();
    commands.forEach(c -> each.add(pool.swamp(null, pool.logDir(), c, "--help")));
    List<String> missing = new ArrayList<>();
    Pattern flag = Pattern.compile("(?<![\\w-])--[a-z][a-z-]+");
    for (int i = 0; i < commands.size(); i++) {
      assertEquals(0, each.get(i).awaitExit(CLI), each.get(i).tail(20));
      String own = each.get(i).output();
      assertTrue(all.contains("bin/swamp " + commands.get(i)), "bin/swamp --help has "
          + commands.get(i) + ":\n" + all);
      Matcher m = flag.matcher(own);
      String section = all.substring(all.indexOf("bin/swamp " + commands.get(i)));
      while (m.find()) {
        if (!section.contains(m.group())) {
          missing.add(commands.get(i) + " " + m.group());
        }
      }
    }
    assertTrue(missing.isEmpty(), "bin/swamp --help omits " + missing + ":\n" + all);
    assertTrue(all.contains("bin/swamp bench") && all.contains("--quick"), all);
    // every command takes --help: demo too, which printed nothing of the kind and ran the demo
    Node demo = pool.swamp(null, pool.logDir(), "demo", "--help");
    assertEquals(0, demo.awaitExit(CLI), demo.tail(20));
    assertTrue(demo.output().contains("bin/swamp demo") && !demo.log().contains("== swamp demo"),
        demo.tail(20));
  }
}
