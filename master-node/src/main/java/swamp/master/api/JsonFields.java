package swamp.master.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Reading the fields of a request's JSON object, each problem added to a list in words, so that
 * a request is refused with all of its mistakes at once: {@link JobRequests}, {@link RunRequests}.
 */
final class JsonFields {
  private JsonFields() {}

  /** Names each field of {@code n} that is not one of {@code known}. */
  static void unknownFields(JsonNode n, String where, List<String> known,
      List<String> problems) {
    for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!known.contains(f)) {
        problems.add(where + "unknown field '" + f + "' (known: " + String.join(", ", known) + ")");
      }
    }
  }

  static String text(JsonNode n, String field, List<String> problems) {
    return text(n, field, field, problems);
  }

  /** The string {@code name} of {@code n}, a problem naming it {@code field} when it is not one. */
  static String text(JsonNode n, String name, String field, List<String> problems) {
    JsonNode v = n.get(name);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isTextual()) {
      problems.add(field + " must be a string");
      return null;
    }
    return v.asText();
  }

  static List<String> strings(JsonNode n, String field, List<String> problems) {
    return strings(n, field, field, problems);
  }

  static List<String> strings(JsonNode n, String name, String field, List<String> problems) {
    JsonNode a = n.get(name);
    List<String> out = new ArrayList<>();
    if (a == null || a.isNull()) {
      return out;
    }
    if (!a.isArray()) {
      problems.add(field + " must be an array of strings");
      return out;
    }
    for (JsonNode s : a) {
      if (!s.isTextual()) {
        problems.add(field + " must be an array of strings, but holds " + s);
        return out;
      }
      out.add(s.asText());
    }
    return out;
  }

  static int integer(JsonNode n, String field, int dflt, List<String> problems) {
    return integer(n, field, field, dflt, problems);
  }

  /** The whole number {@code name} of {@code n}, a problem naming it {@code field} when it is not one. */
  static int integer(JsonNode n, String name, String field, int dflt, List<String> problems) {
    JsonNode v = n.get(name);
    if (v == null || v.isNull()) {
      return dflt;
    }
    if (v.isNumber() && !v.canConvertToInt()) { // 3000000000, 1e400
      problems.add(field + " must be a whole number up to " + Integer.MAX_VALUE + ", not " + v);
      return dflt;
    }
    if (!v.isIntegralNumber()) {
      problems.add(field + " must be a whole number, not " + v);
      return dflt;
    }
    return v.asInt();
  }
}
