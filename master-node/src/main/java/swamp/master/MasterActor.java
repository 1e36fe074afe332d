package swamp.master;

import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Scheduler;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import swamp.master.api.MasterAsk;
import swamp.master.dispatch.Inbox;
import swamp.master.dispatch.JobDispatcher;
import swamp.master.dispatch.JournalGuard;
import swamp.master.membership.NodeWatcher;
import swamp.master.membership.WorkerRegistry;
import swamp.master.pool.PoolScaler;
import swamp.master.pool.PoolSettings;

/**
 * The guardian of the master side, run as a cluster singleton on role {@code master}: it owns the
 * {@link JobDispatcher} and the {@link WorkerRegistry} and routes client commands to them.
 */
public final class MasterActor {
  private MasterActor() {}

  public sealed interface Command extends NoSerializationVerificationNeeded {}

  /** A command for the queue and the jobs. */
  public record Dispatch(JobDispatcher.Command command) implements Command {}

  /** A command for the pool's membership. */
  public record Membership(WorkerRegistry.Command command) implements Command {}

  /** A command for the pool scaler; answered as "no directory" when there is none. */
  public record Scaling(PoolScaler.Command command) implements Command {}

  /** Asks the actors of {@code master}, the singleton (or its proxy), on behalf of the API. */
  public static MasterAsk asker(ActorRef<Command> master, Scheduler scheduler) {
    return new MasterAsk() {
      @Override
      public void tellDispatcher(JobDispatcher.Command command) {
        master.tell(new Dispatch(command));
      }

      @Override
      public <T> CompletionStage<T> dispatcher(
          Function<ActorRef<T>, JobDispatcher.Command> question, Duration timeout) {
        return AskPattern.ask(master, r -> new Dispatch(question.apply(r)), timeout, scheduler);
      }

      @Override
      public <T> CompletionStage<T> registry(
          Function<ActorRef<T>, WorkerRegistry.Command> question, Duration timeout) {
        return AskPattern.ask(master, r -> new Membership(question.apply(r)), timeout, scheduler);
      }

      @Override
      public <T> CompletionStage<T> scaler(Function<ActorRef<T>, PoolScaler.Command> question,
          Duration timeout) {
        return AskPattern.ask(master, r -> new Scaling(question.apply(r)), timeout, scheduler);
      }
    };
  }

  public static Behavior<Command> create(MasterSettings settings) {
    return create(settings, PoolSettings.none());
  }

  /** A master that also spawns workers from {@code pool}'s directory, unless it is empty. */
  public static Behavior<Command> create(MasterSettings settings, PoolSettings pool) {
    return create(settings, pool, JournalGuard.none());
  }

  /** The same, with {@code guard} syncing and checking the master's H2 file journal. */
  public static Behavior<Command> create(MasterSettings settings, PoolSettings pool, JournalGuard guard) {
    return Behaviors.setup(ctx -> {
      long epoch = System.currentTimeMillis();
      ActorRef<WorkerRegistry.Command> registry = ctx.spawn(
          WorkerRegistry.create(settings.secret(), settings.insecure(), epoch), "registry");
      // workers report here; it outlives a dispatcher that fails, so workers keep their master
      ActorRef<Inbox.Command> inbox = ctx.spawn(Inbox.create(), "inbox");
      // a dispatcher that fails (a journal that refuses a record) starts again from the journal
      ActorRef<JobDispatcher.Command> dispatcher = ctx.spawn(JobDispatcher.create(
          JobDispatcher.PERSISTENCE_ID, epoch, settings.localExec(), settings.retainFinished(),
          new JobDispatcher.Settings(settings.snapshotEvery(), settings.recoveryGrace(),
              settings.retainFor(), guard, settings.retainedOutputBudget())
              .withPrefetch(settings.prefetch()),
          pool.sources().isEmpty() ? null : pool.serving(),
          inbox, registry), "dispatcher");
      if (ctx.getSystem().settings().config().getString("pekko.actor.provider").equals("cluster")) {
        ctx.spawn(NodeWatcher.create(registry, settings.probeInterval()), "node-watcher");
      }
      // a scaler that fails starts again and takes its registered workers back
      ActorRef<PoolScaler.Command> scaler = pool.sources().isEmpty() ? null : ctx.spawn(
          Behaviors.supervise(PoolScaler.create(pool, settings.secret(), dispatcher, registry))
              .onFailure(SupervisorStrategy.restart()), "pool-scaler");
      ctx.getLog().info("master epoch {} is up; local-exec {}", epoch, settings.localExec());
      return Behaviors.receive(Command.class)
          .onMessage(Dispatch.class, d -> { dispatcher.tell(d.command()); return Behaviors.same(); })
          .onMessage(Membership.class, m -> { registry.tell(m.command()); return Behaviors.same(); })
          .onMessage(Scaling.class, s -> {
            if (scaler != null) {
              scaler.tell(s.command());
            } else {
              PoolScaler.answerWithoutDirectory(s.command());
            }
            return Behaviors.same();
          })
          .build();
    });
  }
}
