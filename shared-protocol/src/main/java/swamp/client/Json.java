package swamp.client;

import java.lang.reflect.RecordComponent;
import java.math.BigInteger;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A JSON value as the client reads the master's answers: parsed, navigated with {@link #path}
 * (which never fails: a field that is not there is the missing value), and printed compact or
 * pretty, byte for byte as Jackson's {@code ObjectMapper} and its default pretty printer print it.
 * The API's JSON is made by Jackson in the master; the client parses it with this, because
 * Jackson's databind costs a command that answers at once most of its time at start. {@link
 * JsonParser} reads the text.
 */
public final class Json implements Iterable<Json> {

  enum Kind { OBJECT, ARRAY, STRING, INT, LONG, BIG, DOUBLE, BOOLEAN, NULL, MISSING }

  static final Json NULL = new Json(Kind.NULL, null);
  private static final Json MISSING = new Json(Kind.MISSING, null);
  static final Json TRUE = new Json(Kind.BOOLEAN, Boolean.TRUE);
  static final Json FALSE = new Json(Kind.BOOLEAN, Boolean.FALSE);

  private final Kind kind;
  /** Map for an object, List for an array, String, Integer, Long, BigInteger, Double, Boolean. */
  private final Object value;

  Json(Kind kind, Object value) {
    this.kind = kind;
    this.value = value;
  }

  /** JSON's null. */
  public static Json nullValue() {
    return NULL;
  }

  // ---- reading ----

  /** The field {@code name} of an object; the missing value for anything else. */
  public Json path(String name) {
    if (kind == Kind.OBJECT) {
      Json v = fields().get(name);
      return v != null ? v : MISSING;
    }
    return MISSING;
  }

  /** Element {@code i} of an array, or null when there is none (as Jackson's {@code get}). */
  public Json get(int i) {
    return kind == Kind.ARRAY && i >= 0 && i < elements().size() ? elements().get(i) : null;
  }

  /** True for an object with field {@code name} that is not null. */
  public boolean hasNonNull(String name) {
    Json v = path(name);
    return v.kind != Kind.MISSING && v.kind != Kind.NULL;
  }

  public boolean isNull() {
    return kind == Kind.NULL;
  }

  public boolean isMissingNode() {
    return kind == Kind.MISSING;
  }

  public boolean isTextual() {
    return kind == Kind.STRING;
  }

  /** A whole number that fits an int. */
  public boolean isInt() {
    return kind == Kind.INT;
  }

  /** No elements or fields; a value that is neither object nor array has none. */
  public boolean isEmpty() {
    return size() == 0;
  }

  public int size() {
    return kind == Kind.OBJECT ? fields().size() : kind == Kind.ARRAY ? elements().size() : 0;
  }

  /** A string as it is, a number or boolean as text, null as "null"; "" for the rest. */
  public String asText() {
    return switch (kind) {
      case STRING -> (String) value;
      case INT, LONG, BIG, BOOLEAN -> value.toString();
      case DOUBLE -> Double.toString((Double) value);
      case NULL -> "null";
      default -> "";
    };
  }

  /** {@link #asText()}, or {@code dflt} for null and for the missing value. */
  public String asText(String dflt) {
    return kind == Kind.NULL || kind == Kind.MISSING ? dflt : asText();
  }

  /** A number as an int, a string of one parsed, true as 1; 0 for the rest. */
  public int asInt() {
    return switch (kind) {
      case INT, LONG, BIG, DOUBLE -> ((Number) value).intValue();
      case BOOLEAN -> (Boolean) value ? 1 : 0;
      case STRING -> {
        try {
          yield Integer.parseInt(((String) value).trim());
        } catch (NumberFormatException e) {
          yield 0;
        }
      }
      default -> 0;
    };
  }

  /** A boolean as it is, "true" as true, a number other than 0 as true; false for the rest. */
  public boolean asBoolean() {
    return switch (kind) {
      case BOOLEAN -> (Boolean) value;
      case STRING -> "true".equals(((String) value).trim());
      case INT, LONG, BIG, DOUBLE -> ((Number) value).doubleValue() != 0;
      default -> false;
    };
  }

  /** The elements of an array, the values of an object; nothing for the rest. */
  @Override
  public Iterator<Json> iterator() {
    return kind == Kind.ARRAY ? elements().iterator()
        : kind == Kind.OBJECT ? fields().values().iterator()
        : Collections.emptyIterator();
  }

  @SuppressWarnings("unchecked")
  private Map<String, Json> fields() {
    return (Map<String, Json>) value;
  }

  @SuppressWarnings("unchecked")
  private List<Json> elements() {
    return (List<Json>) value;
  }

  // ---- printing ----

  /** Compact JSON, as Jackson's {@code JsonNode.toString()}. */
  @Override
  public String toString() {
    StringBuilder b = new StringBuilder();
    write(b, -1);
    return b.toString();
  }

  /** Indented JSON, as Jackson's {@code writerWithDefaultPrettyPrinter()} writes it. */
  public String pretty() {
    StringBuilder b = new StringBuilder();
    write(b, 0);
    return b.toString();
  }

  /** Writes this value; {@code level} < 0 compact, else pretty inside that many objects. */
  private void write(StringBuilder b, int level) {
    boolean pretty = level >= 0;
    switch (kind) {
      case OBJECT -> {
        if (fields().isEmpty()) {
          b.append(pretty ? "{ }" : "{}");
          return;
        }
        b.append('{');
        boolean first = true;
        for (Map.Entry<String, Json> f : fields().entrySet()) {
          b.append(first ? "" : ",");
          first = false;
          if (pretty) {
            newline(b, level + 1);
          }
          quote(b, f.getKey());
          b.append(pretty ? " : " : ":");
          f.getValue().write(b, pretty ? level + 1 : -1);
        }
        if (pretty) {
          newline(b, level);
        }
        b.append('}');
      }
      case ARRAY -> {
        if (elements().isEmpty()) {
          b.append(pretty ? "[ ]" : "[]");
          return;
        }
        b.append(pretty ? "[ " : "[");
        boolean first = true;
        for (Json e : elements()) {
          b.append(first ? "" : pretty ? ", " : ",");
          first = false;
          e.write(b, level); // only objects indent, as Jackson's default pretty printer does
        }
        b.append(pretty ? " ]" : "]");
      }
      case STRING -> quote(b, (String) value);
      case MISSING -> { } // Jackson writes nothing for it either
      default -> b.append(asText());
    }
  }

  private static void newline(StringBuilder b, int level) {
    b.append('\n');
    b.append("  ".repeat(level));
  }

  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  /** A JSON string, escaped as Jackson escapes it: short escapes where JSON has them, else \\u. */
  static void quote(StringBuilder b, String s) {
    b.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\t' -> b.append("\\t");
        case '\r' -> b.append("\\r");
        case '\b' -> b.append("\\b");
        case '\f' -> b.append("\\f");
        default -> {
          if (c < 0x20) {
            b.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 0xF]);
          } else {
            b.append(c);
          }
        }
      }
    }
    b.append('"');
  }

  // ---- from Java values ----

  /**
   * Compact JSON of a request body: maps, lists, strings, numbers, booleans, null, records
   * (their components, in order, as Jackson writes a record) and Json values.
   */
  public static String write(Object value) {
    StringBuilder b = new StringBuilder();
    writeValue(b, value);
    return b.toString();
  }

  private static void writeValue(StringBuilder b, Object v) {
    if (v == null) {
      b.append("null");
    } else if (v instanceof Json j) {
      j.write(b, -1);
    } else if (v instanceof CharSequence s) {
      quote(b, s.toString());
    } else if (v instanceof Boolean || v instanceof Integer || v instanceof Long
        || v instanceof Short || v instanceof Byte || v instanceof BigInteger) {
      b.append(v);
    } else if (v instanceof Number n) {
      b.append(Double.toString(n.doubleValue()));
    } else if (v instanceof Map<?, ?> m) {
      b.append('{');
      boolean first = true;
      for (Map.Entry<?, ?> e : m.entrySet()) {
        b.append(first ? "" : ",");
        first = false;
        quote(b, String.valueOf(e.getKey()));
        b.append(':');
        writeValue(b, e.getValue());
      }
      b.append('}');
    } else if (v instanceof Iterable<?> it) {
      b.append('[');
      boolean first = true;
      for (Object e : it) {
        b.append(first ? "" : ",");
        first = false;
        writeValue(b, e);
      }
      b.append(']');
    } else if (v instanceof Enum<?> e) {
      quote(b, e.name());
    } else if (v.getClass().isRecord()) {
      Map<String, Object> fields = new LinkedHashMap<>();
      for (RecordComponent c : v.getClass().getRecordComponents()) {
        try {
          c.getAccessor().setAccessible(true);
          fields.put(c.getName(), c.getAccessor().invoke(v));
        } catch (ReflectiveOperationException e) {
          throw new IllegalArgumentException("cannot read " + c.getName() + " of " + v, e);
        }
      }
      writeValue(b, fields);
    } else {
      throw new IllegalArgumentException("no JSON for a " + v.getClass().getName());
    }
  }

  // ---- parsing ----

  /**
   * Parses one JSON value, the whole text.
   *
   * @throws IllegalArgumentException saying where the text is not JSON
   */
  public static Json parse(String text) {
    return JsonParser.parse(text);
  }
}
