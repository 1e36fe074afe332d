package swamp.master.pool;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import swamp.master.dispatch.DispatcherProtocol.Demand;
import swamp.master.dispatch.DispatcherProtocol.Load;
import swamp.master.pool.Launcher.GridState;
import swamp.master.pool.ScalingPolicy.Phase;
import swamp.protocol.WorkerOffer;

/**
 * The scaler's spawns and sources, without actors, processes or clocks (the time is a parameter
 * of every change): what was launched, what is pending, which registered worker a spawn became,
 * what failed and how long its source backs off, which workers retire or leave, and the members
 * as the registry tells them. The {@link PoolScaler} runs the cancels its changes call for and
 * logs what they report. A spawn's id is the id its worker registers with; a registered worker
 * named like a spawn of a source ({@value #SPAWN_ID_FORM}) that this book did not launch was
 * spawned by an earlier master (or this scaler before it started again): it is taken back into
 * its source, to count against its limits and be given back when idle.
 */
final class SpawnBook {

  /** A worker that left the pool but whose job still runs this long later is cancelled. */
  static final long LEAVE_GRACE_MS = 60_000;
  static final String SPAWN_ID_FORM = "SOURCE-TAG-N";
  private static final Pattern SPAWN_ID = Pattern.compile("(.+)-[0-9a-z]{1,4}-[0-9]+");

  /** One spawn, from request to gone; the book alone changes it. */
  static final class Spawn {
    final String id;
    final Source source;
    final long requestedAt;
    /** The worker's log; null for a worker taken back. */
    final Path log;
    Phase phase = Phase.SUBMITTING;
    String jobId;
    long registeredAt;
    long leftAt;
    boolean retiring;
    boolean cancelRunning;
    boolean jobGone;

    Spawn(String id, Source source, long requestedAt, Path log) {
      this.id = id;
      this.source = source;
      this.requestedAt = requestedAt;
      this.log = log;
    }

    String sourceName() {
      return source.settings.name();
    }
  }

  /** One source and how it is doing; the book alone changes it. */
  static final class Source {
    final SourceSettings settings;
    long lastSpawnAt = ScalingPolicy.SourceState.NEW.lastSpawnAt();
    long backoffUntil;
    int failuresInARow;
    /** Spawns whose job was submitted (a process started, a grid job queued). */
    int spawned;
    /** Spawns that failed: not submitted, not registered in time, or their job ended first. */
    int failed;
    String lastFailure;

    Source(SourceSettings settings) {
      this.settings = settings;
    }
  }

  /** A spawn that failed, as its source counts it: for the log. */
  record Failure(Spawn spawn, String why, Duration backoff) {
    String message() {
      return "source " + spawn.sourceName() + ": spawn " + spawn.id + job(spawn) + " failed: "
          + why + "; "
          + spawn.source.failuresInARow + " failure(s) in a row, no new spawn from it for "
          + swamp.node.HumanDuration.of(backoff);
    }
  }

  /** What a registration meant to the book. */
  enum Joined { NOTHING, REGISTERED, TAKEN_BACK }

  /** What a scheduler's answer meant: spawns that failed, cancels to run, leavers overdue. */
  record StatusSeen(List<Failure> failures, List<Spawn> cancels, List<Spawn> overdue) {}

  /** A worker in the pool, as the registry told it. */
  private record Member(WorkerOffer offer, long joinedAt) {}

  private final Map<String, Source> sources = new LinkedHashMap<>();
  private final Map<String, Spawn> spawns = new LinkedHashMap<>();
  private final Map<String, Member> members = new LinkedHashMap<>();
  private final Path spawnDir;
  private final String runTag;
  /** Whether a source's launcher can tell a job's state (else nothing says when it is gone). */
  private final Predicate<String> canTell;
  private boolean membersKnown;
  private boolean closed;
  private int counter;

  /** {@code runTag} makes this run's spawn ids differ from an earlier run's. */
  SpawnBook(List<SourceSettings> sources, Path spawnDir, String runTag, Predicate<String> canTell) {
    sources.forEach(s -> this.sources.put(s.name(), new Source(s)));
    this.spawnDir = spawnDir;
    this.runTag = runTag;
    this.canTell = canTell;
  }

  Collection<Spawn> spawns() {
    return spawns.values();
  }

  Spawn spawn(String id) {
    return spawns.get(id);
  }

  Collection<Source> sources() {
    return sources.values();
  }

  Source source(String name) {
    return sources.get(name);
  }

  boolean closed() { // no launch after close()
    return closed;
  }

  // ---- launching ----

  /** A new spawn of {@code source}, submitting. */
  Spawn launch(String source, long now) {
    Source src = sources.get(source);
    String id = source + "-" + runTag + "-" + (++counter);
    Spawn sp = new Spawn(id, src, now, spawnDir.resolve(id + ".log"));
    spawns.put(id, sp);
    src.lastSpawnAt = now;
    return sp;
  }

  /**
   * Its job was submitted, and counts as spawned: true when it is now queued or starting (false
   * when its worker registered first, or it is unknown). A spawn cancelled meanwhile has its
   * cancel to run: {@link #cancelDue}.
   */
  boolean submitted(String id, String jobId) {
    Spawn sp = spawns.get(id);
    if (sp == null) {
      return false;
    }
    sp.jobId = jobId;
    sp.source.spawned++;
    if (sp.phase == Phase.SUBMITTING) {
      sp.phase = sp.source.settings.launcher().queues ? Phase.QUEUED : Phase.STARTED;
      return true;
    }
    return false;
  }

  /** How a person finds a spawn in its scheduler's queue: its job, when it has one. */
  static String job(Spawn sp) {
    return sp.jobId == null ? "" : " (" + sp.source.settings.launcher().noun + " " + sp.jobId + ")";
  }

  /** Its job could not be submitted: it is gone, and counts against its source. */
  Failure submitFailed(String id, String why, long now) {
    Spawn sp = spawns.remove(id);
    takeBack(id); // its worker registered all the same (the command failed after submitting)
    return sp == null ? null : fail(sp, "could not be submitted: " + why, now);
  }

  /** The spawn failed: its source backs off, longer with each failure in a row. */
  Failure fail(Spawn sp, String why, long now) {
    Source src = sp.source;
    src.failuresInARow++;
    src.failed++;
    Duration backoff = src.settings.backoffAfter(src.failuresInARow);
    src.backoffUntil = now + backoff.toMillis();
    src.lastFailure = "spawn " + sp.id + job(sp) + ": " + why;
    return new Failure(sp, why, backoff);
  }

  /**
   * The sources whose last spawns failed, in the directory's order, each with its failures in a
   * row and the last one; a spawn that registers clears its source.
   */
  Map<String, String> failing() {
    Map<String, String> failing = new LinkedHashMap<>();
    sources.forEach((name, src) -> {
      if (src.failuresInARow > 0) {
        failing.put(name, src.failuresInARow + " spawn(s) in a row failed, the last: "
            + src.lastFailure);
      }
    });
    return failing;
  }

  // ---- cancelling ----

  /** The spawn is to be cancelled: true when its cancel command is to run now. */
  boolean cancel(Spawn sp) {
    sp.phase = Phase.CANCELLING;
    return sp.jobId != null && cancelDue(sp); // else: once its submission answers
  }

  /** Whether a cancel command is to run for {@code sp} now (none runs for it already). */
  boolean cancelDue(Spawn sp) {
    if (sp.jobId == null || sp.cancelRunning || !spawns.containsKey(sp.id)) {
      return false;
    }
    sp.cancelRunning = true;
    return true;
  }

  /**
   * Its cancel command ended; a failed one is tried again while the scheduler still shows it.
   * A worker that registered all the same is taken back into its source: the spawn it was.
   */
  Spawn cancelled(String id, boolean ok) {
    Spawn sp = spawns.get(id);
    if (sp == null) {
      return null;
    }
    sp.cancelRunning = false;
    if (ok || !canTell.test(sp.sourceName()) || closed) {
      spawns.remove(id); // else nothing will tell whether it is still there
      return takeBack(id);
    }
    return null;
  }

  // ---- what the scheduler says ----

  /** The jobs of {@code source}'s spawns, to ask its scheduler about. */
  Set<String> jobIds(String source) {
    return spawns.values().stream().filter(sp -> sp.sourceName().equals(source) && sp.jobId != null)
        .map(sp -> sp.jobId).collect(java.util.stream.Collectors.toSet());
  }

  /**
   * {@code states}: the jobs among {@code asked} that {@code source}'s scheduler still holds;
   * {@code howEnded}: how one that is gone ended, where its launcher knows (else null).
   */
  StatusSeen status(String source, Set<String> asked, Map<String, GridState> states,
      java.util.function.Function<String, String> howEnded, long now) {
    List<Failure> failures = new ArrayList<>();
    List<Spawn> cancels = new ArrayList<>();
    List<Spawn> overdue = new ArrayList<>();
    for (Spawn sp : List.copyOf(spawns.values())) {
      if (!sp.sourceName().equals(source) || sp.jobId == null || !asked.contains(sp.jobId)) {
        continue;
      }
      GridState state = states.get(sp.jobId);
      if (state == null) { // the job is gone
        switch (sp.phase) {
          case QUEUED, STARTED -> {
            spawns.remove(sp.id);
            failures.add(fail(sp, sp.phase == Phase.QUEUED && sp.source.settings.launcher().queues
                ? "its job left the scheduler's queue before it was seen running, and no worker"
                    + " registered: cancelled (scancel, qdel), refused by the scheduler, or ended"
                    + " at once (its log, if it ran: " + sp.log + ")"
                : "its " + sp.source.settings.launcher().noun + " ended before the worker"
                    + " registered" + ended(howEnded.apply(sp.jobId)) + " (see " + sp.log + ")",
                now));
          }
          case REGISTERED -> sp.jobGone = true; // the registry sees its worker go
          default -> {
            spawns.remove(sp.id);
            takeBack(sp.id); // cancelled, but its worker registered all the same
          }
        }
      } else if (state == GridState.FAILED && sp.phase.pending()) {
        failures.add(fail(sp, "the scheduler holds its job " + sp.jobId + " in an error state",
            now));
        if (cancel(sp)) {
          cancels.add(sp);
        }
      } else if (state == GridState.STARTED && sp.phase == Phase.QUEUED) {
        sp.phase = Phase.STARTED;
      } else if (sp.phase == Phase.CANCELLING) {
        if (cancelDue(sp)) { // the last cancel failed, or it is not through yet
          cancels.add(sp);
        }
      } else if (sp.phase == Phase.LEAVING && sp.leftAt > 0 && now - sp.leftAt > LEAVE_GRACE_MS
          && cancelDue(sp)) {
        overdue.add(sp);
        cancels.add(sp);
      }
    }
    return new StatusSeen(failures, cancels, overdue);
  }

  private static String ended(String how) {
    return how == null ? "" : ", with " + how;
  }

  // ---- membership, as the registry tells it ----

  /** The members when the scaler began to follow: each is taken as joined now. */
  List<Spawn> members(Map<String, WorkerOffer> offers, long now) {
    membersKnown = true;
    List<Spawn> changed = new ArrayList<>();
    offers.forEach((id, offer) -> {
      if (joined(id, offer, now) != Joined.NOTHING) {
        changed.add(spawns.get(id));
      }
    });
    return changed;
  }

  /** A worker registered (or registered again). */
  Joined joined(String id, WorkerOffer offer, long now) {
    members.putIfAbsent(id, new Member(offer, now));
    Spawn sp = spawns.get(id);
    if (sp != null && sp.phase.pending()) {
      sp.phase = Phase.REGISTERED;
      sp.registeredAt = now;
      sp.source.failuresInARow = 0;
      sp.source.backoffUntil = 0;
      return Joined.REGISTERED;
    }
    return sp == null && takeBack(id) != null ? Joined.TAKEN_BACK : Joined.NOTHING;
  }

  /** A registered worker named like a spawn of a source, and not one now: its source's again. */
  private Spawn takeBack(String id) {
    Member member = members.get(id);
    Matcher m = SPAWN_ID.matcher(id);
    Source src = member != null && !member.offer().embedded() && m.matches()
        ? sources.get(m.group(1)) : null;
    if (src == null || spawns.containsKey(id)) {
      return null;
    }
    Spawn back = new Spawn(id, src, member.joinedAt(), null);
    back.phase = Phase.REGISTERED;
    back.registeredAt = member.joinedAt();
    spawns.put(id, back);
    return back;
  }

  /** A worker left the pool: the spawn it was, if it was registered till now, else null. */
  Spawn left(String id, long now) {
    members.remove(id);
    Spawn sp = spawns.get(id);
    if (sp == null || (sp.phase != Phase.REGISTERED && sp.phase != Phase.LEAVING)) {
      return null;
    }
    boolean wasRegistered = sp.phase == Phase.REGISTERED;
    sp.phase = Phase.LEAVING;
    if (sp.leftAt == 0) {
      sp.leftAt = now;
    }
    if (sp.jobGone || sp.jobId == null || !canTell.test(sp.sourceName())) {
      spawns.remove(id);
    }
    return wasRegistered ? sp : null;
  }

  // ---- deciding ----

  /**
   * What the policy decides from: the spawns and sources, and the pool as the registry tells it
   * with the load the dispatcher last told ({@code demand}): a worker that left is not counted
   * although the dispatcher may not have heard yet, and one that just registered counts with its
   * offer's slots free until the dispatcher's next demand. Null until the members are known.
   */
  ScalingPolicy.Snapshot snapshot(long now, Demand demand) {
    if (!membersKnown || demand == null) {
      return null;
    }
    List<Load> loads = new ArrayList<>();
    Map<String, Load> told = new LinkedHashMap<>();
    demand.workers().forEach(l -> told.put(l.id(), l));
    members.forEach((id, m) -> {
      Load l = told.get(id);
      loads.add(l != null ? l : new Load(id, m.offer().slots(), 0, Set.copyOf(m.offer().labels()),
          !m.offer().embedded(), false, m.offer().embedded(), m.joinedAt(), m.joinedAt()));
    });
    List<ScalingPolicy.Spawn> list = spawns.values().stream().map(sp -> new ScalingPolicy.Spawn(
        sp.id, sp.sourceName(), sp.requestedAt, sp.phase, sp.registeredAt, sp.retiring)).toList();
    Map<String, ScalingPolicy.SourceState> states = new LinkedHashMap<>();
    sources.forEach((name, s) -> states.put(name,
        new ScalingPolicy.SourceState(s.lastSpawnAt, s.backoffUntil)));
    return new ScalingPolicy.Snapshot(now, new Demand(demand.at(), demand.queued(), loads), list,
        states);
  }

  /** The worker is being dismissed: its spawn is leaving. */
  void dismissing(String id) {
    Spawn sp = spawns.get(id);
    if (sp != null) {
      sp.phase = Phase.LEAVING;
    }
  }

  /** The worker is near its walltime: the spawn it was, or null. */
  Spawn retire(String id) {
    Spawn sp = spawns.get(id);
    if (sp != null) {
      sp.retiring = true;
    }
    return sp;
  }

  // ---- stopping ----

  /** The master stops: nothing more is launched; the pending spawns, to cancel. */
  List<Spawn> close() {
    closed = true;
    return spawns.values().stream().filter(sp -> sp.phase.pending()).toList();
  }

  /** No spawn is being submitted or cancelled. */
  boolean settled() {
    return spawns.values().stream()
        .noneMatch(sp -> sp.phase == Phase.CANCELLING || sp.phase == Phase.SUBMITTING);
  }

  /** The jobs of {@code source} whose workers never registered: left behind if the scaler stops. */
  List<String> unregisteredJobs(String source) {
    return spawns.values().stream()
        .filter(sp -> sp.sourceName().equals(source) && sp.jobId != null
            && (sp.phase.pending() || sp.phase == Phase.CANCELLING))
        .map(sp -> sp.jobId).toList();
  }
}
