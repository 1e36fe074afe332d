package swamp.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import swamp.it.Master.Response;

/**
 * Who gets in: remoting over TLS with mutual authentication (a node without the pool's
 * certificate cannot join), the API's bearer token, a master that will not start without a
 * secret unless told --insecure, and secrets that never show in a log, a command line or a job.
 */
@org.junit.jupiter.api.Order(5) // among the longest: started early (junit-platform.properties)
@ExtendWith(PoolExtension.class)
class SecurityIT {

  static final Duration CLI = Duration.ofSeconds(60);

  @Test
  void overTlsOnlyANodeWithThePoolsCertificateJoins(Pool pool) throws Exception {
    Path dir = Files.createDirectories(pool.logDir().resolve("tls"));
    String password = "tls-" + UUID.randomUUID();
    // as README.md's "Securing the pool" says; the password from the environment, not the command line
    List<Process> keytools = List.of(
        keytool(dir, "pool.p12", "CN=swamp-pool", password),
        keytool(dir, "other.p12", "CN=intruder", password));
    for (Process k : keytools) {
      assertTrue(k.waitFor(60, TimeUnit.SECONDS), "keytool finishes");
      assertEquals(0, k.exitValue(), "keytool: " + new String(k.getInputStream().readAllBytes(),
          StandardCharsets.UTF_8));
    }
    Map<String, String> poolTls = tls(dir.resolve("pool.p12"), password);
    Map<String, String> otherTls = tls(dir.resolve("other.p12"), password);

    Master master = pool.startMaster(poolTls, List.of(), "--local-exec", "never");
    Node member = pool.worker(pool.secret(), master.address(), "member", poolTls, "--slots", "1");
    // the right registration secret, the wrong certificate: only TLS keeps it out
    Node intruder = pool.worker(pool.secret(), master.address(), "intruder", otherTls,
        "--give-up-after", "2m");
    master.awaitHealthy(Pool.STARTUP);
    master.awaitWorkers(Pool.STARTUP, List.of(member), "member");

    String id = master.submit(Map.of("argv", List.of("echo", "over tls")));
    JsonNode job = master.awaitFinished(id, Duration.ofSeconds(30));
    assertEquals("SUCCEEDED", job.path("state").asText(), job.toString());
    assertEquals("member", job.path("worker").asText(), job.toString());
    assertEquals("over tls\n", job.path("stdout").asText(), job.toString());

    // never in the pool while it tries; its probe of the master's TLS finds the key rejected,
    // and it exits 3 (refused for good) naming its key, long before it would give up
    Await.until("the intruder to stop", Pool.STARTUP, () -> {
      assertFalse(master.workerIds().contains("intruder"), "the intruder got into the pool");
      return !intruder.isAlive();
    });
    assertEquals(3, intruder.awaitExit(Duration.ZERO), "exit code of a worker that cannot join\n"
        + intruder.tail(30));
    assertTrue(intruder.log().contains("pool key does not match")
        && intruder.log().contains(dir.resolve("other.p12").toString()), intruder.tail(30));
    assertEquals(java.util.Set.of("member"), master.workerIds());
    assertTrue(master.isAlive() && member.isAlive());
  }

  @Test
  void theApiWantsItsTokenAndTheCliSendsIt(Pool pool) {
    Master master = pool.startMaster(Map.of("SWAMP_API_TOKEN", "t0ken"), List.of()).apiToken("t0ken");
    master.awaitHealthy(Pool.STARTUP);
    Node withToken = pool.swamp(master, pool.logDir(), Map.of("SWAMP_API_TOKEN", "t0ken"), "workers");
    Node without = pool.swamp(master, pool.logDir(), "workers");

    Response none = master.request("GET", "/api/health", Map.of(), null);
    assertEquals(401, none.status(), none.toString());
    assertTrue(none.error() != null && none.error().contains("API token"), "the error says a token"
        + " is needed: " + none);
    Response wrong = master.request("GET", "/api/health", Map.of("Authorization", "Bearer t0k3n"), null);
    assertEquals(401, wrong.status(), wrong.toString());
    Response noJob = master.request("POST", "/api/jobs", Map.of("Content-Type", "application/json"),
        "{\"argv\": [\"echo\", \"sneaked in\"]}");
    assertEquals(401, noJob.status(), "no job without the token: " + noJob);
    Response right = master.request("GET", "/api/health", Map.of("Authorization", "Bearer t0ken"), null);
    assertEquals(200, right.status(), right.toString());
    assertTrue(master.log().contains("the API token (SWAMP_API_TOKEN) has 5 characters"),
        "a short token is taken, and said to be weak:\n" + master.tail(20));
    assertEquals("ok", right.json().path("status").asText(), right.toString());
    assertEquals(0, master.health().path("queued").asInt() + master.get("/api/jobs").json().size());

    assertEquals(0, withToken.awaitExit(CLI), "bin/swamp workers with SWAMP_API_TOKEN\n" + withToken.tail(20));
    assertEquals(2, without.awaitExit(CLI), "bin/swamp workers without a token\n" + without.tail(20));
    assertTrue(without.errors().contains("API token"), "it prints why:\n" + without.tail(20));
  }

  @Test
  void aMasterWithoutASecretStartsOnlyWhenToldInsecure(Pool pool) {
    Map<String, String> noSecret = new HashMap<>();
    noSecret.put("SWAMP_SECRET", null);
    Master refuses = pool.startMaster(noSecret, List.of(), "--local-exec", "never");
    Master insecure = pool.startMaster(noSecret, List.of(), "--insecure", "--local-exec", "never");
    Node anyone = pool.worker((String) null, insecure.address(), "anyone", "--slots", "1",
        "--insecure");

    assertEquals(2, refuses.awaitExit(Pool.STARTUP), "a master without a secret\n" + refuses.tail(20));
    assertTrue(refuses.log().contains("SWAMP_SECRET") && refuses.log().contains("--insecure"),
        "it names SWAMP_SECRET and --insecure:\n" + refuses.tail(20));

    insecure.awaitHealthy(Pool.STARTUP);
    assertTrue(insecure.log().toLowerCase().contains("insecure"), "it logs that it is insecure:\n"
        + insecure.tail(20));
    // that is what insecure means: a worker with no secret at all registers
    insecure.awaitWorkers(Pool.STARTUP, List.of(anyone), "anyone");
  }

  @Test
  void noSecretInALogACommandLineOrAJobsEnvironment(Pool pool) throws IOException {
    String token = "token-" + UUID.randomUUID();
    String wrong = "wrong-" + UUID.randomUUID();
    Map<String, String> debug = Map.of("SWAMP_LOG_LEVEL", "DEBUG");
    Map<String, String> masterEnv = new HashMap<>(debug);
    masterEnv.put("SWAMP_API_TOKEN", token);
    Master master = pool.startMaster(masterEnv, List.of(), "--local-exec", "never").apiToken(token);
    Node w = pool.worker(pool.secret(), master.address(), "w1", debug, "--slots", "1");
    Node intruder = pool.worker(wrong, master.address(), "intruder", debug, "--give-up-after", "1m");
    master.awaitHealthy(Pool.STARTUP);
    master.awaitWorkers(Pool.STARTUP, List.of(w), "w1");
    assertEquals(3, intruder.awaitExit(Pool.STARTUP), intruder.tail(20));

    // a job sees the worker's environment, but not the pool's secrets
    String envJob = master.submit(Map.of("argv", List.of("cat", "/proc/self/environ")));
    Node cli = pool.swamp(master, pool.logDir(), Map.of("SWAMP_API_TOKEN", token),
        "submit", "--wait", "--", "echo", "from the cli");
    JsonNode job = master.awaitFinished(envJob, Duration.ofSeconds(30));
    assertEquals("SUCCEEDED", job.path("state").asText(), job.toString());
    assertTrue(job.path("stdout").asText().contains("PATH="), "the job printed its environment: " + job);
    assertEquals(0, cli.awaitExit(CLI), cli.tail(20));

    List<String> secrets = List.of(pool.secret(), wrong, token);
    List<String> leaks = new ArrayList<>();
    String jobOutput = job.path("stdout").asText() + job.path("stderr").asText();
    secrets.stream().filter(jobOutput::contains).forEach(s -> leaks.add("job " + envJob + "'s output"));
    // every log and output file of the test, and commands.txt (each command line it ran)
    try (Stream<Path> files = Files.walk(pool.logDir())) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        String text = Files.readString(f, StandardCharsets.ISO_8859_1);
        secrets.stream().filter(text::contains).forEach(s -> leaks.add(f.toString()));
      }
    }
    // and the command lines of every process still running, the job processes included
    for (Node n : pool.nodes()) {
      Stream.concat(Stream.of(n.pid()), n.descendants().map(ProcessHandle::pid)).forEach(pid -> {
        try {
          String cmdline = Files.readString(Path.of("/proc/" + pid + "/cmdline"),
              StandardCharsets.ISO_8859_1);
          secrets.stream().filter(cmdline::contains).forEach(s -> leaks.add("pid " + pid + " " + cmdline));
        } catch (IOException gone) {
          // ended meanwhile
        }
      });
    }
    assertTrue(leaks.isEmpty(), "a secret or the API token shows in: " + leaks);
  }

  // ---- helpers ----

  /** Generates a PKCS12 key store with one RSA key pair; the password comes from the environment. */
  static Process keytool(Path dir, String file, String dname, String password) throws IOException {
    Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
    ProcessBuilder pb = new ProcessBuilder(keytool.toString(), "-genkeypair", "-alias", "swamp",
        "-keyalg", "RSA", "-keysize", "2048", "-validity", "3650", "-dname", dname,
        "-storetype", "PKCS12", "-keystore", dir.resolve(file).toString(),
        "-storepass:env", "SWAMP_TLS_PASSWORD").redirectErrorStream(true);
    pb.environment().put("SWAMP_TLS_PASSWORD", password);
    return pb.start();
  }

  static Map<String, String> tls(Path store, String password) {
    return Map.of("SWAMP_TLS_KEY_STORE", store.toString(),
        "SWAMP_TLS_TRUST_STORE", store.toString(),
        "SWAMP_TLS_PASSWORD", password);
  }
}
