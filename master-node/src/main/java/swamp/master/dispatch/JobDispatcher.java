package swamp.master.dispatch;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.eventstream.EventStream;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.RecoveryCompleted;
import org.apache.pekko.persistence.typed.RecoveryFailed;
import org.apache.pekko.persistence.typed.SnapshotAdapter;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.Effect;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;
import swamp.master.dispatch.Views.JobView;
import swamp.master.dispatch.Views.WorkerView;
import swamp.master.membership.MembershipEvent;
import swamp.master.membership.WorkerRegistry;
import swamp.protocol.JobSpec;
import swamp.protocol.JobState;
import swamp.protocol.ToMaster.JobFinished;
import swamp.protocol.ToMaster.JobRejected;
import swamp.protocol.ToMaster;
import swamp.protocol.ToWorker.RegOk;
import swamp.protocol.ToWorker;

/**
 * The queue and the assignment of jobs to slots. It subscribes to the {@link WorkerRegistry}'s
 * membership: a worker admitted is answered {@link RegOk} from here, so that the RegOk and the
 * jobs that follow come from one sender, in order. It sends each {@code Job} straight to its
 * worker with an attempt number, and takes {@code JobFinished} back through the {@link Inbox};
 * a finish for an older attempt is ignored. A report
 * counts only when it comes from the ref registered under the worker id it names, and a finish
 * only from the worker that holds the attempt; anything else is dropped with a warning that names
 * the sender. All state is in the {@link JobBook}.
 *
 * <p>The book is event-sourced: every command's decisions are applied to the book as they are
 * made (so a later decision of the same command sees an earlier one) and become {@link JobEvent}s
 * that are journaled before anyone hears of them: a client's job ids, a worker's job, a waiter's
 * answer all go out once the events are written. The journal's event handler therefore applies
 * events only while recovering. A write that fails stops the dispatcher, and {@link Restarting}
 * makes a new one from the journal, so the book never holds what the journal lost; the new one
 * subscribes again, and the registry asks each worker to register again with what it runs, so
 * no worker leaves the cluster for it. A command's events are written as
 * one record (a {@link JobEvent.Batch} when there are several): a row per event cost more than
 * all the rest. Snapshots every {@code snapshot-every} writes keep recovery short; older writes
 * and snapshots are deleted.
 *
 * <p>After a restart the jobs that were running are orphans of the workers that ran them: a
 * worker that registers again and still runs (or has finished) an attempt takes it back; the
 * others run again once their worker registers without them or the recovery grace is over.
 */
public final class JobDispatcher
    extends EventSourcedBehavior<JobDispatcher.Command, JobEvent, JobBook> {

  public sealed interface Command extends NoSerializationVerificationNeeded {}

  /** What {@link Restarting}, the dispatcher's stable parent, tells itself. */
  sealed interface Lifecycle extends Command permits Restarting.Stopped, Restarting.Start {}

  /** Following the dispatcher's changes: {@link Watchers.Watch}, {@link Watchers.Unwatch}. */
  public sealed interface Watching extends Command permits Watchers.Watch, Watchers.Unwatch {}

  // ---- from the registry and the inbox ----

  /**
   * A change of the pool's membership, as the registry publishes it: a worker admitted (answer it
   * RegOk, reconcile what it runs), draining, unreachable, or gone (its jobs run again elsewhere).
   */
  public record FromMembership(MembershipEvent event) implements Command {}

  /** The ref workers report to, from the inbox this dispatcher attached to. */
  record InboxAttached(ActorRef<ToMaster> forWorkers) implements Command {}

  /**
   * Workers' reports and removals, gathered by the inbox while the previous batch was being
   * written, in the order they came.
   */
  record FromWorkers(List<Inbox.Item> items) implements Command {}

  // ---- from clients, through the MasterActor ----

  /**
   * Accepts jobs; answers their ids once they are journaled. {@code keys} (null, or one per job,
   * each may be null) are idempotency keys: a key already known answers that job's id.
   */
  public record Submit(List<JobSpec> specs, List<String> keys, ActorRef<Submitted> replyTo)
      implements Command {
    public Submit(List<JobSpec> specs, ActorRef<Submitted> replyTo) {
      this(specs, null, replyTo);
    }
  }

  /** Registers a run (the commands of a script); answers its id once it is journaled. */
  public record CreateRun(String name, String workDir, List<JobEvent.RunCommand> commands,
      ActorRef<String> replyTo) implements Command {}

  /**
   * Answers why jobs naming these runs and steps cannot be submitted (an unknown run, a step
   * it does not have), or empty.
   */
  public record CheckRuns(List<JobSpec> specs, ActorRef<java.util.Optional<String>> replyTo)
      implements Command {}

  public record GetRun(String runId, ActorRef<java.util.Optional<Views.RunView>> replyTo)
      implements Command {}

  public record ListRuns(ActorRef<List<Views.RunSummaryView>> replyTo) implements Command {}

  /**
   * The ids of the jobs, in order; or, with nothing accepted, why not: a key that names a job
   * with another command ({@code conflict}).
   */
  public record Submitted(List<String> ids, String conflict) {}

  public record GetJob(String jobId, ActorRef<java.util.Optional<JobView>> replyTo) implements Command {}

  /** Answers when the job is final (at once if it is); the caller bounds the wait. */
  public record AwaitJob(String jobId, Duration within, ActorRef<java.util.Optional<JobView>> replyTo)
      implements Command {
    /** Waits as long as the longest wait a client may ask for. */
    public AwaitJob(String jobId, ActorRef<java.util.Optional<JobView>> replyTo) {
      this(jobId, LONGEST_WAIT, replyTo);
    }
  }

  /**
   * Answers with those of {@code jobIds} that are final, as soon as at least one is (at once if
   * one already is); unknown ids are left out. The caller bounds the wait.
   */
  public record AwaitAny(List<String> jobIds, Duration within, ActorRef<List<JobView>> replyTo)
      implements Command {
    /** Waits as long as the longest wait a client may ask for. */
    public AwaitAny(List<String> jobIds, ActorRef<List<JobView>> replyTo) {
      this(jobIds, LONGEST_WAIT, replyTo);
    }
  }

  /**
   * The longest a waiter stays: {@code within} is the caller's bound of the wait (its ask's
   * timeout); after it the waiter is dropped, answered or not, so a long poll that timed out
   * leaves nothing behind.
   */
  public static final Duration LONGEST_WAIT = Duration.ofMinutes(10);

  /** The wait of {@code waiter} is over: nobody listens for its answer any more. */
  private record WaitOver(Waiter waiter) implements Command {}

  public record ListJobs(JobState state, int limit, ActorRef<List<JobView>> replyTo) implements Command {}

  public record CancelJob(String jobId, ActorRef<CancelReply> replyTo) implements Command {}

  /** {@code view} is null when there is no such job; {@code error} says why it was not cancelled. */
  public record CancelReply(JobView view, String error) {}

  public record ListWorkers(ActorRef<List<WorkerView>> replyTo) implements Command {}

  /** The master is shutting down: start nothing more; what runs finishes or is drained. */
  public record Close() implements Command {}

  public record GetHealth(ActorRef<Views.Health> replyTo) implements Command {}

  // ---- from the pool scaler ----

  /** What waits for a worker and what the workers have free, now. */
  public record GetDemand(ActorRef<Demand> replyTo) implements Command {}

  /**
   * From now on {@code watcher} (in place of an earlier one) hears the {@link Demand} at once and
   * whenever it changed, at most once per {@code atMostEvery}: {@link DemandWatch}.
   */
  public record WatchDemand(ActorRef<Demand> watcher, Duration atMostEvery) implements Command {}

  /** The {@link DemandWatch}'s note to itself, or the end of its interval. */
  enum DemandDue implements Command { INSTANCE }

  private final DemandWatch demandWatch = new DemandWatch();

  /** The queued jobs by what they need of a worker, and every worker's load, at {@code at}. */
  public record Demand(long at, List<Queued> queued, List<Load> workers)
      implements NoSerializationVerificationNeeded {}

  /** {@code count} jobs wait that need a worker with these labels and this many free slots. */
  public record Queued(java.util.Set<String> requires, int slots, int count) {}

  /** A registered worker: {@code usable} when it may be given a job now. */
  public record Load(String id, int slots, int busy, java.util.Set<String> labels,
      boolean usable, boolean draining, boolean embedded, long registeredAt, long lastBusy) {}

  /** The recovery grace is over: orphans whose worker has not registered run again. */
  private enum GraceOver implements Command { INSTANCE }

  /** Time to drop the finished jobs older than the retention period. */
  private enum Expire implements Command { INSTANCE }

  /**
   * How the dispatcher journals: snapshot interval, orphan grace, retention, and the guard that
   * syncs an H2 file journal and checks what recovery reads.
   */
  public record Durability(int snapshotEvery, Duration recoveryGrace, Duration retainFor,
      JournalGuard guard, long outputBudget) {
    public Durability(int snapshotEvery, Duration recoveryGrace, Duration retainFor) {
      this(snapshotEvery, recoveryGrace, retainFor, JournalGuard.none(), Long.MAX_VALUE);
    }
  }

  /** The one journal the master's singleton writes. */
  public static final String PERSISTENCE_ID = "swamp-dispatcher";

  private final ActorContext<Command> context;
  private final TimerScheduler<Command> timers;
  private final long masterEpoch;
  private final LocalExec localExec;
  private final int retainFinished;
  private final Durability durability;
  /** Whether a source of the worker directory could spawn a worker for a job. */
  private final java.util.function.Predicate<JobSpec> spawnable;
  private final boolean hasDirectory;
  /** The group commit of workers' reports: the MasterActor's, it outlives this dispatcher. */
  private final ActorRef<Inbox.Command> inbox;
  /** The ref workers report to; known once the inbox answered {@link Inbox.Attach}. */
  private ActorRef<ToMaster> forWorkers;
  /** Publishes membership to this dispatcher once it is attached; null in tests without one. */
  private final ActorRef<WorkerRegistry.Command> registry;
  private final Map<String, List<Waiter>> waiters = new HashMap<>();
  /** What the current command tells others, once its events are journaled. */
  private final List<Runnable> effects = new ArrayList<>();
  /** The live feeds and metrics that follow each change. */
  private final Watchers watchers = new Watchers();
  private JobBook book;
  /** Job entries journaled since the last snapshot: a batch of 5,000 jobs counts 5,000. */
  private long sinceSnapshot;
  private boolean recovered;
  private boolean closed;

  /**
   * A dispatcher whose workers report to {@code inbox} and whose membership {@code registry}
   * publishes (null: it is told {@link FromMembership} directly, as in tests).
   */
  public static Behavior<Command> create(String persistenceId, long masterEpoch,
      LocalExec localExec, int retainFinished, Durability durability,
      ActorRef<Inbox.Command> inbox, ActorRef<WorkerRegistry.Command> registry) {
    return create(persistenceId, masterEpoch, localExec, retainFinished, durability, null, inbox,
        registry);
  }

  /**
   * A dispatcher of a master with a worker directory: {@code spawnable} says whether one of its
   * sources could spawn a worker for a job (null: there is no directory).
   */
  public static Behavior<Command> create(String persistenceId, long masterEpoch,
      LocalExec localExec, int retainFinished, Durability durability,
      java.util.function.Predicate<JobSpec> spawnable, ActorRef<Inbox.Command> inbox,
      ActorRef<WorkerRegistry.Command> registry) {
    return Restarting.of("journaling", () -> Behaviors.setup(ctx -> Behaviors.withTimers(
        timers -> new JobDispatcher(PersistenceId.ofUniqueId(persistenceId), ctx, timers,
            masterEpoch, localExec, retainFinished, durability, spawnable, inbox, registry))));
  }

  private JobDispatcher(PersistenceId persistenceId, ActorContext<Command> context,
      TimerScheduler<Command> timers, long masterEpoch, LocalExec localExec,
      int retainFinished, Durability durability, java.util.function.Predicate<JobSpec> spawnable,
      ActorRef<Inbox.Command> inbox, ActorRef<WorkerRegistry.Command> registry) {
    // a journal that cannot be read or written stops it; Restarting makes a new one
    super(persistenceId);
    this.context = context;
    this.timers = timers;
    this.masterEpoch = masterEpoch;
    this.localExec = localExec;
    this.retainFinished = retainFinished;
    this.durability = durability;
    this.hasDirectory = spawnable != null;
    this.spawnable = spawnable != null ? spawnable : spec -> false;
    this.inbox = inbox;
    this.registry = registry;
  }

  // ---- the journal ----

  @Override
  public JobBook emptyState() {
    recovered = false; // (re)starting: what follows is the journal's replay
    return new JobBook(localExec, retainFinished).limitOutput(durability.outputBudget());
  }

  @Override
  public EventHandler<JobBook, JobEvent> eventHandler() {
    // live, the book applied each event as it was decided; the journal replays them in recovery
    return (book, event) -> {
      if (!recovered) {
        book.apply(event);
      }
      return book;
    };
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(durability.snapshotEvery(), 2)
        .withDeleteEventsOnSnapshot();
  }

  /**
   * A snapshot also once the writes since the last one hold as many job entries as the book
   * holds jobs (or {@code snapshot-every}, if more): however many jobs a write holds, the journal
   * then keeps about the book's worth of events beside its snapshots, and its size follows what
   * the book retains, not how many jobs went through. Counting writes alone, a master fed
   * batches of 5,000 jobs wrote 100,000 jobs between snapshots, and its journal kept 200,000.
   */
  @Override
  public boolean shouldSnapshot(JobBook state, JobEvent event, long sequenceNr) {
    sinceSnapshot += entries(event);
    if (sinceSnapshot < Math.max(durability.snapshotEvery(), book.size())) {
      return false;
    }
    sinceSnapshot = 0;
    return true;
  }

  /** How many jobs (or a run's commands) an event is about. */
  private static int entries(JobEvent event) {
    if (event instanceof JobEvent.Batch b) {
      int n = 0;
      for (JobEvent e : b.events()) {
        n += entries(e);
      }
      return n;
    }
    if (event instanceof JobEvent.Submitted s) {
      return s.jobs().size();
    }
    if (event instanceof JobEvent.Started s) {
      return s.starts().size();
    }
    if (event instanceof JobEvent.RunCreated r) {
      return r.commands().size();
    }
    return 1;
  }

  @Override
  public SnapshotAdapter<JobBook> snapshotAdapter() {
    return new SnapshotAdapter<>() {
      @Override
      public Object toJournal(JobBook book) {
        return book.snapshot();
      }

      @Override
      public JobBook fromJournal(Object snapshot) {
        return JobBook.restore((JobBook.Snapshot) snapshot, localExec, retainFinished)
            .limitOutput(durability.outputBudget());
      }
    };
  }

  @Override
  public SignalHandler<JobBook> signalHandler() {
    return newSignalHandlerBuilder()
        .onSignal(RecoveryCompleted.instance(), this::onRecovered)
        .onSignal(RecoveryFailed.class, (book, failed) -> onRecoveryFailed(failed.getFailure()))
        .onSignal(org.apache.pekko.persistence.typed.SnapshotCompleted.class,
            (book, saved) -> durability.guard().snapshotSaved(persistenceId().id(),
                saved.getSnapshotMetadata().sequenceNr()))
        .onSignal(org.apache.pekko.persistence.typed.DeleteEventsCompleted.class,
            (book, deleted) -> durability.guard().compactSoon())
        .onSignal(org.apache.pekko.persistence.typed.DeleteSnapshotsCompleted.class,
            (book, deleted) -> durability.guard().compactSoon())
        .build();
  }

  /**
   * A journal that is damaged, or that cannot be read for longer than the give-up time, stops the
   * master (exit 2) with what to do: answering 503 for ever helps no one.
   */
  private void onRecoveryFailed(Throwable failure) {
    JournalGuard guard = durability.guard();
    String damage = Journal.damage(failure);
    if (damage != null) {
      stopMaster(Journal.damagedMessage(guard.file(), damage));
    } else if (Journal.closed(failure)) {
      stopMaster("the job journal " + (guard.file() == null ? "" : guard.file() + " ")
          + "closed itself after a write failed (" + failure.getMessage() + "); nothing"
          + " acknowledged is lost. Make sure it can be written (disk space, permissions) and"
          + " start the master again");
    } else if (guard.failedTooLong()) {
      stopMaster("the job journal could not be read for " + guard.giveUpAfter() + ": "
          + failure.getMessage());
    } else {
      context.getLog().error("cannot read the job journal; trying again: {}", failure.toString());
    }
  }

  private void stopMaster(String message) {
    context.getLog().error("stopping the master: {}", message);
    org.apache.pekko.actor.CoordinatedShutdown.get(context.getSystem())
        .runAll(new Journal.Stop(message));
  }

  private void onRecovered(JobBook recoveredBook) {
    durability.guard().readOk();
    long read = lastSequenceNumber(context);
    if (read < durability.guard().recorded()) {
      stopMaster(Journal.damagedMessage(durability.guard().file(), "it held "
          + durability.guard().recorded() + " writes, but only " + read + " could be read (the"
          + " file was truncated or overwritten, and H2 fell back to an older state)"));
      return;
    }
    book = recoveredBook;
    recovered = true;
    inbox.tell(new Inbox.Attach(context.getSelf()));
    int orphans = book.slots().orphans().values().stream().mapToInt(List::size).sum();
    context.getLog().info("job book recovered: {} queued, {} running on workers not yet"
        + " registered, {} finished", book.count(JobState.QUEUED), orphans,
        book.count(JobState.SUCCEEDED) + book.count(JobState.FAILED)
            + book.count(JobState.CANCELLED));
    if (orphans > 0) {
      timers.startSingleTimer(GraceOver.INSTANCE, durability.recoveryGrace());
    }
    if (!durability.retainFor().isZero()) {
      Duration every = durability.retainFor().dividedBy(10);
      timers.startTimerWithFixedDelay(Expire.INSTANCE, every.compareTo(Duration.ofMinutes(1)) > 0
          ? Duration.ofMinutes(1) : every);
    }
  }

  /**
   * Runs a command's decision, then journals the events it applied to the book; what it tells
   * others goes out once they are written.
   */
  private Effect<JobEvent, JobBook> decide(Runnable decision) {
    decision.run();
    List<JobEvent> events = book.takeEvents();
    if (!watchers.isEmpty()) {
      watchers.tell(book, events, workerViews(), health());
    }
    demandWatch.changed(context.getSelf());
    List<Runnable> then = effects.isEmpty() ? List.of() : List.copyOf(effects);
    effects.clear();
    if (events.isEmpty()) { // nothing new: what it tells was journaled before
      return then.isEmpty() ? Effect().none()
          : Effect().none().thenRun(b -> then.forEach(Runnable::run));
    }
    long writeStarted = System.nanoTime();
    int written = events.size();
    ActorRef<EventStream.Command> stream = context.getSystem().eventStream();
    List<Runnable> timedThen = new ArrayList<>(then.size() + 1);
    timedThen.add(() -> stream.tell(new EventStream.Publish<>(
        new JournalWritten(System.nanoTime() - writeStarted, written))));
    timedThen.addAll(then);
    // every write goes through the guard, so that each one is timed to the end of its fsync
    return Effect().persist(events.size() == 1 ? events.get(0) : new JobEvent.Batch(events))
        .thenRun(b -> durability.guard().after(lastSequenceNumber(context), timedThen,
            failure -> context.getSelf().tell(new SyncFailed(failure))));
  }

  /**
   * One write of the journal is done: {@code nanos} from the command's decision to the end of
   * its group commit (the fsync included when the journal is synced), for {@code events} events.
   * Published on the system's event stream for the metrics.
   */
  public record JournalWritten(long nanos, int events) {}

  /** A group commit could not be forced to disk: start again from what the journal holds. */
  private record SyncFailed(Exception failure) implements Command {}

  /** Tells {@code to} once the current command's events are journaled. */
  private <T> void later(ActorRef<T> to, T message) {
    effects.add(() -> to.tell(message));
  }

  /** Answers at once: a question changes nothing, and what it saw is journaled already. */
  private Effect<JobEvent, JobBook> answer(Runnable reply) {
    reply.run();
    return Effect().none();
  }

  // ---- commands ----

  @Override
  public CommandHandler<Command, JobEvent, JobBook> commandHandler() {
    return newCommandHandlerBuilder().forAnyState()
        .onCommand(Submit.class, s -> decide(() -> onSubmit(s)))
        .onCommand(SyncFailed.class, f -> {
          throw new IllegalStateException("the job journal cannot be forced to disk", f.failure());
        })
        .onCommand(FromWorkers.class, m -> decide(() -> {
          for (Inbox.Item item : m.items()) {
            if (item instanceof Inbox.Report r && r.report() instanceof JobFinished f) {
              onJobFinished(f);
            } else if (item instanceof Inbox.Report r && r.report() instanceof JobRejected j) {
              onJobRejected(j);
            } else if (item instanceof Inbox.InOrder o) {
              onRemove(o.removal());
            }
          }
          later(inbox, Inbox.Written.INSTANCE);
        }))
        .onCommand(InboxAttached.class, a -> {
          forWorkers = a.forWorkers();
          if (registry != null) {
            registry.tell(new WorkerRegistry.Subscribe("the dispatcher", context.messageAdapter(
                MembershipEvent.class, FromMembership::new)));
          }
          return Effect().unstashAll();
        })
        // a worker admitted before the inbox answered would be sent no ref to report to
        .onCommand(FromMembership.class, m -> forWorkers == null ? Effect().stash()
            : onMembership(m.event()))
        .onCommand(Close.class, c -> {
          closed = true;
          return Effect().none();
        })
        .onCommand(GraceOver.class, g -> decide(this::onGraceOver))
        .onCommand(Expire.class, e -> decide(() -> {
          int dropped = book.forget(System.currentTimeMillis() - durability.retainFor().toMillis());
          if (dropped > 0) {
            context.getLog().info("dropped {} finished job(s) older than {}", dropped,
                durability.retainFor());
          }
        }))
        .onCommand(CreateRun.class, c -> decide(() -> {
          Runs.Run run = book.createRun(c.name(), c.workDir(), c.commands(),
              System.currentTimeMillis());
          context.getLog().info("run {} of {}: {} commands", run.id, run.name, run.commands.size());
          later(c.replyTo(), run.id);
        }))
        .onCommand(CheckRuns.class, c -> answer(() -> c.replyTo().tell(
            java.util.Optional.ofNullable(book.runs().problem(c.specs())))))
        .onCommand(GetRun.class, g -> answer(() -> g.replyTo().tell(
            java.util.Optional.ofNullable(book.runs().get(g.runId())).map(Views.RunView::of))))
        .onCommand(ListRuns.class, l -> answer(() -> l.replyTo().tell(
            book.runs().all().stream().map(Views.RunSummaryView::of).toList())))
        .onCommand(GetJob.class, g -> answer(() -> g.replyTo().tell(view(g.jobId()))))
        .onCommand(AwaitJob.class, a -> answer(() -> onAwaitJob(a)))
        .onCommand(WaitOver.class, w -> answer(() -> forget(w.waiter())))
        .onCommand(AwaitAny.class, a -> answer(() -> onAwaitAny(a)))
        .onCommand(ListJobs.class, l -> answer(() -> l.replyTo().tell(
            book.recent(l.state(), l.limit()).stream().map(JobView::of).toList())))
        .onCommand(CancelJob.class, c -> decide(() -> onCancel(c)))
        .onCommand(ListWorkers.class, l -> answer(() -> l.replyTo().tell(workerViews())))
        .onCommand(GetDemand.class, g -> answer(() -> g.replyTo().tell(demand())))
        .onCommand(WatchDemand.class, w -> answer(() -> demandWatch.watch(w, this::demand, timers)))
        .onCommand(DemandDue.class, d -> answer(() -> demandWatch.due(this::demand, timers)))
        .onCommand(GetHealth.class, h -> answer(() -> h.replyTo().tell(health())))
        .onCommand(Watchers.Watch.class, w -> answer(() -> watchers.add(context, w.watcher())))
        .onCommand(Watchers.Unwatch.class, u -> answer(() -> watchers.remove(u.watcher())))
        .build();
  }

  private List<WorkerView> workerViews() {
    return book.slots().workers().stream().filter(w -> !w.offer.embedded()).map(WorkerView::of).toList();
  }

  private Views.Health health() {
    return new Views.Health("ok", masterEpoch, book.slots().localExec().toString(),
        book.slots().externalWorkers(), book.count(JobState.QUEUED), book.count(JobState.RUNNING),
        book.count(JobState.SUCCEEDED), book.count(JobState.FAILED),
        book.count(JobState.CANCELLED), waiting());
  }

  private Effect<JobEvent, JobBook> onMembership(MembershipEvent event) {
    if (event instanceof MembershipEvent.WorkerJoined j) {
      return decide(() -> onAdmit(j));
    } else if (event instanceof MembershipEvent.WorkerLeft left) {
      // round the inbox, so that it comes after the reports already there
      inbox.tell(new Inbox.InOrder(left));
      return Effect().none();
    } else if (event instanceof MembershipEvent.WorkerDraining d) {
      return decide(() -> onDrain(d));
    } else {
      MembershipEvent.WorkerReachability r = (MembershipEvent.WorkerReachability) event;
      return decide(() -> onReachability(r));
    }
  }

  private void onSubmit(Submit submit) {
    List<JobEvent.NewJob> requested = new ArrayList<>(submit.specs().size());
    for (int i = 0; i < submit.specs().size(); i++) {
      String key = submit.keys() == null ? null : submit.keys().get(i);
      requested.add(new JobEvent.NewJob(key, submit.specs().get(i)));
    }
    String conflict = book.keyConflict(requested);
    if (conflict != null) {
      later(submit.replyTo(), new Submitted(List.of(), conflict));
      return;
    }
    List<String> ids = book.submit(requested, System.currentTimeMillis()).stream()
        .map(j -> j.id).toList();
    later(submit.replyTo(), new Submitted(ids, null));
    dispatch();
  }

  /** The workers that ran the orphans did not come back in time: the jobs run elsewhere. */
  private void onGraceOver() {
    book.slots().orphans().forEach((workerId, jobs) -> jobs.forEach(job -> lose(job, workerId,
        "did not register again within " + durability.recoveryGrace()
            + " of the master's restart")));
    dispatch();
  }

  /**
   * Admits a worker and reconciles what it says it runs with the book: an attempt the master
   * still expects (running there, or back in the queue since the worker was lost) is adopted;
   * any other is killed, so a healed partition leaves no zombie and no job counted twice.
   */
  private void onAdmit(MembershipEvent.WorkerJoined admit) {
    SlotTable.Worker known = book.slots().worker(admit.workerId());
    Map<String, Integer> claims = new HashMap<>();
    admit.running().forEach(r -> claims.put(r.jobId(), r.attempt()));
    SlotTable.Worker worker = known;
    if (known == null || !known.ref.equals(admit.worker())) {
      if (known != null) { // the same id from a new incarnation: what it does not claim is lost
        for (Job job : book.slots().left(admit.workerId())) {
          if (claims.getOrDefault(job.id, -1) == job.attempt) {
            book.requeue(job, "worker " + admit.workerId() + " registered again, running it still",
                System.currentTimeMillis()); // adopted again just below
          } else {
            lose(job, admit.workerId(), "registered again without it");
          }
        }
      }
      worker = new SlotTable.Worker(admit.workerId(), admit.worker(), admit.offer(),
          System.currentTimeMillis());
      book.slots().joined(worker);
    }
    for (Map.Entry<String, Integer> claim : claims.entrySet()) {
      Job job = book.job(claim.getKey());
      boolean expected = job != null && job.attempt == claim.getValue()
          && (job.state == JobState.QUEUED
              || (job.state == JobState.RUNNING && admit.workerId().equals(job.workerId)));
      if (expected && job.state == JobState.QUEUED) {
        context.getLog().info("job {} attempt {} adopted from worker {}", job.id,
            job.attempt, admit.workerId());
        book.adopt(job, worker);
      } else if (expected) {
        book.slots().reclaim(job, worker); // an orphan since the master restarted, or already its own
      } else {
        context.getLog().info("worker {} runs job {} attempt {}, which the master does not"
            + " expect: killing it", admit.workerId(), claim.getKey(), claim.getValue());
        later(admit.worker(), new ToWorker.CancelJob(claim.getKey(), claim.getValue(),
            "the master does not expect this attempt (it ran elsewhere or was cancelled)"));
      }
    }
    // a cancel the worker may not have heard of before the master lost it goes again
    for (Job mine : worker.running.values()) {
      if (mine.cancelRequested) {
        later(admit.worker(), new ToWorker.CancelJob(mine.id, mine.attempt,
            "cancelled by request"));
      }
    }
    // what the master gave it before a restart and it no longer runs will not finish there
    for (Job orphan : book.slots().orphansOf(admit.workerId())) {
      lose(orphan, admit.workerId(), "registered again after the master's restart without it");
    }
    // after the cancels: a worker whose jobs its lease holds stopped lets them go on at RegOk
    later(admit.worker(), new RegOk(masterEpoch, forWorkers));
    dispatch();
  }

  private void onDrain(MembershipEvent.WorkerDraining drain) {
    SlotTable.Worker w = book.slots().worker(drain.workerId());
    if (w != null) {
      book.slots().draining(w);
    }
    dispatch(); // the embedded worker may be usable again
  }

  private void onReachability(MembershipEvent.WorkerReachability r) {
    SlotTable.Worker w = book.slots().worker(r.workerId());
    if (w != null) {
      w.suspended = !r.reachable();
    }
    dispatch();
  }

  private void onRemove(MembershipEvent.WorkerLeft remove) {
    for (Job job : book.slots().left(remove.workerId())) {
      lose(job, remove.workerId(), remove.reason());
    }
    dispatch();
  }

  /** The worker running {@code job} is gone: the job runs again, or fails once it has too often. */
  private void lose(Job job, String workerId, String why) {
    book.lostWorker(job);
    long now = System.currentTimeMillis();
    if (job.cancelRequested) {
      book.end(job, JobState.CANCELLED, "cancelled; its worker " + workerId + " is gone", now);
      notifyWaiters(job);
    } else if (job.workerLosses >= job.spec.maxAttempts()) {
      book.end(job, JobState.FAILED, "worker lost " + job.workerLosses + " times (last: "
          + workerId + ", " + why + ")", now);
      notifyWaiters(job);
    } else {
      context.getLog().info("job {} goes back to the queue: worker {} {}", job.id, workerId,
          why);
      book.requeue(job, "worker " + workerId + " lost (" + why + ")", now);
    }
  }

  /**
   * The registered worker that sent a report naming {@code workerId} and {@code sender}; null,
   * with a warning naming the sender, when no worker is registered under that id with that ref.
   */
  private SlotTable.Worker reporter(String what, String workerId, ActorRef<ToWorker> sender) {
    SlotTable.Worker w = workerId == null ? null : book.slots().worker(workerId);
    if (w != null && w.ref.equals(sender)) {
      return w;
    }
    context.getLog().warn("ignoring {} that names worker {}: sent by {}, {}", what, workerId,
        sender, w == null ? "and no worker is registered under that id"
            : "not by the worker registered under that id (" + w.ref + ")");
    return null;
  }

  private void onJobFinished(JobFinished f) {
    SlotTable.Worker from = reporter("the finish of job " + f.jobId() + " attempt " + f.attempt(),
        f.workerId(), f.worker());
    if (from == null) {
      return;
    }
    // once recorded (or known to be stale) the worker may forget it
    later(from.ref, new ToWorker.FinishAck(f.jobId(), f.attempt()));
    Job job = book.job(f.jobId());
    if (job != null && job.state == JobState.RUNNING && job.attempt == f.attempt()
        && !job.workerId.equals(f.workerId())) {
      context.getLog().warn("ignoring the finish of job {} attempt {} sent by worker {} ({}):"
          + " worker {} holds that attempt", f.jobId(), f.attempt(), f.workerId(), f.worker(),
          job.workerId);
      return;
    }
    if (job == null || job.state != JobState.RUNNING || job.attempt != f.attempt()
        || !job.workerId.equals(f.workerId()) || f.result() == null) {
      context.getLog().debug("ignoring a finish of job {} attempt {} from {}: stale",
          f.jobId(), f.attempt(), f.workerId());
      return;
    }
    SlotTable.Worker ranIt = book.slots().worker(f.workerId());
    if (ranIt != null) {
      ranIt.lastBusy = System.currentTimeMillis();
    }
    if (f.result().state() == JobState.FAILED && !job.cancelRequested
        && job.failures < job.spec.retries()) {
      book.retry(job, f.result());
      context.getLog().info("job {} attempt {} failed on {} ({}); retry {} of {}", job.id,
          job.attempt, f.workerId(), f.result().reason(), job.failures, job.spec.retries());
      dispatch();
      return;
    }
    book.finish(job, f.result(), System.currentTimeMillis());
    context.getLog().debug("job {} {} on {}", job.id, job.state, f.workerId());
    notifyWaiters(job);
    dispatch();
  }

  private void onJobRejected(JobRejected r) {
    if (reporter("the rejection of job " + r.jobId() + " attempt " + r.attempt(), r.workerId(),
        r.worker()) == null) {
      return;
    }
    Job job = book.job(r.jobId());
    if (job != null && job.state == JobState.RUNNING && job.attempt == r.attempt()
        && job.workerId.equals(r.workerId())) {
      context.getLog().debug("worker {} did not take job {}: {}", r.workerId(), r.jobId(),
          r.reason());
      SlotTable.Worker w = book.slots().worker(r.workerId());
      if (w != null && !w.draining && r.reason() != null && r.reason().contains("draining")) {
        book.slots().draining(w);
      }
      if (job.cancelRequested) { // the rejection crossed the cancel: it must not start again
        book.end(job, JobState.CANCELLED, "cancelled before it ran", System.currentTimeMillis());
        notifyWaiters(job);
        dispatch();
        return;
      }
      book.requeue(job, "rejected by worker " + r.workerId()
          + (r.reason() == null ? "" : " (" + r.reason() + ")"), System.currentTimeMillis());
    }
    dispatch();
  }

  private void onAwaitJob(AwaitJob await) {
    Job job = book.job(await.jobId());
    if (job == null || job.state.isFinal()) {
      await.replyTo().tell(view(await.jobId()));
    } else {
      waitFor(List.of(job), new Waiter(v -> await.replyTo().tell(java.util.Optional.of(v))),
          await.within());
    }
  }

  private void onAwaitAny(AwaitAny await) {
    List<JobView> done = new ArrayList<>();
    List<Job> open = new ArrayList<>();
    for (String id : await.jobIds()) {
      Job job = book.job(id);
      if (job != null) {
        if (job.state.isFinal()) {
          done.add(JobView.of(job));
        } else {
          open.add(job);
        }
      }
    }
    if (!done.isEmpty() || open.isEmpty()) {
      await.replyTo().tell(done);
    } else {
      waitFor(open, new Waiter(v -> await.replyTo().tell(List.of(v))), await.within());
    }
  }

  /** {@code waiter} hears of the first of {@code jobs} to end, if one ends within {@code wait}. */
  private void waitFor(List<Job> jobs, Waiter waiter, Duration wait) {
    for (Job job : jobs) {
      waiters.computeIfAbsent(job.id, k -> new ArrayList<>()).add(waiter);
      waiter.jobIds.add(job.id);
    }
    timers.startSingleTimer(waiter, new WaitOver(waiter), wait);
  }

  /** Drops {@code waiter} from every job it waits for. */
  private void forget(Waiter waiter) {
    timers.cancel(waiter);
    for (String id : waiter.jobIds) {
      List<Waiter> list = waiters.get(id);
      if (list != null && list.remove(waiter) && list.isEmpty()) {
        waiters.remove(id);
      }
    }
  }

  /** How many long polls wait for a job to end. */
  private int waiting() {
    java.util.Set<Waiter> all = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
    waiters.values().forEach(all::addAll);
    return all.size();
  }

  /** Someone waiting for a job to end; one waiting on several jobs hears of the first only. */
  private static final class Waiter {
    private final java.util.function.Consumer<JobView> answer;
    private final List<String> jobIds = new ArrayList<>(1);
    private boolean answered;

    Waiter(java.util.function.Consumer<JobView> answer) {
      this.answer = answer;
    }

    void answer(JobView v) {
      if (!answered) {
        answered = true;
        answer.accept(v);
      }
    }
  }

  private void onCancel(CancelJob cancel) {
    Job job = book.job(cancel.jobId());
    if (job == null) {
      cancel.replyTo().tell(new CancelReply(null, "no job " + cancel.jobId()));
      return;
    }
    switch (job.state) {
      case QUEUED -> {
        book.end(job, JobState.CANCELLED, "cancelled before it ran", System.currentTimeMillis());
        notifyWaiters(job);
      }
      case RUNNING -> {
        book.requestCancel(job);
        SlotTable.Worker w = book.slots().worker(job.workerId);
        if (w != null) {
          later(w.ref, new ToWorker.CancelJob(job.id, job.attempt, "cancelled by request"));
        }
      }
      default -> {
        cancel.replyTo().tell(new CancelReply(JobView.of(job),
            "job " + job.id + " has already finished (" + job.state + ")"));
        return;
      }
    }
    context.getLog().info("job {} cancel requested", job.id);
    later(cancel.replyTo(), new CancelReply(JobView.of(job), null));
  }

  /** Starts every job that can start now. */
  private void dispatch() {
    if (closed) {
      return;
    }
    for (JobBook.Assignment a : book.assign(System.currentTimeMillis())) {
      Job job = a.job();
      later(a.worker().ref, new ToWorker.Job(job.id, job.attempt, job.spec));
      if (context.getLog().isDebugEnabled()) {
        context.getLog().debug("job {} attempt {} -> {}: {}", job.id, job.attempt,
            a.worker().id, job.spec.argv());
      }
    }
  }

  private Demand demand() {
    List<Queued> queued = new ArrayList<>();
    book.queuedCounts().forEach((k, n) -> queued.add(new Queued(k.requires(), k.slots(), n)));
    List<Load> loads = new ArrayList<>();
    for (SlotTable.Worker w : book.slots().workers()) {
      loads.add(new Load(w.id, w.offer.slots(), w.usedSlots, w.labels, book.slots().usable(w), w.draining,
          w.offer.embedded(), w.registeredAt, w.lastBusy));
    }
    return new Demand(System.currentTimeMillis(), queued, loads);
  }

  private void notifyWaiters(Job job) {
    List<Waiter> list = waiters.remove(job.id);
    if (list != null) {
      list.forEach(this::forget); // from the other jobs an AwaitAny waits for, and its timer
      JobView v = JobView.of(job);
      effects.add(() -> list.forEach(w -> w.answer(v)));
    }
  }

  private java.util.Optional<JobView> view(String jobId) {
    Job job = book.job(jobId);
    return job == null ? java.util.Optional.empty()
        : java.util.Optional.of(JobView.of(job, waitingReason(job)).withHistory(job));
  }

  /**
   * Why a queued job cannot be placed on any worker there is or could be spawned, or null: the
   * labels it requires that no registered worker offers, when no source of the worker directory
   * serves them either.
   */
  private String waitingReason(Job job) {
    if (job.state != JobState.QUEUED || job.spec.requires().isEmpty()) {
      return null;
    }
    List<String> missing = job.spec.requires().stream()
        .filter(l -> book.slots().workers().stream().noneMatch(w -> w.offer.labels().contains(l)))
        .toList();
    if (missing.isEmpty() || spawnable.test(job.spec)) {
      return null;
    }
    return "no registered worker offers label" + (missing.size() > 1 ? "s " : " ")
        + String.join(", ", missing) + (hasDirectory
            ? ", and no source of the worker directory offers " + (missing.size() > 1 ? "them" : "it")
            : " (and the master has no worker directory to spawn one from)");
  }
}
