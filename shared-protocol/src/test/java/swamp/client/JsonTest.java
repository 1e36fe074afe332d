package swamp.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The client reads and prints the master's JSON as Jackson, which made it, does. */
class JsonTest {

  static final ObjectMapper JACKSON = new ObjectMapper();

  static final List<String> DOCUMENTS = List.of(
      "[]", "{}", "[ ]", "null", "true", "0", "-7", "\"plain\"",
      "{\"id\":\"j1\",\"state\":\"SUCCEEDED\",\"exitCode\":0,\"stdout\":\"hi\\n\",\"reason\":null,"
          + "\"argv\":[\"echo\",\"hi\"],\"requires\":[],\"env\":{},\"pipeline\":[{\"argv\":[\"wc\"]}]}",
      "[{\"a\":{\"b\":[1,[2,[]],{\"c\":{}}]}},{\"d\":[{\"e\":1},{\"f\":2}]}]",
      "{\"esc\":\"quote \\\" backslash \\\\ tab \\t cr \\r nl \\n bs \\b ff \\f nul \\u0000 us \\u001f"
          + " del \\u007f slash \\/ e \\u00e9 emoji \\ud83d\\ude00\"}",
      "{\"big\":12345678901,\"huge\":123456789012345678901234567890,\"neg\":-2147483648,"
          + "\"d\":1.5,\"e\":1e5,\"f\":-0.25,\"g\":3.0E-10,\"t\":true,\"n\":null}",
      "  {\n \"spaced\" :\t[ 1 , 2 ]\r\n}  ");

  @Test
  void printsWhatJacksonPrints() throws Exception {
    for (String doc : DOCUMENTS) {
      JsonNode jackson = JACKSON.readTree(doc);
      Json ours = Json.parse(doc);
      assertEquals(jackson.toString(), ours.toString(), "compact: " + doc);
      assertEquals(JACKSON.writerWithDefaultPrettyPrinter().writeValueAsString(jackson), ours.pretty(),
          "pretty: " + doc);
    }
  }

  @Test
  void readsAsJsonNodeReads() throws Exception {
    String doc = DOCUMENTS.get(8);
    JsonNode j = JACKSON.readTree(doc);
    Json o = Json.parse(doc);
    for (String f : List.of("id", "state", "exitCode", "stdout", "reason", "argv", "requires", "env",
        "pipeline", "missing")) {
      assertEquals(j.path(f).asText(), o.path(f).asText(), f);
      assertEquals(j.path(f).asText("-"), o.path(f).asText("-"), f);
      assertEquals(j.path(f).asInt(), o.path(f).asInt(), f);
      assertEquals(j.path(f).asBoolean(), o.path(f).asBoolean(), f);
      assertEquals(j.path(f).isInt(), o.path(f).isInt(), f);
      assertEquals(j.path(f).isNull(), o.path(f).isNull(), f);
      assertEquals(j.path(f).isMissingNode(), o.path(f).isMissingNode(), f);
      assertEquals(j.path(f).isTextual(), o.path(f).isTextual(), f);
      assertEquals(j.path(f).isEmpty(), o.path(f).isEmpty(), f);
      assertEquals(j.hasNonNull(f), o.hasNonNull(f), f);
    }
    List<String> argv = new ArrayList<>();
    o.path("argv").forEach(a -> argv.add(a.asText()));
    assertEquals(List.of("echo", "hi"), argv);
    assertEquals("hi", o.path("argv").get(1).asText());
    assertNull(o.path("argv").get(2));
    Json numbers = Json.parse(DOCUMENTS.get(11));
    assertFalse(numbers.path("big").isInt(), "12345678901 does not fit an int");
    assertTrue(numbers.path("neg").isInt());
  }

  /** A record as a request body (a script's redirections) goes out as Jackson writes it. */
  record Redirect(String stdout, boolean append, Integer fd) {}

  @Test
  void writesRequestsAsJacksonWrites() throws Exception {
    Map<String, Object> job = new LinkedHashMap<>();
    job.put("argv", List.of("echo", "tab\there \"quoted\" \u0001"));
    job.put("slots", 2);
    job.put("env", Map.of("A", "1"));
    job.put("redirects", new Redirect("out.txt", true, null));
    job.put("none", null);
    job.put("ratio", 0.5);
    assertEquals(JACKSON.writeValueAsString(job), Json.write(job));
    assertEquals(JACKSON.readTree(Json.write(job)), JACKSON.valueToTree(job));
  }

  @Test
  void notJsonIsAnErrorThatSaysWhere() {
    for (String bad : List.of("", "{", "[1,", "{\"a\" 1}", "\"open", "tru", "[1] 2", "{\"a\":\"\\x\"}")) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Json.parse(bad),
          bad);
      assertTrue(e.getMessage().startsWith("not JSON at character "), e.getMessage());
    }
  }
}
