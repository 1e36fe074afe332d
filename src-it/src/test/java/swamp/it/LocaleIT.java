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

  /**
   * A script run under a locale such as en_US.UTF-8, a cluster's usual, lists a glob's matches
   * and ls's names, and compares in [[ ]], in that locale's order, as bash does there, and its
   * jobs sort in it, whatever the locale of the node that runs them: an ncrcat
   * or ncea of a glob reads its inputs, and writes them into its history, in that order.
   * swamp sorted by byte, as under C, which is not bash's order there for names that differ in
   * case or punctuation (tas_CanESM2.nc and tas_CCSM4.nc, tas_2000.nc and tas_2000_01.nc).
   */
  @Test
  void aScriptsGlobsAreInTheOrderOfItsLocaleAsBashsAre(Pool pool) throws Exception {
    String locale = "en_US.UTF-8";
    Process list = new ProcessBuilder("locale", "-a").redirectErrorStream(true).start();
    String installed = new String(list.getInputStream().readAllBytes()).toLowerCase();
    if (!installed.lines().anyMatch(l -> l.equals("en_us.utf8") || l.equals("en_us.utf-8"))) {
      String why = locale + " is not installed here (bin/setup makes it)";
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        org.junit.jupiter.api.Assertions.fail("CI=true and " + why);
      }
      org.junit.jupiter.api.Assumptions.abort(why);
    }
    // its jobs run on the master, started in the C locale, as a grid job's worker is
    Master master = pool.startMaster(Map.of("LC_ALL", "C"), List.of());
    master.awaitHealthy(Pool.STARTUP);
    java.nio.file.Path dir = java.nio.file.Files.createDirectories(pool.logDir().resolve("models"));
    for (String f : List.of("tas_CCSM4.nc", "tas_CanESM2.nc", "tas_2000.nc", "tas_2000_01.nc",
        "tas_GFDL-CM3.nc", "tas_GFDL_ESM2M.nc", "tas_a1.nc", "tas_B2.nc")) {
      java.nio.file.Files.writeString(dir.resolve(f), f);
    }
    java.nio.file.Files.writeString(dir.resolve("order.sh"), String.join("\n",
        "echo tas_*",
        "for f in $(ls tas_*); do printf '%s ' \"$f\"; done; echo",
        "[[ tas_a1.nc < tas_B2.nc ]] && echo '[[ ]]: a1 first' || echo '[[ ]]: B2 first'",
        "[ tas_a1.nc \\< tas_B2.nc ] && echo '[ ]: a1 first' || echo '[ ]: B2 first'",
        "printf '%s\\n' tas_B2.nc tas_a1.nc tas_CCSM4.nc tas_CanESM2.nc | sort | tr '\\n' ' '; echo",
        ""));
    for (String lc : List.of(locale, "C")) {
      Map<String, String> env = new LinkedHashMap<>();
      env.put("LC_ALL", lc);
      ProcessBuilder pb = new ProcessBuilder("bash", "order.sh").directory(dir.toFile());
      pb.environment().put("LC_ALL", lc);
      Process b = pb.start();
      String expected = new String(b.getInputStream().readAllBytes(),
          java.nio.charset.StandardCharsets.UTF_8);
      assertEquals(0, b.waitFor());
      Node run = pool.swamp(master, dir, env, "run", "order.sh");
      assertEquals(0, run.awaitExit(CLI), run.tail(20));
      assertEquals(expected, run.output(), "bin/swamp run under LC_ALL=" + lc + " prints what bash does");
      if (lc.equals(locale)) {
        assertTrue(expected.startsWith("tas_2000_01.nc tas_2000.nc tas_a1.nc tas_B2.nc tas_CanESM2.nc"),
            "the locale orders these unlike C:\n" + expected);
      }
    }
  }
}
