package swamp.client;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Calls to a master that may stop answering for a while and keeps in its journal what it was
 * given (killed and started again, or a standby taking over): a call is made again while the
 * master does not answer (connection refused or cut, 502-504), with pauses from a quarter of a
 * second up to 5 s, for up to a limit; said once when the master goes and once when it answers
 * again. What the master answers, an error included, is returned or thrown at once. {@code
 * bin/swamp run} follows its run so, and {@code submit --wait} its job.
 */
public final class MasterOutage {

  /** A call to the master. */
  public interface Call {
    Json call() throws MasterClient.ApiException;
  }

  private final Duration limit;
  private final String shownLimit;
  private final String kept;
  private final String goesOn;
  private final BooleanSupplier stopping;
  private final Consumer<String> note;
  /** System.nanoTime() after which no call is tried again, where the caller has a deadline. */
  private long deadline;
  private boolean hasDeadline;
  /** The flag that sets the limit, as the note names it, or "". */
  private String flag = "";

  /**
   * @param limit how long to wait for a master that stops answering; zero: not at all
   * @param shownLimit the limit as the notes write it ("5m")
   * @param kept what the master keeps meanwhile, as the note names it ("the run's jobs")
   * @param goesOn what the note that the master answers again adds ("; the run goes on")
   * @param stopping whether the caller is stopping, when no call is tried again
   * @param note where the notes go
   */
  public MasterOutage(Duration limit, String shownLimit, String kept, String goesOn,
      BooleanSupplier stopping, Consumer<String> note) {
    this.limit = limit;
    this.shownLimit = shownLimit;
    this.kept = kept;
    this.goesOn = goesOn;
    this.stopping = stopping;
    this.note = note;
  }

  /** The flag that sets the limit, named in the note that the master does not answer. */
  public MasterOutage setBy(String flagName) {
    flag = " (" + flagName + ")";
    return this;
  }

  /** No call is tried again after {@code nanoTime} ({@link System#nanoTime()}). */
  public MasterOutage until(long nanoTime) {
    deadline = nanoTime;
    hasDeadline = true;
    return this;
  }

  /**
   * Whether {@code e} says the master does not answer now (no answer, or 502-504: a standby
   * during a takeover, a proxy without its master), rather than refusing what was asked, or
   * being asked at an address that is no master's API ({@link MasterClient.WrongAddress}).
   */
  public static boolean away(MasterClient.ApiException e) {
    if (e instanceof MasterClient.WrongAddress) { // a cluster port, https-only: no wait mends it
      return false;
    }
    return e.status() == 0 || e.status() == 502 || e.status() == 503 || e.status() == 504;
  }

  /**
   * {@code call}, again while the master does not answer; past the limit the last failure is
   * thrown, saying how long it was waited for and then {@code gaveUp}.
   */
  public Json call(Call call, String gaveUp) throws MasterClient.ApiException {
    long since = 0;
    long pause = 250;
    while (true) {
      try {
        Json answer = call.call();
        if (since != 0) {
          note.accept(String.format("swamp: the master answers again after %.1f s%s",
              (System.nanoTime() - since) / 1e9, goesOn));
        }
        return answer;
      } catch (MasterClient.ApiException e) {
        boolean away = away(e);
        long now = System.nanoTime();
        if (!away || stopping.getAsBoolean() || limit.isZero() || (hasDeadline && deadline - now <= 0)) {
          throw e;
        }
        if (since == 0) {
          since = now;
          note.accept("swamp: the master does not answer (" + e.getMessage() + "); it keeps " + kept
              + " in its journal; waiting up to " + shownLimit + " for it to answer again" + flag);
        } else if (now - since > limit.toNanos()) {
          throw new MasterClient.ApiException(e.status(), e.getMessage() + "; waited " + shownLimit
              + " for the master to answer again" + gaveUp);
        }
        try {
          Thread.sleep(pause); // a client's pause between tries
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          throw e;
        }
        pause = Math.min(pause * 2, 5_000);
      }
    }
  }
}
