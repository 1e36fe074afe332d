package swamp.worker;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import swamp.node.Blocking;
import swamp.node.HumanDuration;

/**
 * What a registering worker finds out about why it has not joined, with its {@link KeyCheck}:
 * at each retry while no registry is found, whether the master rejects its pool key (paced, a
 * {@link PacedKeyCheck}); and once, {@link #UNJOINED_WARN} in, why no master has let it join,
 * where that is plain, said in a WARN while it keeps trying. The verdicts come back to the actor
 * as its own messages, which it hands here.
 *
 * @param <T> the actor's message type
 */
final class JoinChecks<T> {

  /**
   * How long a worker that has not joined retries before it says why, where that is plain: a
   * worker whose --master names a port where nothing listens, or a master under another name than
   * its own, retried until its give-up time (30 minutes) and only then said anything.
   */
  static final Duration UNJOINED_WARN = Duration.ofSeconds(30);

  private final KeyCheck check;
  private final PacedKeyCheck<T> keyChecks;
  private final ActorContext<T> context;
  private final TimerScheduler<T> timers;
  /** The timer key, and message, of the moment to ask why it has not joined. */
  private final T unjoined;
  private final Function<Optional<String>, T> why;

  /**
   * Checks with {@code check} (null: never) for the actor of {@code context}: key checks at most
   * every {@code every}, spaced by the timer of {@code spacing} and answered as {@code keyChecked};
   * {@code unjoined} is the message that it is time to ask why, answered as {@code why}.
   */
  JoinChecks(KeyCheck check, Duration every, ActorContext<T> context, TimerScheduler<T> timers,
      T spacing, Function<Optional<String>, T> keyChecked, T unjoined,
      Function<Optional<String>, T> why) {
    this.check = check;
    this.keyChecks = new PacedKeyCheck<>(check, every, context, timers, spacing, keyChecked);
    this.context = context;
    this.timers = timers;
    this.unjoined = unjoined;
    this.why = why;
  }

  /** Registering begins: the question why comes {@link #UNJOINED_WARN} in, if before giving up. */
  void begin(Duration giveUpAfter) {
    if (check != null && UNJOINED_WARN.compareTo(giveUpAfter) < 0) {
      timers.startSingleTimer(unjoined, UNJOINED_WARN);
    }
  }

  /**
   * At a retry, while no registry is found (the first Register went nowhere: the node has not
   * joined the cluster), asks whether the master rejects this worker's pool key. A worker that
   * found the registry has joined the cluster, over TLS: its key is good.
   */
  void atRetry(boolean registryFound) {
    if (!registryFound) {
      keyChecks.start();
    }
  }

  /** A key check's verdict came ({@code keyChecked}'s message). */
  void keyChecked() {
    keyChecks.answered();
  }

  /** It is time to ask why ({@code unjoined}'s message): asked off the actor's thread. */
  void askWhy(boolean registryFound) {
    if (!registryFound) {
      context.pipeToSelf(CompletableFuture.supplyAsync(check::unjoined,
          Blocking.PROBES.in(context.getSystem())),
          (found, failure) -> why.apply(failure == null ? found : Optional.empty()));
    }
  }

  /** Why it has not joined ({@code why}'s message), said where it could be told. */
  void told(Optional<String> found, Duration giveUpAfter) {
    found.ifPresent(reason -> context.getLog().warn("no master has let this worker join for {}:"
        + " {}; it keeps trying until --give-up-after ({})", HumanDuration.of(UNJOINED_WARN),
        reason, HumanDuration.of(giveUpAfter)));
  }

  /** Registering is over (registered, or draining): no more checks. */
  void stop() {
    keyChecks.stop();
    timers.cancel(unjoined);
  }
}
