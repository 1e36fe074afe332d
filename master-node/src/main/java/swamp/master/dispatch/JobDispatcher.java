package swamp.master.dispatch;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
import swamp.master.membership.MembershipEvent;
import swamp.master.membership.WorkerRegistry;
import swamp.protocol.JobSpec;
import swamp.protocol.JobState;
import swamp.protocol.ToMaster.JobRejected;
import swamp.protocol.ToMaster.JobsFinished;
import swamp.protocol.ToWorker.RegOk;

/**
 * The master's jobs, journaled: the actor that takes clients' commands, workers' reports (through
 * the {@link Inbox}) and the {@link WorkerRegistry}'s membership events, has the {@link
 * JobLifecycle} decide what each changes, and journals the result. A worker admitted is answered
 * {@link RegOk} from here, so that the RegOk and the jobs that follow come from one sender, in
 * order. The jobs are in the {@link JobBook}, the workers' slots in its {@link SlotTable}, the
 * long polls in {@link LongPolls}; this class adds the journal and the timers. What it is told
 * and answers is {@link DispatcherProtocol}; its answers to queries are made by {@link Views}.
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
    extends EventSourcedBehavior<DispatcherProtocol.Command, JobEvent, JobBook>
    implements DispatcherProtocol {

  /** The recovery grace is over: orphans whose worker has not registered run again. */
  enum GraceOver implements Own { INSTANCE }

  /** Time to drop the finished jobs older than the retention period. */
  enum Expire implements Own { INSTANCE }

  /** The {@link DemandWatch}'s note to itself, or the end of its interval. */
  enum DemandDue implements Own { INSTANCE }

  /** A group commit could not be forced to disk: start again from what the journal holds. */
  record SyncFailed(Exception failure) implements Own {}

  private final DemandWatch demandWatch = new DemandWatch();

  /** The one journal the master's singleton writes. */
  public static final String PERSISTENCE_ID = "swamp-dispatcher";

  private final ActorContext<Command> context;
  private final TimerScheduler<Command> timers;
  private final long masterEpoch;
  private final LocalExec localExec;
  private final int retainFinished;
  private final Settings settings;
  /** Whether a registered worker, or one the worker directory could spawn, can take a job. */
  private final Placement placement;
  /** The group commit of workers' reports: the MasterActor's, it outlives this dispatcher. */
  private final ActorRef<Inbox.Command> inbox;
  /** Whether the inbox answered {@link Inbox.Attach}: workers can be admitted. */
  private boolean attached;
  /** Publishes membership to this dispatcher once it is attached; null in tests without one. */
  private final ActorRef<WorkerRegistry.Command> registry;
  private final LongPolls polls;
  /** The live feeds and metrics that follow each change. */
  private final Watchers watchers = new Watchers();
  private JobBook book;
  /** The decisions about jobs; made once the book is recovered. */
  private JobLifecycle lifecycle;
  /** Job entries journaled since the last snapshot: a batch of 5,000 jobs counts 5,000. */
  private long sinceSnapshot;
  private boolean recovered;

  /**
   * A dispatcher whose workers report to {@code inbox} and whose membership {@code registry}
   * publishes (null: it is told {@link FromMembership} directly, as in tests).
   */
  public static Behavior<Command> create(String persistenceId, long masterEpoch,
      LocalExec localExec, int retainFinished, Settings settings,
      ActorRef<Inbox.Command> inbox, ActorRef<WorkerRegistry.Command> registry) {
    return create(persistenceId, masterEpoch, localExec, retainFinished, settings, null, inbox,
        registry);
  }

  /**
   * A dispatcher of a master with a worker directory: {@code sources} names each of its sources,
   * in its order, with whether it could spawn a worker for a job (null: there is no directory).
   */
  public static Behavior<Command> create(String persistenceId, long masterEpoch,
      LocalExec localExec, int retainFinished, Settings settings,
      java.util.Map<String, java.util.function.Predicate<JobSpec>> sources,
      ActorRef<Inbox.Command> inbox, ActorRef<WorkerRegistry.Command> registry) {
    return Restarting.of("journaling", () -> Behaviors.setup(ctx -> Behaviors.withTimers(
        timers -> new JobDispatcher(PersistenceId.ofUniqueId(persistenceId), ctx, timers,
            masterEpoch, localExec, retainFinished, settings, sources, inbox, registry))));
  }

  private JobDispatcher(PersistenceId persistenceId, ActorContext<Command> context,
      TimerScheduler<Command> timers, long masterEpoch, LocalExec localExec,
      int retainFinished, Settings settings,
      java.util.Map<String, java.util.function.Predicate<JobSpec>> sources,
      ActorRef<Inbox.Command> inbox, ActorRef<WorkerRegistry.Command> registry) {
    // a journal that cannot be read or written stops it; Restarting makes a new one
    super(persistenceId);
    this.context = context;
    this.timers = timers;
    this.masterEpoch = masterEpoch;
    this.localExec = localExec;
    this.retainFinished = retainFinished;
    this.settings = settings;
    this.placement = Placement.of(sources);
    this.inbox = inbox;
    this.registry = registry;
    this.polls = new LongPolls(timers);
  }

  // ---- the journal ----

  @Override
  public JobBook emptyState() {
    recovered = false; // (re)starting: what follows is the journal's replay
    return new JobBook(localExec, settings.prefetch(), retainFinished)
        .limitOutput(settings.outputBudget());
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
    return RetentionCriteria.snapshotEvery(settings.snapshotEvery(), 2)
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
    sinceSnapshot += JobEvent.entries(event);
    if (sinceSnapshot < Math.max(settings.snapshotEvery(), book.size())) {
      return false;
    }
    sinceSnapshot = 0;
    return true;
  }

  @Override
  public SnapshotAdapter<JobBook> snapshotAdapter() {
    return new SnapshotAdapter<>() {
      @Override
      public Object toJournal(JobBook book) {
        return BookSnapshots.of(book);
      }

      @Override
      public JobBook fromJournal(Object snapshot) {
        return BookSnapshots.restore((BookSnapshots.Snapshot) snapshot, localExec, settings.prefetch(),
            retainFinished)
            .limitOutput(settings.outputBudget());
      }
    };
  }

  @Override
  public SignalHandler<JobBook> signalHandler() {
    return newSignalHandlerBuilder()
        .onSignal(RecoveryCompleted.instance(), this::onRecovered)
        .onSignal(RecoveryFailed.class, (book, failed) -> onRecoveryFailed(failed.getFailure()))
        .onSignal(org.apache.pekko.persistence.typed.SnapshotCompleted.class,
            (book, saved) -> settings.guard().snapshotSaved(persistenceId().id(),
                saved.getSnapshotMetadata().sequenceNr()))
        .onSignal(org.apache.pekko.persistence.typed.DeleteEventsCompleted.class,
            (book, deleted) -> settings.guard().compactSoon())
        .onSignal(org.apache.pekko.persistence.typed.DeleteSnapshotsCompleted.class,
            (book, deleted) -> settings.guard().compactSoon())
        .build();
  }

  /**
   * A journal that is damaged, or that cannot be read for longer than the give-up time, stops the
   * master (exit 2) with what to do: answering 503 for ever helps no one.
   */
  private void onRecoveryFailed(Throwable failure) {
    String stop = JournalRepair.whyStop(failure, settings.guard());
    if (stop != null) {
      stopMaster(stop);
    } else {
      context.getLog().error("cannot read the job journal {}; trying again (submissions wait,"
          + " and those whose client stops waiting are dropped): {}", settings.guard().describe(),
          failure.toString());
    }
  }

  private void stopMaster(String message) {
    var shutdown = org.apache.pekko.actor.CoordinatedShutdown.get(context.getSystem());
    if (shutdown.getShutdownReason().isPresent()) {
      return; // an earlier dispatcher stopped it already, and said why
    }
    context.getLog().error("stopping the master: {}", message);
    shutdown.runAll(new Journal.Stop(message));
  }

  private void onRecovered(JobBook recoveredBook) {
    settings.guard().readOk();
    long read = lastSequenceNumber(context);
    if (read < settings.guard().recorded()) {
      stopMaster(JournalRepair.damaged(settings.guard().file(), "it held "
          + settings.guard().recorded() + " writes, but only " + read + " could be read (the"
          + " file was truncated or overwritten, and H2 fell back to an older state)"));
      return;
    }
    book = recoveredBook;
    lifecycle = new JobLifecycle(book, polls, context.getLog(), settings.clock(), masterEpoch,
        settings.recoveryGrace());
    recovered = true;
    inbox.tell(new Inbox.Attach(context.getSelf()));
    int orphans = book.slots().orphans().values().stream().mapToInt(List::size).sum();
    context.getLog().info("job book recovered: {} queued, {} running on workers not yet"
        + " registered, {} finished", book.count(JobState.QUEUED), orphans,
        book.count(JobState.SUCCEEDED) + book.count(JobState.FAILED)
            + book.count(JobState.CANCELLED));
    if (orphans > 0) {
      timers.startSingleTimer(GraceOver.INSTANCE, settings.recoveryGrace());
    }
    if (!settings.retainFor().isZero()) {
      Duration every = settings.retainFor().dividedBy(10);
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
    Watchers.Ended ended = Watchers.ends(book, events);
    if (ended != null) {
      context.getSystem().eventStream().tell(new EventStream.Publish<>(ended));
    }
    if (!watchers.isEmpty()) {
      watchers.tell(book, events, () -> Views.workers(book), this::health, this::whyWaiting);
    }
    demandWatch.changed(context.getSelf());
    List<Runnable> then = lifecycle.takeEffects();
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
        .thenRun(b -> settings.guard().after(lastSequenceNumber(context), timedThen,
            failure -> context.getSelf().tell(new SyncFailed(failure))));
  }

  /** Answers at once: a question changes nothing, and what it saw is journaled already. */
  /**
   * A change to a run its client asks for ({@link MarkNotRun}, {@link AddSteps}): refused with
   * {@code problem}, or journaled and then answered.
   */
  private Effect<JobEvent, JobBook> changeRun(RunRefused problem,
      ActorRef<java.util.Optional<RunRefused>> replyTo, Runnable change) {
    if (problem != null) {
      return answer(() -> replyTo.tell(java.util.Optional.of(problem)));
    }
    return decide(() -> {
      change.run();
      lifecycle.later(replyTo, java.util.Optional.<RunRefused>empty());
    });
  }

  /**
   * The sources that fail now, as the scaler tells: the queued jobs only they could serve say so
   * in their reason, and the open dashboards hear of each job whose reason changed.
   */
  private void sourcesFailing(java.util.Map<String, String> failing) {
    java.util.Map<String, String> before = watchers.reasons(book, this::whyWaiting);
    placement.failing(failing);
    watchers.tellReasons(book, before, () -> Views.workers(book), this::health, this::whyWaiting);
  }

  /** Why a queued job waits where no worker can take it; null when one can (or could be spawned). */
  private String whyWaiting(Job job) {
    return placement.whyWaiting(job, book.slots());
  }

  private Effect<JobEvent, JobBook> answer(Runnable reply) {
    reply.run();
    return Effect().none();
  }

  // ---- commands ----

  @Override
  public CommandHandler<Command, JobEvent, JobBook> commandHandler() {
    return newCommandHandlerBuilder().forAnyState()
        .onCommand(Submit.class, s -> decide(() -> lifecycle.submit(s)))
        .onCommand(SyncFailed.class, f -> {
          throw new IllegalStateException("the job journal cannot be forced to disk", f.failure());
        })
        .onCommand(FromWorkers.class, m -> decide(() -> {
          for (Inbox.Item item : m.items()) {
            if (item instanceof Inbox.Report r && r.report() instanceof JobsFinished f) {
              lifecycle.finished(f);
            } else if (item instanceof Inbox.Report r && r.report() instanceof JobRejected j) {
              lifecycle.rejected(j);
            } else if (item instanceof Inbox.InOrder o) {
              lifecycle.remove(o.removal());
              if (o.removal().mayReturn() && !timers.isTimerActive(GraceOver.INSTANCE)) {
                timers.startSingleTimer(GraceOver.INSTANCE, settings.recoveryGrace());
              }
            }
          }
          lifecycle.later(inbox, Inbox.Written.INSTANCE);
        }))
        .onCommand(InboxAttached.class, a -> {
          lifecycle.attach(a.forWorkers());
          attached = true;
          if (registry != null) {
            registry.tell(new WorkerRegistry.Subscribe("the dispatcher", context.messageAdapter(
                MembershipEvent.class, FromMembership::new)));
          }
          return Effect().unstashAll();
        })
        // a worker admitted before the inbox answered would be sent no ref to report to
        .onCommand(FromMembership.class, m -> !attached ? Effect().stash()
            : onMembership(m.event()))
        .onCommand(Close.class, c -> {
          lifecycle.close();
          return Effect().none();
        })
        .onCommand(GraceOver.class, g -> decide(lifecycle::graceOver))
        .onCommand(Expire.class, e -> decide(() -> {
          int dropped = lifecycle.expire(settings.retainFor());
          if (dropped > 0) {
            context.getLog().info("dropped {} finished job(s) older than {}", dropped,
                settings.retainFor());
          }
        }))
        .onCommand(CreateRun.class, c -> decide(() -> {
          Runs.Run run = book.createRun(c.name(), c.workDir(), c.commands(),
              settings.clock().millis());
          context.getLog().info("run {} of {}: {} commands", run.id, run.name, run.commands.size());
          lifecycle.later(c.replyTo(), run.id);
        }))
        .onCommand(MarkNotRun.class, m -> changeRun(book.runs().notRunProblem(m.runId(), m.steps()),
            m.replyTo(), () -> book.notRun(m.runId(), m.steps())))
        .onCommand(AddSteps.class, a -> changeRun(book.runs().addProblem(a.runId(), a.commands()),
            a.replyTo(), () -> book.addSteps(a.runId(), a.commands())))
        .onCommand(CheckRuns.class, c -> answer(() -> c.replyTo().tell(
            java.util.Optional.ofNullable(book.runs().problem(c.specs())))))
        .onCommand(GetRun.class, g -> answer(() -> g.replyTo().tell(Views.run(book, g.runId()))))
        .onCommand(ListRuns.class, l -> answer(() -> l.replyTo().tell(Views.runs(book))))
        .onCommand(GetJob.class, g -> answer(() -> g.replyTo().tell(
            Views.job(book, placement, g.jobId()))))
        .onCommand(AwaitJob.class, a -> answer(() -> polls.awaitJob(a, book,
            () -> Views.job(book, placement, a.jobId()))))
        .onCommand(LongPolls.WaitOver.class, w -> answer(() -> polls.waitOver(w.waiter(), book)))
        .onCommand(AwaitAny.class, a -> answer(() -> polls.awaitAny(a, book)))
        .onCommand(AwaitRun.class, a -> answer(() -> polls.awaitRun(a, book)))
        .onCommand(ListJobs.class, l -> answer(() -> l.replyTo().tell(
            Views.jobs(book, placement, l.states(), l.worker(), l.limit()))))
        .onCommand(CancelJob.class, c -> decide(() -> lifecycle.cancel(c)))
        .onCommand(CancelJobs.class, c -> decide(() -> lifecycle.cancel(c)))
        .onCommand(ListWorkers.class, l -> answer(() -> l.replyTo().tell(Views.workers(book))))
        .onCommand(SourcesFailing.class, f -> answer(() -> sourcesFailing(f.failing())))
        .onCommand(WatchDemand.class, w -> answer(() -> demandWatch.watch(w, this::demand,
            timers)))
        .onCommand(DemandDue.class, d -> answer(() -> demandWatch.due(this::demand, timers)))
        .onCommand(GetHealth.class, h -> answer(() -> h.replyTo().tell(health())))
        .onCommand(Watchers.Watch.class, w -> answer(() -> watchers.add(context, w.watcher())))
        .onCommand(Watchers.Unwatch.class, u -> answer(() -> watchers.remove(u.watcher())))
        .build();
  }

  private Views.Health health() {
    return Views.health(book, masterEpoch, polls.waiting());
  }

  private Demand demand() {
    return DemandWatch.of(book, settings.clock().millis());
  }

  private Effect<JobEvent, JobBook> onMembership(MembershipEvent event) {
    if (event instanceof MembershipEvent.WorkerJoined j) {
      return decide(() -> lifecycle.admit(j));
    } else if (event instanceof MembershipEvent.WorkerLeft left) {
      // round the inbox, so that it comes after the reports already there
      inbox.tell(new Inbox.InOrder(left));
      return Effect().none();
    } else if (event instanceof MembershipEvent.WorkerDraining d) {
      return decide(() -> lifecycle.drain(d));
    } else {
      MembershipEvent.WorkerReachability r = (MembershipEvent.WorkerReachability) event;
      return decide(() -> lifecycle.reachability(r));
    }
  }

}
