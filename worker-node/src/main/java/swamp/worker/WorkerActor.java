package swamp.worker;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.ReceiveBuilder;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import swamp.node.ExitCodes;
import swamp.node.HumanDuration;
import swamp.protocol.JobResult;
import swamp.protocol.ToMaster.JobFinished;
import swamp.protocol.ToMaster.JobRejected;
import swamp.protocol.ToMaster;
import swamp.protocol.ToRegistry.Register;
import swamp.protocol.ToRegistry.RunningJob;
import swamp.protocol.ToRegistry;
import swamp.protocol.ToWorker.CancelJob;
import swamp.protocol.ToWorker.Declined;
import swamp.protocol.ToWorker.Dismiss;
import swamp.protocol.ToWorker.FinishAck;
import swamp.protocol.ToWorker.HandBack;
import swamp.protocol.ToWorker.Job;
import swamp.protocol.ToWorker.Refused;
import swamp.protocol.ToWorker.RegOk;
import swamp.protocol.ToWorker.RegisterAgain;
import swamp.protocol.ToWorker;
import swamp.protocol.WorkerOffer;

/**
 * A worker's life: {@code registering -> registered -> draining -> stopped}.
 *
 * <p>While registering it finds the master's registry through the Receptionist and sends {@link
 * Register} at once and then every retry interval, jittered per worker so that a restarted master
 * is not hit by the whole pool at the same moment. A {@link Refused} ends the worker
 * (exit 3), and so does the give-up deadline (exit 4). Once registered it watches the master and
 * runs up to {@code slots} jobs, each in a watched {@link JobRunner} child; the jobs the master
 * gives it beyond its free slots (its prefetch) wait here, in the order they came, and the next
 * starts the moment a slot frees. Losing the master ends
 * this incarnation with {@link #REJOIN}: the node must join the cluster again before it can
 * register anew, with a fresh deadline. {@link Dismiss} drains: no new jobs, running ones get the
 * drain grace, then the worker unregisters and exits 0.
 *
 * <p>Its jobs and the finishes it could not send yet live in a {@link JobTable} that may outlive
 * it. A worker made with a table of its own hands its running jobs over when it ends with {@link
 * #REJOIN}; the next worker made with that table adopts them on start, claims them and the unsent
 * finishes in its {@link Register}, and sends the finishes once registered.
 *
 * <p>The worker never exits the JVM itself: it tells {@code exitTo} how it ended and stops.
 */
public final class WorkerActor extends AbstractBehavior<WorkerActor.Command> {

  /** Not a process exit code: the master was lost, join the cluster again and re-register. */
  public static final int REJOIN = -1;

  public sealed interface Command {}

  /**
   * The process got SIGTERM: take no new job, let the running ones finish within the term grace
   * (those still running then are killed and run again elsewhere), unregister and exit 0. A
   * second Stop while draining leaves at once.
   */
  public record Stop(String reason) implements Command, NoSerializationVerificationNeeded {}

  /** How the worker ended, told to its {@code exitTo}. */
  public record Exit(int code, String reason) implements NoSerializationVerificationNeeded {}

  private sealed interface Internal extends Command, NoSerializationVerificationNeeded {}

  private record FromMaster(ToWorker message) implements Internal {}

  private record RegistryListing(Receptionist.Listing listing) implements Internal {}

  private record JobEnded(JobRunner.Ended ended) implements Internal {}

  private record RunnerStopped(String jobId, int attempt) implements Internal {}

  private record MasterLost(ActorRef<ToMaster> master) implements Internal {}

  private enum Retry implements Internal { INSTANCE }

  private enum GiveUp implements Internal { INSTANCE }

  private enum DrainOver implements Internal { INSTANCE }

  private enum AcksOver implements Internal { INSTANCE }

  /** This JVM was stopped or stalled: the lease holds the jobs stopped (see {@link Reaper}). */
  private enum LeaseLapsed implements Internal { INSTANCE }

  /** How long a leaving worker waits for the master to acknowledge its last finishes. */
  static final Duration ACK_WAIT = Duration.ofSeconds(10);

  /** The most jobs that wait here for a slot; beyond it the master's next job is rejected. */
  static final int MAX_WAITING = 1024;

  private record Running(int attempt, int slots, ActorRef<JobRunner.Command> runner) {}

  private final WorkerSettings settings;
  private final Executables executables;
  private final WorkerOffer offer;
  private final ActorRef<Exit> exitTo;
  private final TimerScheduler<Command> timers;
  private final ActorRef<ToWorker> self;
  private final ActorRef<JobRunner.Ended> jobEnded;
  private final Random jitter;
  private final JobTable table;
  /** Downs this node when the master it registered with is known to be gone. */
  private ActorRef<MasterWatch.Command> masterWatch;
  /** The finishes sent to the current master and not yet acknowledged. */
  private final Set<RunningJob> sent = new java.util.HashSet<>();
  /** Whether a REJOIN leaves the jobs running for the next worker with the same table. */
  private final boolean handsOver;

  private ActorRef<ToRegistry> registry;
  private ActorRef<ToMaster> master;
  private final Map<String, Running> running = new LinkedHashMap<>();
  /** Jobs given beyond the free slots, in the order they came: each starts once a slot frees. */
  private final Map<String, Job> waiting = new LinkedHashMap<>();

  /** A worker whose jobs end with it, whatever the reason (the master's embedded worker). */
  public static Behavior<Command> create(
      WorkerSettings settings, Executables executables, boolean embedded, ActorRef<Exit> exitTo) {
    return create(settings, executables, embedded, exitTo, new JobTable(), false);
  }

  /**
   * A worker that keeps its jobs in {@code table}: on {@link #REJOIN} it leaves them running, and
   * on start it adopts those a previous worker left there.
   */
  public static Behavior<Command> create(WorkerSettings settings, Executables executables,
      boolean embedded, ActorRef<Exit> exitTo, JobTable table) {
    return create(settings, executables, embedded, exitTo, table, true);
  }

  private static Behavior<Command> create(WorkerSettings settings, Executables executables,
      boolean embedded, ActorRef<Exit> exitTo, JobTable table, boolean handsOver) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> new WorkerActor(
        ctx, timers, settings, executables, embedded, exitTo, table, handsOver).registering()));
  }

  private WorkerActor(
      ActorContext<Command> context,
      TimerScheduler<Command> timers,
      WorkerSettings settings,
      Executables executables,
      boolean embedded,
      ActorRef<Exit> exitTo,
      JobTable table,
      boolean handsOver) {
    super(context);
    this.settings = settings;
    this.executables = executables;
    this.exitTo = exitTo;
    this.timers = timers;
    this.self = context.messageAdapter(ToWorker.class, FromMaster::new);
    this.jobEnded = context.messageAdapter(JobRunner.Ended.class, JobEnded::new);
    this.jitter = new Random(settings.workerId().hashCode() ^ System.nanoTime());
    this.offer = offer(settings, executables, embedded, context);
    this.table = table;
    this.handsOver = handsOver;
    ActorRef<Command> me = context.getSelf();
    Reaper.onLapse(() -> me.tell(LeaseLapsed.INSTANCE));
    table.adopt().forEach(this::adopt);
    table.adoptWaiting().forEach(j -> waiting.put(j.jobId(), j)); // they start once registered
    context.getSystem().receptionist().tell(Receptionist.subscribe(ToRegistry.KEY,
        context.messageAdapter(Receptionist.Listing.class, RegistryListing::new)));
  }

  private static WorkerOffer offer(WorkerSettings settings, Executables executables,
      boolean embedded, ActorContext<?> context) {
    Set<String> labels = new LinkedHashSet<>(settings.labels());
    if (executables.has("ncks")) {
      labels.add("nco");
    }
    String url = settings.url().isBlank() ? context.getSystem().address().toString() : settings.url();
    return new WorkerOffer(settings.host(), url, settings.slots(), List.copyOf(labels),
        executables.offered(), settings.memoryMb(), ToRegistry.SOFTWARE_VERSION, embedded);
  }

  @Override
  public Receive<Command> createReceive() {
    return registering();
  }

  // ---- registering ----

  private Receive<Command> registering() {
    timers.startSingleTimer(GiveUp.INSTANCE, settings.giveUpAfter());
    scheduleRetry();
    attemptRegistration();
    // the state's own handlers come first: jobs() ends with catch-alls
    return jobs(newReceiveBuilder()
        .onMessage(Retry.class, r -> { attemptRegistration(); scheduleRetry(); return Behaviors.same(); })
        .onMessage(FromMaster.class, m -> m.message() instanceof RegOk, m -> onRegOk((RegOk) m.message()))
        .onMessage(FromMaster.class, m -> m.message() instanceof Declined, m -> onDeclined((Declined) m.message()))
        .onMessage(FromMaster.class, m -> m.message() instanceof Refused, m -> exit(ExitCodes.REFUSED,
            "registration refused: " + ((Refused) m.message()).reason()))
        .onMessage(GiveUp.class, g -> exit(ExitCodes.GAVE_UP,
            "no master registered this worker within " + HumanDuration.of(settings.giveUpAfter())
                + "; giving up")))
        .build();
  }

  private void attemptRegistration() {
    if (registry == null) {
      getContext().getLog().debug("no master found yet; waiting for the cluster");
      return;
    }
    // a finish not yet sent is still running as far as the master knows: it must keep the attempt
    Set<RunningJob> jobs = new LinkedHashSet<>();
    running.forEach((jobId, r) -> jobs.add(new RunningJob(jobId, r.attempt())));
    waiting.values().forEach(j -> jobs.add(new RunningJob(j.jobId(), j.attempt())));
    table.undelivered().forEach(f -> jobs.add(new RunningJob(f.jobId(), f.attempt())));
    registry.tell(new Register(settings.workerId(), offer, settings.secret(),
        ToRegistry.VERSION, List.copyOf(jobs), self));
  }

  private void scheduleRetry() {
    double factor = 1 + settings.retryJitter() * (2 * jitter.nextDouble() - 1);
    long millis = Math.max(1, (long) (settings.retryInterval().toMillis() * factor));
    timers.startSingleTimer(Retry.INSTANCE, Duration.ofMillis(millis));
  }

  private Behavior<Command> onRegOk(RegOk ok) {
    timers.cancel(Retry.INSTANCE);
    timers.cancel(GiveUp.INSTANCE);
    master = ok.master();
    sent.clear(); // a new master (or the same after a partition): whatever it lacks goes again
    getContext().watchWith(master, new MasterLost(master));
    if (handsOver) { // a worker process of its own, not the master's embedded one
      if (masterWatch != null) {
        getContext().stop(masterWatch);
      }
      masterWatch = getContext().spawnAnonymous(
          MasterWatch.create(master.path().address(), ok.masterEpoch(), registry));
    }
    getContext().getLog().info("registered as {} with master epoch {} ({} slots, labels {})",
        settings.workerId(), ok.masterEpoch(), offer.slots(), offer.labels());
    deliver();
    resume(); // the master's cancels came first: what still runs here is this worker's
    return registered();
  }

  private Behavior<Command> onDeclined(Declined declined) {
    getContext().getLog().info("registration declined for now ({}); trying again",
        declined.reason());
    return Behaviors.same();
  }

  // ---- registered ----

  private Receive<Command> registered() {
    return jobs(newReceiveBuilder()
        .onMessage(MasterLost.class, l -> l.master().equals(master), l -> {
          master = null;
          return exit(REJOIN, "lost the master; joining the cluster again to re-register");
        })
        .onMessage(FromMaster.class, m -> m.message() instanceof RegOk, m -> onRegisteredAgain((RegOk) m.message())))
        .build();
  }

  /**
   * The answer to a Register sent again (a retry, or {@link RegisterAgain}): the master knows
   * what this worker runs now; the finishes it has not acknowledged go again.
   */
  private Behavior<Command> onRegisteredAgain(RegOk ok) {
    if (!ok.master().equals(master)) {
      getContext().unwatch(master);
      master = ok.master();
      getContext().watchWith(master, new MasterLost(master));
    }
    sent.clear();
    deliver();
    resume();
    return Behaviors.same();
  }

  /** The master asks for what this worker holds: it registers again, staying in the cluster. */
  private Behavior<Command> onRegisterAgain(RegisterAgain again) {
    getContext().getLog().info("registering again: {}", again.reason());
    attemptRegistration();
    return Behaviors.same();
  }

  // ---- draining ----

  /** Dismissed by the master: running jobs get the drain grace, then are cancelled. */
  private Behavior<Command> drain(String reason) {
    return drain("dismissed: " + reason, settings.drainGrace(), false);
  }

  /**
   * No new job; the running ones get {@code grace} to finish, and then the worker unregisters
   * and exits 0 ({@code leaving} says why). At the end of the grace the jobs still running are
   * cancelled, or, when {@code requeue}, killed as the worker leaves, so that the master runs
   * them again elsewhere. A job sent meanwhile is rejected as "draining": the master sends no more.
   */
  private Behavior<Command> drain(String leaving, Duration grace, boolean requeue) {
    getContext().getLog().info("{}; draining {} running job(s) for up to {}{}", leaving,
        running.size(), HumanDuration.of(grace), waiting.isEmpty() ? ""
            : "; handing " + waiting.size() + " waiting job(s) back");
    List.copyOf(waiting.values()).forEach(j -> reject(j, "worker is draining"));
    waiting.clear();
    if (running.isEmpty()) {
      return leave(leaving);
    }
    timers.cancel(Retry.INSTANCE);
    timers.cancel(GiveUp.INSTANCE);
    timers.startSingleTimer(DrainOver.INSTANCE, grace);
    return newReceiveBuilder()
        .onMessage(FromMaster.class, m -> m.message() instanceof Job, m -> reject((Job) m.message(), "worker is draining"))
        .onMessage(FromMaster.class, m -> m.message() instanceof CancelJob, m -> onCancel((CancelJob) m.message()))
        .onMessage(FromMaster.class, m -> m.message() instanceof FinishAck, m -> onFinishAck((FinishAck) m.message()))
        .onMessage(FromMaster.class, m -> m.message() instanceof RegisterAgain, m -> onRegisterAgain((RegisterAgain) m.message()))
        .onMessage(FromMaster.class, m -> m.message() instanceof HandBack, m -> Behaviors.same()) // none waits
        .onMessage(JobEnded.class, e -> {
          onJobEnded(e);
          return running.isEmpty() ? leave(leaving) : Behaviors.same();
        })
        .onMessage(RunnerStopped.class, s -> {
          onRunnerStopped(s);
          return running.isEmpty() ? leave(leaving) : Behaviors.same();
        })
        .onMessage(DrainOver.class, d -> {
          if (requeue) {
            return onStop(new Stop(leaving + "; " + running.size() + " job(s) still running after "
                + HumanDuration.of(grace) + " were killed, to run again elsewhere"));
          }
          running.values().forEach(r -> r.runner().tell(
              new JobRunner.Cancel("worker dismissed; killed after the drain grace")));
          return Behaviors.same();
        })
        .onMessage(MasterLost.class, l -> { master = null; return Behaviors.same(); })
        .onMessage(RegistryListing.class, this::onListing)
        .onMessage(Stop.class, this::onStop) // a second SIGTERM: now
        .onMessage(LeaseLapsed.class, this::goOn)
        .build();
  }

  /** SIGTERM: drain within the term grace, then leave. */
  private Behavior<Command> onTerm(Stop stop) {
    return drain(stop.reason(), settings.termGrace(), true);
  }

  /** Leave now: unregister so the master runs this worker's jobs elsewhere at once, and exit 0. */
  private Behavior<Command> onStop(Stop stop) {
    if (registry != null) {
      registry.tell(new ToRegistry.Unregister(settings.workerId(), stop.reason(), self));
    }
    // the runners are children: stopping kills their processes
    return exit(ExitCodes.OK, stop.reason());
  }

  /**
   * Unregister and exit 0, once the master has recorded this worker's finishes: its goodbye goes
   * to the registry and its finishes to the inbox, two actors, and a goodbye that overtook a
   * finish would have the job run again elsewhere. Waits {@link #ACK_WAIT} at the most.
   */
  private Behavior<Command> leave(String reason) {
    if (master == null || table.undelivered().isEmpty()) {
      return unregister(reason);
    }
    timers.startSingleTimer(AcksOver.INSTANCE, ACK_WAIT);
    return newReceiveBuilder()
        .onMessage(FromMaster.class, m -> m.message() instanceof FinishAck, m -> {
          onFinishAck((FinishAck) m.message());
          return table.undelivered().isEmpty() ? unregister(reason) : Behaviors.same();
        })
        .onMessage(AcksOver.class, a -> unregister(reason))
        .onMessage(MasterLost.class, l -> unregister(reason))
        .onMessage(Stop.class, this::onStop)
        .onMessage(LeaseLapsed.class, this::goOn)
        .build();
  }

  private Behavior<Command> unregister(String reason) {
    if (registry != null) {
      registry.tell(new ToRegistry.Unregister(settings.workerId(), reason, self));
    }
    return exit(ExitCodes.OK, reason);
  }

  // ---- in every state but draining; after a state's own handlers ----

  private ReceiveBuilder<Command> jobs(ReceiveBuilder<Command> builder) {
    return builder
        .onMessage(FromMaster.class, m -> m.message() instanceof Job, m -> onJob((Job) m.message()))
        .onMessage(FromMaster.class, m -> m.message() instanceof CancelJob, m -> onCancel((CancelJob) m.message()))
        .onMessage(FromMaster.class, m -> m.message() instanceof HandBack, m -> onHandBack((HandBack) m.message()))
        .onMessage(FromMaster.class, m -> m.message() instanceof FinishAck, m -> onFinishAck((FinishAck) m.message()))
        .onMessage(FromMaster.class, m -> m.message() instanceof Dismiss, m -> drain(((Dismiss) m.message()).reason()))
        .onMessage(FromMaster.class, m -> m.message() instanceof RegisterAgain, m -> onRegisterAgain((RegisterAgain) m.message()))
        .onMessage(FromMaster.class, m -> Behaviors.same()) // a late RegOk, Declined or Refused of a retry
        .onMessage(JobEnded.class, e -> { onJobEnded(e); return Behaviors.same(); })
        .onMessage(RunnerStopped.class, s -> { onRunnerStopped(s); return Behaviors.same(); })
        .onMessage(RegistryListing.class, this::onListing)
        .onMessage(MasterLost.class, l -> Behaviors.same()) // a master we no longer follow
        .onMessage(Stop.class, this::onTerm)
        .onMessage(Retry.class, r -> Behaviors.same())
        .onMessage(GiveUp.class, g -> Behaviors.same())
        .onMessage(LeaseLapsed.class, this::onLeaseLapsed)
        .onSignal(PostStop.class, s -> handOverWaiting());
  }

  /**
   * Stopped while handing over, by its own {@link #REJOIN} or with its actor system when the node
   * was removed from the cluster: the jobs waiting here for a slot are the next incarnation's.
   */
  private Behavior<Command> handOverWaiting() {
    if (handsOver && table.handingOver()) {
      table.handOverWaiting(waiting.values());
    }
    return Behaviors.same();
  }

  /**
   * The lease holds this worker's jobs stopped: it registers again, claiming them, and they go on
   * at the master's answer, after its cancels of those it gave to another worker meanwhile.
   */
  private Behavior<Command> onLeaseLapsed(LeaseLapsed lapsed) {
    getContext().getLog().info("registering again to learn which of its {} job(s) are still"
        + " this worker's", running.size());
    attemptRegistration();
    return Behaviors.same();
  }

  /** A draining or leaving worker asks nothing more of the master: its jobs go on at once. */
  private Behavior<Command> goOn(LeaseLapsed lapsed) {
    resume();
    return Behaviors.same();
  }

  /** The lease lets the jobs go on; those waiting for a slot may start. */
  private void resume() {
    Reaper.resume();
    startWaiting();
  }

  private Behavior<Command> onListing(RegistryListing l) {
    Set<ActorRef<ToRegistry>> refs = l.listing().getServiceInstances(ToRegistry.KEY);
    ActorRef<ToRegistry> found = refs.isEmpty() ? null : refs.iterator().next();
    boolean isNew = found != null && !found.equals(registry);
    registry = found;
    if (isNew && master == null) {
      attemptRegistration();
    }
    return Behaviors.same();
  }

  private Behavior<Command> onJob(Job job) {
    Running current = running.get(job.jobId());
    if (current != null) {
      return reject(job, "attempt " + current.attempt() + " of the job is still running here");
    }
    if (waiting.containsKey(job.jobId())) {
      return reject(job, "attempt " + waiting.get(job.jobId()).attempt()
          + " of the job waits here for a slot");
    }
    if (job.spec().slots() > settings.slots()) {
      return reject(job, "it needs " + job.spec().slots() + " slots; this worker has "
          + settings.slots());
    }
    if (!waiting.isEmpty() || usedSlots() + job.spec().slots() > settings.slots()
        || Reaper.held()) {
      if (waiting.size() >= MAX_WAITING) {
        return reject(job, "no free slot, and " + MAX_WAITING + " jobs wait here already");
      }
      waiting.put(job.jobId(), job); // in order: none overtakes one that came before
      return Behaviors.same();
    }
    start(job);
    return Behaviors.same();
  }

  /** Starts the jobs that wait here, in order, while their slots are free. */
  private void startWaiting() {
    // not before this incarnation is registered: the master may have given them away meanwhile
    while (!waiting.isEmpty() && !Reaper.held() && master != null) {
      Job next = waiting.values().iterator().next();
      if (usedSlots() + next.spec().slots() > settings.slots()) {
        return;
      }
      waiting.remove(next.jobId());
      start(next);
    }
  }

  /** The master wants a job back that waits here: it goes where a slot is free now. */
  private Behavior<Command> onHandBack(HandBack back) {
    Job job = waiting.get(back.jobId());
    if (job != null && job.attempt() == back.attempt()) {
      waiting.remove(back.jobId());
      reject(job, "handed back: it had not started, waiting here for a slot");
    }
    return Behaviors.same(); // it started: it runs on
  }

  private void start(Job job) {
    if (settings.dryRun()) {
      table.finished(new JobFinished(job.jobId(), job.attempt(), settings.workerId(),
          ProgramCheck.dryRun(job.spec(), settings, executables), null));
      deliver();
      return;
    }
    track(job.jobId(), job.attempt(), job.spec().slots(), JobRunner.create(
        job.jobId(), job.attempt(), job.spec(), settings, executables, table, jobEnded));
    getContext().getLog().debug("job {} attempt {}: {}", job.jobId(), job.attempt(), job.spec().argv());
  }

  /** A job a previous incarnation left running: watched here as if it had started here. */
  private void adopt(JobTable.Live job) {
    track(job.jobId(), job.attempt(), job.spec().slots(),
        JobRunner.adopt(job, settings, table, jobEnded));
    getContext().getLog().info("job {} attempt {} (pid {}) kept running across the rejoin",
        job.jobId(), job.attempt(), job.process().pid());
  }

  private void track(String jobId, int attempt, int slots, Behavior<JobRunner.Command> runner) {
    ActorRef<JobRunner.Command> ref = getContext().spawnAnonymous(runner);
    getContext().watchWith(ref, new RunnerStopped(jobId, attempt));
    running.put(jobId, new Running(attempt, slots, ref));
  }

  private int usedSlots() {
    return running.values().stream().mapToInt(Running::slots).sum();
  }

  /** Stops tracking {@code attempt} of {@code jobId}; false when that is not what runs here. */
  private boolean untrack(String jobId, int attempt) {
    Running r = running.get(jobId);
    if (r == null || r.attempt() != attempt) {
      return false;
    }
    running.remove(jobId);
    return true;
  }

  private Behavior<Command> reject(Job job, String reason) {
    ToMaster rejected = new JobRejected(job.jobId(), job.attempt(), settings.workerId(), reason,
        self);
    if (master != null) {
      master.tell(rejected);
    }
    return Behaviors.same();
  }

  private Behavior<Command> onCancel(CancelJob cancel) {
    Job waits = waiting.get(cancel.jobId());
    if (waits != null && waits.attempt() == cancel.attempt()) { // never started: ends at once
      waiting.remove(cancel.jobId());
      table.finished(new JobFinished(cancel.jobId(), cancel.attempt(), settings.workerId(),
          JobResult.notStarted(swamp.protocol.JobState.CANCELLED, settings.workerId(),
              cancel.reason()), null));
      deliver();
      return Behaviors.same();
    }
    Running r = running.get(cancel.jobId());
    if (r != null && r.attempt() == cancel.attempt()) {
      if (Reaper.held()) { // stopped by the lease: it must not run on for a moment when resumed
        table.live().stream()
            .filter(j -> j.jobId().equals(cancel.jobId()) && j.attempt() == cancel.attempt())
            .forEach(j -> Reaper.killNow(j.processes()));
      }
      r.runner().tell(new JobRunner.Cancel(cancel.reason()));
    }
    return Behaviors.same();
  }

  private void onJobEnded(JobEnded e) {
    if (untrack(e.ended().jobId(), e.ended().attempt())) {
      startWaiting(); // before the finish goes: the next job need not wait for the master
      deliver(); // the runner put the finish in the table
    }
  }

  /** A runner that stopped without recording how its job ended crashed: the job failed. */
  private void onRunnerStopped(RunnerStopped s) {
    if (!untrack(s.jobId(), s.attempt())) {
      return;
    }
    startWaiting();
    if (!table.hasFinish(s.jobId(), s.attempt())) {
      table.finished(new JobFinished(s.jobId(), s.attempt(), settings.workerId(),
          JobResult.notStarted(swamp.protocol.JobState.FAILED, settings.workerId(),
              "the job's runner on worker " + settings.workerId() + " crashed"), null));
    }
    deliver();
  }

  /**
   * Sends the master the finishes it has not had yet; they stay in the table until it
   * acknowledges them ({@link FinishAck}), so a finish sent to a master that died on the way is
   * sent again to the next one. With no master they wait.
   */
  private void deliver() {
    if (master == null) {
      return;
    }
    for (JobFinished finished : table.undelivered()) {
      if (sent.add(new RunningJob(finished.jobId(), finished.attempt()))) {
        master.tell(finished.from(self));
      }
    }
  }

  private Behavior<Command> onFinishAck(FinishAck ack) {
    table.delivered(ack.jobId(), ack.attempt());
    sent.remove(new RunningJob(ack.jobId(), ack.attempt()));
    return Behaviors.same();
  }

  private Behavior<Command> exit(int code, String reason) {
    if (code == ExitCodes.OK) {
      getContext().getLog().info("worker {} stops: {}", settings.workerId(), reason);
    } else {
      getContext().getLog().warn("worker {} stops: {}", settings.workerId(), reason);
    }
    if (code == REJOIN && handsOver) {
      table.handOver(); // before the runners stop: they leave their processes running
    }
    exitTo.tell(new Exit(code, reason));
    return Behaviors.stopped();
  }
}
