package swamp.master;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
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
 * keep their jobs for a master that can.
 */
final class MasterShutdown {
  private MasterShutdown() {}

  private static final Logger log = LoggerFactory.getLogger(MasterShutdown.class);

  private static final class SignalReason implements CoordinatedShutdown.Reason {}

  static void install(ActorSystem<?> system, ActorRef<MasterActor.Command> master, ApiServer api,
      Duration commandTimeout, Duration dismissTimeout) {
    CoordinatedShutdown shutdown = CoordinatedShutdown.get(system);
    shutdown.addTask(CoordinatedShutdown.PhaseBeforeServiceUnbind(), "dismiss-workers", () -> {
      api.refuseNewJobs("the master is shutting down; the job was not accepted");
      if (shutdown.getShutdownReason().orElse(null) instanceof Journal.Stop) {
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
}
