package swamp.master.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** Item 11: a timeout means what a user would take it to mean, or is refused saying why. */
class TimeoutsTest {

  static long timeoutOf(String json) throws Exception {
    return JobRequests.parse(new ObjectMapper().readTree(
        "{\"argv\": [\"true\"], \"timeout\": " + json + "}"), 10).get(0).timeoutMs();
  }

  static String refusal(String json) {
    return assertThrows(ApiReplies.BadRequest.class, () -> timeoutOf(json)).getMessage();
  }

  @Test
  void aBareNumberIsSecondsAsTextAsInJson() throws Exception {
    assertEquals(30_000, timeoutOf("30"));
    assertEquals(30_000, timeoutOf("\"30\""));
    assertEquals(1_500, timeoutOf("\"1.5\""));
    assertEquals(90_000, timeoutOf("\"90s\""));
    assertEquals(0, timeoutOf("0"));
    assertEquals(JobRequests.MAX_TIMEOUT.toMillis(), timeoutOf("\"30d\""));
  }

  @Test
  void tooLongAndTooShortAreRefusedNamingTheLimit() {
    assertTrue(refusal("\"999999d\"").contains("maximum, 30d"), refusal("\"999999d\""));
    assertTrue(refusal("1e12").contains("maximum, 30d"), refusal("1e12"));
    assertTrue(refusal("\"1ns\"").contains("shorter than 1ms"), refusal("\"1ns\""));
    assertTrue(refusal("0.0001").contains("shorter than 1ms"), refusal("0.0001"));
    assertTrue(refusal("\"soon\"").contains("not a duration"), refusal("\"soon\""));
  }
}
