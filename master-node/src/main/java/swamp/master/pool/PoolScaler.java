package swamp.master.pool;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.function.Function;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.PreRestart;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import swamp.master.dispatch.JobDispatcher.Demand;
import swamp.master.dispatch.JobDispatcher;
import swamp.master.dispatch.Views;
import swamp.master.membership.WorkerRegistry;
import swamp.master.pool.Launcher.GridState;
import swamp.master.pool.ScalingPolicy.Phase;
import swamp.node.Blocking;
import swamp.node.HumanDuration;

/**
 * Grows and shrinks the pool from the worker directory. Every {@code interval} it asks the
 * {@link JobDispatcher} what waits and what is free, lets the {@link ScalingPolicy} decide, and
 * carries the decision out: spawns through the source's {@link Launcher}, cancels, dismissals
 * through the {@link WorkerRegistry}. A spawn's id is the id its worker registers with, which is
 * how a registration is matched to its request. Launch commands run on the process dispatcher;
 * their outcome comes back as a message. Grid sources' queues are read every
 * {@code status-interval}, so that a spawn whose job died is known as failed without waiting for
 * its registration timeout, and a leaving worker counts until its job is really gone.
 */
public final class PoolScaler extends AbstractBehavior<PoolScaler.Command> {

  public sealed interface Command extends NoSerializationVerificationNeeded {}

  /** The spawns that are not registered yet, and the registered ones with their source. */
  public record ListSpawns(ActorRef<List<SpawnView>> replyTo) implements Command {}

  /** The directory's sources and how each is doing. */
  public record ListSources(ActorRef<List<SourceView>> replyTo) implements Command {}

  /** The master is stopping: spawn nothing more, cancel every spawn not registered yet. */
  public record Shutdown(ActorRef<Done> replyTo) implements Command {}

  public enum Done { INSTANCE }

  /** A spawned worker, for the API. {@code state}: submitting, queued, starting, registered,
   *  retiring, cancelling or leaving. */
  public record SpawnView(String id, String source, String launcher, String state, String gridJob,
      int slots, List<String> capabilities, String requestedAt, String registeredAt, String log) {}

  /** A source of the directory, for the API. */
  public record SourceView(String name, String launcher, int minWorkers, int maxWorkers,
      int maxPending, int slots, List<String> capabilities, int registered, int pending,
      int spawned, int failed, int failuresInARow, String backingOffUntil, String lastFailure,
      long walltimeSeconds) {}

  /**
   * The directory as the API shows it, published on the system's event stream each time it
   * changed (a spawn asked for, submitted, registered, failed or gone; a source backing off):
   * the live feed of each open dashboard follows it.
   */
  public record DirectoryChanged(List<SpawnView> spawns, List<SourceView> sources) {}

  private enum Tick implements Command { INSTANCE }

  private record DemandSeen(Demand demand) implements Command {}

  private record Submitted(String spawnId, String jobId, Throwable failure) implements Command {}

  private record Cancelled(String spawnId, String jobId, Throwable failure) implements Command {}

  private record StatusSeen(String source, Set<String> asked, Map<String, GridState> states,
      Throwable failure) implements Command {}

  private record DismissAnswered(WorkerRegistry.Dismissed answer) implements Command {}

  /** A worker that left the pool but whose job still runs this long later is cancelled. */
  static final long LEAVE_GRACE_MS = 60_000;
  /** How spawn ids look: SOURCE-TAG-N. */
  static final java.util.regex.Pattern SPAWN_ID =
      java.util.regex.Pattern.compile("(.+)-[0-9a-z]{1,4}-[0-9]+");
  /** A demand query unanswered this long is asked again. */
  static final long DEMAND_RETRY_MS = 10_000;

  /** One spawn, from request to gone. */
  private static final class Spawn {
    final String id;
    final Source source;
    final long requestedAt;
    final Launcher.Request request;
    Phase phase = Phase.SUBMITTING;
    String jobId;
    long registeredAt;
    long leftAt;
    boolean retiring;
    boolean cancelRunning;
    boolean jobGone;

    Spawn(String id, Source source, long requestedAt, Launcher.Request request) {
      this.id = id;
      this.source = source;
      this.requestedAt = requestedAt;
      this.request = request;
    }
  }

  /** One source and how it is doing. */
  private static final class Source {
    final SourceSettings settings;
    final Launcher launcher;
    final String masterAddress;
    long lastSpawnAt = ScalingPolicy.SourceState.NEW.lastSpawnAt();
    long backoffUntil;
    int failuresInARow;
    int spawned;
    int failed;
    String lastFailure;
    boolean statusRunning;
    long lastStatusAt;

    Source(SourceSettings settings, Launcher launcher, String masterAddress) {
      this.settings = settings;
      this.launcher = launcher;
      this.masterAddress = masterAddress;
    }
  }

  private final PoolSettings settings;
  private final String secret;
  private final ActorRef<JobDispatcher.Command> dispatcher;
  private final ActorRef<WorkerRegistry.Command> registry;
  private final ScalingPolicy policy;
  private final Executor blocking;
  private final Map<String, Source> sources = new LinkedHashMap<>();
  private final Map<String, Spawn> spawns = new LinkedHashMap<>();
  private final ActorRef<Demand> demandTo;
  private final ActorRef<WorkerRegistry.Dismissed> dismissedTo;
  private final String runTag;
  /** What a spawned worker needs to join this master: its key store, or --insecure. */
  private final Map<String, String> remotingEnvironment;
  private final boolean insecureRemoting;
  private final List<ActorRef<Done>> shutdownWaiters = new ArrayList<>();
  private int counter;
  private long demandAskedAt;
  private boolean closed;
  /** What the event stream heard last. */
  private DirectoryChanged published;

  public static Behavior<Command> create(PoolSettings settings, String secret,
      ActorRef<JobDispatcher.Command> dispatcher, ActorRef<WorkerRegistry.Command> registry) {
    return create(settings, secret, dispatcher, registry,
        s -> Launcher.of(s, settings.commandTimeout()));
  }

  /** With the launchers given: tests play the schedulers. */
  static Behavior<Command> create(PoolSettings settings, String secret,
      ActorRef<JobDispatcher.Command> dispatcher, ActorRef<WorkerRegistry.Command> registry,
      Function<SourceSettings, Launcher> launchers) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> new PoolScaler(ctx, timers,
        settings, secret, dispatcher, registry, launchers)));
  }

  /** Answers a query as a master without a directory would: nothing spawned, no source. */
  public static void answerWithoutDirectory(Command command) {
    if (command instanceof ListSpawns l) {
      l.replyTo().tell(List.of());
    } else if (command instanceof ListSources l) {
      l.replyTo().tell(List.of());
    } else if (command instanceof Shutdown s) {
      s.replyTo().tell(Done.INSTANCE);
    }
  }

  private PoolScaler(ActorContext<Command> context, TimerScheduler<Command> timers,
      PoolSettings settings, String secret, ActorRef<JobDispatcher.Command> dispatcher,
      ActorRef<WorkerRegistry.Command> registry, Function<SourceSettings, Launcher> launchers) {
    super(context);
    this.settings = settings;
    this.secret = secret;
    this.dispatcher = dispatcher;
    this.registry = registry;
    this.policy = new ScalingPolicy(settings.sources());
    this.blocking = Blocking.GRID.in(context.getSystem());
    this.demandTo = context.messageAdapter(Demand.class, DemandSeen::new);
    this.dismissedTo = context.messageAdapter(WorkerRegistry.Dismissed.class, DismissAnswered::new);
    // spawn ids of this run differ from a previous run's, whose orphans may still be about
    this.runTag = Long.toString(System.currentTimeMillis() / 1000 % 46_656, 36);
    com.typesafe.config.Config config = context.getSystem().settings().config();
    this.remotingEnvironment = swamp.node.Credentials.workerEnvironment(config);
    this.insecureRemoting = !config.getString("pekko.remote.artery.transport").equals("tls-tcp");
    var self = context.getSystem().address();
    String ownAddress = self.host().getOrElse(() -> "127.0.0.1") + ":"
        + self.port().getOrElse(() -> 0);
    for (SourceSettings s : settings.sources()) {
      String address = s.masterAddress().isBlank() ? ownAddress : s.masterAddress();
      sources.put(s.name(), new Source(s, launchers.apply(s), address));
      context.getLog().info("worker source {}: {} launcher, {}-{} workers of {} slot(s){}, max {}"
          + " pending, cooldown {}, idle timeout {}, registration timeout {}; workers join {}",
          s.name(), s.launcher(), s.minWorkers(), s.maxWorkers(), s.slots(),
          s.capabilities().isEmpty() ? "" : " offering " + s.capabilities(), s.maxPending(),
          HumanDuration.of(s.spawnCooldown()), HumanDuration.of(s.idleTimeout()),
          HumanDuration.of(s.registrationTimeout()), address);
      if (s.launcher().queues && (address.startsWith("127.")
          || address.startsWith("localhost:"))) {
        context.getLog().info("worker source {} tells its workers to join {}, a loopback address:"
            + " only workers on this machine can reach it (start the master with --host, or set"
            + " the source's master-address)", s.name(), address);
      }
    }
    timers.startTimerWithFixedDelay(Tick.INSTANCE, settings.interval());
    context.getSelf().tell(Tick.INSTANCE);
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Tick.class, t -> published(onTick()))
        .onMessage(DemandSeen.class, d -> published(onDemand(d)))
        .onMessage(Submitted.class, s -> published(onSubmitted(s)))
        .onMessage(Cancelled.class, c -> published(onCancelled(c)))
        .onMessage(StatusSeen.class, s -> published(onStatus(s)))
        .onMessage(DismissAnswered.class, d -> {
          if (d.answer().error() != null) {
            getContext().getLog().debug("dismissal refused: {}", d.answer().error());
          }
          return this;
        })
        .onMessage(ListSpawns.class, l -> {
          l.replyTo().tell(spawns.values().stream().map(this::view).toList());
          return this;
        })
        .onMessage(ListSources.class, l -> {
          l.replyTo().tell(sources.values().stream().map(this::view).toList());
          return this;
        })
        .onMessage(Shutdown.class, this::onShutdown)
        .onSignal(PostStop.class, s -> onPostStop())
        .onSignal(PreRestart.class, s -> onPostStop())
        .build();
  }

  // ---- the loop: ask, decide, act ----

  private Behavior<Command> onTick() {
    long now = System.currentTimeMillis();
    if (!closed && (demandAskedAt == 0 || now - demandAskedAt > DEMAND_RETRY_MS)) {
      demandAskedAt = now;
      dispatcher.tell(new JobDispatcher.GetDemand(demandTo));
    }
    for (Source src : sources.values()) {
      long every = src.settings.launcher().queues ? settings.statusInterval().toMillis() : 0;
      if (!src.statusRunning && src.launcher.canTell() && now - src.lastStatusAt >= every) {
        askStatus(src);
      }
    }
    return this;
  }

  private Behavior<Command> onDemand(DemandSeen seen) {
    demandAskedAt = 0;
    Demand demand = seen.demand();
    long now = System.currentTimeMillis();
    Map<String, JobDispatcher.Load> loads = new LinkedHashMap<>();
    demand.workers().forEach(l -> loads.put(l.id(), l));
    adoptStrays(demand);
    for (Spawn sp : List.copyOf(spawns.values())) {
      JobDispatcher.Load load = loads.get(sp.id);
      if (sp.phase.pending() && load != null) {
        sp.phase = Phase.REGISTERED;
        sp.registeredAt = load.registeredAt();
        sp.source.failuresInARow = 0;
        sp.source.backoffUntil = 0;
        getContext().getLog().info("spawned worker {} of source {} registered, {}s after it was"
            + " requested{}", sp.id, sp.source.settings.name(), (now - sp.requestedAt) / 1000,
            sp.jobId == null ? "" : " (job " + sp.jobId + ")");
      } else if ((sp.phase == Phase.REGISTERED || sp.phase == Phase.LEAVING) && load == null) {
        if (sp.phase == Phase.REGISTERED) {
          getContext().getLog().info("spawned worker {} of source {} left the pool", sp.id,
              sp.source.settings.name());
        }
        sp.phase = Phase.LEAVING;
        if (sp.leftAt == 0) {
          sp.leftAt = now;
        }
        if (sp.jobGone || sp.jobId == null || !sp.source.launcher.canTell()) {
          forget(sp);
        }
      }
    }
    if (closed) {
      return this;
    }
    ScalingPolicy.Decision decision = policy.decide(new ScalingPolicy.Snapshot(now, demand,
        spawns.values().stream().map(sp -> new ScalingPolicy.Spawn(sp.id,
            sp.source.settings.name(), sp.requestedAt, sp.phase, sp.registeredAt, sp.retiring))
            .toList(),
        sourceStates()));
    act(decision, now);
    return this;
  }

  /**
   * A registered worker named like a spawn of a source (SOURCE-TAG-N) that this scaler did not
   * spawn was spawned by an earlier master, or by this scaler before it restarted: it is the
   * source's again, so that it counts against its limits and is given back when idle.
   */
  private void adoptStrays(Demand demand) {
    for (JobDispatcher.Load l : demand.workers()) {
      java.util.regex.Matcher m = SPAWN_ID.matcher(l.id());
      Source src = !l.embedded() && !spawns.containsKey(l.id()) && m.matches()
          ? sources.get(m.group(1)) : null;
      if (src != null) {
        Spawn sp = new Spawn(l.id(), src, l.registeredAt(), null);
        sp.phase = Phase.REGISTERED;
        sp.registeredAt = l.registeredAt();
        spawns.put(sp.id, sp);
        getContext().getLog().info("worker {} is taken back into source {}", l.id(),
            src.settings.name());
      }
    }
  }

  private Map<String, ScalingPolicy.SourceState> sourceStates() {
    Map<String, ScalingPolicy.SourceState> m = new LinkedHashMap<>();
    sources.forEach((name, s) -> m.put(name,
        new ScalingPolicy.SourceState(s.lastSpawnAt, s.backoffUntil)));
    return m;
  }

  private void act(ScalingPolicy.Decision d, long now) {
    for (ScalingPolicy.Cancel c : d.cancels()) {
      Spawn sp = spawns.get(c.spawnId());
      if (sp == null) {
        continue;
      }
      if (c.failed()) {
        failed(sp.source, sp, c.why(), now);
      } else {
        getContext().getLog().info("cancelling spawn {} of source {}{}: {}", sp.id,
            sp.source.settings.name(), sp.jobId == null ? "" : " (job " + sp.jobId + ")", c.why());
      }
      cancel(sp);
    }
    for (ScalingPolicy.Launch l : d.launches()) {
      Source src = sources.get(l.source());
      src.lastSpawnAt = now;
      getContext().getLog().info("source {}: spawning {} worker(s): {}", l.source(), l.count(),
          l.why());
      for (int i = 0; i < l.count(); i++) {
        spawn(src, now);
      }
    }
    for (ScalingPolicy.Dismiss dm : d.dismissals()) {
      Spawn sp = spawns.get(dm.workerId());
      if (sp != null) {
        sp.phase = Phase.LEAVING;
      }
      registry.tell(new WorkerRegistry.DismissWorkers(dm.workerId(), dm.why(), dismissedTo));
    }
    for (String id : d.retire()) {
      Spawn sp = spawns.get(id);
      if (sp != null) {
        sp.retiring = true;
        getContext().getLog().info("worker {} of source {} is near its walltime: no new jobs for"
            + " it; it leaves once idle", id, sp.source.settings.name());
      }
      registry.tell(new WorkerRegistry.Retire(id));
    }
  }

  // ---- spawning, cancelling, watching ----

  private void spawn(Source src, long now) {
    String id = src.settings.name() + "-" + runTag + "-" + (++counter);
    List<String> argv = new ArrayList<>(WorkerCommand.argv(src.settings, id, src.masterAddress));
    if (insecureRemoting) {
      argv.add("--insecure");
    }
    Map<String, String> env = WorkerCommand.environment(src.settings, secret);
    env.putAll(remotingEnvironment);
    Launcher.Request request = new Launcher.Request(id, argv, env, settings.spawnDir(),
        settings.spawnDir().resolve(id + ".sh"), settings.spawnDir().resolve(id + ".log"));
    Spawn sp = new Spawn(id, src, now, request);
    spawns.put(id, sp);
    src.spawned++;
    Launcher launcher = src.launcher;
    offThread(() -> launcher.submit(request), (jobId, failure) -> new Submitted(id, jobId, failure));
  }

  /** A launcher's blocking call. */
  private interface LauncherCall<T> {
    T run() throws Launcher.LaunchException;
  }

  /** Runs {@code work} on the process dispatcher; its outcome comes back as a message. */
  private <T> void offThread(LauncherCall<T> work, java.util.function.BiFunction<T, Throwable, Command> then) {
    getContext().pipeToSelf(CompletableFuture.supplyAsync(() -> {
      try {
        return work.run();
      } catch (Launcher.LaunchException e) {
        throw new CompletionException(e);
      }
    }, blocking), then::apply);
  }

  private Behavior<Command> onSubmitted(Submitted s) {
    Spawn sp = spawns.get(s.spawnId());
    if (sp == null) {
      return this;
    }
    long now = System.currentTimeMillis();
    if (s.failure() != null) {
      spawns.remove(sp.id);
      failed(sp.source, sp, "could not be submitted: " + reason(s.failure()), now);
      return checkShutdown();
    }
    sp.jobId = s.jobId();
    if (sp.phase == Phase.CANCELLING) { // cancelled while it was being submitted
      runCancel(sp);
    } else if (sp.phase == Phase.SUBMITTING) {
      sp.phase = sp.source.settings.launcher().queues ? Phase.QUEUED : Phase.STARTED;
      getContext().getLog().info("spawned worker {} of source {}: {} {}, log {}", sp.id,
          sp.source.settings.name(), sp.source.settings.launcher().noun, sp.jobId,
          sp.request.log());
    }
    return this;
  }

  private void cancel(Spawn sp) {
    sp.phase = Phase.CANCELLING;
    if (sp.jobId != null) {
      runCancel(sp);
    } // else: cancelled once its submission answers
  }

  private void runCancel(Spawn sp) {
    if (sp.cancelRunning) {
      return;
    }
    sp.cancelRunning = true;
    Launcher launcher = sp.source.launcher;
    String jobId = sp.jobId;
    offThread(() -> {
      launcher.cancel(jobId);
      return jobId;
    }, (ok, failure) -> new Cancelled(sp.id, jobId, failure));
  }

  private Behavior<Command> onCancelled(Cancelled c) {
    Spawn sp = spawns.get(c.spawnId());
    if (sp == null) {
      return checkShutdown();
    }
    sp.cancelRunning = false;
    if (c.failure() != null) {
      getContext().getLog().warn("could not cancel job {} of spawn {}: {}", c.jobId(), sp.id,
          reason(c.failure()));
      if (!sp.source.launcher.canTell() || closed) {
        forget(sp); // nothing will tell whether it is still there
      } // else: tried again while the scheduler still shows it
    } else {
      getContext().getLog().debug("job {} of spawn {} cancelled", c.jobId(), sp.id);
      forget(sp);
    }
    return checkShutdown();
  }

  private void askStatus(Source src) {
    Set<String> ids = new HashSet<>();
    for (Spawn sp : spawns.values()) {
      if (sp.source == src && sp.jobId != null) {
        ids.add(sp.jobId);
      }
    }
    if (ids.isEmpty()) {
      return;
    }
    src.statusRunning = true;
    Launcher launcher = src.launcher;
    offThread(() -> launcher.status(ids),
        (states, failure) -> new StatusSeen(src.settings.name(), ids, states, failure));
  }

  private Behavior<Command> onStatus(StatusSeen s) {
    Source src = sources.get(s.source());
    src.statusRunning = false;
    long now = System.currentTimeMillis();
    src.lastStatusAt = now;
    if (s.failure() != null || s.states() == null) {
      if (s.failure() != null) {
        getContext().getLog().warn("cannot read the queue of source {}: {}", s.source(),
            reason(s.failure()));
      }
      return this;
    }
    for (Spawn sp : List.copyOf(spawns.values())) {
      if (sp.source != src || sp.jobId == null || !s.asked().contains(sp.jobId)) {
        continue;
      }
      GridState state = s.states().get(sp.jobId);
      if (state == null) { // the job is gone
        switch (sp.phase) {
          case QUEUED, STARTED -> {
            spawns.remove(sp.id);
            failed(src, sp, "its " + src.settings.launcher().noun
                + " ended before the worker registered (see "
                + sp.request.log() + ")", now);
          }
          case REGISTERED -> sp.jobGone = true; // the registry sees its worker go
          default -> forget(sp);
        }
      } else if (state == GridState.FAILED && sp.phase.pending()) {
        failed(src, sp, "the scheduler holds its job " + sp.jobId + " in an error state", now);
        cancel(sp);
      } else if (state == GridState.STARTED && sp.phase == Phase.QUEUED) {
        sp.phase = Phase.STARTED;
        getContext().getLog().debug("job {} of spawn {} started", sp.jobId, sp.id);
      } else if (sp.phase == Phase.CANCELLING) {
        runCancel(sp); // the last cancel failed, or it is not through yet
      } else if (sp.phase == Phase.LEAVING && sp.leftAt > 0 && now - sp.leftAt > LEAVE_GRACE_MS) {
        getContext().getLog().warn("worker {} left the pool {}s ago but its job {} still runs:"
            + " cancelling it", sp.id, (now - sp.leftAt) / 1000, sp.jobId);
        runCancel(sp);
      }
    }
    return checkShutdown();
  }

  /** A spawn failed: the source backs off, longer with each failure in a row. */
  private void failed(Source src, Spawn sp, String why, long now) {
    src.failuresInARow++;
    src.failed++;
    java.time.Duration backoff = src.settings.backoffAfter(src.failuresInARow);
    src.backoffUntil = now + backoff.toMillis();
    src.lastFailure = "spawn " + sp.id + ": " + why;
    getContext().getLog().warn("source {}: spawn {} failed: {}; {} failure(s) in a row, no new"
        + " spawn from it for {}", src.settings.name(), sp.id, why, src.failuresInARow,
        HumanDuration.of(backoff));
  }

  private void forget(Spawn sp) {
    spawns.remove(sp.id);
  }

  // ---- stopping ----

  private Behavior<Command> onShutdown(Shutdown s) {
    closed = true;
    shutdownWaiters.add(s.replyTo());
    for (Spawn sp : List.copyOf(spawns.values())) {
      if (sp.phase.pending()) {
        getContext().getLog().info("cancelling spawn {} of source {}: the master is stopping",
            sp.id, sp.source.settings.name());
        cancel(sp);
      }
    }
    return checkShutdown();
  }

  private Behavior<Command> checkShutdown() {
    if (closed && !shutdownWaiters.isEmpty()
        && spawns.values().stream().noneMatch(sp -> sp.phase == Phase.CANCELLING
            || sp.phase == Phase.SUBMITTING)) {
      shutdownWaiters.forEach(r -> r.tell(Done.INSTANCE));
      shutdownWaiters.clear();
    }
    return this;
  }

  /**
   * Stopped without a Shutdown (the singleton moved, the node crashed) or restarted after a
   * failure: leave no pending spawn behind. Registered ones are taken back after a restart.
   */
  private Behavior<Command> onPostStop() {
    for (Source src : sources.values()) {
      List<String> jobs = spawns.values().stream()
          .filter(sp -> sp.source == src && sp.jobId != null
              && (sp.phase.pending() || sp.phase == Phase.CANCELLING))
          .map(sp -> sp.jobId).toList();
      src.launcher.abandon(jobs);
    }
    return this;
  }

  // ---- views ----

  /** Publishes the directory when it changed since it was last published; returns {@code next}. */
  private Behavior<Command> published(Behavior<Command> next) {
    DirectoryChanged now = new DirectoryChanged(spawns.values().stream().map(this::view).toList(),
        sources.values().stream().map(this::view).toList());
    if (!now.equals(published)) {
      published = now;
      getContext().getSystem().eventStream().tell(
          new org.apache.pekko.actor.typed.eventstream.EventStream.Publish<>(now));
    }
    return next;
  }

  private SpawnView view(Spawn sp) {
    String state = switch (sp.phase) {
      case SUBMITTING -> "submitting";
      case QUEUED -> "queued";
      case STARTED -> "starting";
      case REGISTERED -> sp.retiring ? "retiring" : "registered";
      case CANCELLING -> "cancelling";
      case LEAVING -> "leaving";
    };
    SourceSettings s = sp.source.settings;
    return new SpawnView(sp.id, s.name(), s.launcher().toString(), state, sp.jobId, s.slots(),
        s.capabilities(), Views.time(sp.requestedAt), Views.time(sp.registeredAt),
        sp.request == null ? null : sp.request.log().toString());
  }

  private SourceView view(Source src) {
    SourceSettings s = src.settings;
    int registered = 0;
    int pending = 0;
    for (Spawn sp : spawns.values()) {
      if (sp.source == src && sp.phase == Phase.REGISTERED) {
        registered++;
      } else if (sp.source == src && sp.phase.pending()) {
        pending++;
      }
    }
    return new SourceView(s.name(), s.launcher().toString(), s.minWorkers(), s.maxWorkers(),
        s.maxPending(), s.slots(), s.capabilities(), registered, pending, src.spawned, src.failed,
        src.failuresInARow, src.backoffUntil > System.currentTimeMillis() ? Views.time(src.backoffUntil)
            : null, src.lastFailure, s.walltime().toSeconds());
  }


  private static String reason(Throwable t) {
    while ((t instanceof CompletionException || t instanceof java.util.concurrent.ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    return t instanceof Launcher.LaunchException ? t.getMessage() : t.toString();
  }
}
