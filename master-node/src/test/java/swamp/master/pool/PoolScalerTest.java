package swamp.master.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import swamp.master.dispatch.JobDispatcher.Demand;
import swamp.master.dispatch.JobDispatcher.GetDemand;
import swamp.master.dispatch.JobDispatcher.Load;
import swamp.master.dispatch.JobDispatcher.Queued;
import swamp.master.dispatch.JobDispatcher;
import swamp.master.membership.WorkerRegistry;

/**
 * The scaler actor with its peers played by probes and its scheduler by a {@link FakeGrid}: it
 * spawns for queued jobs, matches a registration to its spawn by id, dismisses the idle worker,
 * cancels what no job needs, backs off after a failure and cancels what is pending when the
 * master stops.
 */
class PoolScalerTest {

  static final ActorTestKit testKit = ActorTestKit.create();

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

    @Override
    public Map<String, GridState> status(Collection<String> ids) {
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
      Request r = submitted.poll(5, TimeUnit.SECONDS);
      assertNotNull(r, "a worker was submitted");
      return r;
    }
  }

  final TestProbe<JobDispatcher.Command> dispatcher = testKit.createTestProbe();
  final TestProbe<WorkerRegistry.Command> registry = testKit.createTestProbe();
  final FakeGrid grid = new FakeGrid();

  ActorRef<PoolScaler.Command> scaler(String source) {
    PoolSettings settings = ScalingPolicyTest.settings(source);
    PoolSettings fast = new PoolSettings(settings.sources(), Duration.ofMillis(50),
        Duration.ofMillis(50), Duration.ofSeconds(5), settings.spawnDir());
    return testKit.spawn(PoolScaler.create(fast, "s3cret", dispatcher.ref(), registry.ref(),
        s -> grid));
  }

  /** Answers the scaler's next demand query. */
  void demand(List<Queued> queued, Load... workers) {
    GetDemand g = (GetDemand) dispatcher.fishForMessage(Duration.ofSeconds(5), m -> m instanceof GetDemand
        ? FishingOutcomes.complete()
        : FishingOutcomes.continueAndIgnore()).get(0);
    g.replyTo().tell(new Demand(System.currentTimeMillis(), queued, List.of(workers)));
  }

  static Load worker(String id, int busy, long idleMs) {
    long now = System.currentTimeMillis();
    return new Load(id, 1, busy, Set.of(), true, false, false, now - 60_000, now - idleMs);
  }

  static <T> T ask(ActorRef<PoolScaler.Command> scaler,
      org.apache.pekko.japi.function.Function<ActorRef<T>, PoolScaler.Command> message) {
    return AskPattern.ask(scaler, message, Duration.ofSeconds(5), testKit.system().scheduler())
        .toCompletableFuture().join();
  }

  Map<String, String> states(ActorRef<PoolScaler.Command> scaler) {
    List<PoolScaler.SpawnView> spawns = ask(scaler, PoolScaler.ListSpawns::new);
    Map<String, String> m = new java.util.TreeMap<>();
    spawns.forEach(s -> m.put(s.id(), s.state()));
    return m;
  }

  @Test
  void spawnsForQueuedJobsMatchesRegistrationsByIdAndGivesBackWhatIsNotNeeded() throws Exception {
    ActorRef<PoolScaler.Command> scaler = scaler("{ name = grid, launcher = slurm, max-pending = 2,"
        + " max-workers = 4, idle-timeout = 1s, spawn-cooldown = 1h }");
    demand(List.of(new Queued(Set.of(), 1, 5)));
    Launcher.Request first = grid.nextSubmit();
    Launcher.Request second = grid.nextSubmit();
    assertEquals("s3cret", first.env().get("SWAMP_SECRET"));
    assertTrue(first.argv().containsAll(List.of("--id", first.spawnId())), first.argv().toString());
    assertTrue(first.argv().stream().noneMatch(a -> a.contains("s3cret")));
    assertTrue(first.spawnId().startsWith("grid-"));

    // the first registers and works; the cooldown holds back more spawns
    demand(List.of(new Queued(Set.of(), 1, 4)), worker(first.spawnId(), 1, 0));
    demand(List.of(new Queued(Set.of(), 1, 4)), worker(first.spawnId(), 1, 0));
    assertEquals(Map.of(first.spawnId(), "registered", second.spawnId(), "queued"), states(scaler));
    assertNull(grid.submitted.poll(200, TimeUnit.MILLISECONDS), "no spawn within the cooldown");

    // the work is done: the spawn still queued goes first, the idle worker is dismissed
    demand(List.of(), worker(first.spawnId(), 0, 5_000));
    assertEquals("101", grid.cancelled.poll(5, TimeUnit.SECONDS));
    WorkerRegistry.DismissWorkers dismiss = registry.expectMessageClass(WorkerRegistry.DismissWorkers.class);
    assertEquals(first.spawnId(), dismiss.workerId());
    assertTrue(dismiss.reason().startsWith("idle for"), dismiss.reason());

    // it leaves the pool; once its job is gone it is forgotten
    demand(List.of());
    grid.end("100");
    TestProbe<Object> wait = testKit.createTestProbe();
    wait.awaitAssert(Duration.ofSeconds(5), () -> {
      demandIfAsked();
      assertEquals(Map.of(), states(scaler));
      return null;
    });
  }

  /** Answers a pending demand query with an empty pool, if there is one. */
  private void demandIfAsked() {
    for (JobDispatcher.Command c : dispatcher.receiveSeveralMessages(0, Duration.ZERO)) {
      if (c instanceof GetDemand g) {
        g.replyTo().tell(new Demand(System.currentTimeMillis(), List.of(), List.of()));
      }
    }
  }

  @Test
  void aSpawnWhoseJobEndsBeforeItsWorkerRegistersFailsAndTheSourceBacksOff() throws Exception {
    ActorRef<PoolScaler.Command> scaler = scaler("{ name = grid, launcher = slurm, max-pending = 1,"
        + " spawn-cooldown = 0s, failure-backoff = 1h }");
    demand(List.of(new Queued(Set.of(), 1, 1)));
    grid.nextSubmit();
    grid.end("100"); // e.g. the worker exited 3: wrong secret
    TestProbe<Object> wait = testKit.createTestProbe();
    PoolScaler.SourceView source = wait.awaitAssert(Duration.ofSeconds(5), () -> {
      List<PoolScaler.SourceView> sources = ask(scaler, PoolScaler.ListSources::new);
      assertEquals(1, sources.get(0).failed());
      return sources.get(0);
    });
    assertEquals(1, source.failuresInARow());
    assertNotNull(source.backingOffUntil());
    assertTrue(source.lastFailure().contains("ended before the worker registered"), source.lastFailure());
    answerEveryDemandFor(Duration.ofMillis(300), List.of(new Queued(Set.of(), 1, 1)));
    assertNull(grid.submitted.poll(200, TimeUnit.MILLISECONDS), "backed off: no new spawn");
  }

  @Test
  void aWorkerNearItsWalltimeGetsNoNewJobsAndLeavesOnceIdle() throws Exception {
    ActorRef<PoolScaler.Command> scaler = scaler("{ name = grid, launcher = slurm, walltime = 2s,"
        + " walltime-margin = 1s, max-workers = 1 }");
    demand(List.of(new Queued(Set.of(), 1, 1)));
    String id = grid.nextSubmit().spawnId();
    long registered = System.currentTimeMillis() - 1_500; // a second and a half into its 2 s
    Load busy = new Load(id, 1, 1, Set.of(), true, false, false, registered, registered);
    demand(List.of(), busy);
    assertEquals(id, registry.expectMessageClass(WorkerRegistry.Retire.class).workerId());
    assertEquals(Map.of(id, "retiring"), states(scaler));
    demand(List.of(), new Load(id, 1, 0, Set.of(), false, true, false, registered, registered));
    assertEquals(id, registry.expectMessageClass(WorkerRegistry.DismissWorkers.class).workerId());
  }

  @Test
  void aWorkerSpawnedByAnEarlierMasterIsTakenBackAndGivenBackWhenIdle() {
    ActorRef<PoolScaler.Command> scaler = scaler("{ name = grid, launcher = slurm, idle-timeout = 1s }");
    demand(List.of(), worker("grid-q7x-3", 0, 5_000), worker("by-hand", 0, 5_000));
    assertEquals("grid-q7x-3", registry.expectMessageClass(WorkerRegistry.DismissWorkers.class).workerId());
    registry.expectNoMessage(Duration.ofMillis(200));
    assertEquals(Map.of("grid-q7x-3", "leaving"), states(scaler));
  }

  @Test
  void aStoppingMasterCancelsWhatIsPendingAndSpawnsNothingMore() throws Exception {
    ActorRef<PoolScaler.Command> scaler = scaler("{ name = grid, launcher = slurm, max-pending = 2 }");
    demand(List.of(new Queued(Set.of(), 1, 2)));
    grid.nextSubmit();
    grid.nextSubmit();
    TestProbe<Object> wait = testKit.createTestProbe();
    wait.awaitAssert(Duration.ofSeconds(5), () -> {
      assertEquals(List.of("queued", "queued"), List.copyOf(states(scaler).values()));
      return null;
    });
    PoolScaler.Done done = ask(scaler, PoolScaler.Shutdown::new);
    assertEquals(PoolScaler.Done.INSTANCE, done);
    assertEquals(Set.of("100", "101"), Set.of(grid.cancelled.poll(1, TimeUnit.SECONDS),
        grid.cancelled.poll(1, TimeUnit.SECONDS)));
    int asked = answerEveryDemandFor(Duration.ofMillis(500), List.of(new Queued(Set.of(), 1, 9)));
    assertTrue(asked <= 1, "at most the query asked before it stopped: " + asked);
    assertNull(grid.submitted.poll(0, TimeUnit.MILLISECONDS), "nothing spawned after the stop");
  }

  /** Answers every demand query for a while with these queued jobs; returns how many came. */
  private int answerEveryDemandFor(Duration period, List<Queued> queued) {
    int asked = 0;
    long end = System.nanoTime() + period.toNanos();
    while (System.nanoTime() < end) {
      try {
        if (dispatcher.receiveMessage(Duration.ofMillis(50)) instanceof GetDemand g) {
          asked++;
          g.replyTo().tell(new Demand(System.currentTimeMillis(), queued, List.of()));
        }
      } catch (AssertionError nothingYet) {
        // keep listening until the period is over
      }
    }
    return asked;
  }
}
