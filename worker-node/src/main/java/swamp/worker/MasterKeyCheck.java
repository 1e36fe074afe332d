package swamp.worker;

import com.typesafe.config.Config;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.AddressFromURIString;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import swamp.node.Credentials;
import swamp.node.PoolKeyProbe;

/**
 * Whether the masters a TLS worker joins through (its seed nodes) reject its pool key: a worker
 * with another pool's key, or with an old one after the master made a new key, never completes
 * Artery's TLS handshake, and without this it would only give up after {@code --give-up-after}
 * (30 min by default) with nothing to say why. {@link WorkerActor} asks while it finds no master;
 * each master's address is probed with a TLS handshake of the worker's own key ({@link
 * PoolKeyProbe}). The key is rejected when a master's handshake fails on a certificate and none
 * accepts it; a master that is not up yet, slow, or stopping gives no verdict.
 */
final class MasterKeyCheck implements WorkerActor.KeyCheck {

  private static final Logger log = LoggerFactory.getLogger(MasterKeyCheck.class);

  private final PoolKeyProbe probe;
  private final List<Address> masters;

  MasterKeyCheck(PoolKeyProbe probe, List<Address> masters) {
    this.probe = probe;
    this.masters = List.copyOf(masters);
  }

  /** The check of a worker whose remoting is {@code config}; none for plain tcp. */
  static Optional<WorkerActor.KeyCheck> of(Config config) {
    List<Address> seeds = config.getStringList("pekko.cluster.seed-nodes").stream()
        .map(AddressFromURIString::parse)
        .filter(a -> a.host().isDefined() && a.port().isDefined())
        .toList();
    return PoolKeyProbe.of(config).filter(p -> !seeds.isEmpty())
        .map(p -> new MasterKeyCheck(p, seeds));
  }

  @Override
  public Optional<String> rejected() {
    List<String> rejecting = new ArrayList<>();
    String why = "";
    for (Address master : masters) {
      String where = master.host().get() + ":" + master.port().get();
      PoolKeyProbe.Result r = probe.probe(master.host().get(), (Integer) master.port().get());
      log.debug("TLS probe of the master at {}: {}", where, r);
      switch (r.verdict()) {
        case ACCEPTED -> {
          return Optional.empty(); // one master takes the key: the cluster will have it
        }
        case KEY_REJECTED -> {
          rejecting.add(where);
          why = r.detail();
        }
        case NO_VERDICT -> { }
      }
    }
    return rejecting.isEmpty() ? Optional.empty()
        : Optional.of(message(String.join(" and ", rejecting), why));
  }

  /** What the worker says as it exits: the key, the master, and what to do. */
  String message(String masterAddresses, String why) {
    Path key = probe.keyStore().toAbsolutePath();
    String trust = probe.trustStore().toAbsolutePath().equals(key) ? ""
        : " (trust store " + probe.trustStore().toAbsolutePath() + ")";
    boolean poolDir = key.equals(Credentials.poolKey().toAbsolutePath());
    return "the master at " + masterAddresses + " answers TLS but does not accept this worker's"
        + " pool key " + key + trust + ": the pool key does not match the master's (the TLS"
        + " handshake failed: " + why + "). Give this worker the master's pool key: "
        + (poolDir
            ? "copy the master's pool directory (pool.p12 and pool.password, in the ~/.swamp of"
                + " the user that runs the master) to " + key.getParent() + ", or name a copy"
                + " with SWAMP_TLS_KEY_STORE and SWAMP_TLS_PASSWORD"
            : "copy the master's pool.p12 (by default in the ~/.swamp of the user that runs the"
                + " master) to " + key + " and set SWAMP_TLS_PASSWORD to its pool.password")
        + "; retrying cannot fix this";
  }
}
