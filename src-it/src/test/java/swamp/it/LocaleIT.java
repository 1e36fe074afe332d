package swamp.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A scientist's words that are not ASCII reach the job whole when bin/swamp runs under the C
 * locale, the bare environment of a grid job, cron or ssh: Java read them in ASCII, and
 * 'héllo' was submitted, and run by such a worker, as 'h??llo'. The jobs still see the locale
 * their worker was started in.
 */
@ExtendWith(PoolExtension.class)
class LocaleIT {

  static final Duration CLI = Duration.ofSeconds(90);

  @Test
  void wordsThatAreNotAsciiSurviveTheCLocale(Pool pool) {
    Master master = pool.startMaster("--local-exec", "never");
    master.awaitHealthy(Pool.STARTUP);
    Map<String, String> cLocale = new LinkedHashMap<>();
    cLocale.put("LC_ALL", "C");
    cLocale.put("LANG", "C");
    cLocale.put("LC_CTYPE", null);
    Map<String, String> workerEnv = new LinkedHashMap<>(cLocale);
    workerEnv.put("SWAMP_SECRET", pool.secret());
    Node worker = pool.swamp(null, pool.logDir(), workerEnv, "worker", "--master", master.address(),
        "--id", "c-locale", "--retry-interval", "500ms");
    master.awaitWorkers(Pool.STARTUP, List.of(worker), "c-locale");

    Node submit = pool.swamp(master, pool.logDir(), cLocale, "submit", "--wait", "--", "printf",
        "%s|", "héllo ☃", "ü");
    assertEquals(0, submit.awaitExit(CLI), submit.tail(20));
    assertEquals("héllo ☃|ü|", submit.output(), "what the job printed, as the CLI printed it");
    JsonNode job = master.get("/api/jobs?limit=1").json().get(0);
    assertEquals("héllo ☃", job.path("argv").get(2).asText(), job.toString());
    assertEquals("héllo ☃|ü|", job.path("stdout").asText(), "what the worker started: " + job);

    String env = master.awaitFinished(master.submit(Map.of("argv", List.of("env"))),
        Duration.ofSeconds(60)).path("stdout").asText();
    assertTrue(env.lines().anyMatch(l -> l.equals("LC_ALL=C")), "the job has its worker's locale:\n" + env);
    assertFalse(env.contains("LC_CTYPE=") || env.contains("SWAMP_LOCALE_WAS"), env);
  }
}
