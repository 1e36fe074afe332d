package swamp.worker;

import java.time.Duration;
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
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Subscribe;
import swamp.node.ExitCodes;
import swamp.node.HumanDuration;
import swamp.node.NodeAddress;
import swamp.protocol.ToRegistry.Register;
import swamp.protocol.ToRegistry;
import swamp.protocol.ToWorker.Dismiss;
import swamp.protocol.ToWorker.Refused;
import swamp.protocol.ToWorker.RegOk;
import swamp.protocol.ToWorker.RegisterAgain;
import swamp.protocol.ToWorker;
import swamp.worker.Internal.Deliver;
import swamp.worker.Internal.FromMasterWatch;
import swamp.worker.Internal.FromRunner;
import swamp.worker.Internal.GiveUp;
import swamp.worker.Internal.HoldOver;
import swamp.worker.Internal.KeyCheckSpacing;
import swamp.worker.Internal.KeyChecked;
import swamp.worker.Internal.LeaseLapsed;
import swamp.worker.Internal.MasterLost;
import swamp.worker.Internal.MemberRemoved;
import swamp.worker.Internal.RegistryListing;
import swamp.worker.Internal.Retry;
import swamp.worker.Internal.RunnerStopped;
import swamp.worker.Internal.Unjoined;
import swamp.worker.Internal.UnjoinedWhy;

/**
 * A worker's life: {@code registering -> registered -> draining -> (leaving) -> stopped}. This
 * actor makes the worker ({@link #create}) and is its registering and registered states; draining
 * and leaving, how a worker ends, are {@link WorkerLeaving}'s, as is its exit, whatever the
 * reason. What it is told and tells is its {@link WorkerProtocol}.
 *
 * <p>While registering it finds the master's registry through the Receptionist and sends {@link
 * Register} at once and then every retry interval, jittered per worker ({@link RegistryLink}). A
 * {@link Refused} ends the worker (exit 3), and so does the give-up deadline (exit 4). While no
 * registry is found (the node has not joined the cluster), a worker process asks its {@link
 * KeyCheck} at a retry, at most every 5 s or retry interval, whether the master's address rejects
 * its pool key or speaks the other transport; if it does, no retry can help, and the worker ends
 * with exit 3 too, as it does when its {@link MasterWatch} finds that of a master restarted. Once
 * registered it watches the master and hands the master's job messages to {@link WorkerJobs}: up
 * to {@code slots} jobs run, each in a watched {@link JobRunner} child; those given beyond the
 * free slots (the master's prefetch) wait, in the order they came ({@link WorkerSlots}), and the
 * next starts the moment a slot frees. The master's messages come as {@link FromMaster} commands,
 * one kind each, so that a state matches those it takes by class. Losing the master ends
 * this incarnation with {@link #REJOIN}: the node must join the cluster again before it can
 * register anew, with a fresh deadline. {@link Dismiss} and {@link Stop} (SIGTERM) end
 * registering and hand the worker over to {@link WorkerLeaving}: it drains (no new jobs, running
 * ones get the drain grace, or the term grace), then unregisters and exits 0; a job the same
 * signal ended is handed back unreported, for the master to run again once the worker has left
 * ({@link StopInterruptions}).
 *
 * <p>Its jobs and the finishes it could not send yet live in a {@link JobTable} that may outlive
 * it. A worker made with a table of its own hands its running jobs over when it ends with {@link
 * #REJOIN}; the next worker made with that table adopts them on start, claims them and the unsent
 * finishes in its {@link Register}, and sends the finishes once registered.
 *
 * <p>The worker never exits the JVM itself: it tells {@code exitTo} how it ended and stops.
 */
public final class WorkerActor extends AbstractBehavior<WorkerProtocol.Command>
    implements WorkerProtocol {

  /**
   * How long the finish of a job that SIGTERM or SIGINT ended waits for the same signal to reach
   * its worker: a batch system's cancel signals the worker and its jobs at once, and the job may
   * end before the worker's JVM has handled its own signal. A job that no signal to its worker
   * explains is reported FAILED after this wait.
   */
  static final Duration INTERRUPT_WAIT = Duration.ofSeconds(2);

  private final WorkerSettings settings;
  private final TimerScheduler<Command> timers;
  private final JobTable table;
  /** Downs this node when the master it registered with is known to be gone. */
  private ActorRef<MasterWatch.Command> masterWatch;
  /** Whether a REJOIN leaves the jobs running for the next worker with the same table. */
  private final boolean handsOver;
  /** The master's own worker, which stops with the master's node. */
  private final boolean embedded;
  /** Null when none is done: the master's embedded worker, plain tcp, unit tests. */
  private final KeyCheck keyCheck;
  /** While registering: the key check, at most every retry interval or {@link KeyCheck#EVERY}, and why it has not joined. */
  private final JoinChecks<Command> joinChecks;
  /** Why the master last declined this worker for now (another live worker has its id), or null. */
  private String declined;

  private final RegistryLink registry;
  /** The jobs, and the master they are reported to (null until registered, and once lost). */
  private final WorkerJobs jobs;
  /** Draining, leaving and the exit: how this worker ends. */
  private final WorkerLeaving leaving;

  /** A worker whose jobs end with it, whatever the reason (the master's embedded worker). */
  public static Behavior<Command> create(
      WorkerSettings settings, Executables executables, boolean embedded, ActorRef<Exit> exitTo) {
    return create(settings, executables, embedded, exitTo, new JobTable(), false, null);
  }

  /**
   * A worker that keeps its jobs in {@code table}: on {@link #REJOIN} it leaves them running, and
   * on start it adopts those a previous worker left there.
   */
  public static Behavior<Command> create(WorkerSettings settings, Executables executables,
      boolean embedded, ActorRef<Exit> exitTo, JobTable table) {
    return create(settings, executables, embedded, exitTo, table, true, null);
  }

  /**
   * A worker process's worker: like {@link #create(WorkerSettings, Executables, boolean, ActorRef,
   * JobTable)}, and while it finds no master it asks {@code keyCheck} (null: never) whether the
   * master rejects its pool key.
   */
  public static Behavior<Command> create(WorkerSettings settings, Executables executables,
      ActorRef<Exit> exitTo, JobTable table, KeyCheck keyCheck) {
    return create(settings, executables, false, exitTo, table, true, keyCheck);
  }

  private static Behavior<Command> create(WorkerSettings settings, Executables executables,
      boolean embedded, ActorRef<Exit> exitTo, JobTable table, boolean handsOver,
      KeyCheck keyCheck) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> new WorkerActor(ctx, timers,
        settings, executables, embedded, exitTo, table, handsOver, keyCheck).registering()));
  }

  private WorkerActor(ActorContext<Command> context, TimerScheduler<Command> timers,
      WorkerSettings settings, Executables executables, boolean embedded, ActorRef<Exit> exitTo,
      JobTable table, boolean handsOver, KeyCheck keyCheck) {
    super(context);
    this.settings = settings;
    this.timers = timers;
    ActorRef<ToWorker> self = context.messageAdapter(ToWorker.class, FromMaster::of);
    this.registry = new RegistryLink(settings, RegistryLink.offer(settings, executables, embedded,
        context.getSystem().address().toString()), self,
        RegistryLink.nodeUid(context.getSystem()), context.getLog());
    this.table = table;
    this.handsOver = handsOver;
    this.embedded = embedded;
    this.keyCheck = keyCheck;
    this.joinChecks = new JoinChecks<>(keyCheck,
        settings.retryInterval().compareTo(KeyCheck.EVERY) > 0 ? settings.retryInterval()
            : KeyCheck.EVERY, context, timers, KeyCheckSpacing.INSTANCE, KeyChecked::new,
        Unjoined.INSTANCE, UnjoinedWhy::new);
    this.jobs = new WorkerJobs(context, settings, executables, table, self,
        context.messageAdapter(JobRunner.Event.class, FromRunner::new), RunnerStopped::new,
        Deliver.INSTANCE, embedded ? Duration.ZERO : INTERRUPT_WAIT, HoldOver::new);
    this.leaving = new WorkerLeaving(context, settings, timers, jobs, registry, exitTo);
    ActorRef<Command> me = context.getSelf();
    Reaper.onLapse(() -> me.tell(LeaseLapsed.INSTANCE));
    jobs.adoptFromTable();
    context.getSystem().receptionist().tell(Receptionist.subscribe(ToRegistry.KEY,
        context.messageAdapter(Receptionist.Listing.class, RegistryListing::new)));
    // the master's own worker stops with the master's node; a node that is no cluster's (unit
    // tests) has no members
    if (handsOver && context.getSystem().address().hasGlobalScope()) {
      Cluster.get(context.getSystem()).subscriptions().tell(Subscribe.create(
          context.messageAdapter(ClusterEvent.MemberRemoved.class,
              removed -> new MemberRemoved(removed.member())), ClusterEvent.MemberRemoved.class));
    }
  }

  @Override
  public Receive<Command> createReceive() {
    return registering();
  }

  // ---- registering ----

  private Receive<Command> registering() {
    timers.startSingleTimer(GiveUp.INSTANCE, settings.giveUpAfter());
    joinChecks.begin(settings.giveUpAfter());
    scheduleRetry();
    attemptRegistration();
    // the state's own handlers come first: withJobs() ends with catch-alls
    return withJobs(newReceiveBuilder()
        .onMessage(Retry.class, r -> {
          attemptRegistration();
          scheduleRetry();
          joinChecks.atRetry(registry.registry() != null);
          return Behaviors.same();
        })
        .onMessage(KeyChecked.class, this::onKeyChecked)
        .onMessage(Unjoined.class, u -> same(() -> joinChecks.askWhy(registry.registry() != null)))
        .onMessage(UnjoinedWhy.class, w -> same(() -> joinChecks.told(w.why(), settings.giveUpAfter())))
        .onMessage(FromMaster.RegOk.class, m -> onRegOk(m.ok()))
        .onMessage(MemberRemoved.class, this::onMemberRemoved)
        .onMessage(FromMaster.Declined.class, m -> same(() -> {
          declined = m.declined().reason();
          getContext().getLog().info("registration declined for now ({}); trying again", declined);
        }))
        .onMessage(FromMaster.Refused.class, m -> leaving.exit(ExitCodes.REFUSED,
            "registration refused: " + m.refused().reason()))
        .onMessage(GiveUp.class, g -> leaving.exit(ExitCodes.GAVE_UP,
            "no master registered this worker within " + HumanDuration.of(settings.giveUpAfter())
                + (declined == null ? "" : " (its last answer: " + declined + ")") + "; giving up")))
        .build();
  }

  private void attemptRegistration() {
    registry.register(jobs.claims());
  }

  private void scheduleRetry() {
    timers.startSingleTimer(Retry.INSTANCE, registry.nextRetry());
  }

  /** Registering is over (registered, or draining): no retry, no check, no giving up. */
  private void stopRegistering() {
    timers.cancel(Retry.INSTANCE);
    joinChecks.stop();
    timers.cancel(GiveUp.INSTANCE);
  }

  /**
   * A master node left the cluster while this worker registers (stopped, or declining it while it
   * stopped): with no other master node in the cluster (a standby taking over), no registry will
   * ever answer in it, and one started anew at the master's address makes a cluster of its own. So
   * the node joins the cluster again, as a registered worker does when it loses its master, and
   * keeps its jobs running. It stayed in the masterless cluster until its give-up time.
   */
  private Behavior<Command> onMemberRemoved(MemberRemoved removed) {
    if (!removed.member().hasRole(NodeAddress.MASTER_ROLE) || aMasterNodeIsUp()) {
      return Behaviors.same();
    }
    stopRegistering();
    table.handOver(); // before the runners stop: they leave their processes running
    return leaving.exit(REJOIN, "the master at " + removed.member().address() + " left the cluster"
        + " before it registered this worker; joining the cluster again to register");
  }

  private boolean aMasterNodeIsUp() {
    for (Member m : Cluster.get(getContext().getSystem()).state().getMembers()) {
      if (m.hasRole(NodeAddress.MASTER_ROLE) && (m.status() == MemberStatus.up()
          || m.status() == MemberStatus.weaklyUp() || m.status() == MemberStatus.joining())) {
        return true;
      }
    }
    return false;
  }

  /** The master rejects this worker's pool key: no retry can fix that (exit 3). */
  private Behavior<Command> onKeyChecked(KeyChecked checked) {
    joinChecks.keyChecked();
    if (checked.rejected().isPresent() && registry.registry() == null) {
      return leaving.exit(ExitCodes.REFUSED, checked.rejected().get());
    }
    return Behaviors.same();
  }

  private Behavior<Command> onRegOk(RegOk ok) {
    stopRegistering();
    jobs.follow(ok.master());
    if (handsOver) { // a worker process of its own, not the master's embedded one
      if (masterWatch != null) {
        getContext().stop(masterWatch);
      }
      masterWatch = getContext().spawnAnonymous(MasterWatch.create(ok.master().path().address(),
          ok.masterEpoch(), registry.registry(), settings.workerId(), keyCheck,
          getContext().messageAdapter(MasterWatch.Told.class, FromMasterWatch::new)));
    }
    getContext().getLog().info("registered as {} with master epoch {} ({} slots, labels {})",
        settings.workerId(), ok.masterEpoch(), registry.offer().slots(), registry.offer().labels());
    return registered();
  }

  // ---- registered ----

  private Receive<Command> registered() {
    return withJobs(newReceiveBuilder()
        .onMessage(MasterLost.class, l -> l.master().equals(jobs.master()), l -> {
          jobs.reportTo(null);
          if (embedded && org.apache.pekko.actor.CoordinatedShutdown.get(getContext().getSystem())
              .getShutdownReason().isPresent()) {
            // the master's own, stopping with it
            return leaving.exit(ExitCodes.OK, "its node is stopping");
          }
          if (handsOver) {
            table.handOver(); // before the runners stop: they leave their processes running
          }
          return leaving.exit(REJOIN, "lost the master; joining the cluster again to re-register");
        })
        .onMessage(FromMaster.RegOk.class, m -> onRegisteredAgain(m.ok()))
        .onMessage(FromMasterWatch.class, m -> {
          if (m.told() instanceof MasterWatch.Rejects r) {
            return leaving.exit(new Exit(ExitCodes.REFUSED, r.reason(), true));
          }
          // dropped while it lives (a false report of its end, a bug): what it runs is not lost
          getContext().getLog().warn("the master does not list this worker among its workers;"
              + " registering again with the {} job(s) it holds", jobs.claims().size());
          attemptRegistration();
          return Behaviors.same();
        }))
        .build();
  }

  /**
   * The answer to a Register sent again (a retry, or {@link RegisterAgain}): the master knows
   * what this worker runs now; the finishes it has not acknowledged go again.
   */
  private Behavior<Command> onRegisteredAgain(RegOk ok) {
    jobs.follow(ok.master());
    return Behaviors.same();
  }

  /** The master asks for what this worker holds: it registers again, staying in the cluster. */
  private Behavior<Command> onRegisterAgain(RegisterAgain again) {
    getContext().getLog().info("registering again: {}", again.reason());
    attemptRegistration();
    return Behaviors.same();
  }

  // ---- draining and leaving: WorkerLeaving's ----

  /** Dismissed by the master: registering is over; the worker drains and leaves. */
  private Behavior<Command> onDismiss(Dismiss dismiss) {
    stopRegistering();
    return leaving.dismissed(dismiss.reason());
  }

  /** SIGTERM or SIGINT: registering is over; the worker drains within the term grace and leaves. */
  private Behavior<Command> onTerm(Stop stop) {
    stopRegistering();
    return leaving.terminated(stop);
  }

  // ---- while registering and registered; after a state's own handlers ----

  private ReceiveBuilder<Command> withJobs(ReceiveBuilder<Command> builder) {
    return builder
        .onMessage(FromMaster.Job.class, m -> same(() -> jobs.onJob(m.job())))
        .onMessage(FromMaster.Jobs.class, m -> same(() -> jobs.onJobs(m.jobs())))
        .onMessage(FromMaster.CancelJob.class, m -> same(() -> jobs.onCancel(m.cancel())))
        .onMessage(FromMaster.HandBack.class, m -> same(() -> jobs.onHandBack(m.back())))
        .onMessage(FromMaster.FinishAck.class, m -> same(() -> jobs.onFinishAck(m.ack().finishes())))
        .onMessage(FromMaster.Dismiss.class, m -> onDismiss(m.dismiss()))
        .onMessage(Internal.DirUnusable.class, u -> {
          stopRegistering();
          return leaving.unusable(u.reason());
        })
        .onMessage(FromMaster.RegisterAgain.class, m -> onRegisterAgain(m.again()))
        // a late RegOk, Declined or Refused of a retry
        .onMessage(FromMaster.RegOk.class, m -> Behaviors.same())
        .onMessage(FromMaster.Declined.class, m -> Behaviors.same())
        .onMessage(FromMaster.Refused.class, m -> Behaviors.same())
        .onMessage(FromRunner.class, e -> same(() -> jobs.onRunner(e.event())))
        .onMessage(RunnerStopped.class, s -> same(() -> jobs.onRunnerStopped(s.jobId(), s.attempt())))
        .onMessage(Deliver.class, d -> same(jobs::deliver))
        .onMessage(HoldOver.class, h -> same(() -> jobs.holdOver(h.jobId(), h.attempt())))
        .onMessage(RegistryListing.class, this::onListing)
        .onMessage(MasterLost.class, l -> Behaviors.same()) // a master we no longer follow
        .onMessage(MemberRemoved.class, r -> Behaviors.same()) // MasterLost's, once registered
        .onMessage(Stop.class, this::onTerm)
        .onMessage(Retry.class, r -> Behaviors.same())
        .onMessage(GiveUp.class, g -> Behaviors.same())
        .onMessage(Unjoined.class, u -> Behaviors.same())
        .onMessage(UnjoinedWhy.class, w -> Behaviors.same()) // joined meanwhile
        .onMessage(KeyChecked.class, k -> same(joinChecks::keyChecked)) // registered meanwhile
        .onMessage(KeyCheckSpacing.class, k -> Behaviors.same())
        .onMessage(LeaseLapsed.class, this::onLeaseLapsed)
        // stopped by its own REJOIN, or with its actor system when the node was removed from the
        // cluster: when handing over, the jobs waiting here are the next incarnation's
        .onSignal(PostStop.class, s -> handsOver ? same(jobs::handOverWaiting) : Behaviors.same());
  }

  /**
   * The lease holds this worker's jobs stopped: it registers again, claiming them, and they go on
   * at the master's answer, after its cancels of those it gave to another worker meanwhile.
   */
  private Behavior<Command> onLeaseLapsed(LeaseLapsed lapsed) {
    getContext().getLog().info("registering again to learn which of its {} job(s) are still"
        + " this worker's", jobs.runningCount());
    attemptRegistration();
    return Behaviors.same();
  }

  private Behavior<Command> onListing(RegistryListing l) {
    if (registry.listed(l.listing()) && jobs.master() == null) {
      attemptRegistration();
    }
    return Behaviors.same();
  }

  /** Handles a message that leaves the worker in the state it is in. */
  private Behavior<Command> same(Runnable handler) {
    handler.run();
    return Behaviors.same();
  }
}
