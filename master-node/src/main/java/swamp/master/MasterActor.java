package swamp.master;

import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

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

  public static Behavior<Command> create(MasterSettings settings) {
    return Behaviors.setup(ctx -> {
      long epoch = System.currentTimeMillis();
      ActorRef<JobDispatcher.Command> dispatcher = ctx.spawn(
          JobDispatcher.create(epoch, settings.localExec(), settings.retainFinished()), "dispatcher");
      ActorRef<WorkerRegistry.Command> registry = ctx.spawn(
          WorkerRegistry.create(settings.secret(), settings.insecure(), dispatcher), "registry");
      if (ctx.getSystem().settings().config().getString("pekko.actor.provider").equals("cluster")) {
        ctx.spawn(NodeWatcher.create(dispatcher), "node-watcher");
      }
      ctx.getLog().info("master epoch {} is up; local-exec {}", epoch, settings.localExec());
      return Behaviors.receive(Command.class)
          .onMessage(Dispatch.class, d -> { dispatcher.tell(d.command()); return Behaviors.same(); })
          .onMessage(Membership.class, m -> { registry.tell(m.command()); return Behaviors.same(); })
          .build();
    });
  }
}
