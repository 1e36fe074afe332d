package swamp.client;

import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.Map;

/** Durations as swamp's API and command line write them. */
public final class Durations {
  private Durations() {}

  /**
   * Parses a duration: a Typesafe Config one ({@code 500ms}, {@code 5s}, {@code 30m}), or a bare
   * number of seconds ({@code 30}), as everywhere in swamp's API and command line.
   *
   * @throws IllegalArgumentException naming the text when it is not a duration
   */
  public static Duration parse(String text) {
    if (text.strip().matches("[0-9]+(\\.[0-9]+)?")) { // a bare number is seconds, as in JSON
      return Duration.ofNanos((long) Math.min(Long.MAX_VALUE, Double.parseDouble(text) * 1e9));
    }
    try {
      return ConfigFactory.parseMap(Map.of("d", text)).getDuration("d");
    } catch (ConfigException e) {
      throw new IllegalArgumentException("'" + text + "' is not a duration such as 500ms, 90s or 2h");
    }
  }
}
