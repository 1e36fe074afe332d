package swamp.master.membership;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Down;
import org.apache.pekko.cluster.typed.Subscribe;
import swamp.node.Blocking;
import swamp.node.NodeAddress;
import swamp.node.NodeProbe;

/**
 * Watches the workers' nodes for the {@link WorkerRegistry}, two ways (and, as {@link #peers}, the other
 * master nodes, so that a standby takes over from a dead master at once).
 *
 * <p>A worker's process that is gone (kill -9, a crash, its machine rebooted) leaves a port that
 * refuses connections: every {@code probe-interval} each worker node's port is tried, and a
 * refusing one is downed at once and its jobs re-queued; no process, no duplicate. This is much
 * faster than the failure detector, which can then be tolerant enough for busy machines.
 *
 * <p>A worker that is merely silent (a partition, a frozen JVM) becomes unreachable: it gets no
 * new job at once, and its jobs run again elsewhere only once the split-brain resolver downs it,
 * never while it may still be running them.
 */
public final class NodeWatcher {
  private NodeWatcher() {}

  public sealed interface Command extends NoSerializationVerificationNeeded {}

  private record Reachability(ClusterEvent.ReachabilityEvent event) implements Command {}

  private record Probed(Address address, boolean refused) implements Command {}

  private enum Tick implements Command { INSTANCE }

  /** A silence of the watcher's own ticks this long (or 3 probe intervals) is a pause. */
  static final Duration PAUSED = Duration.ofSeconds(5);

  /**
   * Watches the other master nodes: one whose port refuses connections is downed at once, so
   * the cluster singleton moves to the oldest master left without waiting for the split-brain
   * resolver (which, keeping the oldest, would down everyone else instead).
   */
  public static Behavior<Command> peers(Duration probeInterval) {
    return create(null, probeInterval);
  }

  /** Watches the worker nodes for {@code registry}; with none, the other master nodes. */
  public static Behavior<Command> create(ActorRef<WorkerRegistry.Command> registry,
      Duration probeInterval) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      Cluster cluster = Cluster.get(ctx.getSystem());
      Address self = cluster.selfMember().address();
      // the registry's watcher looks after workers; a peer watcher after the other masters
      java.util.function.Predicate<org.apache.pekko.cluster.Member> watched = registry != null
          ? m -> !m.hasRole(NodeAddress.MASTER_ROLE)
          : m -> m.hasRole(NodeAddress.MASTER_ROLE) && !m.address().equals(self);
      cluster.subscriptions().tell(Subscribe.create(
          ctx.messageAdapter(ClusterEvent.ReachabilityEvent.class, Reachability::new),
          ClusterEvent.ReachabilityEvent.class));
      timers.startTimerWithFixedDelay(Tick.INSTANCE, probeInterval);
      Set<Address> downed = new HashSet<>();
      // one probe of a node at a time: a silent one takes its whole connect timeout
      Set<Address> probing = new HashSet<>();
      var blocking = Blocking.PROBES.in(ctx.getSystem());
      // a tick comes every probe interval: a longer silence is the master itself paused (frozen,
      // starved of CPU), while which its workers, seeing it silent, were downed and joined again
      // from new nodes, keeping their jobs; their old nodes' ports refuse, their processes live
      long pausedAfter = Math.max(PAUSED.toNanos(), probeInterval.toNanos() * 3);
      long[] lastHeard = {System.nanoTime()};
      Runnable noticePause = () -> {
        long now = System.nanoTime();
        long gap = now - lastHeard[0];
        lastHeard[0] = now;
        if (registry != null && gap > pausedAfter) {
          ctx.getLog().warn("the master was paused for {} s (frozen, or starved of CPU): workers"
              + " found gone in the next {} s may have joined again from new nodes with their"
              + " jobs, which wait for them to register (swamp.master.journal.recovery-grace)"
              + " rather than run again", gap / 1_000_000_000L,
              WorkerRegistry.AFTER_A_PAUSE.toSeconds());
          registry.tell(new WorkerRegistry.Paused(Duration.ofNanos(gap)));
        }
      };
      java.util.function.Consumer<Address> probe = address -> {
        if (probing.add(address)) {
          ctx.pipeToSelf(CompletableFuture.supplyAsync(() -> NodeProbe.refuses(address), blocking),
              (refused, failure) -> new Probed(address, failure == null && refused));
        }
      };
      return Behaviors.receive(Command.class)
          .onMessage(Tick.class, t -> {
            noticePause.run();
            for (var member : cluster.state().getMembers()) {
              if (watched.test(member) && !downed.contains(member.address())
                  && (member.status() == MemberStatus.up() || member.status() == MemberStatus.weaklyUp())) {
                probe.accept(member.address());
              }
            }
            downed.retainAll(addresses(cluster));
            return Behaviors.same();
          })
          .onMessage(Reachability.class, r -> {
            noticePause.run();
            var member = r.event().member();
            if (!watched.test(member)) {
              return Behaviors.same();
            }
            Address address = member.address();
            if (r.event() instanceof ClusterEvent.UnreachableMember) {
              probe.accept(address);
              if (registry != null) {
                ctx.getLog().warn("worker node {} is unreachable: no new jobs for it", address);
                registry.tell(new WorkerRegistry.NodeReachability(address, false));
              } else {
                ctx.getLog().warn("master node {} is unreachable", address);
              }
            } else if (registry != null) {
              ctx.getLog().info("worker node {} is reachable again", address);
              registry.tell(new WorkerRegistry.NodeReachability(address, true));
            }
            return Behaviors.same();
          })
          .onMessage(Probed.class, p -> {
            noticePause.run();
            probing.remove(p.address());
            if (p.refused() && downed.add(p.address())) {
              ctx.getLog().warn("{} node {} refuses connections: its process is gone; downing it",
                  registry != null ? "worker" : "master", p.address());
              cluster.manager().tell(new Down(p.address()));
              if (registry != null) {
                // no process, no duplicate: its jobs need not wait for the removal to gossip round
                registry.tell(new WorkerRegistry.NodeGone(p.address(), "lost its process"));
              }
            }
            return Behaviors.same();
          })
          .build();
    }));
  }

  private static Set<Address> addresses(Cluster cluster) {
    Set<Address> all = new HashSet<>();
    cluster.state().getMembers().forEach(m -> all.add(m.address()));
    return all;
  }
}
