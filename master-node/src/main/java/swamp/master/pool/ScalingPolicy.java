package swamp.master.pool;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import swamp.master.dispatch.DispatcherProtocol.Demand;
import swamp.master.dispatch.DispatcherProtocol.Load;
import swamp.master.dispatch.DispatcherProtocol.Queued;
import swamp.node.HumanDuration;

/**
 * The scaler's decisions, without actors, processes or clocks: from what waits, what the workers
 * have free and what has been spawned, which sources spawn how many workers, which spawns are
 * cancelled and which workers are dismissed or retired.
 *
 * <p>The rules, after SWAMP's design and what Dask-jobqueue learned:
 * <ul>
 *   <li>Up: jobs that no free slot (of a registered worker, or of a spawn on its way) can take
 *       call for workers from the first sources, in directory order, that can run them; never
 *       more than a source's {@code max-workers} (leaving ones count until they are gone), at most
 *       {@code max-pending} waiting at once, not again within its {@code spawn-cooldown} nor
 *       while it is backed off after failures. {@code min-workers} are kept.
 *   <li>Down: a spawn still waiting in a scheduler's queue that no job needs any more is
 *       cancelled first; a spawned worker idle for its {@code idle-timeout} is dismissed, down to
 *       {@code min-workers}.
 *   <li>Failure: a spawn not registered within {@code registration-timeout} is cancelled and
 *       counts as failed; its source spawns nothing in that decision, and then nothing until its
 *       backoff is over.
 *   <li>Walltime: a worker within {@code walltime-margin} of its walltime is retired (no new
 *       jobs), and dismissed once it is idle; its slots no longer count, so it is replaced if
 *       work remains.
 * </ul>
 */
public final class ScalingPolicy {

  /** Where a spawn is in its life. */
  public enum Phase {
    /** The submit command runs; no job id yet. */
    SUBMITTING,
    /** Submitted; waiting in the scheduler's queue (or its state is not known). */
    QUEUED,
    /** Running (a local process, or a grid job that started), not registered yet. */
    STARTED,
    /** Its worker is registered. */
    REGISTERED,
    /** Being cancelled before its worker registered. */
    CANCELLING,
    /** Its worker was dismissed or left; its process or grid job may still be ending. */
    LEAVING;

    boolean pending() {
      return this == SUBMITTING || this == QUEUED || this == STARTED;
    }

    /** Counts against max-pending: waiting for a worker, or not yet out of the queue. */
    boolean waiting() {
      return pending() || this == CANCELLING;
    }
  }

  /** A worker asked of a source, as the scaler knows it. */
  public record Spawn(String id, String source, long requestedAt, Phase phase, long registeredAt,
      boolean retiring) {}

  /** What the policy must remember of a source between decisions. */
  public record SourceState(long lastSpawnAt, long backoffUntil) {
    public static final SourceState NEW = new SourceState(Long.MIN_VALUE / 2, 0);
  }

  /** Everything a decision is made from. */
  public record Snapshot(long now, Demand demand, List<Spawn> spawns,
      Map<String, SourceState> sources) {}

  /** Spawn {@code count} workers from {@code source}. */
  public record Launch(String source, int count, String why) {}

  /** Cancel the spawn; {@code failed} when it counts against its source. */
  public record Cancel(String spawnId, String why, boolean failed) {}

  /** Dismiss the (registered) worker. */
  public record Dismiss(String workerId, String why) {}

  public record Decision(List<Launch> launches, List<Cancel> cancels, List<Dismiss> dismissals,
      List<String> retire) {}

  private final List<SourceSettings> sources;
  private final Map<String, SourceSettings> byName = new LinkedHashMap<>();

  public ScalingPolicy(List<SourceSettings> sources) {
    this.sources = List.copyOf(sources);
    sources.forEach(s -> byName.put(s.name(), s));
  }

  /** Free slots with the labels they come with: of a registered worker, or of a spawn. */
  private static final class Capacity {
    final Set<String> labels;
    int free;
    final Spawn spawn;
    boolean used;

    Capacity(Set<String> labels, int free, Spawn spawn) {
      this.labels = labels;
      this.free = free;
      this.spawn = spawn;
    }
  }

  public Decision decide(Snapshot s) {
    long now = s.now();
    Map<String, Load> loads = new HashMap<>();
    s.demand().workers().forEach(l -> loads.put(l.id(), l));
    List<Cancel> cancels = new ArrayList<>();
    Set<String> cancelled = new HashSet<>();
    // sources with a spawn failing now: their backoff starts as this decision is carried out, so
    // it holds already (the snapshot's backoffUntil does not know of it yet)
    Set<String> failingNow = new HashSet<>();

    // a spawn that had its time to register and did not has failed
    for (Spawn sp : s.spawns()) {
      SourceSettings src = byName.get(sp.source());
      if (src != null && sp.phase().pending()
          && now - sp.requestedAt() >= src.registrationTimeout().toMillis()) {
        cancels.add(new Cancel(sp.id(), "its worker did not register within "
            + HumanDuration.of(src.registrationTimeout()) + stillQueued(sp, src), true));
        cancelled.add(sp.id());
        failingNow.add(src.name());
      }
    }

    // what could take the queued jobs: free slots of registered workers, then of spawns on their
    // way, the most advanced and oldest first (so the newest are the ones left unused)
    List<Capacity> capacity = new ArrayList<>();
    for (Load l : s.demand().workers()) {
      if (l.usable() && l.slots() > l.busy()) {
        capacity.add(new Capacity(l.labels(), l.slots() - l.busy(), null));
      }
    }
    List<Spawn> pending = s.spawns().stream()
        .filter(sp -> sp.phase().pending() && !cancelled.contains(sp.id())
            && byName.containsKey(sp.source()))
        .sorted(Comparator.comparing((Spawn sp) -> sp.phase() != Phase.STARTED)
            .thenComparingLong(Spawn::requestedAt).thenComparing(Spawn::id))
        .toList();
    for (Spawn sp : pending) {
      SourceSettings src = byName.get(sp.source());
      capacity.add(new Capacity(Set.copyOf(src.capabilities()), src.slots(), sp));
    }
    Map<Queued, Integer> unmet = new LinkedHashMap<>();
    for (Queued q : s.demand().queued()) {
      int left = q.count();
      for (Capacity c : capacity) {
        if (left == 0) {
          break;
        }
        if (c.free >= q.slots() && c.labels.containsAll(q.requires())) {
          int n = Math.min(left, c.free / q.slots());
          c.free -= n * q.slots();
          left -= n;
          c.used = true;
        }
      }
      if (left > 0) {
        unmet.put(q, left);
      }
    }

    // per source: what it has now
    Map<String, Integer> total = new HashMap<>();
    Map<String, Integer> waiting = new HashMap<>();
    Map<String, Integer> live = new HashMap<>();
    for (Spawn sp : s.spawns()) {
      total.merge(sp.source(), 1, Integer::sum);
      if (sp.phase().waiting() || cancelled.contains(sp.id())) {
        waiting.merge(sp.source(), 1, Integer::sum);
      }
      boolean registered = sp.phase() == Phase.REGISTERED && loads.containsKey(sp.id());
      if ((sp.phase().pending() && !cancelled.contains(sp.id())) || (registered && !sp.retiring())) {
        live.merge(sp.source(), 1, Integer::sum);
      }
    }

    // demand dropped: what still waits in a queue and no job needs goes first
    for (int i = pending.size() - 1; i >= 0; i--) {
      Spawn sp = pending.get(i);
      boolean used = capacity.stream().anyMatch(c -> c.spawn == sp && c.used);
      SourceSettings src = byName.get(sp.source());
      if (!used && sp.phase() != Phase.STARTED && live.getOrDefault(src.name(), 0) > src.minWorkers()) {
        cancels.add(new Cancel(sp.id(), "no job waits for it any more", false));
        live.merge(src.name(), -1, Integer::sum);
      }
    }

    // up: the jobs nothing can take call for workers
    Map<String, Integer> planned = new LinkedHashMap<>();
    Map<String, Integer> allowance = new HashMap<>();
    for (SourceSettings src : sources) {
      SourceState st = s.sources().getOrDefault(src.name(), SourceState.NEW);
      boolean resting = now < st.backoffUntil() || failingNow.contains(src.name())
          || now - st.lastSpawnAt() < src.spawnCooldown().toMillis();
      int room = Math.min(src.maxWorkers() - total.getOrDefault(src.name(), 0),
          src.maxPending() - waiting.getOrDefault(src.name(), 0));
      allowance.put(src.name(), resting ? 0 : Math.max(0, room));
    }
    Map<String, Integer> jobsFor = new HashMap<>();
    for (Map.Entry<Queued, Integer> e : unmet.entrySet()) {
      Queued q = e.getKey();
      int left = e.getValue();
      for (SourceSettings src : sources) {
        if (src.serves(q.requires(), q.slots())) {
          jobsFor.merge(src.name(), e.getValue(), Integer::sum);
        }
      }
      for (SourceSettings src : sources) {
        if (left <= 0) {
          break;
        }
        int avail = allowance.get(src.name()) - planned.getOrDefault(src.name(), 0);
        if (avail <= 0 || !src.serves(q.requires(), q.slots())) {
          continue;
        }
        int perWorker = src.slots() / q.slots();
        int n = Math.min(avail, (left + perWorker - 1) / perWorker);
        planned.merge(src.name(), n, Integer::sum);
        left -= n * perWorker;
      }
    }
    List<Launch> launches = new ArrayList<>();
    for (SourceSettings src : sources) {
      int forJobs = planned.getOrDefault(src.name(), 0);
      int deficit = src.minWorkers() - live.getOrDefault(src.name(), 0) - forJobs;
      int forMin = Math.max(0, Math.min(deficit, allowance.get(src.name()) - forJobs));
      if (forJobs + forMin > 0) {
        String why = forJobs > 0
            ? jobsFor.get(src.name()) + " queued job(s) that no free or coming slot can take"
            : "fewer than min-workers (" + src.minWorkers() + ")";
        launches.add(new Launch(src.name(), forJobs + forMin, why));
      }
    }

    // down: idle workers beyond min-workers, the longest idle first; walltime
    List<Dismiss> dismissals = new ArrayList<>();
    List<String> retire = new ArrayList<>();
    List<Spawn> registered = s.spawns().stream()
        .filter(sp -> sp.phase() == Phase.REGISTERED && loads.containsKey(sp.id())
            && byName.containsKey(sp.source()))
        .sorted(Comparator.comparingLong((Spawn sp) -> loads.get(sp.id()).lastBusy()))
        .toList();
    for (Spawn sp : registered) {
      SourceSettings src = byName.get(sp.source());
      Load l = loads.get(sp.id());
      if (!src.walltime().isZero()
          && now >= sp.registeredAt() + src.walltime().minus(src.walltimeMargin()).toMillis()) {
        if (l.busy() == 0) {
          dismissals.add(new Dismiss(sp.id(), "near its walltime of " + HumanDuration.of(src.walltime())));
          if (!sp.retiring()) {
            live.merge(src.name(), -1, Integer::sum);
          }
        } else if (!sp.retiring()) {
          retire.add(sp.id());
          live.merge(src.name(), -1, Integer::sum);
        }
        continue;
      }
      if (!sp.retiring() && l.busy() == 0 && !l.draining()
          && now - l.lastBusy() >= src.idleTimeout().toMillis()
          && live.getOrDefault(src.name(), 0) > src.minWorkers()) {
        dismissals.add(new Dismiss(sp.id(), "idle for " + HumanDuration.rounded(Duration.ofMillis(now - l.lastBusy()))));
        live.merge(src.name(), -1, Integer::sum);
      }
    }
    return new Decision(launches, cancels, dismissals, retire);
  }

  /**
   * When the decision could next differ with nothing new told: the first registration timeout,
   * end of a cooldown or backoff, idle timeout or walltime after {@code s.now()};
   * {@link Long#MAX_VALUE} when there is none.
   */
  public long wakeAt(Snapshot s) {
    long now = s.now();
    long[] next = {Long.MAX_VALUE};
    java.util.function.LongConsumer at = t -> {
      if (t > now && t < next[0]) {
        next[0] = t;
      }
    };
    Map<String, Load> loads = new HashMap<>();
    s.demand().workers().forEach(l -> loads.put(l.id(), l));
    for (Spawn sp : s.spawns()) {
      SourceSettings src = byName.get(sp.source());
      Load l = loads.get(sp.id());
      if (src == null) {
        continue;
      }
      if (sp.phase().pending()) {
        at.accept(sp.requestedAt() + src.registrationTimeout().toMillis());
      } else if (sp.phase() == Phase.REGISTERED && l != null) {
        if (!src.walltime().isZero()) {
          at.accept(sp.registeredAt() + src.walltime().minus(src.walltimeMargin()).toMillis());
        }
        if (l.busy() == 0) {
          at.accept(l.lastBusy() + src.idleTimeout().toMillis());
        }
      }
    }
    for (SourceSettings src : sources) {
      SourceState st = s.sources().getOrDefault(src.name(), SourceState.NEW);
      at.accept(st.backoffUntil());
      at.accept(st.lastSpawnAt() + src.spawnCooldown().toMillis());
    }
    return next[0];
  }

  /**
   * What a spawn that timed out in its scheduler's queue adds to why: its worker never ran, so
   * its log says nothing (a held job, {@code sbatch --hold}, a full cluster, a partition's
   * limits), and the scheduler's own reason is the one to read.
   */
  private static String stillQueued(Spawn sp, SourceSettings src) {
    boolean known = src.launcher() != SourceSettings.Kind.COMMAND || !src.status().isEmpty();
    return sp.phase() == Phase.QUEUED && known
        ? ": its job never left the scheduler's queue (held, or no room for it? "
            + (src.launcher() == SourceSettings.Kind.SGE ? "qstat -j" : src.launcher()
                == SourceSettings.Kind.SLURM ? "squeue -j" : "the scheduler") + " says why)"
        : "";
  }
}
