package swamp.node;

import java.time.Duration;

/** A duration as a person writes it in a message: 750ms, 1.5s, 90s, 5m, 1h30m. */
public final class HumanDuration {
  private HumanDuration() {}

  /** As given: under a second in milliseconds, else in hours, minutes and (decimal) seconds. */
  public static String of(Duration d) {
    if (d.toMillis() < 1000) {
      return d.toMillis() + "ms";
    }
    return d.toString().substring(2).toLowerCase();
  }

  /** A measured duration, to the second ("idle for 1m1s", not 1m0.987s). */
  public static String rounded(Duration d) {
    return d.toMillis() < 1000 ? of(d) : of(Duration.ofSeconds(Math.round(d.toMillis() / 1000.0)));
  }
}
