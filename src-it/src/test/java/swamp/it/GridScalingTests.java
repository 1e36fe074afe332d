package swamp.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The master grows and shrinks its own pool from its worker directory, with one launcher (the
 * subclass says which, and how to read that launcher's own queue). The same story for every
 * launcher:
 * <ul>
 *   <li>with no worker, 20 queued jobs make the master spawn workers of source {@code grid}; they
 *       register and run the jobs; once idle they are dismissed and nothing is left in the
 *       scheduler's queue. All along, the scheduler's queue and the API never hold more than
 *       {@code max-workers} of a source, nor more than {@code max-pending} waiting, and no two
 *       spawns of a source are closer than its {@code spawn-cooldown} (unless they are one batch);
 *   <li>meanwhile a job only source {@code lost} can run makes it spawn workers told a master
 *       address where nothing listens: each is cancelled after its registration timeout, counted
 *       as failed, and the source backs off longer after each failure;
 *   <li>a master that stops cancels the spawns whose workers have not registered;
 *   <li>a master killed with a spawn held in the queue cancels it when started again.
 * </ul>
 * The secret never appears in a job script, a worker's log or a worker's command line.
 */
@ExtendWith(PoolExtension.class)
abstract class GridScalingTests {

  static final int MAX_WORKERS = 3;
  static final int MAX_PENDING = 2;
  static final Duration COOLDOWN = Duration.ofSeconds(2);
  static final Duration BACKOFF = Duration.ofSeconds(2);
  static final Duration LOST_REGISTRATION_TIMEOUT = Duration.ofSeconds(6);
  static final int JOBS = 20;
  static final boolean CI = "true".equalsIgnoreCase(System.getenv("CI"));

  /** A job in the launcher's own queue: its id, the spawn (worker) id, and whether it waits. */
  record QueuedJob(String jobId, String spawnId, boolean waiting) {}

  /** Cancels a job of this test left in the scheduler's queue (after a failure); local: nothing. */
  void cancelLeftover(QueuedJob job) {}

  /** The master of the running test, for the clean-up. */
  private Master started;

  /** A failed test leaves no job in the scheduler's queue (its workers would give up anyway). */
  @AfterEach
  void cancelWhatIsLeft() {
    if (started != null) {
      try {
        queue(started).forEach(this::cancelLeftover);
      } catch (RuntimeException e) {
        // no scheduler to clean up
      }
    }
  }

  /** Whether the job is still in the launcher's queue. */
  boolean stillThere(Master master, QueuedJob job) {
    return queue(master).stream().anyMatch(j -> j.jobId().equals(job.jobId()));
  }

  /** local, slurm or sge. */
  abstract String launcher();

  /** Slots of a spawned worker of source {@code grid}. */
  abstract int slots();

  /** The option that submits a job held in the queue, never to start by itself; null: none. */
  String holdOption() {
    return null;
  }

  /** Fails in CI, skips elsewhere, unless the launcher's scheduler answers. */
  abstract void requireScheduler();

  /** The jobs of this test's master in the launcher's own queue, as the scheduler sees them. */
  abstract List<QueuedJob> queue(Master master);

  // distinct per test run, so that the queue read is this test's alone
  private final String tag = String.valueOf(100 + new Random().nextInt(900));
  final String grid = "grid" + tag;
  final String lost = "lost" + tag;

  @Test
  void queuedJobsSpawnWorkersThatRunThemAndAreGivenBackWhenIdle(Pool pool) {
    requireScheduler();
    Master master = startMaster(pool, String.join("\n",
        "{ name = " + grid + ", launcher = " + launcher() + ", max-workers = " + MAX_WORKERS
            + ", max-pending = " + MAX_PENDING + ", slots = " + slots()
            + ", worker-args = [\"--allow\", \"sh\"] }",
        lostSource(LOST_REGISTRATION_TIMEOUT)));
    try (Watch watch = new Watch(pool, master)) {
      // each job waits for the gate: the scheduler may start the spawned workers far apart (one
      // of its two slots held by a lost spawn, a loaded machine), and one worker would otherwise
      // run every job before the next one registers
      Path gate = pool.logDir().resolve("gate");
      List<String> ids = master.submitBatch(Collections.nCopies(JOBS, Map.of("argv", List.of(
          "sh", "-c", "until [ -e \"$1\" ]; do sleep 0.1; done", "sh", gate.toString()))));
      String lostJob = master.submit(Map.of("argv", List.of("true"), "requires", List.of("lost")));

      int atOnce = Runtime.getRuntime().availableProcessors() >= 2 ? 2 : 1; // grid jobs need a CPU
      Await.until(atOnce + " spawned workers running jobs at once", Duration.ofMinutes(2),
          () -> runningOn(master).size() >= atOnce);
      touch(gate);
      Set<String> ranOn = new TreeSet<>();
      for (String id : ids) {
        JsonNode job = master.awaitFinished(id, Duration.ofMinutes(1));
        assertEquals("SUCCEEDED", job.path("state").asText(), job.toString());
        ranOn.add(job.path("worker").asText());
      }
      assertTrue(ranOn.size() >= atOnce && ranOn.stream().allMatch(w -> w.startsWith(grid + "-")),
          "the jobs ran on spawned workers of " + grid + ": " + ranOn + "\n" + poolStory(master));

      // the lost source's spawns never register: each is cancelled and the source backs off
      JsonNode lostSource = Await.value("two failed spawns of " + lost, Duration.ofSeconds(90),
          () -> {
            JsonNode s = source(master, lost);
            return s.path("failed").asInt() >= 2 ? s : null;
          });
      assertTrue(lostSource.path("lastFailure").asText().contains(lost + "-"), lostSource.toString());
      assertEquals("QUEUED", master.job(lostJob).path("state").asText());
      cancel(master, lostJob);

      // idle workers are dismissed, leftover spawns cancelled: nothing is left anywhere
      Await.until("every spawned worker to leave and the " + launcher() + " queue to empty",
          Duration.ofSeconds(60), () -> master.workerIds().isEmpty() && queue(master).isEmpty());
      watch.stop();
      watch.assertLimitsHeld();
      watch.assertBackedOff();
      assertTrue(watch.sawBackoff, "the API showed " + lost + " backing off");
    }
    assertNoSecretIn(pool, pool.logDir().resolve("spawn"));
    assertTrue(master.log().contains("source " + lost + ": spawn " + lost + "-"),
        "the failed spawns are logged:\n" + master.tail(30));
  }

  @Test
  void aStoppingMasterCancelsTheSpawnsThatHaveNotRegistered(Pool pool) {
    requireScheduler();
    Master master = startMaster(pool, lostSource(Duration.ofMinutes(2)));
    master.submit(Map.of("argv", List.of("true"), "requires", List.of("lost")));
    Await.until("a spawn of " + lost + " in the " + launcher() + " queue", Duration.ofSeconds(30),
        () -> queue(master).size() == 1);
    assertEquals(1, master.workerIds().size(), "the API shows the pending spawn");
    QueuedJob pending = queue(master).get(0);
    master.terminate();
    assertEquals(0, master.awaitExit(Duration.ofSeconds(30)), master.tail(30));
    Await.until("the pending spawn " + pending + " to be cancelled", Duration.ofSeconds(20),
        () -> !stillThere(master, pending));
    assertTrue(master.log().contains("the master is stopping"), master.tail(30));
  }

  /**
   * A master killed (SIGKILL) with a spawn held in the scheduler's queue ({@code sbatch --hold},
   * {@code qsub -h}) cancelled nothing, and the held job stayed in the queue for good. Started
   * again on its address, it cancels what its earlier run left waiting there.
   */
  @Test
  void aMasterStartedAgainAfterAKillCancelsWhatItsEarlierRunLeftQueued(Pool pool) {
    requireScheduler();
    Assumptions.assumeTrue(holdOption() != null, "a " + launcher() + " spawn waits in no queue");
    Master master = startMaster(pool, "{ name = " + lost + ", launcher = " + launcher() + ","
        + " max-workers = 1, max-pending = 1, capabilities = [lost], options = [\""
        + holdOption() + "\"] }");
    master.submit(Map.of("argv", List.of("true"), "requires", List.of("lost")));
    Await.until("a held spawn of " + lost + " in the " + launcher() + " queue",
        Duration.ofSeconds(30), () -> queue(master).size() == 1);
    QueuedJob left = queue(master).get(0);
    master.killHard();
    master.awaitExit(Duration.ofSeconds(30));
    Master again = pool.restartSiteMaster(master);
    started = again;
    Await.until("the held job " + left + " of the killed master to be cancelled",
        Duration.ofSeconds(30), () -> !stillThere(again, left));
    assertTrue(again.log().contains("cancelled job " + left.jobId() + " of source " + lost
        + ", which an earlier run of this master (killed?) left waiting"), again.tail(30));
    again.terminate();
    assertEquals(0, again.awaitExit(Duration.ofSeconds(30)), again.tail(30));
  }

  /** What the master's log says of its workers and spawns, and of jobs sent back to the queue. */
  static String poolStory(Master master) {
    StringBuilder b = new StringBuilder("the master's pool, from its log:\n");
    master.log().lines()
        .filter(l -> !l.contains(" DEBUG ") && (l.contains("WorkerRegistry") || l.contains("PoolScaler")
            || l.contains("goes back to the queue") || l.contains("adopted")))
        .forEach(l -> b.append("  | ").append(l).append('\n'));
    return b.toString();
  }

  // ---- set-up ----

  /** The workers running jobs now. */
  static Set<String> runningOn(Master master) {
    Set<String> workers = new TreeSet<>();
    master.get("/api/jobs?state=RUNNING").json().forEach(j -> workers.add(j.path("worker").asText()));
    return workers;
  }

  private static void touch(Path file) {
    try {
      Files.writeString(file, "");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A source whose workers are told a master address where nothing listens. */
  private String lostSource(Duration registrationTimeout) {
    return "{ name = " + lost + ", launcher = " + launcher() + ", max-workers = 1, max-pending = 1,"
        + " capabilities = [lost], master-address = \"127.0.0.1:" + Pool.freePort() + "\","
        + " registration-timeout = " + registrationTimeout.toMillis() + "ms }";
  }

  /** A master with a site file that includes master.conf, as a site would start one. */
  Master startMaster(Pool pool, String directory) {
    Master master = pool.startSiteMaster(
        "swamp.master.scaling {",
        "  interval = 250ms",
        "  status-interval = 1s",
        "  spawn-dir = \"" + pool.logDir().resolve("spawn") + "\"",
        "  spawn-cooldown = " + COOLDOWN.toMillis() + "ms",
        "  idle-timeout = 3s",
        // from the submission: a grid job may wait in the scheduler's queue first (Grid Engine
        // took 24 s to start one while a benchmark loaded this 2-core machine)
        "  registration-timeout = 45s",
        "  failure-backoff = " + BACKOFF.toMillis() + "ms",
        "  worker-java-options = [\"-Xmx192m\", \"-XX:+UseSerialGC\", \"-XX:TieredStopAtLevel=1\"]",
        "}",
        "swamp.master.directory = [",
        directory,
        "]");
    started = master;
    return master;
  }

  /**
   * Cancels a queued job. The JDK's client retries a GET whose connection the server closed
   * under it, but not a DELETE: on such a failure the job's state says whether to ask again.
   */
  static void cancel(Master master, String jobId) {
    Await.until("job " + jobId + " to be cancelled", Duration.ofSeconds(20), () -> {
      try {
        Master.Response r = master.delete("/api/jobs/" + jobId);
        assertTrue(r.status() == 200 || r.status() == 409, r.toString());
      } catch (Master.ApiUnreachable e) {
        // the state tells
      }
      return master.job(jobId).path("state").asText().equals("CANCELLED");
    });
  }

  static JsonNode source(Master master, String name) {
    for (JsonNode s : master.get("/api/sources").json()) {
      if (s.path("name").asText().equals(name)) {
        return s;
      }
    }
    throw new AssertionError("no source " + name + " in " + master.get("/api/sources"));
  }

  // ---- the scheduler ----

  /** Runs a command to its end (at most 30 s) and returns its output; null when it failed. */
  static String run(String... argv) {
    try {
      Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return null;
      }
      return p.exitValue() == 0 ? out : null;
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  /** A command that must work for the test to mean anything: in CI it fails the test. */
  static void require(String what, String setUp, String... argv) {
    String out = run(argv);
    if (out == null) {
      String message = what + " is not reachable (" + String.join(" ", argv) + " failed); "
          + setUp;
      if (CI) {
        fail(message);
      }
      Assumptions.assumeTrue(false, message);
    }
  }

  /** The spawn id of a job named swamp-ID, when it is one of this test's. */
  String spawnOf(String jobName) {
    if (jobName.startsWith("swamp-" + grid + "-") || jobName.startsWith("swamp-" + lost + "-")) {
      return jobName.substring("swamp-".length());
    }
    return null;
  }

  static String sourceOf(String spawnId) {
    return spawnId.substring(0, spawnId.indexOf('-'));
  }

  // ---- watching the limits ----

  /**
   * Samples the launcher's queue and the API's worker list every 200 ms while the test runs:
   * the most of each source they ever held, and when each spawn was requested.
   */
  final class Watch implements AutoCloseable {
    private final Pool pool;
    private final Master master;
    /** Two threads: the sources' backoff, seconds long, is read apart from the slow queue reads. */
    private final ScheduledExecutorService timer = Executors.newScheduledThreadPool(2);
    final Map<String, Integer> mostQueued = new ConcurrentHashMap<>();
    final Map<String, Integer> mostWaitingInQueue = new ConcurrentHashMap<>();
    final Map<String, Integer> mostListed = new ConcurrentHashMap<>();
    final Map<String, Integer> mostPendingListed = new ConcurrentHashMap<>();
    /** spawn id -> when the master requested it, as the API says. */
    final Map<String, Instant> spawnedAt = new ConcurrentHashMap<>();
    final List<String> problems = Collections.synchronizedList(new ArrayList<>());
    volatile boolean sawBackoff;

    Watch(Pool pool, Master master) {
      this.pool = pool;
      this.master = master;
      timer.scheduleWithFixedDelay(this::sample, 0, 200, TimeUnit.MILLISECONDS);
      // a scheduler's queue read (qstat under load) can take longer than a backoff lasts
      timer.scheduleWithFixedDelay(this::sampleSources, 0, 100, TimeUnit.MILLISECONDS);
    }

    private void sampleSources() {
      try {
        for (JsonNode s : master.get("/api/sources").json()) {
          sawBackoff |= s.path("backingOffUntil").isTextual();
        }
      } catch (RuntimeException | AssertionError e) {
        if (master.isAlive()) {
          problems.add("sampling the sources failed: " + e);
        }
      }
    }

    private void sample() {
      try {
        Map<String, Integer> queued = new TreeMap<>();
        Map<String, Integer> waiting = new TreeMap<>();
        for (QueuedJob j : queue(master)) {
          queued.merge(sourceOf(j.spawnId()), 1, Integer::sum);
          if (j.waiting()) {
            waiting.merge(sourceOf(j.spawnId()), 1, Integer::sum);
          }
        }
        queued.forEach((s, n) -> mostQueued.merge(s, n, Math::max));
        waiting.forEach((s, n) -> mostWaitingInQueue.merge(s, n, Math::max));
        Map<String, Integer> listed = new TreeMap<>();
        Map<String, Integer> pending = new TreeMap<>();
        for (JsonNode w : master.get("/api/workers").json()) {
          String source = w.path("source").asText("");
          if (source.isEmpty()) {
            problems.add("a worker from no source: " + w);
            continue;
          }
          listed.merge(source, 1, Integer::sum);
          if (Set.of("submitting", "queued", "starting", "cancelling")
              .contains(w.path("state").asText())) {
            pending.merge(source, 1, Integer::sum);
          }
          if (w.path("spawnedAt").isTextual()) {
            spawnedAt.putIfAbsent(w.path("id").asText(), Instant.parse(w.path("spawnedAt").asText()));
          }
        }
        listed.forEach((s, n) -> mostListed.merge(s, n, Math::max));
        pending.forEach((s, n) -> mostPendingListed.merge(s, n, Math::max));
      } catch (RuntimeException | AssertionError e) {
        if (master.isAlive()) {
          problems.add("sampling failed: " + e);
        }
      }
    }

    void stop() {
      timer.shutdown();
      try {
        timer.awaitTermination(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    @Override
    public void close() {
      stop();
    }

    /** max-workers, max-pending and the cooldown held, in the scheduler's queue and the API. */
    void assertLimitsHeld() {
      assertEquals(List.of(), problems.stream().distinct().limit(5).toList());
      String seen = "queue " + mostQueued + ", waiting in it " + mostWaitingInQueue + ", listed "
          + mostListed + ", pending " + mostPendingListed + ", spawns " + new TreeMap<>(spawnedAt);
      assertTrue(mostQueued.getOrDefault(grid, 0) >= 2, "spawned workers were seen in the "
          + launcher() + " queue: " + seen);
      assertTrue(mostQueued.getOrDefault(grid, 0) <= MAX_WORKERS, seen);
      assertTrue(mostListed.getOrDefault(grid, 0) <= MAX_WORKERS, seen);
      assertTrue(mostQueued.getOrDefault(lost, 0) <= 1 && mostListed.getOrDefault(lost, 0) <= 1, seen);
      assertTrue(mostWaitingInQueue.getOrDefault(grid, 0) <= MAX_PENDING, seen);
      assertTrue(mostPendingListed.getOrDefault(grid, 0) <= MAX_PENDING, seen);
      // one decision spawns a batch at one instant; batches are a cooldown apart
      for (String source : List.of(grid, lost)) {
        Map<Instant, Integer> batches = new TreeMap<>();
        spawnedAt.forEach((id, at) -> {
          if (sourceOf(id).equals(source)) {
            batches.merge(at, 1, Integer::sum);
          }
        });
        Instant previous = null;
        for (Map.Entry<Instant, Integer> b : batches.entrySet()) {
          assertTrue(b.getValue() <= MAX_PENDING, "batch of " + b.getValue() + ": " + seen);
          if (previous != null) {
            assertFalse(Duration.between(previous, b.getKey()).compareTo(COOLDOWN) < 0,
                source + " spawned again within the cooldown: " + seen);
          }
          previous = b.getKey();
        }
      }
    }

    /**
     * Each spawn of the lost source failed no sooner than its registration timeout, and the next
     * one came no sooner than the backoff after it, doubled for each failure in a row.
     */
    void assertBackedOff() {
      List<Instant> times = spawnedAt.entrySet().stream()
          .filter(e -> sourceOf(e.getKey()).equals(lost)).map(Map.Entry::getValue).sorted().toList();
      assertTrue(times.size() >= 2, "two spawns of " + lost + " were seen: " + times);
      for (int k = 1; k < times.size(); k++) {
        Duration least = LOST_REGISTRATION_TIMEOUT.plus(BACKOFF.multipliedBy(1L << (k - 1)));
        Duration gap = Duration.between(times.get(k - 1), times.get(k));
        assertFalse(gap.compareTo(least) < 0, "spawn " + (k + 1) + " of " + lost + " came " + gap
            + " after the one before; expected at least " + least + ": " + times);
      }
    }
  }

  /** The secret stays out of job scripts, worker logs and command lines. */
  static void assertNoSecretIn(Pool pool, Path dir) {
    if (!Files.isDirectory(dir)) {
      return;
    }
    try (Stream<Path> files = Files.list(dir)) {
      List<Path> all = files.toList();
      assertFalse(all.isEmpty(), "job scripts or logs in " + dir);
      for (Path f : all) {
        assertFalse(Files.readString(f).contains(pool.secret()), "the secret is in " + f);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
