package swamp.master.api;

import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import swamp.master.dispatch.JobDispatcher;
import swamp.master.membership.WorkerRegistry;
import swamp.master.pool.PoolScaler;

/**
 * The master's actors as the API asks them: the dispatcher (jobs, runs, queries), the registry
 * (membership, dismissals) and the scaler (the worker directory), wherever the cluster singleton
 * that owns them runs. An answer that does not come within {@code timeout} fails the stage.
 */
public interface MasterAsk {
  /** Tells the dispatcher, expecting no answer (a watcher of its changes). */
  void tellDispatcher(JobDispatcher.Command command);

  <T> CompletionStage<T> dispatcher(Function<ActorRef<T>, JobDispatcher.Command> question,
      Duration timeout);

  <T> CompletionStage<T> registry(Function<ActorRef<T>, WorkerRegistry.Command> question,
      Duration timeout);

  <T> CompletionStage<T> scaler(Function<ActorRef<T>, PoolScaler.Command> question,
      Duration timeout);
}
