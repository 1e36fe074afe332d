package swamp.master.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A request's body as the API reads it: what it refuses says what is wrong, in the caller's words. */
class ApiRepliesTest {

  static String refusal(String body) {
    return assertThrows(ApiReplies.BadRequest.class, () -> JobRequests.parse(
        ApiReplies.readJson(body.getBytes(StandardCharsets.UTF_8), "a job"), 10, List.of()))
        .getMessage();
  }

  @Test
  void aNumberTooLargeForADoubleIsNamedAsWritten() {
    String r = refusal("{\"argv\": [\"true\"], \"slots\": 1e400}");
    assertEquals("slots must be a whole number up to 2147483647, not 1E+400", r);
    assertTrue(refusal("{\"argv\": [\"true\"], \"maxAttempts\": 3000000000}")
        .contains("maxAttempts must be a whole number up to 2147483647, not 3000000000"));
    assertTrue(refusal("{\"argv\": [\"true\"], \"slots\": 2.0}").contains("slots must be a whole number, not 2.0"));
    assertTrue(refusal("{\"argv\": [\"true\"], \"timeout\": 1e400}")
        .contains("timeout 1E+400 is longer than the maximum, 30d"));
  }

  @Test
  void halfASurrogatePairIsRefusedNamingWhere() throws Exception {
    assertEquals("argv[1] holds \\ud800 without the other half of its UTF-16 surrogate pair: it is no"
        + " character (a program would get '?' in its place); send the character itself, or both"
        + " halves of its pair", refusal("{\"argv\": [\"echo\", \"a\\ud800\"]}"));
    assertTrue(refusal("[{\"argv\": [\"echo\"]}, {\"argv\": [\"echo\"], \"env\": {\"X\": \"\\udd1e\"}}]")
        .startsWith("[1].env.X holds \\udd1e without"));
    // a whole pair is one character
    assertEquals("echo \uD834\uDD1E", JobRequests.parse(ApiReplies.readJson(
        "{\"argv\": [\"echo\", \"\\ud834\\udd1e\"]}".getBytes(StandardCharsets.UTF_8), "a job"), 10,
        List.of()).get(0).argv().stream().reduce((a, b) -> a + " " + b).orElseThrow());
  }
}
