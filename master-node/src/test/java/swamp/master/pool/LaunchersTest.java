package swamp.master.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import swamp.master.pool.Launcher.GridState;

/** What the launchers run and how they read the schedulers' answers. */
class LaunchersTest {

  static SourceSettings source(String hocon) {
    return ScalingPolicyTest.settings(hocon).sources().get(0);
  }

  @Test
  void theWorkerIsToldItsMasterIdSlotsAndGiveUpButNeverTheSecret() {
    SourceSettings s = source("{ name = gpu, launcher = slurm, slots = 4, capabilities = [gpu],"
        + " registration-timeout = 20s, worker-args = [--allow, python3],"
        + " worker-command = [/opt/swamp/bin/swamp, worker], worker-java-options = [-Xmx1g] }");
    List<String> argv = WorkerCommand.argv(s, "gpu-x-1", "10.0.0.1:17355");
    assertEquals(List.of("/opt/swamp/bin/swamp", "worker", "--master", "10.0.0.1:17355", "--id",
        "gpu-x-1", "--slots", "4", "--give-up-after", "20000ms", "--capability", "gpu", "--allow",
        "python3"), argv);
    Map<String, String> env = WorkerCommand.environment(s, "s3cret");
    assertEquals("s3cret", env.get("SWAMP_SECRET"));
    assertEquals("-Xmx1g", env.get("JAVA_OPTS"));
    String script = WorkerCommand.script(argv, s, "gpu-x-1");
    assertTrue(script.startsWith("#!/bin/sh\n"));
    assertTrue(script.contains("exec /opt/swamp/bin/swamp worker --master 10.0.0.1:17355"), script);
    assertFalse(script.contains("s3cret"));
  }

  /**
   * A master journaling to PostgreSQL (SWAMP_JOURNAL_USER, SWAMP_JOURNAL_PASSWORD) handed the
   * database's login to every worker it spawned, into the scheduler's job record with the rest
   * of its environment; a worker has no use for it.
   */
  @Test
  void aSpawnedWorkerGetsNeitherTheApiTokenNorTheJournalsLogin() {
    Map<String, String> env = WorkerCommand.environment(source("{ name = l, launcher = slurm }"),
        "s3cret", Map.of("SWAMP_JOURNAL_USER", "swamp", "SWAMP_JOURNAL_PASSWORD", "pw",
            "SWAMP_API_TOKEN", "tok", "JAVA_OPTS", "-Dconfig.file=master-site.conf",
            "PATH", "/usr/bin", "SWAMP_TLS_PASSWORD", "kp"));
    assertEquals(Map.of("PATH", "/usr/bin", "SWAMP_SECRET", "s3cret", "SWAMP_TLS_PASSWORD", "kp"),
        env);
  }

  @Test
  void byDefaultAWorkerRunsOnTheMastersOwnJavaAndClassPath() {
    List<String> argv = WorkerCommand.argv(source("{ name = l, launcher = local,"
        + " worker-java-options = [-Xmx256m] }"), "l-1", "127.0.0.1:1");
    assertEquals(Path.of(System.getProperty("java.home"), "bin", "java").toString(), argv.get(0));
    assertEquals(List.of("-Xmx256m", "-Dconfig.resource=worker.conf", "-cp",
        System.getProperty("java.class.path"), "swamp.worker.WorkerMain"), argv.subList(1, 6));
  }

  /**
   * worker-java-options = ["-Dconfig.file=/shared/worker-site.conf"] (a site file for the
   * workers, as the README's configuration section describes) stopped every spawned worker:
   * "You set more than one of config.file=..., config.resource='worker.conf'".
   */
  @Test
  void aSourcesWorkerSiteFileStandsInsteadOfWorkerConf() {
    List<String> argv = WorkerCommand.argv(source("{ name = l, launcher = local,"
        + " worker-java-options = [\"-Dconfig.file=/shared/worker-site.conf\"] }"), "l-1",
        "127.0.0.1:1");
    assertEquals(List.of("-Dconfig.file=/shared/worker-site.conf", "-cp",
        System.getProperty("java.class.path"), "swamp.worker.WorkerMain"), argv.subList(1, 5));
  }

  @Test
  void underBinSwampAWorkerRunsOnItsOwnClassPathAndStartFlags() {
    System.setProperty(WorkerCommand.CLASS_PATH, "/s/worker-node/target/worker-node.jar:/s/lib/a.jar");
    System.setProperty(WorkerCommand.JVM_OPTIONS, " -XX:+UseSerialGC  -XX:SharedArchiveFile=/s/w.jsa ");
    try {
      List<String> argv = WorkerCommand.argv(source("{ name = l, launcher = local,"
          + " worker-java-options = [-Xmx256m] }"), "l-1", "127.0.0.1:1");
      // the source's own options come after bin/swamp's, so they win
      assertEquals(List.of("-XX:+UseSerialGC", "-XX:SharedArchiveFile=/s/w.jsa", "-Xmx256m",
          "-Dconfig.resource=worker.conf", "-cp", "/s/worker-node/target/worker-node.jar:/s/lib/a.jar",
          "swamp.worker.WorkerMain"), argv.subList(1, 8));
    } finally {
      System.clearProperty(WorkerCommand.CLASS_PATH);
      System.clearProperty(WorkerCommand.JVM_OPTIONS);
    }
  }

  @Test
  void aWordIsQuotedForTheShell() {
    assertEquals("'it'\\''s a $HOME'", swamp.protocol.ShellText.quote("it's a $HOME"));
    assertEquals("a/b.nc", swamp.protocol.ShellText.quote("a/b.nc"));
  }

  @Test
  void templatesAreFilledIn() {
    assertEquals(List.of("qdel", "42", "--name=swamp-a-1"), GridLauncher.fill(
        List.of("qdel", "{job}", "--name=swamp-{id}"), Map.of("{job}", "42", "{id}", "a-1")));
    assertEquals("01:30:00", GridLauncher.hms(Duration.ofMinutes(90)));
    assertEquals("00:00:01", GridLauncher.hms(Duration.ofMillis(1)));
  }

  @Test
  void slurmsAnswersAreRead() {
    assertEquals("1234", GridLauncher.slurmJobId("1234\n"));
    assertEquals("1234", GridLauncher.slurmJobId("1234;cluster\n"));
    assertNull(GridLauncher.slurmJobId("\n"));
    assertEquals(Map.of("12", GridState.QUEUED, "13", GridState.STARTED, "14", GridState.STARTED,
            "15", GridState.FAILED),
        GridLauncher.readSqueue("12 PD\n13 R\n14 CG\n15 BF\n\n"));
  }

  @Test
  void gridEnginesAnswersAreRead() {
    String qstat = """
        job-ID  prior   name       user         state submit/start at     queue                          slots ja-task-ID
        -----------------------------------------------------------------------------------------------------------------
              3 0.55500 swamp-sge- root         r     11/28/2026 16:50:01 all.q@vm                           1
              4 0.00000 swamp-sge- root         qw    11/28/2026 16:50:02                                    1
              5 0.00000 swamp-sge- root         Eqw   11/28/2026 16:50:02                                    1
        """;
    assertEquals(Map.of("3", GridState.STARTED, "4", GridState.QUEUED, "5", GridState.FAILED),
        GridLauncher.readQstat(qstat));
    assertEquals("7", GridLauncher.firstLine("\n7\n"));
  }

  /**
   * A command source whose submit says more than the id (sbatch without --parsable) had the whole
   * line taken for it: the number in it is the id.
   */
  @Test
  void aCommandSourcesSubmitGivesTheJobIdInItsFirstLine() {
    assertEquals("a-7", GridLauncher.commandJobId("\na-7\n"));
    assertEquals("123", GridLauncher.commandJobId("Submitted batch job 123\n"));
    assertEquals("123", GridLauncher.commandJobId("Your job 123 (\"swamp-x\") has been submitted\n"));
    assertEquals("123", GridLauncher.commandJobId("Job <123> is submitted to queue <normal>.\n"));
    assertEquals("4567.pbs01", GridLauncher.commandJobId("queued as 4567.pbs01\n"));
    assertNull(GridLauncher.commandJobId("sbatch: error: invalid partition specified\n"));
    assertNull(GridLauncher.commandJobId(""));
  }

  @Test
  void aCommandSourcesStatusIsAJobIdPerLine() {
    assertEquals(Map.of("a", GridState.QUEUED, "b", GridState.STARTED),
        GridLauncher.readStatusLines("a\nb R\n"));
  }

  @Test
  void aCommandSourceRunsItsTemplatesWithTheSecretOnlyInTheSubmitEnvironment(@TempDir Path dir)
      throws Exception {
    Path seen = dir.resolve("seen");
    SourceSettings s = source("{ name = c, launcher = command, submit = [sh, -c, "
        + "\"echo $SWAMP_SECRET > " + seen + "; echo job-{id}\"],"
        + " cancel = [sh, -c, \"echo cancelled {job} >> " + seen + "\"],"
        + " status = [echo, \"job-c-1 R\"] }");
    Launcher l = Launches.of(s, Duration.ofSeconds(10));
    Launcher.Request r = new Launcher.Request("c-1", List.of("true"),
        WorkerCommand.environment(s, "s3cret"), dir, dir.resolve("c-1.sh"), dir.resolve("c-1.log"));
    assertEquals("job-c-1", l.submit(r));
    assertEquals("s3cret", Files.readString(seen).strip());
    assertTrue(Files.readString(dir.resolve("c-1.sh")).contains("exec true"));
    assertEquals(Map.of("job-c-1", GridState.STARTED), l.status(List.of("job-c-1", "job-c-2")));
    l.cancel("job-c-1");
    assertTrue(Files.readString(seen).contains("cancelled job-c-1"));
  }

  @Test
  void aFailingCommandSaysWhatItPrinted(@TempDir Path dir) {
    SourceSettings s = source("{ name = c, launcher = command, submit = [sh, -c, \"echo no queue >&2; exit 3\"] }");
    Launcher l = Launches.of(s, Duration.ofSeconds(10));
    Launcher.Request r = new Launcher.Request("c-1", List.of("true"), Map.of("PATH", "/usr/bin:/bin"),
        dir, dir.resolve("c-1.sh"), dir.resolve("c-1.log"));
    var e = org.junit.jupiter.api.Assertions.assertThrows(Launcher.LaunchException.class, () -> l.submit(r));
    assertEquals("sh exited 3: no queue", e.getMessage());
    assertFalse(Files.exists(r.script()), "a refused submit leaves no job script behind");
  }

  @Test
  void aCommandThatOutlivesItsTimeoutIsKilledWithWhatItStarted(@TempDir Path dir) throws Exception {
    Path script = dir.resolve("submit.sh");
    Path childPid = dir.resolve("child.pid");
    Files.writeString(script, "sleep 600 &\necho $! > " + childPid + ".tmp\nmv " + childPid
        + ".tmp " + childPid + "\nwait\n");
    SourceSettings s = source("{ name = c, launcher = command, submit = [sh, " + script + "] }");
    Launcher l = Launches.of(s, Duration.ofSeconds(1));
    Launcher.Request r = new Launcher.Request("c-1", List.of("true"), Map.of("PATH", "/usr/bin:/bin"),
        dir, dir.resolve("c-1.sh"), dir.resolve("c-1.log"));
    var e = org.junit.jupiter.api.Assertions.assertThrows(Launcher.LaunchException.class, () -> l.submit(r));
    assertEquals("sh did not finish within 1s", e.getMessage());
    assertTrue(Files.exists(r.script()), "a submit that may have queued its job keeps its script");
    ProcessHandle sleep = ProcessHandle.of(Long.parseLong(Files.readString(childPid).strip()))
        .orElse(null);
    try {
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (sleep != null && sleep.isAlive()) {
        assertTrue(System.nanoTime() < deadline, "the command's sleep still runs: " + sleep.info());
        Thread.sleep(20);
      }
    } finally {
      if (sleep != null) {
        sleep.destroyForcibly();
      }
    }
  }

  @Test
  void aLocalWorkerIsAProcessThatACancelKills(@TempDir Path dir) throws Exception {
    LocalLauncher l = new LocalLauncher();
    String pid = l.submit(new Launcher.Request("l-1", List.of("sleep", "60"),
        Map.of("PATH", "/usr/bin:/bin"), dir, dir.resolve("l-1.sh"), dir.resolve("l-1.log")));
    assertEquals(Map.of(pid, GridState.STARTED), l.status(List.of(pid)));
    l.cancel(pid);
    assertEquals(Map.of(), l.status(List.of(pid)));
    assertFalse(ProcessHandle.of(Long.parseLong(pid)).map(ProcessHandle::isAlive).orElse(false));
    assertNull(l.howEnded(pid), "cancelled: it did not end by itself");
  }

  @Test
  void aLocalWorkerThatEndsByItselfSaysItsExitCode(@TempDir Path dir) throws Exception {
    LocalLauncher l = new LocalLauncher();
    String refused = l.submit(new Launcher.Request("l-1", List.of("sh", "-c", "exit 3"),
        Map.of("PATH", "/usr/bin:/bin"), dir, dir.resolve("l-1.sh"), dir.resolve("l-1.log")));
    String killed = l.submit(new Launcher.Request("l-2", List.of("sh", "-c", "kill -9 $$"),
        Map.of("PATH", "/usr/bin:/bin"), dir, dir.resolve("l-2.sh"), dir.resolve("l-2.log")));
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!l.status(List.of(refused, killed)).isEmpty()) {
      assertTrue(System.nanoTime() < deadline, "both processes end");
      Thread.sleep(20);
    }
    assertEquals("exit code 3: refused for good", l.howEnded(refused));
    assertEquals("exit code 137: killed by signal 9", l.howEnded(killed));
    assertNull(l.howEnded(refused), "told once");
  }
}
