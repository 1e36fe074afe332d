package swamp.worker;

import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.slf4j.Logger;
import swamp.protocol.ToRegistry;
import swamp.protocol.ToRegistry.Register;
import swamp.protocol.ToRegistry.RunningJob;
import swamp.protocol.ToWorker;
import swamp.protocol.WorkerOffer;

/**
 * The worker's side of the master's registry: which registry the Receptionist lists, what the
 * worker offers, its {@link Register} (claiming the jobs it holds) and its goodbye, and when to
 * try registering again. {@link WorkerActor} decides when; this knows what is sent and where. Used
 * on the actor's thread only.
 */
final class RegistryLink {

  private final WorkerSettings settings;
  private final WorkerOffer offer;
  /** The worker as the master addresses it. */
  private final ActorRef<ToWorker> self;
  /** This node's incarnation, which a master tells from an earlier one at its address by it. */
  private final long nodeUid;
  private final Random jitter;
  private final Logger log;
  /** The registry the Receptionist lists; null while it lists none. */
  private ActorRef<ToRegistry> registry;

  RegistryLink(WorkerSettings settings, WorkerOffer offer, ActorRef<ToWorker> self, long nodeUid,
      Logger log) {
    this.settings = settings;
    this.offer = offer;
    this.self = self;
    this.nodeUid = nodeUid;
    this.log = log;
    this.jitter = new Random(settings.workerId().hashCode() ^ System.nanoTime());
  }

  /** The incarnation of {@code system}'s node, as its cluster member has it; 0 for a node that is no cluster's. */
  static long nodeUid(org.apache.pekko.actor.typed.ActorSystem<?> system) {
    return system.address().hasGlobalScope()
        ? org.apache.pekko.remote.AddressUidExtension.get(system).longAddressUid() : 0;
  }

  /**
   * What a worker offers: its slots, labels ({@code nco} when it has {@code ncks}), programs and
   * memory; {@code address} is its URL unless the settings name one.
   */
  static WorkerOffer offer(WorkerSettings settings, Executables executables, boolean embedded,
      String address) {
    Set<String> labels = new LinkedHashSet<>(settings.labels());
    if (executables.has("ncks")) {
      labels.add("nco");
    }
    String url = settings.url().isBlank() ? address : settings.url();
    return new WorkerOffer(settings.host(), url, settings.slots(), List.copyOf(labels),
        executables.offered(), settings.memoryMb(), ToRegistry.SOFTWARE_VERSION, embedded);
  }

  /**
   * Why this worker's labels claim what it cannot do, if they do: {@code nco} stands for NCO's
   * operators, which a worker with {@code ncks} offers by itself. Given to one without it
   * ({@code --capability nco}, or a source's {@code capabilities = [nco]}, on a node where NCO is
   * not installed), it took the jobs that require nco and failed each ("program 'ncks' was not
   * found"), where they should wait for a worker that can run them.
   */
  static java.util.Optional<String> unbackedClaim(List<String> labels, Executables executables) {
    if (!labels.contains("nco") || executables.has("ncks")) {
      return java.util.Optional.empty();
    }
    return java.util.Optional.of("the capability nco (--capability, swamp.worker.labels) says this"
        + " worker runs NCO's operators, and ncks is not on its PATH (or not on its allow-list):"
        + " install NCO here or put its directory on the PATH (a worker with ncks offers nco by"
        + " itself), or leave nco out");
  }

  WorkerOffer offer() {
    return offer;
  }

  ActorRef<ToRegistry> registry() {
    return registry;
  }

  /**
   * Follows the Receptionist's listing; true when it names a registry other than before. The
   * master's embedded worker takes only its own node's registry: on a standby master node the
   * listing names the active master's, which its embedded worker is not for (and which declined
   * it every few seconds for good, the active master's own embedded worker holding its id); it
   * registers once its node takes over.
   */
  boolean listed(Receptionist.Listing listing) {
    Set<ActorRef<ToRegistry>> refs = listing.getServiceInstances(ToRegistry.KEY);
    ActorRef<ToRegistry> found = refs.stream()
        .filter(r -> !offer.embedded() || r.path().address().hasLocalScope())
        .findFirst().orElse(null);
    boolean isNew = found != null && !found.equals(registry);
    registry = found;
    return isNew;
  }

  /** Sends {@link Register}, claiming {@code claims}; nothing while no registry is listed. */
  void register(Collection<RunningJob> claims) {
    if (registry == null) {
      log.debug("no master found yet; waiting for the cluster");
      return;
    }
    registry.tell(new Register(settings.workerId(), offer, settings.secret(),
        ToRegistry.VERSION, List.copyOf(claims), nodeUid, self));
  }

  /** Tells the registry this worker leaves, if one is listed. */
  void unregister(String reason) {
    if (registry != null) {
      registry.tell(new ToRegistry.Unregister(settings.workerId(), reason, self));
    }
  }

  /**
   * When to send {@link Register} again: the retry interval, jittered per worker so that a
   * restarted master is not hit by the whole pool at the same moment.
   */
  Duration nextRetry() {
    double factor = 1 + settings.retryJitter() * (2 * jitter.nextDouble() - 1);
    return Duration.ofMillis(Math.max(1, (long) (settings.retryInterval().toMillis() * factor)));
  }
}
