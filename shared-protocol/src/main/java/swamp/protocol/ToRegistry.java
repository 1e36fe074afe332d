package swamp.protocol;

import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;

/**
 * Worker to the master's registry: a worker phones home ({@link Register}, answered by a
 * {@link ToWorker.RegistrationReply}), says goodbye ({@link Unregister}), and asks which master
 * answers at its master's address ({@link WhichMaster}, answered by {@link MasterIs}).
 */
public sealed interface ToRegistry extends CborSerializable {

  /** Workers find the master's registry under this key through the Receptionist. */
  ServiceKey<ToRegistry> KEY = ServiceKey.create(ToRegistry.class, "swamp-registry");

  /** The protocol a node speaks; a master refuses a worker that speaks another. */
  int VERSION = 9;

  /** The swamp release a node runs, shown in a worker's offer. */
  String SOFTWARE_VERSION = "0.1.0";

  /**
   * Asks to join the pool. Idempotent per {@code workerId}: a repeated Register from the same
   * worker (a retry after a lost reply, or asked for by {@link ToWorker.RegisterAgain}) is
   * answered with RegOk again.
   *
   * @param running the jobs the worker is still running or has finished unacknowledged (empty on
   *     a first registration), so a master can adopt them after it lost and found the worker again
   * @param nodeUid the incarnation of the worker's node (its cluster {@code UniqueAddress}'s uid),
   *     which tells it from an earlier process at the same host and port; 0 where unknown
   */
  record Register(
      String workerId,
      WorkerOffer offer,
      String secret,
      int protocolVersion,
      List<RunningJob> running,
      long nodeUid,
      ActorRef<ToWorker> replyTo)
      implements ToRegistry {
    public Register {
      running = running == null ? List.of() : List.copyOf(running);
    }

    @Override
    public String toString() { // never show the secret, not even in a dead-letter log line
      return "Register[workerId=" + workerId + ", offer=" + offer + ", running=" + running + "]";
    }
  }

  /**
   * A draining worker says goodbye before it leaves the cluster. {@code worker} is the ref it
   * registered with: a goodbye from any other is ignored.
   */
  record Unregister(String workerId, String reason, ActorRef<ToWorker> worker)
      implements ToRegistry {}

  /**
   * Which master answers here? Asked without credentials, every few seconds, by a worker whose
   * registry answers at that address (the registry's path: a ref names one incarnation): an
   * answer with another epoch than its RegOk's means a new master now runs at that address, and
   * the old one is gone for good; one that does not list {@code workerId} means this master has
   * dropped the worker, and it registers again. {@code workerId} null: not asked for a worker.
   */
  record WhichMaster(ActorRef<MasterIs> replyTo, String workerId) implements ToRegistry {}

  /**
   * The answer to {@link WhichMaster}: the epoch of the master that answers, and whether it lists
   * the worker asked for among its registered workers (true when none was asked for).
   */
  record MasterIs(long masterEpoch, boolean listed) implements CborSerializable {}

  /** One job a worker runs, identified by id and attempt. */
  record RunningJob(String jobId, int attempt) implements CborSerializable {}
}
