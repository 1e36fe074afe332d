package swamp.client;

import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as swamp's API and command line write them. */
public final class Durations {
  private Durations() {}

  /**
   * A bare number, written any way JSON or Typesafe Config would read one ({@code 30}, {@code
   * 1.5}, {@code .5}, {@code 1e3}, {@code +5}): seconds. Typesafe Config reads a number without a
   * unit as milliseconds, so none may reach it.
   */
  private static final Pattern SECONDS =
      Pattern.compile("[+-]?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][+-]?[0-9]+)?");

  /** The forms clients send on every long poll, read without building a Config. */
  private static final Pattern SIMPLE = Pattern.compile("([0-9]{1,9})(ms|s|m|h)");

  /** A duration as the user wrote it, with its unit: a bare number is seconds ({@code 5} is 5s). */
  public static String shown(String text) {
    String t = text.strip();
    return SECONDS.matcher(t).matches() ? t + "s" : t;
  }

  /**
   * Parses a duration: a Typesafe Config one ({@code 500ms}, {@code 5s}, {@code 30m}), or a bare
   * number of seconds ({@code 30}), as everywhere in swamp's API and command line.
   *
   * @throws IllegalArgumentException naming the text when it is not a duration, or a negative one
   */
  public static Duration parse(String text) {
    String t = text.strip();
    if (SECONDS.matcher(t).matches()) { // a bare number is seconds, as in JSON
      BigDecimal seconds;
      try {
        seconds = new BigDecimal(t);
      } catch (NumberFormatException e) { // an exponent beyond an int
        throw new IllegalArgumentException("'" + text + "' is not a number of seconds swamp can read");
      }
      if (seconds.signum() < 0) {
        throw negative(text);
      }
      return ofSeconds(seconds);
    }
    Matcher simple = SIMPLE.matcher(t);
    if (simple.matches()) {
      long n = Long.parseLong(simple.group(1));
      return switch (simple.group(2)) {
        case "ms" -> Duration.ofMillis(n);
        case "s" -> Duration.ofSeconds(n);
        case "m" -> Duration.ofMinutes(n);
        default -> Duration.ofHours(n);
      };
    }
    Duration d;
    try {
      d = ConfigFactory.parseMap(Map.of("d", text)).getDuration("d");
    } catch (ConfigException e) {
      throw new IllegalArgumentException("'" + text + "' is not a duration such as 500ms, 90s or 2h");
    }
    if (d.isNegative()) { // '-1s': no wait or timeout is shorter than none
      throw negative(text);
    }
    return d;
  }

  private static IllegalArgumentException negative(String text) {
    return new IllegalArgumentException("'" + text + "' is negative; a duration is 0 or more, such"
        + " as 500ms, 90s or 2h");
  }

  /**
   * {@code seconds} as a duration, exactly ({@code 0.1} is 100ms), up to the longest a Duration
   * of nanoseconds holds; a positive number shorter than a nanosecond is one, never the nothing
   * it would round to, which a timeout reads as none.
   */
  public static Duration ofSeconds(BigDecimal seconds) {
    if (seconds.compareTo(MAX_SECONDS) > 0) {
      return Duration.ofNanos(Long.MAX_VALUE);
    }
    return Duration.ofNanos(seconds.movePointRight(9).setScale(0, RoundingMode.CEILING).longValueExact());
  }

  private static final BigDecimal MAX_SECONDS = BigDecimal.valueOf(Long.MAX_VALUE).movePointLeft(9);
}
