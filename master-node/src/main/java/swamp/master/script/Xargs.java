package swamp.master.script;

import java.util.ArrayList;
import java.util.List;

/**
 * What {@code xargs OPTIONS COMMAND ARGS} runs for a given input, read as GNU xargs reads it: the
 * command lines it would start, in order. The {@link Pipelines} plan each as a job of its own, so
 * that {@code ls *.nc | xargs -n 1 -P 4 ncks -O -v T} is as many commands in the plan, ordered by
 * the files they name, instead of one job that writes files the plan does not know of.
 *
 * <p>Input items are separated by blanks and newlines, with single and double quotes and
 * backslashes as xargs reads them; by a NUL ({@code -0}) or another character ({@code -d}); with
 * {@code -I R} each line is one item, put in place of R in the arguments. {@code -n N} and
 * {@code -L N} bound an invocation's items or lines; {@code -r} runs nothing on no input (else the
 * command runs once, without items). {@code -P} is what the pool does anyway; {@code -a FILE}
 * names the input ({@link #argFile}). What needs a terminal or ends the input early ({@code -p},
 * {@code -o}, {@code -t}, {@code -E}, {@code --process-slot-var}) is refused.
 */
final class Xargs {

  /** GNU xargs's command line buffer here: a longer line of items is split over invocations. */
  static final int MAX_CHARS = 131_072;

  /** The invocations of {@code xargs} with its words {@code args} on {@code input}. */
  static List<List<String>> invocations(List<String> args, String input, int line) {
    Options o = options(args, line);
    List<List<String>> out = new ArrayList<>();
    if (o.replace != null) {
      for (String item : lines(input, o)) {
        List<String> argv = new ArrayList<>();
        for (String a : o.command) {
          argv.add(a.replace(o.replace, item));
        }
        out.add(argv);
      }
      return out;
    }
    List<List<String>> groups = o.maxLines > 0 ? lineGroups(input, o, line) : List.of(items(input, o, line));
    for (List<String> group : groups) {
      List<String> argv = new ArrayList<>(o.command);
      int chars = o.command.stream().mapToInt(a -> a.length() + 1).sum();
      int taken = 0;
      for (String item : group) {
        boolean full = o.maxArgs > 0 && taken == o.maxArgs || taken > 0 && chars + item.length() + 1 > MAX_CHARS;
        if (full && o.maxLines == 0) {
          out.add(argv);
          argv = new ArrayList<>(o.command);
          chars = o.command.stream().mapToInt(a -> a.length() + 1).sum();
          taken = 0;
        }
        argv.add(item);
        chars += item.length() + 1;
        taken++;
      }
      if (taken > 0 || out.isEmpty() && !o.noRunIfEmpty && o.maxLines == 0) {
        out.add(argv);
      }
    }
    if (out.isEmpty() && !o.noRunIfEmpty) {
      out.add(new ArrayList<>(o.command)); // GNU xargs runs the command once on no input
    }
    return out;
  }

  /**
   * What GNU xargs prints on standard error before it starts anything, for options that exclude
   * each other ({@code -n 1 -I {}} after {@code -n}: the -n is ignored).
   */
  static String warnings(List<String> args, int line) {
    return String.join("", options(args, line).warnings);
  }

  /** The file {@code -a FILE} ({@code --arg-file}) names for xargs to read instead of its input; else null. */
  static String argFile(List<String> args, int line) {
    return options(args, line).argFile;
  }

  private static final class Options {
    List<String> command = List.of("echo");
    String argFile;
    String replace;
    int maxArgs;
    int maxLines;
    boolean noRunIfEmpty;
    /** The separator of items, or -1 for blanks and newlines with quotes. */
    int delimiter = -1;
    /** Whether -L (-l, --max-lines) was given, beside the one line per command that -I implies. */
    boolean linesGiven;
    /** What GNU xargs says on standard error of options that exclude each other. */
    final List<String> warnings = new ArrayList<>();

    /** {@code -n N}: after -I, only N = 1 goes with it; else the one given before is dropped. */
    void maxArgs(int n) {
      if (linesGiven) {
        exclusive("--max-lines", "--max-args/-n");
        linesGiven = false;
        maxLines = 0;
      }
      if (replace != null && n == 1) {
        return;
      }
      if (replace != null) {
        exclusive("--replace", "--max-args/-n");
        replace = null;
        maxLines = 0;
      }
      maxArgs = n;
    }

    /** {@code -L N}. */
    void maxLines(int n) {
      if (replace != null) {
        exclusive("--replace", "-L");
        replace = null;
      }
      if (maxArgs != 0) {
        exclusive("--max-args", "-L");
        maxArgs = 0;
      }
      maxLines = n;
      linesGiven = true;
    }

    /** {@code -I R}: one line per command. */
    void replace(String r) {
      if (linesGiven) {
        exclusive("--max-lines", "--replace/-I/-i");
        linesGiven = false;
      }
      if (maxArgs != 0) {
        exclusive("--max-args", "--replace/-I/-i");
        maxArgs = 0;
      }
      replace = r;
      maxLines = 1;
    }

    private void exclusive(String earlier, String later) {
      warnings.add("xargs: warning: options " + earlier + " and " + later + " are mutually exclusive,"
          + " ignoring previous " + earlier + " value\n");
    }
  }

  private static Options options(List<String> args, int line) {
    Options o = new Options();
    int i = 0;
    while (i < args.size()) {
      String a = args.get(i);
      if (a.equals("--")) {
        i++;
        break;
      }
      if (!a.startsWith("-") || a.equals("-")) {
        break;
      }
      if (a.startsWith("--")) {
        int eq = a.indexOf('=');
        String name = eq < 0 ? a.substring(2) : a.substring(2, eq);
        String value = eq < 0 ? null : a.substring(eq + 1);
        boolean needsValue = List.of("max-args", "max-lines", "max-procs", "delimiter", "max-chars", "arg-file")
            .contains(name);
        if (needsValue && value == null) {
          if (i + 1 == args.size()) {
            throw Refusal.at(line, "xargs --" + name + " needs a value");
          }
          value = args.get(++i);
        }
        switch (name) {
          case "null" -> o.delimiter = 0;
          case "no-run-if-empty" -> o.noRunIfEmpty = true;
          case "max-args" -> o.maxArgs(number(name, value, line));
          case "max-lines" -> o.maxLines(number(name, value, line));
          case "max-procs", "max-chars" -> number(name, value, line);
          case "delimiter" -> o.delimiter = delimiter(value, line);
          case "arg-file" -> o.argFile = value;
          case "replace" -> o.replace(value == null ? "{}" : value);
          default -> throw unsupported("--" + name, line);
        }
        i++;
        continue;
      }
      int next = i + 1;
      for (int c = 1; c < a.length(); c++) {
        char ch = a.charAt(c);
        String rest = a.substring(c + 1);
        if ("nLPsdIa".indexOf(ch) >= 0) {
          String value = !rest.isEmpty() ? rest : next < args.size() ? args.get(next++) : null;
          if (value == null) {
            throw Refusal.at(line, "xargs -" + ch + " needs a value");
          }
          switch (ch) {
            case 'n' -> o.maxArgs(number("-n", value, line));
            case 'L' -> o.maxLines(number("-L", value, line));
            case 'd' -> o.delimiter = delimiter(value, line);
            case 'a' -> o.argFile = value;
            case 'I' -> o.replace(value);
            default -> number("-" + ch, value, line); // -P, -s: the pool's and the job's business
          }
          break;
        } else if (ch == 'i' || ch == 'l') { // -i[R], -l[N]: the value only attached
          if (ch == 'i') {
            o.replace(rest.isEmpty() ? "{}" : rest);
          } else {
            o.maxLines(rest.isEmpty() ? 1 : number("-l", rest, line));
          }
          break;
        } else if (ch == '0') {
          o.delimiter = 0;
        } else if (ch == 'r') {
          o.noRunIfEmpty = true;
        } else if (ch != 'x') { // -x: every line fits here
          throw unsupported("-" + ch, line);
        }
      }
      i = next;
    }
    if (i < args.size()) {
      o.command = List.copyOf(args.subList(i, args.size()));
    }
    if (o.replace != null && o.replace.isEmpty()) {
      throw Refusal.at(line, "xargs -I needs a replacement string");
    }
    return o;
  }

  private static RuntimeException unsupported(String option, int line) {
    return Refusal.at(line, "xargs " + option + " is not supported by swamp's planner, which runs each command"
        + " xargs would start as a job of its own; it knows -0, -a, -d, -I, -i, -L, -l, -n, -P, -r, -s and -x");
  }

  private static int number(String option, String value, int line) {
    try {
      int n = Integer.parseInt(value);
      if (n >= 0) {
        return n;
      }
    } catch (NumberFormatException e) {
      // below
    }
    throw Refusal.at(line, "xargs " + option + ": invalid number '" + value + "'");
  }

  private static int delimiter(String value, int line) {
    String d = switch (value) {
      case "\\n" -> "\n";
      case "\\t" -> "\t";
      case "\\0" -> "\0";
      default -> value;
    };
    if (d.length() != 1) {
      throw Refusal.at(line, "xargs -d: the delimiter must be one character, not '" + value + "'");
    }
    return d.charAt(0);
  }

  /** The items of the input: separated by the delimiter, or by blanks with quotes as xargs reads them. */
  private static List<String> items(String input, Options o, int line) {
    if (o.delimiter >= 0) {
      List<String> items = new ArrayList<>(List.of(input.split(String.valueOf((char) o.delimiter), -1)));
      if (!items.isEmpty() && items.get(items.size() - 1).isEmpty()) {
        items.remove(items.size() - 1); // what ends with the delimiter has no empty item after it
      }
      return items;
    }
    List<String> items = new ArrayList<>();
    for (List<String> l : quotedLines(input, line)) {
      items.addAll(l);
    }
    return items;
  }

  /** -L N: groups of N lines' items, a line that ends in a blank going on to the next. */
  private static List<List<String>> lineGroups(String input, Options o, int line) {
    List<List<String>> groups = new ArrayList<>();
    List<String> group = new ArrayList<>();
    int lines = 0;
    if (o.delimiter >= 0) {
      for (String item : items(input, o, line)) {
        group.add(item);
        if (++lines == o.maxLines) {
          groups.add(group);
          group = new ArrayList<>();
          lines = 0;
        }
      }
    } else {
      String[] raw = input.split("\n", -1);
      List<List<String>> parsed = quotedLines(input, line);
      for (int k = 0; k < parsed.size(); k++) {
        if (parsed.get(k).isEmpty()) {
          continue; // a blank line counts for nothing
        }
        group.addAll(parsed.get(k));
        boolean continues = k < raw.length && !raw[k].isEmpty() && Character.isWhitespace(raw[k].charAt(raw[k].length() - 1));
        if (!continues && ++lines == o.maxLines) {
          groups.add(group);
          group = new ArrayList<>();
          lines = 0;
        }
      }
    }
    if (!group.isEmpty()) {
      groups.add(group);
    }
    return groups;
  }

  /** -I: each line is an item, its leading blanks dropped; blank lines count for nothing. */
  private static List<String> lines(String input, Options o) {
    List<String> out = new ArrayList<>();
    String separator = o.delimiter >= 0 ? String.valueOf((char) o.delimiter) : "\n";
    for (String l : input.split(java.util.regex.Pattern.quote(separator), -1)) {
      String item = o.delimiter >= 0 ? l : l.stripLeading();
      if (!item.isEmpty()) {
        out.add(item);
      }
    }
    return out;
  }

  /** Each input line's items, read with xargs's quotes: '...', "..." and backslash. */
  private static List<List<String>> quotedLines(String input, int line) {
    List<List<String>> lines = new ArrayList<>();
    List<String> items = new ArrayList<>();
    StringBuilder item = null;
    char quote = 0;
    for (int k = 0; k < input.length(); k++) {
      char ch = input.charAt(k);
      if (quote != 0) {
        if (ch == quote) {
          quote = 0;
        } else if (ch == '\n') {
          throw Refusal.at(line, "xargs: unmatched " + (quote == '\'' ? "single" : "double") + " quote in its input;"
              + " by default quotes are special to xargs unless you use the -0 option");
        } else {
          item.append(ch);
        }
      } else if (ch == '\'' || ch == '"') {
        quote = ch;
        item = item == null ? new StringBuilder() : item;
      } else if (ch == '\\' && k + 1 < input.length()) {
        item = item == null ? new StringBuilder() : item;
        item.append(input.charAt(++k));
      } else if (ch == ' ' || ch == '\t' || ch == '\n') {
        if (item != null) {
          items.add(item.toString());
          item = null;
        }
        if (ch == '\n') {
          lines.add(items);
          items = new ArrayList<>();
        }
      } else {
        item = item == null ? new StringBuilder() : item;
        item.append(ch);
      }
    }
    if (quote != 0) {
      throw Refusal.at(line, "xargs: unmatched " + (quote == '\'' ? "single" : "double") + " quote in its input;"
          + " by default quotes are special to xargs unless you use the -0 option");
    }
    if (item != null) {
      items.add(item.toString());
    }
    if (!items.isEmpty()) {
      lines.add(items);
    }
    return lines;
  }
}
