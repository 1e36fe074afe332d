package swamp.master;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.ClusterSingleton;
import org.apache.pekko.cluster.typed.ClusterSingletonSettings;
import org.apache.pekko.cluster.typed.SingletonActor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import swamp.master.api.ApiServer;
import swamp.master.dispatch.Journal;
import swamp.master.dispatch.JournalGuard;
import swamp.master.membership.NodeWatcher;
import swamp.master.pool.PoolSettings;
import swamp.node.ExitCodes;
import swamp.node.HumanDuration;
import swamp.node.NodeAddress;
import swamp.worker.WorkerSettings;

/**
 * A master node's run, once {@link MasterMain} has checked its settings and opened its journal:
 * the node's {@link #guardian} (it watches the other master nodes and keeps the embedded worker,
 * {@link LocalWorker}), then, on the actor system made with it, the {@link MasterActor}
 * singleton, the HTTP API and the shutdown ({@link MasterShutdown}), until the system stops and
 * its exit code is known. One instance serves one actor system.
 */
final class MasterNode {

  // its line keeps the logger it had before the node's run left MasterMain ('MasterMain - master
  // on ...'), named by string: the command line uses this class, not the other way round
  private static final Logger log = LoggerFactory.getLogger("swamp.master.MasterMain");

  /** Completed once the guardian and every actor under it have stopped. */
  private final CompletableFuture<Void> guardianStopped = new CompletableFuture<>();

  /**
   * The node's guardian: it watches the other master nodes and keeps the embedded worker
   * ({@code ws}, none when null), and tells {@link #serve} once it and every actor under it
   * have stopped.
   */
  Behavior<Void> guardian(MasterSettings settings, WorkerSettings ws) {
    return Behaviors.setup(ctx -> {
      ctx.spawn(NodeWatcher.peers(settings.probeInterval()), "peers");
      if (ws != null) {
        ctx.spawn(LocalWorker.keeper(ws), "local-worker");
      }
      return Behaviors.receive(Void.class)
          .onSignal(PostStop.class, s -> {
            guardianStopped.complete(null);
            return Behaviors.same();
          })
          .build();
    });
  }

  /** How long a standby may take to join its active master before it says why it waits. */
  static final Duration STANDBY_JOIN_WARNING = Duration.ofSeconds(30);

  /**
   * A standby (its own address last among its seed nodes: it only ever joins) that has not
   * joined its active master {@code after} its start says so, once. Started while no active
   * master ran (after a host's reboot, or in the wrong order), it waited for good with nothing
   * but Pekko's "Couldn't join seed nodes" every 5 s, and the pool had no master.
   */
  static void warnIfStandbyAlone(ActorSystem<?> system, Duration after) {
    java.util.List<String> seeds = system.settings().config().getStringList("pekko.cluster.seed-nodes");
    if (seeds.size() < 2 || !seeds.get(seeds.size() - 1).equals(system.address().toString())) {
      return;
    }
    Cluster cluster = Cluster.get(system);
    system.scheduler().scheduleOnce(after, () -> {
      if (cluster.selfMember().status() != org.apache.pekko.cluster.MemberStatus.up()) {
        log.warn("this standby has not joined its active master at {} within {}: a standby never"
            + " starts a pool by itself, and answers clients 503 until it joins. Start the active"
            + " master (bin/swamp master with the same --journal and --peer, without --standby),"
            + " or, if it is gone for good, start this node without --standby",
            String.join(", ", seeds.subList(0, seeds.size() - 1)), HumanDuration.of(after));
      }
    }, system.executionContext());
  }

  /**
   * Runs the master on {@code system}, made with this node's {@link #guardian}, until it
   * terminates; returns the exit code.
   */
  int serve(ActorSystem<Void> system, MasterSettings settings, PoolSettings pool,
      String apiToken, JournalGuard guard) {
    ActorRef<MasterActor.Command> master = ClusterSingleton.get(system).init(
        SingletonActor.of(MasterActor.create(settings, pool, guard), "master")
            .withSettings(ClusterSingletonSettings.create(system).withRole(NodeAddress.MASTER_ROLE)
                // a master node is downed by a peer only once its port refuses connections (its
                // process is gone) or by the split-brain resolver, which keeps the oldest (the
                // active master) and downs the others: no old singleton can still be running
                .withRemovalMargin(Duration.ofSeconds(1))));
    ApiServer api = new ApiServer(system, MasterActor.asker(master, system.scheduler()),
        settings.askTimeout(), apiToken);
    Cluster cluster = Cluster.get(system);
    api.redirectWhenStandby(() -> ApiServer.standbyOf(cluster));
    Supplier<String> room = Journal.spaceCheck(system.settings().config());
    room.get(); // a master started on a disk short of its reserve says so in its log at once
    api.refuseNewJobsWhen(room);
    api.allowJobVariables(system.settings().config().getStringList("swamp.worker.allowed-job-variables"));
    try {
      api.start(settings.httpHost(), settings.httpPort(),
          system.settings().config().getBoolean("swamp.master.https"));
    } catch (IOException e) {
      System.err.println("swamp master: cannot serve HTTP on " + settings.httpHost() + ":"
          + settings.httpPort() + ": " + e.getMessage());
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().join();
      return ExitCodes.BAD_CONFIG;
    }
    MasterShutdown.install(system, master, api, pool.commandTimeout(), settings.dismissTimeout());
    warnIfStandbyAlone(system, STANDBY_JOIN_WARNING);
    log.info("master on {} ({}), remoting {}, API {}://{}:{}/api {}, journal {}",
        system.address(), settings,
        system.settings().config().getString("pekko.remote.artery.transport"),
        api.https() ? "https" : "http", settings.httpHost(), api.port(), apiToken.isEmpty() ? "open (no token)" : "with its token",
        Journal.describe(system.settings().config().getString("swamp.master.journal.url")));
    return MasterShutdown.exitCode(system, guardianStopped);
  }
}
