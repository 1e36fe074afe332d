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

  @Test
  void aTextThatIsNotADurationIsNamedInTheError() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Durations.parse("5 parsecs"));
    assertTrue(e.getMessage().contains("'5 parsecs' is not a duration"), e.getMessage());
  }
}
