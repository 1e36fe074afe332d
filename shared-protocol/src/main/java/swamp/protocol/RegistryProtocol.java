package swamp.protocol;

import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;

/**
 * Membership: a worker phones home and the master's registry answers. Worker to master:
 * {@link Register}, {@link Unregister}. Master to worker: {@link RegOk} or {@link RegFailure}, then
 * eventually {@link WorkerProtocol.Dismiss}.
 */
public final class RegistryProtocol {
  private RegistryProtocol() {}

  /** Workers find the master's registry under this key through the Receptionist. */
  public static final ServiceKey<Command> KEY = ServiceKey.create(Command.class, "swamp-registry");

  /** The protocol a node speaks; a master refuses a worker that speaks another. */
  public static final int VERSION = 2;

  /**
   * A master node's cluster role that names its HTTP API: {@code http=HOST:PORT}. A standby
   * sends clients there; a worker asks it whether the master it lost is still the one there.
   */
  public static final String HTTP_ROLE_PREFIX = "http=";

  /** The API's base URL that a master node's roles name, if they name one. */
  public static java.util.Optional<String> httpUrl(java.util.Set<String> roles) {
    return roles.stream().filter(r -> r.startsWith(HTTP_ROLE_PREFIX))
        .map(r -> "http://" + r.substring(HTTP_ROLE_PREFIX.length())).findFirst();
  }

  /** The swamp release a node runs, shown in a worker's offer. */
  public static final String SOFTWARE_VERSION = "0.1.0";

  public sealed interface Command extends CborSerializable {}

  /**
   * Asks to join the pool. Idempotent per {@code workerId}: a repeated Register from the same
   * worker (a retry after a lost reply) is answered with RegOk again.
   *
   * @param running the jobs the worker is still running (empty on a first registration), so a
   *     master can adopt them after it lost and found the worker again
   */
  public record Register(
      String workerId,
      WorkerOffer offer,
      String secret,
      int protocolVersion,
      List<RunningJob> running,
      ActorRef<WorkerProtocol.ToWorker> replyTo)
      implements Command {
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
  public record Unregister(String workerId, String reason, ActorRef<WorkerProtocol.ToWorker> worker)
      implements Command {}

  /** One job a worker runs, identified by id and attempt. */
  public record RunningJob(String jobId, int attempt) implements CborSerializable {}

  /** The master's answer to {@link Register}. */
  public sealed interface RegistrationReply extends WorkerProtocol.ToWorker {}

  /**
   * Registered. {@code masterEpoch} changes with every master incarnation; {@code master} is the
   * ref the worker watches and sends {@link DispatchProtocol.JobFinished} to.
   */
  public record RegOk(long masterEpoch, ActorRef<DispatchProtocol.ToDispatcher> master)
      implements RegistrationReply {}

  /**
   * Refused. {@code retryable} says whether trying again later may succeed (a master that is not
   * ready, an id in use by a worker still leaving) or never will (bad secret, invalid offer,
   * incompatible version): then the worker exits with the reason.
   */
  public record RegFailure(String reason, boolean retryable) implements RegistrationReply {}
}
