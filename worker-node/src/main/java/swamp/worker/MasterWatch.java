package swamp.worker;

import java.time.Duration;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Down;
import org.apache.pekko.cluster.typed.Subscribe;
import swamp.node.Blocking;
import swamp.node.HumanDuration;
import swamp.node.NodeProbe;
import swamp.protocol.ToRegistry;

/**
 * Watches the node of the master this worker registered with. When it becomes unreachable and
 * its process is known to be gone, this node downs itself at once to join the cluster again
 * (keeping its jobs running), instead of waiting for the split-brain resolver to down it (its
 * stable-after, 7 s, and more): the restarted master, or the standby that took over, gets the
 * worker back sooner.
 *
 * <p>It does not wait for the failure detector to call the master unreachable (its acceptable
 * pause is 30 s on a worker, worker.conf): every {@link #ASK_EVERY} it asks the registry at the
 * master's address which master it is, a message each way, and when the last question went
 * unanswered it probes the master's port instead. So a killed master's workers join again
 * within seconds, ready for it when it restarts, and a master restarted at the same address
 * within those seconds gets its workers back all the same.
 *
 * <p>Gone means: its port refuses connections, or the registry there answers {@link
 * ToRegistry.WhichMaster} with another master epoch than the worker's RegOk, a master started
 * since. A node that is merely silent (a partition, a frozen JVM) is neither; the split-brain
 * resolver decides about it.
 *
 * <p>The same master answering that it does not list the worker means it dropped it while the
 * worker lives (as a heartbeat from an unknown worker tells Spark's master): the watch tells the
 * worker ({@link Unlisted}), which registers again with the jobs it holds.
 *
 * <p>A master restarted with a new pool key (or with --insecure) opens its port and never
 * answers: no Artery handshake of this worker's succeeds. So when the port is open and the master
 * has not answered for {@link #KEY_CHECK_AFTER}, the watch asks the worker's {@link KeyCheck}
 * ({@link MasterKeyCheck}: a TLS hello with the worker's own key), at most every {@link
 * KeyCheck#EVERY}, whether the master can take this worker at all; if it cannot, it tells the worker ({@link Rejects}), which exits 3, instead of waiting for the
 * split-brain resolver to down this node (30 s of the failure detector and 7 s more) and for the
 * check of its next incarnation. A master that answers, accepts the key, or gives no verdict
 * (slow, frozen, cut off) is left to the rest.
 */
final class MasterWatch {
  private MasterWatch() {}

  sealed interface Command {}

  private record Unreachable(Member member) implements Command {}

  private record Gone(String why) implements Command {}

  /** Its port takes connections: the same process (frozen, or cut off) or a new one there. */
  private enum PortOpen implements Command { INSTANCE }

  /** The registry at the master's address says which master it is, and whether it lists the worker. */
  private record Answer(long masterEpoch, boolean listed) implements Command {}

  private enum Ask implements Command { INSTANCE }

  /** What the key check found: the reason this worker can never join the master, if it cannot. */
  private record KeyChecked(java.util.Optional<String> rejected) implements Command {}

  /** Runs from the start of a key check: while it does, no other starts. */
  private enum KeyCheckSpacing implements Command { INSTANCE }

  /** What the watch tells its worker. */
  sealed interface Told extends org.apache.pekko.actor.NoSerializationVerificationNeeded {}

  /** Told to the worker: the master at its address answers again, but can never take it. */
  record Rejects(String reason) implements Told {}

  /** Told to the worker: its master answers, and does not list it among its workers. */
  record Unlisted() implements Told {}

  /** How long the master must have been silent, its port open, before the key check. */
  static final Duration KEY_CHECK_AFTER = Duration.ofSeconds(4);

  /** How often the registry at the master's address is asked which master it is. */
  static final Duration ASK_EVERY = Duration.ofSeconds(2);

  /**
   * Watches the master at {@code master}, of incarnation {@code epoch}, whose registry (the one
   * worker {@code workerId} registered with) answers at {@code registry}'s address; asks {@code
   * keyCheck} (null: never) whether a silent master with an open port can take this worker at
   * all, and tells {@code worker} when it cannot, or when the master does not list it.
   */
  static Behavior<Command> create(Address master, long epoch, ActorRef<ToRegistry> registry,
      String workerId, KeyCheck keyCheck, ActorRef<Told> worker) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      Cluster cluster = Cluster.get(ctx.getSystem());
      timers.startTimerWithFixedDelay(Ask.INSTANCE, ASK_EVERY);
      cluster.subscriptions().tell(Subscribe.create(ctx.messageAdapter(
          ClusterEvent.UnreachableMember.class, u -> new Unreachable(u.member())),
          ClusterEvent.UnreachableMember.class));
      var blocking = Blocking.PROBES.in(ctx.getSystem());
      ActorRef<ToRegistry.MasterIs> answers =
          ctx.messageAdapter(ToRegistry.MasterIs.class, m -> new Answer(m.masterEpoch(), m.listed()));
      Asking asking = new Asking();
      PacedKeyCheck<Command> checking = new PacedKeyCheck<>(keyCheck, KeyCheck.EVERY, ctx, timers,
          KeyCheckSpacing.INSTANCE, KeyChecked::new);
      // by its path, not its ref: a ref names one incarnation of the actor, and a message to it
      // reaches no other; the path reaches whatever master now runs at the address (no answer:
      // the same master, frozen or cut off, and the split-brain resolver decides; or none)
      Runnable whichMaster = () -> {
        asking.unanswered = true;
        Adapter.toClassic(ctx.getSystem()).actorSelection(registry.path().toString())
            .tell(new ToRegistry.WhichMaster(answers, workerId), null);
      };
      Runnable probe = () -> {
        if (!asking.probing) { // a silent host takes the probe's whole connect timeout
          asking.probing = true;
          ctx.pipeToSelf(java.util.concurrent.CompletableFuture.supplyAsync(
              () -> NodeProbe.refuses(master), blocking),
              (refuses, failure) -> failure == null && refuses
                  ? new Gone("its port refuses connections") : PortOpen.INSTANCE);
        }
      };
      // the port is open: a master silent for a while may be one that can never take this worker
      Runnable checkKey = () -> {
        if (System.nanoTime() - asking.answeredAt >= KEY_CHECK_AFTER.toNanos()) {
          checking.start();
        }
      };
      return Behaviors.receive(Command.class)
          .onMessage(Unreachable.class, u -> {
            if (u.member().address().equals(master)) {
              probe.run();
            }
            return Behaviors.same();
          })
          .onMessage(PortOpen.class, p -> {
            asking.probing = false;
            whichMaster.run();
            checkKey.run();
            return Behaviors.same();
          })
          .onMessage(KeyCheckSpacing.class, k -> Behaviors.same())
          .onMessage(KeyChecked.class, k -> {
            checking.answered();
            if (k.rejected().isEmpty() || !asking.unanswered) {
              return Behaviors.same(); // it takes this worker, or it answered meanwhile
            }
            ctx.getLog().warn("the master at {} has not answered for {}, its port open: it cannot"
                + " take this worker", master, HumanDuration.rounded(
                    Duration.ofNanos(System.nanoTime() - asking.answeredAt)));
            worker.tell(new Rejects(k.rejected().get()));
            return Behaviors.stopped(); // the worker exits
          })
          .onMessage(Ask.class, a -> {
            if (asking.unanswered) {
              probe.run();
            } else {
              whichMaster.run();
            }
            return Behaviors.same();
          })
          .onMessage(Answer.class, a -> {
            asking.unanswered = false;
            asking.answeredAt = System.nanoTime();
            if (a.masterEpoch() != epoch) {
              ctx.getSelf().tell(new Gone("a new master answers at its address (epoch "
                  + a.masterEpoch() + ", not " + epoch + ")"));
            } else if (!a.listed()) {
              worker.tell(new Unlisted());
            }
            return Behaviors.same();
          })
          .onMessage(Gone.class, g -> {
            ctx.getLog().warn("the master at {} is gone ({}): leaving the cluster to join again",
                master, g.why());
            cluster.manager().tell(new Down(cluster.selfMember().address()));
            return Behaviors.stopped(); // once is enough: the node leaves
          })
          .build();
    }));
  }

  /**
   * Whether the last question is still unanswered, or a probe of the port under way; when the
   * master last answered (or the watch began).
   */
  private static final class Asking {
    boolean unanswered;
    boolean probing;
    long answeredAt = System.nanoTime();
  }
}
