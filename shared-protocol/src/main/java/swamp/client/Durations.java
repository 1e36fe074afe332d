package swamp.client;

import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as swamp's API and command line write them. */
public final class Durations {
  private Durations() {}

  private static final Pattern SECONDS = Pattern.compile("[0-9]+(\\.[0-9]+)?");

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
      return Duration.ofNanos((long) Math.min(Long.MAX_VALUE, Double.parseDouble(t) * 1e9));
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
      throw new IllegalArgumentException("'" + text + "' is negative; a duration is 0 or more, such"
          + " as 500ms, 90s or 2h");
    }
    return d;
  }
}
