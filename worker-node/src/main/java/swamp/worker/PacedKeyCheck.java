package swamp.worker;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import swamp.node.Blocking;

/**
 * An actor's {@link KeyCheck}: run off the actor's thread (a TLS hello to each master takes
 * seconds), one at a time, and at most every {@code every}, paced by the actor's own timer so that
 * a test's manual time paces it too. The verdict comes back to the actor as {@code answer}'s
 * message, which the actor hands to {@link #answered} before acting on it; a check that failed
 * counts as no verdict.
 *
 * @param <T> the actor's message type
 */
final class PacedKeyCheck<T> {

  private final KeyCheck check;
  private final Duration every;
  private final ActorContext<T> context;
  private final TimerScheduler<T> timers;
  /** The timer that runs from the start of a check: while it does, no other starts. */
  private final T spacing;
  private final Function<Optional<String>, T> answer;
  private boolean running;

  /**
   * Checks with {@code check} (null: never) for the actor of {@code context}; {@code spacing} is
   * a message of its own that the actor ignores, its timer's key.
   */
  PacedKeyCheck(KeyCheck check, Duration every, ActorContext<T> context, TimerScheduler<T> timers,
      T spacing, Function<Optional<String>, T> answer) {
    this.check = check;
    this.every = every;
    this.context = context;
    this.timers = timers;
    this.spacing = spacing;
    this.answer = answer;
  }

  /** Starts a check unless there is none, one runs, or the last began less than {@code every} ago. */
  void start() {
    if (check == null || running || timers.isTimerActive(spacing)) {
      return;
    }
    running = true;
    timers.startSingleTimer(spacing, every);
    context.pipeToSelf(CompletableFuture.supplyAsync(check::rejected,
        Blocking.PROBES.in(context.getSystem())),
        (rejected, failure) -> answer.apply(failure == null ? rejected : Optional.empty()));
  }

  /** The check's verdict came: another may start once its spacing is over. */
  void answered() {
    running = false;
  }

  /** No more checks are wanted for now: the next may start at once when they are again. */
  void stop() {
    timers.cancel(spacing);
  }
}
