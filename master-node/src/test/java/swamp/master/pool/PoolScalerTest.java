package swamp.master.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ManualTime;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import swamp.master.ManualClock;
import swamp.master.dispatch.DispatcherProtocol.Demand;
import swamp.master.dispatch.DispatcherProtocol.Load;
import swamp.master.dispatch.DispatcherProtocol.Queued;
import swamp.master.dispatch.JobDispatcher;
import swamp.master.membership.MembershipEvent;
import swamp.master.membership.WorkerRegistry;
import swamp.master.pool.DirectoryView.SourceView;
import swamp.master.pool.DirectoryView.SpawnView;
import swamp.protocol.ToWorker;
import swamp.protocol.WorkerOffer;

/**
 * The scaler actor with its peers played by probes, its scheduler by a {@link FakeGrid} and its
 * time by the scheduler's {@link ManualTime} and a clock that moves with it: it spawns for queued
 * jobs as the dispatcher tells them, matches a registration to its spawn by id, dismisses the idle
 * worker once its idle timeout passed, cancels what no job needs, backs off after a failure and
 * spawns again when the backoff is over, cancels a spawn that never registers, retires a worker
 * near its walltime, and cancels what is pending when the master stops. What it shows is what the
 * API shows an administrator: the spawns' states and the sources' counts.
 */
class PoolScalerTest {

  static final ActorTestKit testKit = ActorTestKit.create(
      ManualTime.config().withFallback(ConfigFactory.load("application-test")));
  static final ManualTime time = ManualTime.get(testKit.system());
  static final Duration INTERVAL = Duration.ofSeconds(1);
  static final Duration STATUS_INTERVAL = Duration.ofSeconds(5);

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  /** A scheduler that holds every submitted job until it is cancelled or {@link #end}ed. */
  static final class FakeGrid implements Launcher {
    final LinkedBlockingQueue<Request> submitted = new LinkedBlockingQueue<>();
    final LinkedBlockingQueue<String> cancelled = new LinkedBlockingQueue<>();
    final Map<String, GridState> jobs = new ConcurrentHashMap<>();
    int next = 100;

    @Override
    public synchronized String submit(Request r) {
      String id = String.valueOf(next++);
      jobs.put(id, GridState.QUEUED);
      submitted.add(r);
      return id;
    }

    @Override
    public void cancel(String jobId) {
      jobs.remove(jobId);
      cancelled.add(jobId);
    }

    /** What status fails with, while not null. */
    volatile String statusFails;

    @Override
    public Map<String, GridState> status(Collection<String> ids) throws LaunchException {
      if (statusFails != null) {
        throw new LaunchException(statusFails);
      }
      Map<String, GridState> out = new ConcurrentHashMap<>(jobs);
      out.keySet().retainAll(ids);
      return out;
    }

    @Override
    public boolean canTell() {
      return true;
    }

    @Override
    public void abandon(Collection<String> ids) {}

    void end(String jobId) {
      jobs.remove(jobId);
    }

    Request nextSubmit() throws InterruptedException {
      Request r = submitted.poll(10, TimeUnit.SECONDS);
      assertNotNull(r, "a worker was submitted");
      return r;
    }
  }

  final TestProbe<JobDispatcher.Command> dispatcher = testKit.createTestProbe();
  final TestProbe<WorkerRegistry.Command> registry = testKit.createTestProbe();
  final TestProbe<ToWorker> workers = testKit.createTestProbe();
  final FakeGrid grid = new FakeGrid();
  /** The scaler's time: moved by the test, with the scheduler's. */
  final ManualClock clock = new ManualClock(Instant.parse("2026-01-05T09:00:00Z"));
  /** Where the scaler notes its grid jobs. */
  @org.junit.jupiter.api.io.TempDir
  java.nio.file.Path spawnDir;
  ActorRef<Demand> demands;
  ActorRef<MembershipEvent> membership;

  /** A scaler of one source; {@code registered}: the workers in the pool when it starts. */
  ActorRef<PoolScaler.Command> scaler(String source, String... registered) {
    PoolSettings settings = ScalingPolicyTest.settings(source);
    PoolSettings timed = new PoolSettings(settings.sources(), INTERVAL, STATUS_INTERVAL,
        Duration.ofSeconds(5), spawnDir);
    ActorRef<PoolScaler.Command> scaler = testKit.spawn(PoolScaler.create(timed, "s3cret",
        dispatcher.ref(), registry.ref(), s -> grid, clock));
    JobDispatcher.WatchDemand watch = dispatcher.expectMessageClass(JobDispatcher.WatchDemand.class);
    assertEquals(INTERVAL, watch.atMostEvery());
    demands = watch.watcher();
    WorkerRegistry.Follow follow = registry.expectMessageClass(WorkerRegistry.Follow.class);
    membership = follow.follower();
    Map<String, WorkerOffer> offers = new LinkedHashMap<>();
    for (String id : registered) {
      offers.put(id, offer());
    }
    follow.replyTo().tell(new WorkerRegistry.Members(offers));
    return scaler;
  }

  static WorkerOffer offer() {
    return new WorkerOffer("node1", "pekko://swamp@node1:2552", 1, List.of(), List.of("*"), 0,
        "test", false);
  }

  /** What the dispatcher tells: the queued jobs and the workers' load. */
  void demand(List<Queued> queued, Load... loads) {
    demands.tell(new Demand(clock.millis(), queued, List.of(loads)));
  }

  void joined(String id) {
    membership.tell(new MembershipEvent.WorkerJoined(id, offer(), List.of(), workers.ref()));
  }

  void left(String id) {
    membership.tell(new MembershipEvent.WorkerLeft(id, "left: done"));
  }

  /** Time passes: for the scaler's clock and its timers alike. */
  static void until(java.util.function.BooleanSupplier done) throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!done.getAsBoolean()) {
      assertTrue(System.nanoTime() < end, "timed out");
      Thread.sleep(20);
    }
  }

  void advance(Duration d) {
    clock.advance(d);
    time.timePasses(d);
  }

  Load worker(String id, int busy, long idleMs) {
    long now = clock.millis();
    return new Load(id, 1, busy, Set.of(), true, false, false, now - 60_000, now - idleMs);
  }

  static List<Queued> jobs(int count) {
    return List.of(new Queued(Set.of(), 1, count));
  }

  static <T> T ask(ActorRef<PoolScaler.Command> scaler,
      org.apache.pekko.japi.function.Function<ActorRef<T>, PoolScaler.Command> message) {
    return AskPattern.ask(scaler, message, Duration.ofSeconds(10), testKit.system().scheduler())
        .toCompletableFuture().join();
  }

  /** The spawns' states, as the API lists them. */
  static Map<String, String> states(ActorRef<PoolScaler.Command> scaler) {
    List<SpawnView> spawns = ask(scaler, PoolScaler.ListSpawns::new);
    Map<String, String> m = new java.util.TreeMap<>();
    spawns.forEach(s -> m.put(s.id(), s.state()));
    return m;
  }

  static SourceView source(ActorRef<PoolScaler.Command> scaler) {
    List<SourceView> sources = ask(scaler, PoolScaler.ListSources::new);
    return sources.get(0);
  }

  /** Waits until the scaler shows these states (launcher answers come back on their own). */
  static void awaitStates(ActorRef<PoolScaler.Command> scaler, Map<String, String> expected) {
    testKit.createTestProbe().awaitAssert(Duration.ofSeconds(10), () -> {
      assertEquals(expected, states(scaler));
      return null;
    });
  }

  @Test
  void spawnsForQueuedJobsMatchesRegistrationsByIdAndGivesBackWhatIsNotNeeded() throws Exception {
    ActorRef<PoolScaler.Command> scaler = scaler("{ name = grid, launcher = slurm, max-pending = 2,"
        + " max-workers = 4, idle-timeout = 1s, spawn-cooldown = 1h }");
    demand(jobs(5));
    Launcher.Request first = grid.nextSubmit();
    Launcher.Request second = grid.nextSubmit();
    assertEquals("s3cret", first.env().get("SWAMP_SECRET"));
    assertTrue(first.argv().containsAll(List.of("--id", first.spawnId())), first.argv().toString());
    assertTrue(first.argv().stream().noneMatch(a -> a.contains("s3cret")));
    assertTrue(first.spawnId().startsWith("grid-"));
    awaitStates(scaler, Map.of(first.spawnId(), "queued", second.spawnId(), "queued"));
    SourceView launched = source(scaler);
    assertEquals(2, launched.spawned());
    assertEquals(2, launched.pending());
    assertEquals(0, launched.registered());

    // the first registers and works; the cooldown holds back more spawns
    joined(first.spawnId());
    demand(jobs(4), worker(first.spawnId(), 1, 0));
    assertEquals(Map.of(first.spawnId(), "registered", second.spawnId(), "queued"), states(scaler));
    assertEquals(1, source(scaler).registered());
    advance(Duration.ofSeconds(30));
    assertNull(grid.submitted.poll(200, TimeUnit.MILLISECONDS), "no spawn within the cooldown");

    // the work is done: the spawn still queued goes first; the worker, once idle for 1 s, too
    demand(List.of(), worker(first.spawnId(), 0, 0));
    assertEquals("101", grid.cancelled.poll(10, TimeUnit.SECONDS));
    registry.expectNoMessage(Duration.ofMillis(200));
    advance(Duration.ofSeconds(1));
    WorkerRegistry.DismissWorkers dismiss = registry.expectMessageClass(WorkerRegistry.DismissWorkers.class);
    assertEquals(first.spawnId(), dismiss.workerId());
    assertTrue(dismiss.reason().startsWith("idle for"), dismiss.reason());
    assertEquals(Map.of(first.spawnId(), "leaving"), states(scaler));

    // it leaves the pool; once its job is gone it is forgotten
    left(first.spawnId());
    grid.end("100");
    advance(STATUS_INTERVAL);
    awaitStates(scaler, Map.of());
  }

  @Test
  void aWorkerJustRegisteredCountsBeforeTheDispatcherTellsItsLoad() throws Exception {
    ActorRef<PoolScaler.Command> scaler = scaler("{ name = grid, launcher = slurm, min-workers = 1,"
        + " max-workers = 3, spawn-cooldown = 0s }");
    demand(List.of());
    String id = grid.nextSubmit().spawnId(); // min-workers
    awaitStates(scaler, Map.of(id, "queued"));

    joined(id); // the registry tells first; the dispatcher's demand follows within its interval
    assertEquals(Map.of(id, "registered"), states(scaler));
    assertNull(grid.submitted.poll(200, TimeUnit.MILLISECONDS), "min-workers is met: no new spawn");
  }

  @Test
  void theScalerIsToldAndNeverAsksTheDispatcher() {
    scaler("{ name = grid, launcher = slurm }");
    demand(List.of());
    advance(Duration.ofMinutes(1));
    // all it tells is which sources fail: none (a scaler started again clears what one told before)
    dispatcher.expectMessage(new JobDispatcher.SourcesFailing(Map.of()));
    dispatcher.expectNoMessage(Duration.ofMillis(200));
  }

  /** The failing sources the scaler tells the dispatcher next, skipping what it told before. */
  Map<String, String> toldFailing(java.util.function.Predicate<Map<String, String>> which) {
    List<JobDispatcher.Command> told = dispatcher.fishForMessage(Duration.ofSeconds(10), m ->
        m instanceof JobDispatcher.SourcesFailing f && which.test(f.failing())
            ? org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes.complete()
            : org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes.continueAndIgnore());
    return ((JobDispatcher.SourcesFailing) told.get(told.size() - 1)).failing();
  }

  /**
   * A master killed with a spawn held in its scheduler's queue (sbatch --hold) left it there for
   * good, and started again spawned anew beside it. Its next start on that address cancels what
   * waits in the queue and leaves what runs to its worker.
   */
  @Test
  void whatAnEarlierRunLeftQueuedIsCancelledAndWhatRunsIsLeft() throws Exception {
    java.nio.file.Path ledger = new SpawnLedger(spawnDir,
        PoolScaler.address(testKit.system().address())).file();
    java.nio.file.Files.writeString(ledger, "grid 7\ngrid 8\ngrid 9\n");
    grid.jobs.put("7", Launcher.GridState.QUEUED);
    grid.jobs.put("8", Launcher.GridState.STARTED); // 9: gone already
    ActorRef<PoolScaler.Command> scaler = scaler("{ name = grid, launcher = slurm }");
    assertEquals("7", grid.cancelled.poll(10, TimeUnit.SECONDS));
    demand(jobs(1));
    String id = grid.nextSubmit().spawnId();
    awaitStates(scaler, Map.of(id, "queued"));
    assertEquals(Set.of("8", "100"), grid.jobs.keySet());
    assertEquals(null, grid.cancelled.poll(), "only the queued one was cancelled");
    assertEquals("grid 100\n", java.nio.file.Files.readString(ledger), "this run's jobs, for the next");
  }

  /**
   * A grid job that ran, whose worker could not reach the master (a wrong master-address), was
   * cancelled with "its worker did not register within 2m" alone: why it did not (its log says
   * "nothing listens at ...") was in a file the failure did not name.
   */
  @Test
  void aStartedSpawnThatNeverRegistersNamesItsWorkersLog() throws Exception {
    ActorRef<PoolScaler.Command> scaler = scaler("{ name = grid, launcher = slurm,"
        + " registration-timeout = 2m, spawn-cooldown = 0s }");
    demand(jobs(1));
    Launcher.Request r = grid.nextSubmit();
    awaitStates(scaler, Map.of(r.spawnId(), "queued"));
    grid.jobs.put("100", Launcher.GridState.STARTED);
    advance(STATUS_INTERVAL);
    awaitStates(scaler, Map.of(r.spawnId(), "starting"));
    advance(Duration.ofMinutes(2));
    assertEquals("100", grid.cancelled.poll(10, TimeUnit.SECONDS));
    String failure = source(scaler).lastFailure();
    assertTrue(failure.contains("its worker did not register within 2m (its log: " + r.log()
        + ")"), failure);
  }

  /**
   * A source whose status command fails for good (a wrong template, a scheduler that is down)
   * logged "cannot read the queue of source ..." at every status-interval, 17,280 WARNs a day at
   * the default 5 s. It says so once, again when the reason changes, and when it reads again.
   */
  @Test
  void aStatusCommandThatKeepsFailingIsLoggedOncePerReason() throws Exception {
    ch.qos.logback.classic.Logger logger = (ch.qos.logback.classic.Logger)
        org.slf4j.LoggerFactory.getLogger(PoolScaler.class);
    ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> seen =
        new ch.qos.logback.core.read.ListAppender<>();
    seen.start();
    logger.addAppender(seen);
    try {
      ActorRef<PoolScaler.Command> scaler = scaler("{ name = grid, launcher = slurm }");
      grid.statusFails = "squeue exited 1: slurm_load_jobs error: Unable to contact slurm controller";
      demand(jobs(1));
      String id = grid.nextSubmit().spawnId();
      awaitStates(scaler, Map.of(id, "queued"));
      java.util.function.Supplier<List<String>> queueLines = () -> seen.list.stream()
          .map(ch.qos.logback.classic.spi.ILoggingEvent::getFormattedMessage)
          .filter(m -> m.contains("queue of source grid")).toList();
      for (int i = 0; i < 5; i++) {
        advance(STATUS_INTERVAL);
        Thread.sleep(100);
      }
      until(() -> !queueLines.get().isEmpty());
      Thread.sleep(300);
      assertEquals(1, queueLines.get().size(), queueLines.get().toString());
      assertTrue(queueLines.get().get(0).contains("Unable to contact slurm controller"));

      grid.statusFails = "squeue exited 1: Invalid user";
      advance(STATUS_INTERVAL);
      until(() -> queueLines.get().size() == 2);
      grid.statusFails = null;
      advance(STATUS_INTERVAL);
      until(() -> queueLines.get().size() == 3);
      assertEquals("the queue of source grid reads again", queueLines.get().get(2));
    } finally {
      logger.detachAppender(seen);
    }
  }

  @Test
  void aSpawnWhoseJobEndsBeforeItsWorkerRegistersFailsAndTheSourceBacksOff() throws Exception {
    ActorRef<PoolScaler.Command> scaler = scaler("{ name = grid, launcher = slurm, max-pending = 1,"
        + " spawn-cooldown = 0s, failure-backoff = 10m }");
    demand(jobs(1));
    String id = grid.nextSubmit().spawnId();
    awaitStates(scaler, Map.of(id, "queued"));
    grid.end("100"); // e.g. the worker exited 3: wrong secret
    advance(STATUS_INTERVAL);
    SourceView source = testKit.createTestProbe().awaitAssert(Duration.ofSeconds(10), () -> {
      SourceView s = source(scaler);
      assertEquals(1, s.failed());
      return s;
    });
    assertEquals(1, source.failuresInARow());
    assertEquals(Instant.ofEpochMilli(clock.millis()).plus(Duration.ofMinutes(10)).toString(),
        source.backingOffUntil());
    assertTrue(source.lastFailure().contains("(job 100): its job left the scheduler's queue before"
        + " it was seen running, and no worker registered"), source.lastFailure());
    assertEquals(Map.of(), states(scaler));
    // the jobs only this source could serve say why they wait
    Map<String, String> failing = toldFailing(f -> !f.isEmpty());
    assertEquals(List.of("grid"), List.copyOf(failing.keySet()));
    assertTrue(failing.get("grid").startsWith("1 spawn(s) in a row failed, the last: spawn " + id
        + " (job 100): its job left the scheduler's queue"), failing.toString());

    demand(jobs(1));
    advance(Duration.ofMinutes(9));
    assertNull(grid.submitted.poll(200, TimeUnit.MILLISECONDS), "backed off: no new spawn");

    advance(Duration.ofMinutes(1)); // the backoff is over: the job still waits
    String next = grid.nextSubmit().spawnId();
    assertNull(source(scaler).backingOffUntil());
    joined(next); // a spawn that registers: its source works again
    assertEquals(Map.of(), toldFailing(Map::isEmpty));
  }

  @Test
  void aSpawnThatNeverRegistersIsCancelledAtItsRegistrationTimeoutAndCountsAsFailed()
      throws Exception {
    // room for a second spawn at once: only the backoff holds it back
    ActorRef<PoolScaler.Command> scaler = scaler("{ name = grid, launcher = slurm, max-pending = 2,"
        + " max-workers = 4, registration-timeout = 2m, spawn-cooldown = 0s, failure-backoff = 10m }");
    demand(jobs(1));
    String id = grid.nextSubmit().spawnId();
    awaitStates(scaler, Map.of(id, "queued"));

    advance(Duration.ofSeconds(119));
    assertNull(grid.cancelled.poll(200, TimeUnit.MILLISECONDS), "within its registration timeout");
    advance(Duration.ofSeconds(1));
    assertEquals("100", grid.cancelled.poll(10, TimeUnit.SECONDS));
    awaitStates(scaler, Map.of());
    SourceView source = source(scaler);
    assertEquals(1, source.failed());
    assertTrue(source.lastFailure().contains("did not register within 2m"), source.lastFailure());
    assertEquals(Instant.ofEpochMilli(clock.millis()).plus(Duration.ofMinutes(10)).toString(),
        source.backingOffUntil());
    assertNull(grid.submitted.poll(200, TimeUnit.MILLISECONDS), "backed off: no new spawn");

    advance(Duration.ofMinutes(9));
    assertNull(grid.submitted.poll(200, TimeUnit.MILLISECONDS), "still backed off");
    advance(Duration.ofMinutes(1)); // the backoff is over: the job still waits
    grid.nextSubmit();
  }

  @Test
  void aWorkerNearItsWalltimeGetsNoNewJobsAndLeavesOnceIdle() throws Exception {
    ActorRef<PoolScaler.Command> scaler = scaler("{ name = grid, launcher = slurm, walltime = 2h,"
        + " walltime-margin = 10m, max-workers = 1 }");
    demand(jobs(1));
    String id = grid.nextSubmit().spawnId();
    awaitStates(scaler, Map.of(id, "queued"));
    joined(id);
    demand(List.of(), worker(id, 1, 0));
    assertEquals(Map.of(id, "registered"), states(scaler));

    advance(Duration.ofMinutes(109));
    registry.expectNoMessage(Duration.ofMillis(200));
    advance(Duration.ofMinutes(1)); // ten minutes before its walltime
    assertEquals(id, registry.expectMessageClass(WorkerRegistry.Retire.class).workerId());
    assertEquals(Map.of(id, "retiring"), states(scaler));
    long registered = clock.millis() - Duration.ofMinutes(110).toMillis();
    demand(List.of(), new Load(id, 1, 0, Set.of(), false, true, false, registered, clock.millis()));
    assertEquals(id, registry.expectMessageClass(WorkerRegistry.DismissWorkers.class).workerId());
  }

  @Test
  void aWorkerSpawnedByAnEarlierMasterIsTakenBackAndGivenBackWhenIdle() {
    ActorRef<PoolScaler.Command> scaler = scaler("{ name = grid, launcher = slurm, idle-timeout = 1s }",
        "grid-q7x-3", "by-hand");
    demand(List.of(), worker("grid-q7x-3", 0, 5_000), worker("by-hand", 0, 5_000));
    assertEquals("grid-q7x-3", registry.expectMessageClass(WorkerRegistry.DismissWorkers.class).workerId());
    registry.expectNoMessage(Duration.ofMillis(200));
    assertEquals(Map.of("grid-q7x-3", "leaving"), states(scaler));
  }

  @Test
  void aStoppingMasterCancelsWhatIsPendingAndSpawnsNothingMore() throws Exception {
    ActorRef<PoolScaler.Command> scaler = scaler("{ name = grid, launcher = slurm, max-pending = 2 }");
    demand(jobs(2));
    String a = grid.nextSubmit().spawnId();
    String b = grid.nextSubmit().spawnId();
    awaitStates(scaler, Map.of(a, "queued", b, "queued"));
    PoolScaler.Done done = ask(scaler, PoolScaler.Shutdown::new);
    assertEquals(PoolScaler.Done.INSTANCE, done);
    assertEquals(Set.of("100", "101"), Set.of(grid.cancelled.poll(1, TimeUnit.SECONDS),
        grid.cancelled.poll(1, TimeUnit.SECONDS)));
    demand(jobs(9));
    advance(Duration.ofMinutes(1));
    assertNull(grid.submitted.poll(200, TimeUnit.MILLISECONDS), "nothing spawned after the stop");
  }
}
