package swamp.it;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Waiting on a condition with a deadline: the only way these tests synchronise with the processes
 * they start. The short pause between two polls is the polling interval, not a synchronisation.
 */
public final class Await {
  private Await() {}

  static final Duration POLL = Duration.ofMillis(100);

  /** Polls {@code condition} until it holds; fails with {@code what} when the deadline passes. */
  public static void until(String what, Duration timeout, BooleanSupplier condition) {
    value(what, timeout, () -> condition.getAsBoolean() ? Boolean.TRUE : null);
  }

  /**
   * Polls {@code probe} until it returns a value other than null and returns that value. An
   * AssertionError from the probe ends the wait at once (something went wrong for good); any
   * other exception counts as "not yet" and is named in the failure when the deadline passes.
   */
  public static <T> T value(String what, Duration timeout, Supplier<T> probe) {
    long deadline = System.nanoTime() + timeout.toNanos();
    RuntimeException last = null;
    while (true) {
      try {
        T v = probe.get();
        if (v != null) {
          return v;
        }
        last = null;
      } catch (RuntimeException e) {
        last = e;
      }
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("timed out after " + timeout.toMillis() + "ms waiting for " + what
            + (last != null ? " (last attempt: " + last + ")" : ""), last);
      }
      pause();
    }
  }

  /**
   * Checks that {@code check} keeps passing for the whole {@code period}, polling it; for "this
   * does not happen" assertions (a job that must stay queued).
   */
  public static void holds(Duration period, Runnable check) {
    long end = System.nanoTime() + period.toNanos();
    do {
      check.run();
      pause();
    } while (System.nanoTime() - end < 0);
    check.run();
  }

  private static void pause() {
    try {
      Thread.sleep(POLL.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while waiting", e);
    }
  }
}
