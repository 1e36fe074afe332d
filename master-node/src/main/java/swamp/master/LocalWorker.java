package swamp.master;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValueFactory;
import java.io.IOException;
import java.nio.file.Path;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import swamp.master.dispatch.LocalExec;
import swamp.node.ExitCodes;
import swamp.worker.Executables;
import swamp.worker.WorkDirs;
import swamp.worker.WorkerActor;
import swamp.worker.WorkerMain;
import swamp.worker.WorkerSettings;

/**
 * The master's embedded worker, which runs jobs on the master's own machine (local-exec): a
 * {@link WorkerActor} like any other, registered with this node's registry, in a private work
 * directory {@code swamp-master-PID}. When it ends otherwise than by a dismissal (it lost its
 * registry: the master singleton moved or restarted) a new one takes its place.
 */
final class LocalWorker {
  private LocalWorker() {}

  /** Its settings, its directory made; null when local-exec is never. */
  static WorkerSettings settings(Config config, MasterSettings settings) throws IOException {
    if (settings.localExec() == LocalExec.NEVER) {
      return null;
    }
    WorkerSettings ws = WorkerSettings.fromConfig(config.withValue("swamp.worker.work-dir",
            ConfigValueFactory.fromAnyRef(Path.of(System.getProperty("java.io.tmpdir"),
                "swamp-master-" + ProcessHandle.current().pid()).toString())))
        .withWorkerId(swamp.master.membership.WorkerRegistry.EMBEDDED_ID)
        .withSlots(settings.localSlots());
    WorkDirs.makePrivate(ws.workDir());
    // also when the process exits without the master's stop (bin/swamp run's master in its own
    // process ends with the run), which left an empty swamp-master-PID behind each time
    Path dir = ws.workDir();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> WorkDirs.remove(dir), "swamp-local-work-dir"));
    return ws;
  }

  /** Keeps one embedded worker running with {@code ws}. */
  static Behavior<WorkerActor.Exit> keeper(WorkerSettings ws) {
    return Behaviors.setup(ctx -> {
      Executables executables = Executables.of(ws.allowedExecutables(), ws.allowedJobVariables());
      WorkerMain.warnIfAnythingRuns(executables);
      return generation(ctx, ws, executables, 1);
    });
  }

  private static Behavior<WorkerActor.Exit> generation(ActorContext<WorkerActor.Exit> ctx,
      WorkerSettings ws, Executables executables, int n) {
    ActorRef<WorkerActor.Exit> exits = ctx.getSelf();
    ctx.spawn(WorkerActor.create(ws, executables, true, exits), "local-worker-" + n);
    return Behaviors.receive(WorkerActor.Exit.class)
        .onMessage(WorkerActor.Exit.class, e -> e.code() == ExitCodes.OK
            ? Behaviors.same() : generation(ctx, ws, executables, n + 1))
        .build();
  }
}
