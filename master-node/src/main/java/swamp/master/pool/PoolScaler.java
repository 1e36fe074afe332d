package swamp.master.pool;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
import swamp.master.dispatch.DispatcherProtocol.Demand;
import swamp.master.dispatch.JobDispatcher;
import swamp.master.membership.MembershipEvent;
import swamp.master.pool.DirectoryView.DirectoryChanged;
import swamp.master.pool.DirectoryView.SourceView;
import swamp.master.pool.DirectoryView.SpawnView;
import swamp.master.membership.WorkerRegistry;
import swamp.master.pool.Launcher.GridState;
import swamp.master.pool.ScalingPolicy.Phase;
import swamp.node.Blocking;

/**
 * Grows and shrinks the pool from the worker directory: the actor around the pure
 * {@link SpawnBook} (what was spawned, how each source does) and {@link ScalingPolicy} (what to
 * do). It follows the {@link WorkerRegistry}'s membership events and watches the
 * {@link JobDispatcher}'s demand (told when it changed, at most once per {@code interval}); after
 * each, and when time alone may change the decision (a registration timeout, the end of a
 * cooldown or backoff, an idle timeout, a walltime), the policy decides and the scaler carries it
 * out: spawns and cancels through the {@link Launches} (on the grid dispatcher, answered as
 * messages), dismissals and retirements through the registry. Grid queues are read every
 * {@code status-interval}, so that a spawn whose job died fails without waiting for its
 * registration timeout, and a leaving worker counts until its job is gone. Its time is the
 * {@link Clock} it is given: tests play it with the scheduler's.
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

  private record DemandSeen(Demand demand) implements Command {}

  private record MembersSeen(WorkerRegistry.Members members) implements Command {}

  private record MembershipSeen(MembershipEvent event) implements Command {}

  /** Time for a decision that time alone may change (a timeout, a cooldown's end). */
  private enum Wake implements Command { INSTANCE }

  private record StatusDue(String source) implements Command {}

  private record Submitted(String spawnId, String jobId, Throwable failure) implements Command {}

  private record Cancelled(String spawnId, String jobId, Throwable failure) implements Command {}

  private record StatusRead(String source, Set<String> asked, Map<String, GridState> states,
      Throwable failure) implements Command {}

  private record DismissAnswered(WorkerRegistry.Dismissed answer) implements Command {}

  private final ActorRef<WorkerRegistry.Command> registry;
  private final ScalingPolicy policy;
  private final SpawnBook book;
  private final Launches launches;
  private final Clock clock;
  private final TimerScheduler<Command> timers;
  /** The sources whose scheduler is being asked now. */
  private final Set<String> statusRunning = new HashSet<>();
  /** The sources whose status command fails, with the reason last logged. */
  private final java.util.Map<String, String> statusFailing = new java.util.HashMap<>();
  private final ActorRef<WorkerRegistry.Dismissed> dismissedTo;
  private final List<ActorRef<Done>> shutdownWaiters = new ArrayList<>();
  /** What the dispatcher told last; null until it first did. */
  private Demand demand;
  /** What the event stream heard last. */
  private DirectoryChanged published;
  /** Told which sources fail, and how, for the reasons of the jobs waiting on them. */
  private final ActorRef<JobDispatcher.Command> dispatcher;
  /** What the dispatcher was told last of the failing sources; null until it first was. */
  private Map<String, String> toldFailing;

  public static Behavior<Command> create(PoolSettings settings, String secret,
      ActorRef<JobDispatcher.Command> dispatcher, ActorRef<WorkerRegistry.Command> registry) {
    return create(settings, secret, dispatcher, registry,
        s -> Launches.of(s, settings.commandTimeout()), Clock.systemUTC());
  }

  /** With the launchers and the clock given: tests play the schedulers and the time. */
  static Behavior<Command> create(PoolSettings settings, String secret,
      ActorRef<JobDispatcher.Command> dispatcher, ActorRef<WorkerRegistry.Command> registry,
      Function<SourceSettings, Launcher> launchers, Clock clock) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> new PoolScaler(ctx, timers,
        settings, secret, dispatcher, registry, launchers, clock)));
  }

  /** This master's cluster address as its workers join it: HOST:PORT. */
  static String address(org.apache.pekko.actor.Address self) {
    return self.host().getOrElse(() -> "127.0.0.1") + ":" + self.port().getOrElse(() -> 0);
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
      ActorRef<WorkerRegistry.Command> registry, Function<SourceSettings, Launcher> launchers,
      Clock clock) {
    super(context);
    this.registry = registry;
    this.dispatcher = dispatcher;
    this.clock = clock;
    this.timers = timers;
    this.policy = new ScalingPolicy(settings.sources());
    this.dismissedTo = context.messageAdapter(WorkerRegistry.Dismissed.class, DismissAnswered::new);
    this.launches = new Launches(settings, launchers, Blocking.GRID.in(context.getSystem()), secret,
        context.getSystem().settings().config(), address(context.getSystem().address()));
    for (SourceSettings s : settings.sources()) {
      getContext().getLog().info("worker source {}", s.summary(launches.masterAddress(s.name())));
      if (launches.canTell(s.name())) { // a local process is cheap to look at; a scheduler less so
        timers.startTimerWithFixedDelay(s.name(), new StatusDue(s.name()),
            s.launcher().queues ? settings.statusInterval() : settings.interval());
      }
    }
    // spawn ids of this run differ from a previous run's, whose orphans may still be about
    String runTag = Long.toString(clock.millis() / 1000 % 46_656, 36);
    this.book = new SpawnBook(settings.sources(), settings.spawnDir(), runTag, launches::canTell);
    launches.sweepEarlierRun(); // what a killed run left queued: off this thread, logged there
    registry.tell(new WorkerRegistry.Follow("the pool scaler",
        context.messageAdapter(MembershipEvent.class, MembershipSeen::new),
        context.messageAdapter(WorkerRegistry.Members.class, MembersSeen::new)));
    dispatcher.tell(new JobDispatcher.WatchDemand(
        context.messageAdapter(Demand.class, DemandSeen::new), settings.interval()));
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(DemandSeen.class, d -> {
          demand = d.demand();
          return decided();
        })
        .onMessage(MembersSeen.class, this::onMembers)
        .onMessage(MembershipSeen.class, this::onMembership)
        .onMessage(Wake.class, w -> decided())
        .onMessage(StatusDue.class, s -> askStatus(s.source()))
        .onMessage(Submitted.class, this::onSubmitted)
        .onMessage(Cancelled.class, this::onCancelled)
        .onMessage(StatusRead.class, this::onStatus)
        .onMessage(DismissAnswered.class, d -> { // refused when the worker left already
          getContext().getLog().debug("dismissal answered: {}", d.answer());
          return this;
        })
        .onMessage(ListSpawns.class, l -> {
          l.replyTo().tell(DirectoryView.spawns(book));
          return this;
        })
        .onMessage(ListSources.class, l -> {
          l.replyTo().tell(DirectoryView.sources(book, clock.millis()));
          return this;
        })
        .onMessage(Shutdown.class, this::onShutdown)
        .onSignal(PostStop.class, s -> onPostStop())
        .onSignal(PreRestart.class, s -> onPostStop())
        .build();
  }

  // ---- what the registry and the dispatcher tell: decide, act ----

  private Behavior<Command> onMembers(MembersSeen m) {
    book.members(m.members().offers(), clock.millis()).forEach(this::tookBack);
    return decided();
  }

  private Behavior<Command> onMembership(MembershipSeen seen) {
    long now = clock.millis();
    if (seen.event() instanceof MembershipEvent.WorkerJoined j) {
      SpawnBook.Joined joined = book.joined(j.workerId(), j.offer(), now);
      SpawnBook.Spawn sp = book.spawn(j.workerId());
      if (joined == SpawnBook.Joined.REGISTERED) {
        getContext().getLog().info("spawned worker {} of source {} registered, {}s after it was"
            + " requested{}", sp.id, sp.sourceName(), (now - sp.requestedAt) / 1000,
            sp.jobId == null ? "" : " (job " + sp.jobId + ")");
      } else if (joined == SpawnBook.Joined.TAKEN_BACK) {
        tookBack(sp);
      }
    } else if (seen.event() instanceof MembershipEvent.WorkerLeft l) {
      SpawnBook.Spawn sp = book.left(l.workerId(), now);
      if (sp != null) {
        getContext().getLog().info("spawned worker {} of source {} left the pool", sp.id,
            sp.sourceName());
      }
    } // draining and reachability: the dispatcher's next demand says whether it is usable
    return decided();
  }

  private void tookBack(SpawnBook.Spawn sp) {
    if (sp != null) {
      getContext().getLog().info("worker {} is taken back into source {}", sp.id, sp.sourceName());
    }
  }

  /** Decides from what is known now and carries it out; wakes when time alone may change it. */
  private Behavior<Command> decided() {
    long now = clock.millis();
    ScalingPolicy.Snapshot snapshot = book.closed() ? null : book.snapshot(now, demand);
    if (snapshot != null) {
      act(policy.decide(snapshot), now);
      long wake = policy.wakeAt(book.snapshot(now, demand));
      if (wake == Long.MAX_VALUE) {
        timers.cancel(Wake.INSTANCE);
      } else {
        timers.startSingleTimer(Wake.INSTANCE, Duration.ofMillis(wake - now));
      }
    }
    return published();
  }

  private void act(ScalingPolicy.Decision d, long now) {
    for (ScalingPolicy.Cancel c : d.cancels()) {
      SpawnBook.Spawn sp = book.spawn(c.spawnId());
      if (sp == null) {
        continue;
      }
      if (c.failed()) {
        // a worker that runs and cannot join says why in its log (the master's host does not
        // resolve, nothing listens there): the one message the administrator gets points to it
        // (a job still in a scheduler's queue has no log yet, where one says it is)
        boolean ran = sp.log != null && (sp.phase == ScalingPolicy.Phase.STARTED
            || sp.phase == ScalingPolicy.Phase.QUEUED && !launches.canTell(sp.sourceName()));
        logFailure(book.fail(sp, c.why() + (ran ? " (its log: " + sp.log + ")" : ""), now));
      } else {
        getContext().getLog().info("cancelling spawn {} of source {}{}: {}", sp.id,
            sp.sourceName(), sp.jobId == null ? "" : " (job " + sp.jobId + ")", c.why());
      }
      cancel(sp);
    }
    for (ScalingPolicy.Launch l : d.launches()) {
      getContext().getLog().info("source {}: spawning {} worker(s): {}", l.source(), l.count(),
          l.why());
      for (int i = 0; i < l.count(); i++) {
        SpawnBook.Spawn sp = book.launch(l.source(), now);
        getContext().pipeToSelf(launches.submit(sp),
            (jobId, failure) -> new Submitted(sp.id, jobId, failure));
      }
    }
    for (ScalingPolicy.Dismiss dm : d.dismissals()) {
      book.dismissing(dm.workerId());
      registry.tell(new WorkerRegistry.DismissWorkers(dm.workerId(), dm.why(), dismissedTo));
    }
    for (String id : d.retire()) {
      SpawnBook.Spawn sp = book.retire(id);
      if (sp != null) {
        getContext().getLog().info("worker {} of source {} is near its walltime: no new jobs for"
            + " it; it leaves once idle", id, sp.sourceName());
      }
      registry.tell(new WorkerRegistry.Retire(id));
    }
  }

  // ---- the launchers' commands, on the grid dispatcher ----

  private Behavior<Command> onSubmitted(Submitted s) {
    SpawnBook.Spawn sp = book.spawn(s.spawnId());
    if (sp == null) {
      return published();
    }
    if (s.failure() != null) {
      logFailure(book.submitFailed(sp.id, Launches.reason(s.failure()), clock.millis()));
      checkShutdown();
      return decided();
    }
    if (book.submitted(sp.id, s.jobId())) {
      getContext().getLog().info("spawned worker {} of source {}: {} {}, log {}", sp.id,
          sp.sourceName(), sp.source.settings.launcher().noun, sp.jobId, sp.log);
    } else if (sp.phase == Phase.CANCELLING && book.cancelDue(sp)) { // cancelled meanwhile
      runCancel(sp);
    }
    return published();
  }

  private void cancel(SpawnBook.Spawn sp) {
    if (book.cancel(sp)) {
      runCancel(sp);
    }
  }

  private void runCancel(SpawnBook.Spawn sp) {
    String jobId = sp.jobId;
    getContext().pipeToSelf(launches.cancel(sp.sourceName(), jobId),
        (ok, failure) -> new Cancelled(sp.id, jobId, failure));
  }

  private Behavior<Command> onCancelled(Cancelled c) {
    if (c.failure() != null) {
      getContext().getLog().warn("could not cancel job {} of spawn {}: {}", c.jobId(),
          c.spawnId(), Launches.reason(c.failure()));
    } else {
      getContext().getLog().debug("job {} of spawn {} cancelled", c.jobId(), c.spawnId());
    }
    tookBack(book.cancelled(c.spawnId(), c.failure() == null));
    checkShutdown();
    return decided();
  }

  private Behavior<Command> askStatus(String source) {
    Set<String> ids = book.jobIds(source);
    if (ids.isEmpty() || !statusRunning.add(source)) {
      return this;
    }
    getContext().pipeToSelf(launches.status(source, ids),
        (states, failure) -> new StatusRead(source, ids, states, failure));
    return this;
  }

  private Behavior<Command> onStatus(StatusRead s) {
    statusRunning.remove(s.source());
    if (s.failure() != null || s.states() == null) {
      if (s.failure() != null) {
        // once, and again when the reason changes: a status command that fails for good (a
        // wrong template, a scheduler down) filled the log with a WARN every status-interval
        String reason = Launches.reason(s.failure());
        if (!reason.equals(statusFailing.put(s.source(), reason))) {
          getContext().getLog().warn("cannot read the queue of source {}: {} (tried again at"
              + " each status-interval; said again when the reason changes, and when it reads)",
              s.source(), reason);
        }
      }
      return this;
    }
    if (statusFailing.remove(s.source()) != null) {
      getContext().getLog().info("the queue of source {} reads again", s.source());
    }
    long now = clock.millis();
    SpawnBook.StatusSeen seen = book.status(s.source(), s.asked(), s.states(),
        jobId -> launches.howEnded(s.source(), jobId), now);
    seen.failures().forEach(this::logFailure);
    for (SpawnBook.Spawn sp : seen.overdue()) {
      getContext().getLog().warn("worker {} left the pool {}s ago but its job {} still runs:"
          + " cancelling it", sp.id, (now - sp.leftAt) / 1000, sp.jobId);
    }
    seen.cancels().forEach(this::runCancel);
    checkShutdown();
    return decided();
  }

  private void logFailure(SpawnBook.Failure f) {
    if (f != null) {
      getContext().getLog().warn(f.message());
    }
  }

  // ---- stopping ----

  private Behavior<Command> onShutdown(Shutdown s) {
    shutdownWaiters.add(s.replyTo());
    timers.cancel(Wake.INSTANCE);
    for (SpawnBook.Spawn sp : book.close()) {
      getContext().getLog().info("cancelling spawn {} of source {}: the master is stopping",
          sp.id, sp.sourceName());
      cancel(sp);
    }
    checkShutdown();
    return published();
  }

  private void checkShutdown() {
    if (book.closed() && !shutdownWaiters.isEmpty() && book.settled()) {
      shutdownWaiters.forEach(r -> r.tell(Done.INSTANCE));
      shutdownWaiters.clear();
    }
  }

  /**
   * Stopped without a Shutdown (the singleton moved, the node crashed) or restarted after a
   * failure: leave no pending spawn behind (the commands are started on the grid dispatcher, not
   * waited for). Registered ones are taken back after a restart.
   */
  private Behavior<Command> onPostStop() {
    book.sources().forEach(src -> launches.abandon(src.settings.name(),
        book.unregisteredJobs(src.settings.name())));
    return this;
  }

  // ---- views ----

  /** Publishes the directory when it changed since it was last published. */
  private Behavior<Command> published() {
    Map<String, String> failing = book.failing();
    if (!failing.equals(toldFailing)) { // a job only such sources could serve says why it waits
      toldFailing = failing;
      dispatcher.tell(new JobDispatcher.SourcesFailing(failing));
    }
    DirectoryChanged now = new DirectoryChanged(DirectoryView.spawns(book),
        DirectoryView.sources(book, clock.millis()));
    if (!now.equals(published)) {
      published = now;
      getContext().getSystem().eventStream().tell(
          new org.apache.pekko.actor.typed.eventstream.EventStream.Publish<>(now));
    }
    return this;
  }
}
