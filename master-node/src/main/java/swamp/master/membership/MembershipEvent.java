package swamp.master.membership;

import java.util.List;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorRef;
import swamp.protocol.ToRegistry.RunningJob;
import swamp.protocol.ToWorker;
import swamp.protocol.WorkerOffer;

/**
 * What the {@link WorkerRegistry}, the one owner of the pool's membership, tells its subscribers
 * (the dispatcher) and followers (the pool scaler) about workers, in the order it happened.
 */
public sealed interface MembershipEvent extends NoSerializationVerificationNeeded {

  /** The worker id this event is about. */
  String workerId();

  /**
   * Admitted, or registered again (a retry, a healed partition, or asked to by a subscriber that
   * started again): {@code running} are the attempts it says it runs or has finished unacknowledged.
   */
  record WorkerJoined(String workerId, WorkerOffer offer, List<RunningJob> running,
      ActorRef<ToWorker> worker) implements MembershipEvent {}

  /**
   * Gone: it said goodbye, stopped, was downed, or its node's process is dead. {@code mayReturn}:
   * it was found gone just after the master itself was paused (frozen, starved of CPU), while
   * which a worker that lost its master joins the cluster again from a new node and keeps its
   * jobs: they wait for it to register again, as after a master's restart, rather than run again.
   */
  record WorkerLeft(String workerId, String reason, boolean mayReturn) implements MembershipEvent {
    public WorkerLeft(String workerId, String reason) {
      this(workerId, reason, false);
    }
  }

  /** Dismissed or near its walltime: no new jobs for it; the ones it runs finish as usual. */
  record WorkerDraining(String workerId) implements MembershipEvent {}

  /**
   * Its node became unreachable ({@code reachable} false: no new jobs for it, and its jobs stay
   * where they are until it is downed) or reachable again.
   */
  record WorkerReachability(String workerId, boolean reachable) implements MembershipEvent {}
}
