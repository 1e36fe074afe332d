package swamp.master.membership;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Optional;
import swamp.protocol.ToRegistry;
import swamp.protocol.ToRegistry.Register;
import swamp.protocol.WorkerOffer;

/**
 * Who may register with the pool at all, whatever its membership: a worker that speaks this
 * master's protocol, knows the pool's secret (unless the master is insecure), and brings a valid
 * offer under an id that is not the master's own worker's. A refusal here is for good: no retry
 * can change it, and the worker exits 3 with its reason. Pure: the {@link WorkerRegistry} asks.
 */
final class Admission {

  /** The id of the master's own (local-exec) worker, which no other worker may take. */
  static final String EMBEDDED_ID = "master";

  private final byte[] secret;
  private final boolean insecure;

  Admission(String secret, boolean insecure) {
    this.secret = secret.getBytes(StandardCharsets.UTF_8);
    this.insecure = insecure;
  }

  /** Why this registration is refused for good, if it is. */
  Optional<String> refusal(Register r) {
    if (r.protocolVersion() != ToRegistry.VERSION) {
      return Optional.of("protocol version " + r.protocolVersion()
          + " is not spoken by this master, which speaks " + ToRegistry.VERSION);
    }
    if (!insecure && !secretMatches(r.secret())) {
      // a worker started without SWAMP_SECRET was told its secret was wrong
      return Optional.of((r.secret() == null || r.secret().isEmpty()) && secret.length > 0
          ? "no registration secret: this master takes only workers given its secret in"
              + " SWAMP_SECRET (or swamp.security.secret), and this one has none"
          : "wrong registration secret: the worker's SWAMP_SECRET is not the master's");
    }
    Optional<String> badId = WorkerOffer.checkWorkerId(r.workerId());
    if (badId.isPresent()) {
      return Optional.of("invalid offer: " + badId.get());
    }
    if (r.offer() == null) {
      return Optional.of("invalid offer: the registration carries no offer");
    }
    if (r.workerId().equals(EMBEDDED_ID) && !r.offer().embedded()) {
      return Optional.of("invalid offer: worker id '" + EMBEDDED_ID + "' is the master's own"
          + " worker's; give this worker another --id");
    }
    List<String> problems = r.offer().problems();
    if (!problems.isEmpty()) {
      return Optional.of("invalid offer: " + String.join("; ", problems));
    }
    return Optional.empty();
  }

  /** Compares in time that does not depend on where the secrets differ. */
  private boolean secretMatches(String offered) {
    byte[] given = (offered == null ? "" : offered).getBytes(StandardCharsets.UTF_8);
    return secret.length > 0 && MessageDigest.isEqual(secret, given);
  }
}
