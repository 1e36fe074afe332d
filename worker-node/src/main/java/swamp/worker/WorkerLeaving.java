package swamp.worker;

import java.time.Duration;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.ReceiveBuilder;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import swamp.node.ExitCodes;
import swamp.node.HumanDuration;
import swamp.protocol.ToWorker.Dismiss;
import swamp.worker.Internal.AcksOver;
import swamp.worker.Internal.Deliver;
import swamp.worker.Internal.DrainOver;
import swamp.worker.Internal.FromRunner;
import swamp.worker.Internal.HoldOver;
import swamp.worker.Internal.LeaseLapsed;
import swamp.worker.Internal.MasterLost;
import swamp.worker.Internal.RegistryListing;
import swamp.worker.Internal.RunnerStopped;
import swamp.worker.WorkerProtocol.Command;
import swamp.worker.WorkerProtocol.Exit;
import swamp.worker.WorkerProtocol.Stop;

/**
 * How a worker ends: its {@code draining -> leaving} states and its {@link #exit}, whatever the
 * reason. {@link WorkerActor} hands over to them when the master sends {@link Dismiss} ({@link
 * #dismissed}): no new jobs, the running ones get the drain grace and are cancelled at its end;
 * and when the process gets SIGTERM or SIGINT ({@link #terminated}): the same within the term
 * grace, the jobs still running then being killed as the worker leaves, to run again elsewhere,
 * as are those the same signal ended, handed back unreported ({@link StopInterruptions}). Once
 * no job runs, the worker waits for the master to acknowledge its last finishes ({@link
 * #ACK_WAIT} at the most), unregisters, and exits 0. The worker has stopped registering (its
 * retries, key checks and give-up deadline) before it hands over.
 *
 * <p>The states are the worker actor's behaviors, built here with a {@link ReceiveBuilder} from
 * the pieces it shares with them: its context, settings and timers, its {@link WorkerJobs}, its
 * {@link RegistryLink}, and the {@code exitTo} that hears how it ended. This is no actor itself,
 * and runs on the worker's thread.
 */
final class WorkerLeaving {

  /** How long a leaving worker waits for the master to acknowledge its last finishes. */
  static final Duration ACK_WAIT = Duration.ofSeconds(10);

  private final ActorContext<Command> context;
  private final WorkerSettings settings;
  private final TimerScheduler<Command> timers;
  private final WorkerJobs jobs;
  private final RegistryLink registry;
  private final ActorRef<Exit> exitTo;

  WorkerLeaving(ActorContext<Command> context, WorkerSettings settings,
      TimerScheduler<Command> timers, WorkerJobs jobs, RegistryLink registry,
      ActorRef<Exit> exitTo) {
    this.context = context;
    this.settings = settings;
    this.timers = timers;
    this.jobs = jobs;
    this.registry = registry;
    this.exitTo = exitTo;
  }

  // ---- draining ----

  /** Dismissed by the master: running jobs get the drain grace, then are cancelled. */
  Behavior<Command> dismissed(String reason) {
    return drain("dismissed: " + reason, settings.drainGrace(), false);
  }

  /**
   * The worker's own directory cannot take a job's files: no new job (each would fail here at
   * once, and draw the master's queue to this worker); the running ones get the drain grace.
   */
  Behavior<Command> unusable(String reason) {
    context.getLog().warn("this worker takes no more jobs: {}", reason);
    return drain("its directory cannot take jobs: " + reason, settings.drainGrace(), false);
  }

  /**
   * SIGTERM: drain within the term grace, then leave. The jobs the same signal ended are handed
   * back: not reported, they run again elsewhere when this worker leaves, as a lost worker's do.
   */
  Behavior<Command> terminated(Stop stop) {
    jobs.stoppedBy(stop.signal());
    return drain(stop.reason(), settings.termGrace(), true);
  }

  /**
   * No new job; the running ones get {@code grace} to finish, and then the worker unregisters
   * and exits 0 ({@code leaving} says why). At the end of the grace the jobs still running are
   * cancelled, or, when {@code requeue}, killed as the worker leaves, so that the master runs
   * them again elsewhere. A job sent meanwhile is rejected as "draining": the master sends no more.
   */
  private Behavior<Command> drain(String leaving, Duration grace, boolean requeue) {
    context.getLog().info("{}; draining {} running job(s) for up to {}{}", leaving,
        jobs.runningCount(), HumanDuration.of(grace), jobs.waitingCount() == 0 ? ""
            : "; handing " + jobs.waitingCount() + " waiting job(s) back");
    jobs.rejectWaiting("worker is draining");
    if (jobs.runningCount() == 0) {
      return leave(leaving);
    }
    timers.startSingleTimer(DrainOver.INSTANCE, grace);
    return ReceiveBuilder.<Command>create()
        .onMessage(FromMaster.Job.class, m -> same(() -> jobs.reject(m.job(), "worker is draining")))
        .onMessage(FromMaster.Jobs.class, m -> same(() -> jobs.turnAway(m.jobs(), "worker is draining")))
        .onMessage(FromMaster.CancelJob.class, m -> same(() -> jobs.onCancel(m.cancel())))
        .onMessage(FromMaster.FinishAck.class, m -> same(() -> jobs.onFinishAck(m.ack().finishes())))
        .onMessage(FromMaster.RegisterAgain.class, m -> same(() -> {
          context.getLog().info("registering again: {}", m.again().reason());
          registry.register(jobs.claims());
        }))
        .onMessage(FromMaster.HandBack.class, m -> Behaviors.same()) // none waits
        .onMessage(Deliver.class, d -> same(jobs::deliver))
        .onMessage(HoldOver.class, h -> same(() -> jobs.holdOver(h.jobId(), h.attempt())))
        .onMessage(FromRunner.class, e -> {
          jobs.onRunner(e.event());
          return jobs.runningCount() == 0 ? leave(leaving) : Behaviors.same();
        })
        .onMessage(RunnerStopped.class, s -> {
          jobs.onRunnerStopped(s.jobId(), s.attempt());
          return jobs.runningCount() == 0 ? leave(leaving) : Behaviors.same();
        })
        .onMessage(DrainOver.class, d -> {
          if (requeue) {
            return unregister(leaving + "; " + jobs.runningCount()
                + " job(s) still running after " + HumanDuration.of(grace)
                + " were killed, to run again elsewhere");
          }
          jobs.cancelRunning("worker dismissed; killed after the drain grace");
          return Behaviors.same();
        })
        .onMessage(MasterLost.class, l -> l.master().equals(jobs.master()), l -> same(() -> {
          jobs.reportTo(null);
          registry.register(jobs.claims()); // with a registry listed already (a standby's)
        }))
        .onMessage(MasterLost.class, l -> Behaviors.same()) // a master it no longer follows
        .onMessage(RegistryListing.class, l -> same(() -> {
          if (registry.listed(l.listing()) && jobs.master() == null) {
            registry.register(jobs.claims());
          }
        }))
        // the master it registered with again (its old one lost, a standby taken over): the
        // finishes of the jobs it drains go there, and its goodbye waits for their record
        .onMessage(FromMaster.RegOk.class, m -> same(() -> jobs.follow(m.ok().master())))
        .onMessage(Stop.class, s -> unregister(s.reason())) // a second SIGTERM: now
        .onMessage(LeaseLapsed.class, this::goOn)
        .build();
  }

  // ---- leaving ----

  /**
   * Unregister and exit 0, once the master has recorded this worker's finishes: its goodbye goes
   * to the registry and its finishes to the inbox, two actors, and a goodbye that overtook a
   * finish would have the job run again elsewhere. Waits {@link #ACK_WAIT} at the most.
   */
  private Behavior<Command> leave(String reason) {
    if (jobs.master() == null || jobs.allDelivered()) {
      return unregister(reason);
    }
    timers.startSingleTimer(AcksOver.INSTANCE, ACK_WAIT);
    return ReceiveBuilder.<Command>create()
        .onMessage(FromMaster.FinishAck.class, m -> {
          jobs.onFinishAck(m.ack().finishes());
          return jobs.allDelivered() ? unregister(reason) : Behaviors.same();
        })
        .onMessage(FromMaster.Jobs.class, m -> {
          jobs.turnAway(m.jobs(), "worker is leaving");
          return jobs.allDelivered() ? unregister(reason) : Behaviors.same();
        })
        .onMessage(Deliver.class, d -> same(jobs::deliver))
        .onMessage(HoldOver.class, h -> same(() -> jobs.holdOver(h.jobId(), h.attempt())))
        .onMessage(AcksOver.class, a -> unregister(reason))
        .onMessage(MasterLost.class, l -> unregister(reason))
        .onMessage(Stop.class, s -> unregister(s.reason()))
        .onMessage(LeaseLapsed.class, this::goOn)
        .build();
  }

  /** Leave now: unregister so the master runs this worker's jobs elsewhere at once, and exit 0. */
  private Behavior<Command> unregister(String reason) {
    String interrupted = jobs.interrupted();
    if (!interrupted.isEmpty()) {
      reason += "; " + interrupted + ", ended by the same signal, to run again elsewhere";
    }
    registry.unregister(reason);
    // the runners are children: stopping kills their processes
    return exit(ExitCodes.OK, reason);
  }

  /** A draining or leaving worker asks nothing more of the master: its jobs go on at once. */
  private Behavior<Command> goOn(LeaseLapsed lapsed) {
    jobs.resume();
    return Behaviors.same();
  }

  // ---- stopped ----

  /** The worker ends with {@code code}, for {@code reason}; see {@link #exit(Exit)}. */
  Behavior<Command> exit(int code, String reason) {
    return exit(new Exit(code, reason));
  }

  /**
   * The worker ends, whatever the reason: it says why (an ERROR for a refusal, which someone must
   * mend), tells {@code exitTo} how, and stops; its runners, its children, stop with it.
   */
  Behavior<Command> exit(Exit how) {
    int code = how.code();
    String reason = how.reason();
    if (code == ExitCodes.OK) {
      context.getLog().info("worker {} stops: {}", settings.workerId(), reason);
    } else if (code == ExitCodes.REFUSED) { // for good: someone must change something
      context.getLog().error("worker {} stops: {}", settings.workerId(), reason);
    } else {
      context.getLog().warn("worker {} stops: {}", settings.workerId(), reason);
    }
    exitTo.tell(how);
    return Behaviors.stopped();
  }

  /** Handles a message that leaves the worker in the state it is in. */
  private static Behavior<Command> same(Runnable handler) {
    handler.run();
    return Behaviors.same();
  }
}
