package swamp.client;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A client command's flags and parameters, declared once: parsed from the command line and
 * printed as its usage, so that {@code --help} cannot fall behind what the command takes. (A
 * parser library costs these commands more time at start than all the rest they do.)
 */
final class Args {

  /** What an option takes: nothing, one value, a value each time (repeatable), or NAME=VALUE. */
  enum Kind { FLAG, VALUE, LIST, MAP }

  record Option(String name, String label, Kind kind, String description) {}

  /** Positional parameters: {@code min} to {@code max} of them (max -1: any number). */
  record Params(String label, int min, int max, String description) {}

  /** A command line that is not what the command takes; the message says what is wrong. */
  static final class UsageException extends Exception {
    UsageException(String message) {
      super(message);
    }
  }

  static final Option HELP = new Option("--help", null, Kind.FLAG, "Show this help message and exit.");

  private final String name;
  private final String description;
  private final List<Option> options = new ArrayList<>();
  private Params params;

  Args(String name, String description) {
    this.name = name;
    this.description = description;
  }

  String name() {
    return name;
  }

  Args flag(String option, String text) {
    options.add(new Option(option, null, Kind.FLAG, text));
    return this;
  }

  Args value(String option, String label, String text) {
    options.add(new Option(option, label, Kind.VALUE, text));
    return this;
  }

  Args list(String option, String label, String text) {
    options.add(new Option(option, label, Kind.LIST, text));
    return this;
  }

  Args map(String option, String label, String text) {
    options.add(new Option(option, label, Kind.MAP, text));
    return this;
  }

  Args params(String label, int min, int max, String text) {
    params = new Params(label, min, max, text);
    return this;
  }

  /** What a command line gave: options by name, and the parameters in order. */
  static final class Parsed {
    private final Map<String, List<String>> values = new HashMap<>();
    private final List<String> params = new ArrayList<>();

    boolean flag(String option) {
      return values.containsKey(option);
    }

    /** The option's value, the last one given; null when it was not given. */
    String value(String option) {
      List<String> v = values.get(option);
      return v == null ? null : v.get(v.size() - 1);
    }

    List<String> list(String option) {
      return values.getOrDefault(option, List.of());
    }

    /** An int option; null when not given. */
    Integer intValue(String option) throws UsageException {
      String v = value(option);
      if (v == null) {
        return null;
      }
      try {
        return Integer.parseInt(v);
      } catch (NumberFormatException e) {
        throw new UsageException("Invalid value for option '" + option + "': '" + v + "' is not an int");
      }
    }

    /** A NAME=VALUE option, in the order given. */
    Map<String, String> map(String option) {
      Map<String, String> m = new LinkedHashMap<>();
      for (String v : list(option)) {
        int eq = v.indexOf('=');
        m.put(v.substring(0, eq), v.substring(eq + 1));
      }
      return m;
    }

    List<String> params() {
      return params;
    }

    /** Parameter {@code i}, or null. */
    String param(int i) {
      return i < params.size() ? params.get(i) : null;
    }
  }

  /** Parses {@code argv} (after the command's name): {@code --x v}, {@code --x=v}, {@code --}. */
  Parsed parse(List<String> argv) throws UsageException {
    Parsed p = new Parsed();
    boolean onlyParams = false;
    for (int i = 0; i < argv.size(); i++) {
      String a = argv.get(i);
      if (onlyParams || !a.startsWith("-") || a.equals("-")) {
        p.params.add(a);
        continue;
      }
      if (a.equals("--")) {
        onlyParams = true;
        continue;
      }
      if (a.equals("-h")) {
        a = HELP.name();
      }
      int eq = a.indexOf('=');
      String optionName = eq > 0 ? a.substring(0, eq) : a;
      Option o = option(optionName);
      if (o == null) {
        throw new UsageException("Unknown option: '" + a + "'");
      }
      List<String> vs = p.values.computeIfAbsent(o.name(), k -> new ArrayList<>());
      if (o.kind() == Kind.FLAG) {
        if (eq > 0) {
          throw new UsageException("option '" + o.name() + "' takes no value: '" + a + "'");
        }
        vs.add("true");
        continue;
      }
      String v;
      if (eq > 0) {
        v = a.substring(eq + 1);
      } else if (i + 1 < argv.size()) {
        v = argv.get(++i);
      } else {
        throw new UsageException("Missing required parameter for option '" + o.name() + "' ("
            + o.label() + ")");
      }
      if (o.kind() == Kind.MAP && v.indexOf('=') <= 0) {
        throw new UsageException("Value for option '" + o.name() + "' should be in NAME=VALUE"
            + " format but was " + v);
      }
      vs.add(v);
    }
    if (p.flag(HELP.name())) {
      return p;
    }
    int n = p.params.size();
    if (params == null ? n > 0 : params.max() >= 0 && n > params.max()) {
      throw new UsageException("Unmatched argument: '" + p.params.get(params == null ? 0 : params.max())
          + "'");
    }
    if (params != null && n < params.min()) {
      throw new UsageException("Missing required parameter: '" + params.label() + "'");
    }
    return p;
  }

  private Option option(String optionName) {
    if (optionName.equals(HELP.name())) {
      return HELP;
    }
    for (Option o : options) {
      if (o.name().equals(optionName)) {
        return o;
      }
    }
    return null;
  }

  /** The usage: a synopsis under {@code prefix} (e.g. "swamp"), the description, each item. */
  String usage(String prefix) {
    StringBuilder b = new StringBuilder("Usage: ").append(prefix).append(' ').append(name)
        .append(" [-h]");
    for (Option o : options) {
      b.append(" [").append(o.name()).append(o.label() == null ? "" : "=" + o.label()).append(']')
          .append(o.kind() == Kind.LIST || o.kind() == Kind.MAP ? "..." : "");
    }
    if (params != null) {
      String p = params.label() + (params.max() < 0 ? "..." : "");
      b.append(' ').append(params.min() == 0 ? "[" + p + "]" : p);
    }
    b.append('\n').append(description).append('\n');
    List<String[]> rows = new ArrayList<>();
    if (params != null) {
      rows.add(new String[] {"      " + params.label() + (params.max() < 0 ? "..." : ""),
          params.description()});
    }
    for (Option o : options) {
      rows.add(new String[] {"      " + o.name() + (o.label() == null ? "" : "=" + o.label()),
          o.description()});
    }
    rows.add(new String[] {"  -h, " + HELP.name(), HELP.description()});
    int width = 0;
    for (String[] r : rows) {
      width = Math.max(width, r[0].length());
    }
    for (String[] r : rows) {
      b.append(r[0]);
      if (!r[1].isEmpty()) {
        b.append(" ".repeat(width - r[0].length() + 3)).append(r[1]);
      }
      b.append('\n');
    }
    return b.toString();
  }
}
