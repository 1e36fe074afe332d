package swamp.worker;

import com.typesafe.config.Config;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Down;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import swamp.node.HumanDuration;

/**
 * One actor system's life in a worker's JVM ({@link #runOnce}): it starts, joins the cluster,
 * its {@link WorkerActor} registers and works, and it ends, however it ends: the worker decided
 * (dismissed, refused, given up, its master gone), a signal, or the cluster removed the node. It
 * returns how, once the system has stopped far enough for the JVM to exit or for
 * {@link WorkerMain} to start another; it never hangs there for good.
 */
final class WorkerLife {

  private static final Logger log = LoggerFactory.getLogger(WorkerLife.class);

  private WorkerLife() {}

  /** How long a worker that has decided to exit waits for its actor system to stop. */
  static final java.time.Duration STOP_GRACE = java.time.Duration.ofSeconds(20);

  /**
   * Ends the process with the exit's code if the actor system has not stopped within
   * {@code grace}: a shutdown that hangs (seen under heavy load, in Pekko's last phase) must not
   * keep a dismissed or refused worker, and so its grid job, alive.
   */
  private static void haltIfStuck(WorkerActor.Exit exit, java.time.Duration grace,
      Path ownWorkDir) {
    Thread watchdog = new Thread(() -> {
      try {
        Thread.sleep(grace.toMillis());
      } catch (InterruptedException e) {
        return;
      }
      System.err.println("swamp worker: the actor system did not stop within " + HumanDuration.of(grace)
          + " of '" + exit.reason() + "'; exiting " + exit.code() + " anyway");
      if (ownWorkDir != null) { // what call() does on a normal end, which halt() skips
        WorkDirs.remove(ownWorkDir);
      }
      Runtime.getRuntime().halt(exit.code());
    }, "swamp-exit-watchdog");
    watchdog.setDaemon(true);
    watchdog.start();
  }

  /**
   * Waits for the actor system to stop; once the worker has decided to go (to exit or to join
   * again), at most {@link #STOP_GRACE} more: a shutdown hung in its last phase must not keep a
   * worker that lost its master from joining again. A worker that exits, or joins again from a
   * port of its own choosing (whether it ended its system or the cluster removed its node), waits
   * no longer than its coordinated shutdown: once every phase before the system's termination has
   * run (the cluster has let the node go, the remote transport has been flushed) nothing is left
   * that needs the system, and Artery's TLS streams sometimes keep it from terminating for the
   * whole phase timeout and beyond (in RestartIT's logs after a master's kill -9, both workers
   * waited the whole 20 s before they joined the restarted master). Only a rejoin on a fixed
   * {@code --port} waits for the old system to let its socket go.
   */
  private static void awaitStopped(ActorSystem<?> system, CompletableFuture<WorkerActor.Exit> exit,
      CompletableFuture<Done> exitShutdownRan) {
    CompletableFuture<?> terminated = system.getWhenTerminated().toCompletableFuture();
    long decidedAt = 0;
    while (true) {
      try {
        CompletableFuture.anyOf(terminated, exitShutdownRan).get(1, TimeUnit.SECONDS);
        if (!terminated.isDone()) {
          log.info("the actor system's shutdown has run all its phases; going on without waiting"
              + " for its remote transport");
        }
        return;
      } catch (TimeoutException e) {
        // decided: the worker said how it ends, or the system shuts down without it (a node the
        // cluster removed; RestartIT saw such a system hang in its last phase for good)
        Optional<CoordinatedShutdown.Reason> downed = CoordinatedShutdown.get(system).getShutdownReason();
        if (exit.isDone() || downed.isPresent()) {
          decidedAt = decidedAt == 0 ? System.nanoTime() : decidedAt;
          if (System.nanoTime() - decidedAt > STOP_GRACE.toNanos()) {
            log.warn("the actor system did not stop within {} of '{}'; going on without it",
                HumanDuration.of(STOP_GRACE), exit.isDone() ? exit.getNow(null).reason()
                    : "its shutdown (" + downed.get().getClass().getSimpleName() + ")");
            return;
          }
        }
      } catch (ExecutionException e) {
        return;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /** What the guardian of a worker's actor system hears: how its worker ended, or a signal. */
  private sealed interface Guardian {}

  private record Ended(WorkerActor.Exit exit) implements Guardian {}

  private record Signalled(WorkerActor.Stop stop) implements Guardian {}

  /** One actor system's life: join, register, work; returns how it ended. */
  static WorkerActor.Exit runOnce(Config config, WorkerSettings settings,
      Executables executables, JobTable table, StopSignals signals, KeyCheck keyCheck) {
    CompletableFuture<WorkerActor.Exit> exit = new CompletableFuture<>();
    CompletableFuture<Done> exitShutdownRan = new CompletableFuture<>();
    boolean ephemeralPort = config.getInt("pekko.remote.artery.canonical.port") == 0;
    Behavior<Guardian> guardian = Behaviors.setup(ctx -> {
      handOverWhenRemoved(ctx.getSystem(), table);
      ActorRef<WorkerActor.Command> worker = ctx.spawn(WorkerActor.create(settings, executables,
          ctx.messageAdapter(WorkerActor.Exit.class, Ended::new), table, keyCheck), "worker");
      return Behaviors.receive(Guardian.class)
          .onMessage(Ended.class, ended -> {
            WorkerActor.Exit e = ended.exit();
            exit.complete(e);
            if (e.code() != WorkerActor.REJOIN) {
              haltIfStuck(e, STOP_GRACE, config.getString("swamp.worker.work-dir").isBlank()
                  ? settings.workDir() : null);
            }
            CompletableFuture<Done> ran = CoordinatedShutdown.get(ctx.getSystem())
                .runAll(new WorkerExitReason()).toCompletableFuture();
            if (e.masterGone()) {
              downIfMember(ctx.getSystem());
            }
            // a rejoin on a fixed --port needs the old system's socket closed: it waits for the end
            if (e.code() != WorkerActor.REJOIN) {
              ran.thenAccept(exitShutdownRan::complete);
            }
            return Behaviors.same();
          })
          .onMessage(Signalled.class, s -> {
            worker.tell(s.stop());
            return Behaviors.same();
          })
          .build();
    });
    ActorSystem<Guardian> system = ActorSystem.create(guardian, WorkerMain.SYSTEM_NAME, config);
    if (ephemeralPort) {
      // however the system shuts down (the worker ended it, or the cluster removed the node),
      // once the phases before its termination have run a new one may start on another port
      CoordinatedShutdown.get(system).addTask(CoordinatedShutdown.PhaseBeforeActorSystemTerminate(),
          "swamp-phases-ran", () -> {
            exitShutdownRan.complete(Done.getInstance());
            return CompletableFuture.completedFuture(Done.getInstance());
          });
    }
    // SIGTERM stops the worker: it says goodbye so that the master runs its jobs elsewhere at
    // once, and the process exits 0 instead of joining again
    signals.attach(stop -> system.tell(new Signalled(stop)));
    awaitStopped(system, exit, exitShutdownRan);
    // a system that ended without the worker saying why was downed: the master side lost us
    return exit.getNow(new WorkerActor.Exit(WorkerActor.REJOIN, "this node was removed from the cluster"));
  }

  private static final class WorkerExitReason implements CoordinatedShutdown.Reason {}

  /**
   * A worker whose master is gone (it came back with another pool key, or with --insecure)
   * cannot take its leave of the cluster: no master acknowledges it, and the shutdown would wait
   * out the 10 s of its cluster-exiting phase. It downs itself, which ends its membership within
   * a gossip tick; once the shutdown has begun with the worker's reason, so that its jobs are not
   * handed over as a removed node's are.
   */
  private static void downIfMember(ActorSystem<?> system) {
    Cluster cluster = Cluster.get(system);
    MemberStatus status = cluster.selfMember().status();
    // Joining too: a worker registers once it sees the registry, and may not have heard from the
    // master that it is up before the master went (seen in RegistrationIT)
    if (status == MemberStatus.up() || status == MemberStatus.weaklyUp()
        || status == MemberStatus.joining() || status == MemberStatus.leaving()) {
      log.info("downing this node: its master is gone, and no other takes its leave");
      cluster.manager().tell(new Down(cluster.selfMember().address()));
    }
  }

  /**
   * A system that shuts down without the worker having said how it ended was removed from the
   * cluster (downed): {@link WorkerMain} joins again, so the jobs are handed over, in the first
   * phase, before the runners stop. A worker that ended itself has decided already, and a JVM
   * that exits takes its jobs with it.
   */
  static void handOverWhenRemoved(ActorSystem<?> system, JobTable table) {
    CoordinatedShutdown shutdown = CoordinatedShutdown.get(system);
    shutdown.addTask(CoordinatedShutdown.PhaseBeforeServiceUnbind(), "swamp-hand-over-jobs", () -> {
      shutdown.getShutdownReason().ifPresent(reason -> {
        if (!(reason instanceof WorkerExitReason) && !reason.equals(CoordinatedShutdown.jvmExitReason())) {
          table.handOver();
        }
      });
      return CompletableFuture.completedFuture(Done.getInstance());
    });
  }
}
