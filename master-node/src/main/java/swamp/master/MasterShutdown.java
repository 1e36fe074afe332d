package swamp.master;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import swamp.master.api.ApiServer;
import swamp.master.dispatch.JobDispatcher;
import swamp.master.dispatch.Journal;
import swamp.master.membership.WorkerRegistry;
import swamp.master.pool.PoolScaler;

/**
 * How a master stops on SIGTERM or SIGINT (Pekko's coordinated shutdown): the API refuses new
 * jobs, the dispatcher closes, the pool scaler cancels the spawns whose workers have not
 * registered, every worker is dismissed and the master waits for them to leave; then the API
 * stops. A master stopped because its journal cannot be trusted dismisses nobody: the workers
 * keep their jobs for a master that can. And how long the process waits for its system to stop
 * ({@link #awaitStopped}).
 */
final class MasterShutdown {
  private MasterShutdown() {}

  private static final Logger log = LoggerFactory.getLogger(MasterShutdown.class);

  private static final class SignalReason implements CoordinatedShutdown.Reason {}

  static void install(ActorSystem<?> system, ActorRef<MasterActor.Command> master, ApiServer api,
      Duration commandTimeout, Duration dismissTimeout) {
    CoordinatedShutdown shutdown = CoordinatedShutdown.get(system);
    org.apache.pekko.cluster.typed.Cluster cluster = org.apache.pekko.cluster.typed.Cluster.get(system);
    shutdown.addTask(CoordinatedShutdown.PhaseBeforeServiceUnbind(), "dismiss-workers", () -> {
      api.refuseNewJobs("the master is shutting down; the job was not accepted");
      String keep = keepsThePool(shutdown.getShutdownReason().orElse(null),
          ApiServer.standbyOf(cluster) != null);
      if (keep != null) {
        log.info("stopping without dismissing the workers: {}", keep);
        return CompletableFuture.completedFuture(Done.getInstance());
      }
      master.tell(new MasterActor.Dispatch(new JobDispatcher.Close()));
      return cancelSpawns(system, master, commandTimeout)
          .thenCompose(d -> dismissAll(system, master, dismissTimeout));
    });
    shutdown.addTask(CoordinatedShutdown.PhaseServiceUnbind(), "stop-http", api::stop);
    if (system.settings().config().getBoolean("swamp.master.signals")) {
      for (String signal : List.of("TERM", "INT")) {
        sun.misc.Signal.handle(new sun.misc.Signal(signal), s -> shutdown.runAll(new SignalReason()));
      }
    }
  }

  /**
   * Why a master that stops leaves the workers, their jobs and the dispatcher as they are (null:
   * it dismisses them): its journal cannot be trusted (the workers keep their jobs for a master
   * that can), the cluster downed it (the split-brain resolver keeps the other side, whose master
   * the workers register with), or it is a standby, whose messages would go to the active
   * master's singleton: a standby stopped with SIGTERM sat 77 s on asks that could not be
   * sent, logging {@code NotSerializableException}s, and was meant to close the active master's
   * dispatcher and dismiss its workers.
   */
  static String keepsThePool(CoordinatedShutdown.Reason reason, boolean standby) {
    if (reason instanceof Journal.Stop) {
      return "its journal stopped it";
    } else if (reason == CoordinatedShutdown.clusterDowningReason()) {
      return "the cluster downed this node; the workers go on with the master that remains";
    } else if (standby) {
      return "this node is a standby; the active master keeps the pool";
    }
    return null;
  }

  /** Stops the pool scaler and cancels the spawns whose workers have not registered. */
  private static CompletionStage<Done> cancelSpawns(ActorSystem<?> system,
      ActorRef<MasterActor.Command> master, Duration timeout) {
    return AskPattern.<MasterActor.Command, PoolScaler.Done>ask(master,
            r -> new MasterActor.Scaling(new PoolScaler.Shutdown(r)), timeout, system.scheduler())
        .handle((done, failure) -> {
          if (failure != null) {
            log.warn("not every pending spawn was cancelled before the master stopped: {}",
                failure.toString());
          }
          return Done.getInstance();
        });
  }

  /** Dismisses every worker and waits until they have left, within {@code timeout}. */
  private static CompletionStage<Done> dismissAll(ActorSystem<?> system,
      ActorRef<MasterActor.Command> master, Duration timeout) {
    log.info("shutting down: dismissing every worker");
    return AskPattern.<MasterActor.Command, WorkerRegistry.Dismissed>ask(master,
            r -> new MasterActor.Membership(new WorkerRegistry.DismissWorkers(null, "the master is shutting down", r)),
            timeout, system.scheduler())
        .thenCompose(d -> AskPattern.<MasterActor.Command, WorkerRegistry.Done>ask(master,
            r -> new MasterActor.Membership(new WorkerRegistry.AwaitNoWorkers(r)),
            timeout, system.scheduler()))
        .handle((done, failure) -> {
          if (failure != null) {
            log.warn("not every worker left before the master stopped: {}", failure.toString());
          } else {
            log.info("every worker has left");
          }
          return Done.getInstance();
        });
  }

  /**
   * The master's exit code once its system has stopped ({@link #awaitStopped}): 0 when it
   * terminated, or when only its remote transport was left; 1, with a WARN, when actors of the
   * master's were still running.
   */
  static int exitCode(ActorSystem<?> system, CompletableFuture<?> guardianStopped) {
    switch (awaitStopped(system, guardianStopped)) {
      case TERMINATED:
        return 0;
      case ALL_BUT_REMOTING:
        log.info("every actor has stopped, but the remote transport has not closed its streams;"
            + " the master exits without waiting for it");
        return 0;
      default:
        log.warn("the actor system's shutdown ({}) has run all its phases, but the system has not"
            + " terminated; the master exits without it, letting its ports go",
            CoordinatedShutdown.get(system).getShutdownReason().map(r -> r.getClass().getSimpleName())
                .orElse("?"));
        return 1;
    }
  }

  /** How far a master's actor system got in stopping: {@link #awaitStopped}. */
  enum Stopped {
    /** It terminated. */
    TERMINATED,
    /**
     * Every actor of the master's has stopped, but the system has not terminated: its remote
     * transport has not closed its streams. Pekko 1.7.0's Artery waits for them without a
     * deadline (apache/pekko#3247, bounded in a later version), and a stream to a peer over TLS
     * sometimes never ends: seen in about 1 run in 10 of StandbyIT's standby stopped with
     * SIGTERM, whose log ends at "proceeding with flushing remote transports".
     */
    ALL_BUT_REMOTING,
    /** Not terminated, with actors of the master's still running, after every phase and a grace. */
    NOT_STOPPED
  }

  /** How long a system may take to terminate once its shutdown has run every phase. */
  static final Duration TERMINATE_GRACE = Duration.ofSeconds(10);

  /**
   * Waits until {@code system} has terminated; or, once its coordinated shutdown has begun, until
   * every phase of it has run: the last one ends the system, within its timeout
   * ({@code actor-system-terminate}, master.conf). If the system has not terminated then, and
   * the master node's guardian has stopped ({@code guardianStopped}: every actor under it has),
   * only its remote transport is left; otherwise it waits {@link #TERMINATE_GRACE} more. A node
   * whose system does not terminate must not sit on its ports: a standby stopped with SIGTERM, or
   * one the split-brain resolver downed while its active master was frozen, stayed in its last
   * phase for good, and could not be started again. A worker goes on the same way
   * ({@code WorkerLife}).
   */
  static Stopped awaitStopped(ActorSystem<?> system, CompletableFuture<?> guardianStopped) {
    CompletableFuture<?> terminated = system.getWhenTerminated().toCompletableFuture();
    CoordinatedShutdown shutdown = CoordinatedShutdown.get(system);
    while (!waitFor(terminated, Duration.ofSeconds(1)) && !Thread.currentThread().isInterrupted()) {
      Optional<CoordinatedShutdown.Reason> why = shutdown.getShutdownReason();
      if (why.isPresent()) {
        shutdown.runAll(why.get()).toCompletableFuture().join(); // the run under way, not another
        if (!waitFor(guardianStopped, TERMINATE_GRACE)) {
          return Stopped.NOT_STOPPED;
        }
        break;
      }
    }
    return terminated.isDone() ? Stopped.TERMINATED
        : guardianStopped.isDone() ? Stopped.ALL_BUT_REMOTING : Stopped.NOT_STOPPED;
  }

  private static boolean waitFor(CompletableFuture<?> future, Duration within) {
    try {
      future.get(within.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException | ExecutionException e) {
      // as done as it gets
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return future.isDone();
  }
}
