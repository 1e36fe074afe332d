package swamp.master.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import swamp.master.dispatch.DispatcherProtocol.Demand;
import swamp.master.dispatch.DispatcherProtocol.Load;
import swamp.master.dispatch.DispatcherProtocol.Queued;
import swamp.master.pool.ScalingPolicy.Cancel;
import swamp.master.pool.ScalingPolicy.Decision;
import swamp.master.pool.ScalingPolicy.Dismiss;
import swamp.master.pool.ScalingPolicy.Launch;
import swamp.master.pool.ScalingPolicy.Phase;
import swamp.master.pool.ScalingPolicy.SourceState;
import swamp.master.pool.ScalingPolicy.Spawn;

/** The scaler's decisions, one rule at a time, from hand-made snapshots. */
class ScalingPolicyTest {

  static final long NOW = 1_000_000_000L;
  static final long SEC = 1000;

  /** A directory from HOCON sources, over the reference defaults. */
  static ScalingPolicy policy(String... sources) {
    return new ScalingPolicy(settings(sources).sources());
  }

  static PoolSettings settings(String... sources) {
    return PoolSettings.fromConfig(ConfigFactory.parseString(
        "swamp.master.directory = [" + String.join("\n", sources) + "]")
        .withFallback(ConfigFactory.defaultReference()).resolve());
  }

  // a snapshot under construction
  final List<Queued> queued = new ArrayList<>();
  final List<Load> workers = new ArrayList<>();
  final List<Spawn> spawns = new ArrayList<>();
  final Map<String, SourceState> states = new HashMap<>();

  void jobs(int count, String... requires) {
    queued.add(new Queued(Set.of(requires), 1, count));
  }

  void wideJobs(int count, int slots) {
    queued.add(new Queued(Set.of(), slots, count));
  }

  /** A spawn of {@code source} on its way, requested {@code agoSec} seconds ago. */
  void spawn(String id, String source, Phase phase, long agoSec) {
    spawns.add(new Spawn(id, source, NOW - agoSec * SEC, phase, 0, false));
  }

  /** A registered worker spawned from {@code source}: busy slots, idle for {@code idleSec}. */
  void worker(String id, String source, int slots, int busy, long idleSec) {
    workers.add(new Load(id, slots, busy, Set.of(), true, false, false, NOW - 3600 * SEC,
        NOW - idleSec * SEC));
    if (source != null) {
      spawns.add(new Spawn(id, source, NOW - 3700 * SEC, Phase.REGISTERED, NOW - 3600 * SEC, false));
    }
  }

  Decision decide(ScalingPolicy policy) {
    return policy.decide(new ScalingPolicy.Snapshot(NOW, new Demand(NOW, queued, workers),
        spawns, states));
  }

  static int launched(Decision d, String source) {
    return d.launches().stream().filter(l -> l.source().equals(source)).mapToInt(Launch::count).sum();
  }

  // ---- up ----

  @Test
  void readyJobsWithNoFreeSlotSpawnUpToMaxPendingAtOnce() {
    jobs(20);
    Decision d = decide(policy("{ name = grid, launcher = slurm, max-workers = 4, max-pending = 2 }"));
    assertEquals(List.of("grid"), d.launches().stream().map(Launch::source).toList());
    assertEquals(2, launched(d, "grid"));
    assertTrue(d.launches().get(0).why().startsWith("20 queued job(s)"), d.launches().get(0).why());
  }

  @Test
  void workersAlreadyOnTheirWayCountAsSlots() {
    jobs(3);
    spawn("grid-1", "grid", Phase.QUEUED, 5);
    spawn("grid-2", "grid", Phase.STARTED, 5);
    Decision d = decide(policy("{ name = grid, launcher = slurm, slots = 2, max-pending = 4 }"));
    assertEquals(0, launched(d, "grid"), "2 spawns of 2 slots will take the 3 jobs");
  }

  @Test
  void freeSlotsOfRegisteredWorkersCount() {
    jobs(2);
    worker("w", null, 4, 1, 0);
    assertTrue(decide(policy("{ name = grid, launcher = slurm }")).launches().isEmpty());
  }

  @Test
  void onlyAsManyWorkersAsTheJobsNeed() {
    jobs(5);
    Decision d = decide(policy("{ name = grid, launcher = slurm, slots = 2, max-pending = 10, max-workers = 10 }"));
    assertEquals(3, launched(d, "grid"));
  }

  @Test
  void neverMoreThanMaxWorkersLeavingAndCancellingOnesIncluded() {
    jobs(10);
    worker("grid-1", "grid", 1, 1, 0);
    spawn("grid-2", "grid", Phase.LEAVING, 100);
    spawn("grid-3", "grid", Phase.CANCELLING, 5);
    ScalingPolicy p = policy("{ name = grid, launcher = slurm, max-workers = 4, max-pending = 4 }");
    assertEquals(1, launched(decide(p), "grid"));
    spawn("grid-4", "grid", Phase.QUEUED, 1);
    assertEquals(0, launched(decide(p), "grid"));
  }

  @Test
  void atMostMaxPendingWaitAtOnce() {
    jobs(10);
    spawn("grid-1", "grid", Phase.QUEUED, 3);
    ScalingPolicy p = policy("{ name = grid, launcher = slurm, max-workers = 10, max-pending = 3 }");
    assertEquals(2, launched(decide(p), "grid"));
    spawn("grid-2", "grid", Phase.STARTED, 3);
    spawn("grid-3", "grid", Phase.SUBMITTING, 0);
    assertEquals(0, launched(decide(p), "grid"));
  }

  @Test
  void noSpawnWithinTheCooldownOfTheLastOne() {
    jobs(10);
    ScalingPolicy p = policy("{ name = grid, launcher = slurm, spawn-cooldown = 10s }");
    states.put("grid", new SourceState(NOW - 9 * SEC, 0));
    assertEquals(0, launched(decide(p), "grid"));
    states.put("grid", new SourceState(NOW - 10 * SEC, 0));
    assertEquals(2, launched(decide(p), "grid"));
  }

  @Test
  void aBackedOffSourceSpawnsNothingAndTheNextOneTakesOver() {
    jobs(3);
    states.put("first", new SourceState(NOW - 3600 * SEC, NOW + SEC));
    Decision d = decide(policy("{ name = first, launcher = slurm }",
        "{ name = second, launcher = sge, max-pending = 5 }"));
    assertEquals(0, launched(d, "first"));
    assertEquals(3, launched(d, "second"));
  }

  @Test
  void sourcesAreDrawnOnInDirectoryOrder() {
    jobs(5);
    Decision d = decide(policy("{ name = local, launcher = local, max-workers = 2, max-pending = 2 }",
        "{ name = grid, launcher = slurm, max-workers = 10, max-pending = 10 }"));
    assertEquals(2, launched(d, "local"));
    assertEquals(3, launched(d, "grid"));
  }

  @Test
  void onlySourcesWhoseWorkersCanRunTheJobSpawnForIt() {
    jobs(2, "gpu");
    wideJobs(1, 8);
    Decision d = decide(policy("{ name = plain, launcher = slurm, slots = 4 }",
        "{ name = gpus, launcher = slurm, capabilities = [gpu], slots = 1 }"));
    assertEquals(0, launched(d, "plain"), "no gpu there, and 8 slots is wider than its workers");
    assertEquals(2, launched(d, "gpus"));
  }

  // ---- down ----

  @Test
  void aSpawnStillQueuedThatNoJobNeedsIsCancelledNewestFirst() {
    jobs(1);
    spawn("grid-1", "grid", Phase.QUEUED, 20);
    spawn("grid-2", "grid", Phase.QUEUED, 10);
    spawn("grid-3", "grid", Phase.STARTED, 5); // about to register: left to the idle timeout
    Decision d = decide(policy("{ name = grid, launcher = slurm, max-pending = 3 }"));
    assertEquals(List.of(new Cancel("grid-2", "no job waits for it any more", false),
        new Cancel("grid-1", "no job waits for it any more", false)), d.cancels());
    assertTrue(d.launches().isEmpty());
  }

  @Test
  void aWorkerIdleLongerThanTheIdleTimeoutIsDismissed() {
    worker("grid-1", "grid", 2, 0, 61);
    worker("grid-2", "grid", 2, 0, 59);
    worker("grid-3", "grid", 2, 1, 600);
    worker("by-hand", null, 2, 0, 6000);
    Decision d = decide(policy("{ name = grid, launcher = slurm, idle-timeout = 60s }"));
    assertEquals(List.of("grid-1"), d.dismissals().stream().map(Dismiss::workerId).toList());
    assertEquals("idle for 1m1s", d.dismissals().get(0).why());
  }

  @Test
  void minWorkersAreSpawnedAndKept() {
    ScalingPolicy p = policy("{ name = grid, launcher = slurm, min-workers = 2, idle-timeout = 1s }");
    Decision d = decide(p);
    assertEquals(2, launched(d, "grid"));
    assertTrue(d.launches().get(0).why().contains("min-workers"));

    worker("grid-1", "grid", 1, 0, 100);
    worker("grid-2", "grid", 1, 0, 200);
    worker("grid-3", "grid", 1, 0, 300);
    d = decide(p);
    assertEquals(List.of("grid-3"), d.dismissals().stream().map(Dismiss::workerId).toList(),
        "the longest idle goes, two stay");
    assertTrue(d.launches().isEmpty());
  }

  @Test
  void pendingSpawnsNeededForMinWorkersAreNotCancelled() {
    spawn("grid-1", "grid", Phase.QUEUED, 10);
    assertTrue(decide(policy("{ name = grid, launcher = slurm, min-workers = 1 }")).cancels().isEmpty());
  }

  // ---- failures ----

  @Test
  void aSpawnNotRegisteredWithinTheRegistrationTimeoutIsCancelledAsFailed() {
    jobs(4);
    spawn("grid-1", "grid", Phase.STARTED, 30);
    spawn("grid-2", "grid", Phase.QUEUED, 29);
    Decision d = decide(policy("{ name = grid, launcher = slurm, registration-timeout = 30s, max-pending = 2 }"));
    assertEquals(List.of(new Cancel("grid-1", "its worker did not register within 30s", true)),
        d.cancels());
    assertEquals(0, launched(d, "grid"), "the cancelled one still waits in the queue");
  }

  /** A held job (sbatch --hold) timed out as "did not register", the log it pointed to empty. */
  @Test
  void aSpawnThatTimedOutInTheQueueSaysSo() {
    jobs(1);
    spawn("grid-1", "grid", Phase.QUEUED, 30);
    Decision d = decide(policy("{ name = grid, launcher = slurm, registration-timeout = 30s }"));
    assertEquals(List.of(new Cancel("grid-1", "its worker did not register within 30s: its job"
        + " never left the scheduler's queue (held, or no room for it? squeue -j says why)",
        true)), d.cancels());
  }

  @Test
  void aSourceWhoseSpawnFailsNowSpawnsNothingInTheSameDecisionAndTheNextOneTakesOver() {
    // the failure's backoff is recorded as the decision is carried out: it must hold already
    jobs(1);
    spawn("first-1", "first", Phase.STARTED, 30);
    Decision d = decide(policy("{ name = first, launcher = local, registration-timeout = 30s,"
            + " failure-backoff = 60s, spawn-cooldown = 0s }",
        "{ name = second, launcher = slurm, min-workers = 0 }"));
    assertEquals(List.of(new Cancel("first-1", "its worker did not register within 30s", true)),
        d.cancels());
    assertEquals(0, launched(d, "first"), "it backs off from this failure on");
    assertEquals(1, launched(d, "second"));
  }

  @Test
  void aSourceWhoseSpawnFailsNowDoesNotSpawnForItsMinWorkersEither() {
    spawn("here-1", "here", Phase.STARTED, 30);
    Decision d = decide(policy("{ name = here, launcher = local, min-workers = 1,"
        + " registration-timeout = 30s, spawn-cooldown = 0s }"));
    assertEquals(1, d.cancels().size());
    assertEquals(0, launched(d, "here"));
  }

  @Test
  void backoffDoublesWithEachFailureInARowUpToItsCap() {
    SourceSettings s = settings("{ name = grid, launcher = slurm, failure-backoff = 10s,"
        + " max-failure-backoff = 1m }").sources().get(0);
    assertEquals(List.of(0L, 10L, 20L, 40L, 60L, 60L),
        List.of(0, 1, 2, 3, 4, 10).stream().map(n -> s.backoffAfter(n).toSeconds()).toList());
  }

  // ---- walltime ----

  @Test
  void aWorkerNearItsWalltimeGetsNoNewJobsLeavesOnceIdleAndIsReplaced() {
    ScalingPolicy p = policy("{ name = grid, launcher = slurm, walltime = 1h, walltime-margin = 5m,"
        + " max-workers = 2 }");
    jobs(1);
    worker("grid-1", "grid", 1, 1, 0); // registered an hour ago: within the margin
    Decision d = decide(p);
    assertEquals(List.of("grid-1"), d.retire());
    assertEquals(1, launched(d, "grid"), "its slot no longer counts; the queued job needs one");

    workers.clear();
    spawns.clear();
    workers.add(new Load("grid-1", 1, 0, Set.of(), false, true, false, NOW - 3600 * SEC, NOW));
    spawns.add(new Spawn("grid-1", "grid", NOW - 3700 * SEC, Phase.REGISTERED, NOW - 3600 * SEC, true));
    d = decide(p);
    assertEquals(List.of("grid-1"), d.dismissals().stream().map(Dismiss::workerId).toList());
    assertTrue(d.retire().isEmpty());
  }

  // ---- when to look again ----

  @Test
  void theNextDecisionIsDueAtTheFirstTimeoutCooldownBackoffIdleOrWalltimeToCome() {
    ScalingPolicy p = policy("{ name = grid, launcher = slurm, registration-timeout = 10m,"
        + " idle-timeout = 5m, spawn-cooldown = 10s, walltime = 2h, walltime-margin = 5m }");
    assertEquals(Long.MAX_VALUE, wakeAt(p), "nothing spawned, nothing to wait for");

    worker("grid-1", "grid", 1, 0, 60); // registered an hour ago, idle for a minute
    assertEquals(NOW + 4 * 60 * SEC, wakeAt(p), "its idle timeout");
    spawn("grid-2", "grid", Phase.QUEUED, 8 * 60);
    assertEquals(NOW + 2 * 60 * SEC, wakeAt(p), "the spawn's registration timeout");
    states.put("grid", new SourceState(NOW - 5 * SEC, NOW + 30 * SEC));
    assertEquals(NOW + 5 * SEC, wakeAt(p), "the cooldown's end, before the backoff's");
    states.put("grid", new SourceState(NOW - 60 * SEC, NOW + 30 * SEC));
    assertEquals(NOW + 30 * SEC, wakeAt(p), "the backoff's end");

    ScalingPolicy busy = policy("{ name = grid, launcher = slurm, walltime = 2h,"
        + " walltime-margin = 5m }");
    workers.clear();
    spawns.clear();
    states.clear();
    worker("grid-3", "grid", 1, 1, 0); // busy, registered an hour ago
    assertEquals(NOW + 55 * 60 * SEC, wakeAt(busy), "the walltime less its margin");
  }

  long wakeAt(ScalingPolicy policy) {
    return policy.wakeAt(new ScalingPolicy.Snapshot(NOW, new Demand(NOW, queued, workers), spawns,
        states));
  }
}
