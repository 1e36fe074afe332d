package swamp.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationsTest {

  @Test
  void readsTheFormsOfTheApiAndTheCommandLine() {
    assertEquals(Duration.ofMillis(500), Durations.parse("500ms"));
    assertEquals(Duration.ofSeconds(90), Durations.parse("90s"));
    assertEquals(Duration.ofMinutes(30), Durations.parse(" 30m "));
    assertEquals(Duration.ofHours(2), Durations.parse("2h"));
    assertEquals(Duration.ofSeconds(30), Durations.parse("30"), "a bare number is seconds");
    assertEquals(Duration.ofMillis(1500), Durations.parse("1.5"));
    // the other forms Typesafe Config knows
    assertEquals(Duration.ofSeconds(10), Durations.parse("10 seconds"));
    assertEquals(Duration.ofDays(1), Durations.parse("1d"));
    assertEquals(Duration.ofMillis(250), Durations.parse("0.25s"));
  }

  /**
   * Every way of writing a bare number is seconds: Typesafe Config, which read those the pattern
   * of plain decimals missed, takes a number without a unit as milliseconds ("1e3" was 1s).
   */
  @Test
  void aBareNumberIsSecondsHoweverItIsWritten() {
    assertEquals(Duration.ofSeconds(1000), Durations.parse("1e3"));
    assertEquals(Duration.ofSeconds(1000), Durations.parse("1E+3"));
    assertEquals(Duration.ofMillis(500), Durations.parse(".5"));
    assertEquals(Duration.ofSeconds(5), Durations.parse("5."));
    assertEquals(Duration.ofSeconds(5), Durations.parse("+5"));
    assertEquals(Duration.ofMillis(100), Durations.parse("0.1"), "not 99.999999ms");
    // more than the nothing it rounded to, which a timeout reads as none
    assertEquals(Duration.ofNanos(1), Durations.parse("0.0000000001"));
    assertEquals(Duration.ofNanos(1), Durations.parse("1e-10"));
    assertEquals(Duration.ZERO, Durations.parse("0e5"));
    assertTrue(Durations.parse("1e400").compareTo(Duration.ofDays(100_000)) > 0, "beyond any limit");
    IllegalArgumentException negative = assertThrows(IllegalArgumentException.class,
        () -> Durations.parse("-1e3"));
    assertTrue(negative.getMessage().contains("is negative"), negative.getMessage());
    assertEquals("1e3s", Durations.shown("1e3"));
  }

  @Test
  void aTextThatIsNotADurationIsNamedInTheError() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Durations.parse("5 parsecs"));
    assertTrue(e.getMessage().contains("'5 parsecs' is not a duration"), e.getMessage());
  }
}
