package swamp.worker;

import com.typesafe.config.Config;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.AddressFromURIString;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import swamp.node.Credentials;
import swamp.node.HumanDuration;
import swamp.node.PoolKeyProbe;

/**
 * Whether the masters a worker joins through (its seed nodes) can never take it: a worker with
 * another pool's key, or with an old one after the master made a new key, never completes
 * Artery's TLS handshake, nor does a TLS worker with an {@code --insecure} master or the reverse,
 * and without this it would only give up after {@code --give-up-after} (30 min by default) with
 * nothing to say why. {@link WorkerActor} asks while it finds no master, {@link MasterWatch} when
 * the master it registered with stops answering and its port is open; each master's address is
 * probed with a TLS hello ({@link PoolKeyProbe}).
 *
 * <ul>
 *   <li>A TLS worker's key is rejected when a master's handshake fails on a certificate, with
 *       none accepting it: one probe says so.
 *   <li>A TLS worker's master speaks plain tcp when it resets or closes the connection on the
 *       hello without a byte in answer on probes at least {@link #CONFIRMED_AFTER} apart, and on
 *       every probe between: a TLS master that stops does so for a moment only.
 *   <li>A plain tcp (--insecure) worker's master speaks TLS when it answers the hello with a TLS
 *       certificate, and no master closes on it as a plain one does.
 *   <li>A TLS worker that waits for its pool key ({@link #withoutKey}) probes as a plain one does,
 *       and calls a master plain tcp as a TLS worker with a key does.
 * </ul>
 *
 * A master that is not up yet, slow, or stopping gives no verdict. Thread-safe.
 */
final class MasterKeyCheck implements KeyCheck {

  private static final Logger log = LoggerFactory.getLogger(MasterKeyCheck.class);

  /** The least time between the first and the last probe that saw a master close on the hello. */
  static final Duration CONFIRMED_AFTER = Duration.ofSeconds(3);

  private final PoolKeyProbe probe;
  /** Whether this worker speaks TLS: its probe's key, or, with no key yet, the config's. */
  private final boolean workerTls;
  private final List<Address> masters;
  private final LongSupplier nanoTime;
  /** Per master: since when its probes close on the hello, with no other answer since. */
  private final Map<String, Long> closingSince = new HashMap<>();
  /** Per master: the verdict of its last probe. */
  private final Map<String, PoolKeyProbe.Verdict> lastVerdict = new java.util.concurrent.ConcurrentHashMap<>();

  MasterKeyCheck(PoolKeyProbe probe, List<Address> masters) {
    this(probe, masters, System::nanoTime);
  }

  MasterKeyCheck(PoolKeyProbe probe, List<Address> masters, LongSupplier nanoTime) {
    this(probe, probe.tls(), masters, nanoTime);
  }

  MasterKeyCheck(PoolKeyProbe probe, boolean workerTls, List<Address> masters,
      LongSupplier nanoTime) {
    this.probe = probe;
    this.workerTls = workerTls;
    this.masters = List.copyOf(masters);
    this.nanoTime = nanoTime;
  }

  /** The check of a worker whose remoting is {@code config}, TLS or plain tcp; none without masters. */
  static Optional<KeyCheck> of(Config config) {
    List<Address> seeds = seeds(config);
    return seeds.isEmpty() ? Optional.empty() : Optional.of(new MasterKeyCheck(
        PoolKeyProbe.of(config).orElseGet(PoolKeyProbe::plainTcp), seeds));
  }

  /**
   * The check of a TLS worker that waits for its pool key ({@code config} names it, not there
   * yet): whether the master speaks plain tcp, for an --insecure master makes no key.
   */
  static Optional<KeyCheck> withoutKey(Config config) {
    List<Address> seeds = seeds(config);
    return seeds.isEmpty() ? Optional.empty() : Optional.of(
        new MasterKeyCheck(PoolKeyProbe.plainTcp(), true, seeds, System::nanoTime));
  }

  /** The masters this worker joins through: its seed nodes. */
  static List<Address> seeds(Config config) {
    return config.getStringList("pekko.cluster.seed-nodes").stream()
        .map(AddressFromURIString::parse)
        .filter(a -> a.host().isDefined() && a.port().isDefined())
        .toList();
  }

  @Override
  public Optional<String> rejected() {
    List<String> rejecting = new ArrayList<>();
    List<String> otherTransport = new ArrayList<>();
    String why = "";
    String how = "";
    for (Address master : masters) {
      String where = master.host().get() + ":" + master.port().get();
      PoolKeyProbe.Result r = probe.probe(master.host().get(), (Integer) master.port().get());
      log.debug("TLS probe of the master at {}: {}", where, r);
      lastVerdict.put(where, r.verdict());
      Optional<Duration> closing = closing(where, r.verdict() == PoolKeyProbe.Verdict.CLOSED_ON_HELLO);
      switch (r.verdict()) {
        case ACCEPTED -> {
          return Optional.empty(); // one master takes the key: the cluster will have it
        }
        case KEY_REJECTED -> {
          rejecting.add(where);
          why = r.detail();
        }
        case CLOSED_ON_HELLO -> {
          if (!workerTls) {
            return Optional.empty(); // a plain tcp master, as this worker is
          }
          if (closing.get().compareTo(CONFIRMED_AFTER) >= 0) {
            otherTransport.add(where);
            how = r.detail().replace("on the TLS hello", "on TLS hellos "
                + HumanDuration.rounded(closing.get()) + " apart");
          }
        }
        case SPEAKS_TLS -> {
          if (workerTls) {
            return Optional.empty(); // a TLS master, as this worker, which waits for its key
          }
          otherTransport.add(where);
          how = r.detail();
        }
        case SPEAKS_HTTP -> {
          return Optional.of("the master address " + where + " (--master) is no swamp node's: "
              + r.detail() + ". Is it the master's HTTP port (--http-port)? Give its cluster"
              + " port (--port; 17355 unless the master was started with another)");
        }
        case NO_VERDICT -> { }
      }
    }
    if (!rejecting.isEmpty()) {
      return Optional.of(message(String.join(" and ", rejecting), why));
    }
    return otherTransport.isEmpty() ? Optional.empty()
        : Optional.of(transportMessage(String.join(" and ", otherTransport), how));
  }

  /**
   * Nothing listens at any master address; or one answered the last probe as a master of this
   * worker's kind does (a TLS handshake with its key, or plain tcp's close for an --insecure one),
   * yet the worker has not joined: Artery drops what is sent to a node under another name than
   * the host it was started with ({@code localhost} for a master of {@code --host 127.0.0.1}).
   */
  @Override
  public Optional<String> unjoined() {
    String nobody = WorkerMain.nobodyListens(masters);
    if (!nobody.isEmpty()) {
      return Optional.of(nobody.substring(2));
    }
    List<String> answering = new ArrayList<>();
    for (Address master : masters) {
      String where = master.host().get() + ":" + master.port().get();
      PoolKeyProbe.Verdict v = lastVerdict.get(where);
      if (v == PoolKeyProbe.Verdict.ACCEPTED
          || (!workerTls && v == PoolKeyProbe.Verdict.CLOSED_ON_HELLO)) {
        answering.add(where);
      }
    }
    if (answering.isEmpty()) {
      return Optional.empty();
    }
    String at = String.join(" and ", answering);
    return Optional.of("the master at " + at + " answers " + (workerTls
        ? "TLS with this worker's pool key" : "plain tcp") + ", yet has not let it join: a master"
        + " takes only what is sent to the host it was started with (bin/swamp master --host;"
        + " its log says 'master on pekko://swamp@HOST:PORT'), not another name of that machine;"
        + " if that HOST is not " + answering.get(0).substring(0, answering.get(0).lastIndexOf(':'))
        + ", give the worker --master HOST:PORT as it says there");
  }

  /**
   * How long {@code where}'s probes have closed on the hello, this one included; empty, and
   * forgotten, when this one did not.
   */
  private Optional<Duration> closing(String where, boolean closedNow) {
    synchronized (closingSince) {
      if (!closedNow) {
        closingSince.remove(where);
        return Optional.empty();
      }
      long now = nanoTime.getAsLong();
      return Optional.of(Duration.ofNanos(now - closingSince.computeIfAbsent(where, w -> now)));
    }
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

  /** What the worker says as it exits when it and the master speak different transports. */
  String transportMessage(String masterAddresses, String how) {
    return workerTls
        ? "the master at " + masterAddresses + " speaks plain tcp (it runs with --insecure) and"
            + " this worker TLS: start the worker with --insecure too, or the master without it"
            + " (" + how + "); retrying cannot fix this"
        : "the master at " + masterAddresses + " speaks TLS (it runs without --insecure) and this"
            + " worker plain tcp (--insecure): start the worker without --insecure, with the"
            + " master's pool key (the ~/.swamp of the user that runs the master, or a copy named"
            + " with SWAMP_TLS_KEY_STORE and SWAMP_TLS_PASSWORD), or the master with --insecure"
            + " too (" + how + "); retrying cannot fix this";
  }
}
