package swamp.master;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Down;
import org.apache.pekko.cluster.typed.Subscribe;
import swamp.worker.JobRunner;

/**
 * Watches the workers' nodes for the dispatcher. An unreachable worker gets no new job at once;
 * its jobs run again elsewhere only once its node is downed, never while it may still be running
 * them. A node whose port refuses connections has lost its process (kill -9, crash): it is downed
 * right away instead of after the split-brain resolver's stable-after, which stays in charge of
 * real partitions (a port that does not answer at all).
 */
final class NodeWatcher {
  private NodeWatcher() {}

  interface Command extends NoSerializationVerificationNeeded {}

  private record Reachability(ClusterEvent.ReachabilityEvent event) implements Command {}

  private record Probed(Address address, boolean refused) implements Command {}

  static Behavior<Command> create(ActorRef<JobDispatcher.Command> dispatcher) {
    return Behaviors.setup(ctx -> {
      Cluster.get(ctx.getSystem()).subscriptions().tell(Subscribe.create(
          ctx.messageAdapter(ClusterEvent.ReachabilityEvent.class, Reachability::new),
          ClusterEvent.ReachabilityEvent.class));
      Set<Address> unreachable = new HashSet<>();
      return Behaviors.receive(Command.class)
          .onMessage(Reachability.class, r -> {
            var member = r.event().member();
            if (member.hasRole("master")) {
              return Behaviors.same();
            }
            Address address = member.address();
            if (r.event() instanceof ClusterEvent.UnreachableMember) {
              unreachable.add(address);
              ctx.getLog().warn("worker node {} is unreachable: no new jobs for it", address);
              dispatcher.tell(new JobDispatcher.Suspend(address, true));
              probe(ctx, address);
            } else {
              unreachable.remove(address);
              ctx.getLog().info("worker node {} is reachable again", address);
              dispatcher.tell(new JobDispatcher.Suspend(address, false));
            }
            return Behaviors.same();
          })
          .onMessage(Probed.class, p -> {
            if (p.refused() && unreachable.contains(p.address())) {
              ctx.getLog().warn("worker node {} refuses connections: its process is gone; downing it",
                  p.address());
              Cluster.get(ctx.getSystem()).manager().tell(new Down(p.address()));
              // no process, no duplicate: its jobs need not wait for the removal to gossip round
              dispatcher.tell(new JobDispatcher.NodeGone(p.address(), "lost its process"));
            }
            return Behaviors.same();
          })
          .build();
    });
  }

  /** Connects to the node's port off the actor's thread; refused means nobody listens there. */
  private static void probe(ActorContext<Command> ctx, Address address) {
    if (address.host().isEmpty() || address.port().isEmpty()) {
      return;
    }
    String host = address.host().get();
    int port = (Integer) address.port().get();
    var blocking = ctx.getSystem().dispatchers().lookup(
        DispatcherSelector.fromConfig(JobRunner.PROCESS_DISPATCHER));
    ctx.pipeToSelf(CompletableFuture.supplyAsync(() -> {
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress(host, port), 2000);
        return false;
      } catch (ConnectException e) {
        return true;
      } catch (IOException e) {
        return false; // no answer: maybe a partition, which the split-brain resolver decides
      }
    }, blocking), (refused, failure) -> new Probed(address, failure == null && refused));
  }
}
