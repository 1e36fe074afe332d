package swamp.client;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import swamp.client.Json.Kind;

/**
 * Reads JSON text into a {@link Json} value, by recursive descent; an error says at which
 * character the text stops being JSON.
 */
final class JsonParser {

  /** One JSON value, the whole text; see {@link Json#parse}. */
  static Json parse(String text) {
    JsonParser p = new JsonParser(text);
    p.space();
    Json v = p.value();
    p.space();
    if (p.i < text.length()) {
      throw p.error("more after the value");
    }
    return v;
  }

  private final String s;
  private int i;

  private JsonParser(String s) {
    this.s = s;
  }

  IllegalArgumentException error(String what) {
    return new IllegalArgumentException("not JSON at character " + i + ": " + what);
  }

  void space() {
    while (i < s.length() && (s.charAt(i) == ' ' || s.charAt(i) == '\n' || s.charAt(i) == '\r'
        || s.charAt(i) == '\t')) {
      i++;
    }
  }

  void expect(char c) {
    if (i >= s.length() || s.charAt(i) != c) {
      throw error("expected '" + c + "'");
    }
    i++;
  }

  Json value() {
    if (i >= s.length()) {
      throw error("the text ends where a value should be");
    }
    char c = s.charAt(i);
    switch (c) {
      case '{' -> {
        i++;
        Map<String, Json> fields = new LinkedHashMap<>();
        space();
        if (i < s.length() && s.charAt(i) == '}') {
          i++;
          return new Json(Kind.OBJECT, fields);
        }
        while (true) {
          space();
          String name = string();
          space();
          expect(':');
          space();
          fields.put(name, value());
          space();
          if (i < s.length() && s.charAt(i) == ',') {
            i++;
            continue;
          }
          expect('}');
          return new Json(Kind.OBJECT, fields);
        }
      }
      case '[' -> {
        i++;
        List<Json> elements = new ArrayList<>();
        space();
        if (i < s.length() && s.charAt(i) == ']') {
          i++;
          return new Json(Kind.ARRAY, elements);
        }
        while (true) {
          space();
          elements.add(value());
          space();
          if (i < s.length() && s.charAt(i) == ',') {
            i++;
            continue;
          }
          expect(']');
          return new Json(Kind.ARRAY, elements);
        }
      }
      case '"' -> {
        return new Json(Kind.STRING, string());
      }
      default -> {
        if (s.startsWith("true", i)) {
          i += 4;
          return Json.TRUE;
        }
        if (s.startsWith("false", i)) {
          i += 5;
          return Json.FALSE;
        }
        if (s.startsWith("null", i)) {
          i += 4;
          return Json.NULL;
        }
        return number();
      }
    }
  }

  String string() {
    expect('"');
    StringBuilder b = new StringBuilder();
    while (true) {
      if (i >= s.length()) {
        throw error("the text ends inside a string");
      }
      char c = s.charAt(i++);
      if (c == '"') {
        return b.toString();
      }
      if (c != '\\') {
        b.append(c);
        continue;
      }
      if (i >= s.length()) {
        throw error("the text ends inside a string");
      }
      char e = s.charAt(i++);
      switch (e) {
        case '"', '\\', '/' -> b.append(e);
        case 'n' -> b.append('\n');
        case 't' -> b.append('\t');
        case 'r' -> b.append('\r');
        case 'b' -> b.append('\b');
        case 'f' -> b.append('\f');
        case 'u' -> {
          if (i + 4 > s.length()) {
            throw error("a \\u escape needs four hex digits");
          }
          try {
            b.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
          } catch (NumberFormatException x) {
            throw error("a \\u escape needs four hex digits");
          }
          i += 4;
        }
        default -> throw error("unknown escape \\" + e);
      }
    }
  }

  Json number() {
    int start = i;
    boolean integral = true;
    if (i < s.length() && s.charAt(i) == '-') {
      i++;
    }
    while (i < s.length()) {
      char c = s.charAt(i);
      if (c >= '0' && c <= '9') {
        i++;
      } else if (c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-') {
        integral = false;
        i++;
      } else {
        break;
      }
    }
    String text = s.substring(start, i);
    if (text.isEmpty() || text.equals("-")) {
      throw error("not a value");
    }
    try {
      if (!integral) {
        return new Json(Kind.DOUBLE, Double.parseDouble(text));
      }
      BigInteger big = new BigInteger(text);
      if (big.bitLength() < 32) {
        return new Json(Kind.INT, big.intValue());
      }
      return big.bitLength() < 64 ? new Json(Kind.LONG, big.longValue()) : new Json(Kind.BIG, big);
    } catch (NumberFormatException e) {
      throw error("'" + text + "' is not a number");
    }
  }
}
