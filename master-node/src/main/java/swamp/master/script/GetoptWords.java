package swamp.master.script;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A command's words read as GNU getopt_long reads them, for {@link ArgvFiles} and {@link
 * NcoFiles}: options anywhere, clustered short flags, a short option's value attached or the next
 * word, a long option's after {@code =} or, where the program takes one, the next word; {@code
 * --} ends the options.
 */
final class GetoptWords {

  private GetoptWords() {}

  /** One option occurrence: its name ("o" or "output") and value (null for a flag). */
  record Opt(String name, String value) {}

  record Parsed(List<String> positionals, List<Opt> options) {
    String last(String... names) {
      String v = null;
      for (Opt o : options) {
        for (String name : names) {
          if (o.name().equals(name) && o.value() != null) {
            v = o.value();
          }
        }
      }
      return v;
    }

    boolean has(String... names) {
      for (Opt o : options) {
        for (String name : names) {
          if (o.name().equals(name)) {
            return true;
          }
        }
      }
      return false;
    }
  }

  /** getopt_long-style parsing: options anywhere, clustered short flags, "--" ends options. */
  static Parsed parse(List<String> args, String shortValues, Set<String> longValues) {
    List<String> positionals = new ArrayList<>();
    List<Opt> options = new ArrayList<>();
    boolean optionsEnded = false;
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      if (optionsEnded || a.length() < 2 || a.charAt(0) != '-') {
        positionals.add(a);
      } else if (a.equals("--")) {
        optionsEnded = true;
      } else if (a.startsWith("--")) {
        int eq = a.indexOf('=');
        if (eq >= 0) {
          options.add(new Opt(a.substring(2, eq), a.substring(eq + 1)));
        } else {
          String name = a.substring(2);
          if (longValues.contains(name) && i + 1 < args.size()) {
            options.add(new Opt(name, args.get(++i)));
          } else {
            options.add(new Opt(name, null));
          }
        }
      } else {
        for (int j = 1; j < a.length(); j++) {
          char c = a.charAt(j);
          if (shortValues.indexOf(c) >= 0) {
            String value = null;
            if (j + 1 < a.length()) {
              value = a.substring(j + 1);
              if (value.startsWith("=")) {
                value = value.substring(1); // -o=FILE, as NCO accepts
              }
            } else if (i + 1 < args.size()) {
              value = args.get(++i);
            }
            options.add(new Opt(String.valueOf(c), value));
            break;
          }
          options.add(new Opt(String.valueOf(c), null));
        }
      }
    }
    return new Parsed(positionals, options);
  }
}
