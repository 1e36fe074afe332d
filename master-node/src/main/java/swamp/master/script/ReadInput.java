package swamp.master.script;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;

/**
 * The input that {@code read} takes its lines from while a script is planned: a file that a
 * compound command reads ({@code while read f; do ...; done < list.txt}), or what the commands
 * before it in a pipeline printed ({@code ls *.nc | while read f; ...}). The file is read when
 * the planner reaches the command, so it must exist before the script runs: one that an earlier
 * line writes is refused, as for a command substitution. Jobs inside the loop do not read it
 * (the programs swamp runs take no input from the script).
 *
 * <p>{@code read} splits a line as bash does: by {@code IFS} (its own, {@code IFS=, read a b},
 * or the script's), leading and trailing {@code IFS} white space dropped, the last name taking
 * the rest of the line; without {@code -r} a backslash keeps the next character from splitting
 * and joins a line to the next. It answers 1 at the end of the input, having set its names from
 * a last line without a newline, as bash's does. {@code mapfile} takes the lines left into
 * an array.
 */
final class ReadInput {

  private static final String DEFAULT_IFS = " \t\n";

  private final ShellState state;
  /** The text an input redirection of {@code read} or {@code mapfile} gives ({@link Planner#inputText}). */
  private final java.util.function.Function<Ast.Redirect, String> texts;
  /** The inputs being read, innermost first. */
  private final Deque<Text> inputs = new ArrayDeque<>();

  private static final class Text {
    final String text;
    int pos;

    Text(String text) {
      this.text = text;
    }
  }

  ReadInput(ShellState state, java.util.function.Function<Ast.Redirect, String> texts) {
    this.state = state;
    this.texts = texts;
  }

  /**
   * The text of {@code file} (relative to the script's directory), read while planning for a
   * command of line {@code line} that reads it, or the text an earlier line writes into it when
   * that is known while planning; refused when an earlier line writes it otherwise ({@link
   * Refusal.ReadsPlanned}: a {@link Planning} can wait for those jobs) or it cannot be read.
   */
  static String file(ShellState state, String file, int line) {
    String path = PlannedFiles.resolve(state.cwd, file);
    String known = state.files.text(path); // 'ls *.nc > list.txt' before: known while planning
    if (known != null) {
      return known;
    }
    if (state.files.touched(path)) {
      throw new Refusal.ReadsPlanned(line, "'< " + file + "': an earlier line writes " + file + ", and swamp reads"
          + " it while planning, once the jobs before have run, but not in a subshell or function that may"
          + " exit on a job's status, nor inside a substitution, as here: read a file that exists before"
          + " the script starts, or loop over a glob ('for f in *.nc')");
    }
    try {
      return Files.readString(Path.of(path), StandardCharsets.UTF_8);
    } catch (java.nio.file.NoSuchFileException e) {
      throw Refusal.at(line, "'< " + file + "': no such file");
    } catch (IOException | java.io.UncheckedIOException e) {
      throw Refusal.at(line, "'< " + file + "': cannot be read (" + e.getMessage() + ")");
    }
  }

  /**
   * The text an input redirection gives: a file's (read now, see {@link #file}), a
   * here-document's lines (expanded as in double quotes, where quotes are plain characters,
   * unless its delimiter was quoted), or a here-string's word and a newline.
   */
  static String text(ShellState state, Expander expander, Ast.Redirect r) {
    String text = jobText(state, expander, r);
    if (Marks.holdsStatus(text)) {
      throw Refusal.jobStatus(r.line(), "the text 'read' takes from a here-document or here-string");
    }
    return text;
  }

  /**
   * The text a job reads from a here-document, a here-string or a file: as {@link #text}, where
   * {@code $?} of a job may stand in it, for the run to fill in ({@link Marks#statusMark}).
   */
  static String jobText(ShellState state, Expander expander, Ast.Redirect r) {
    String raw = r.target().raw();
    return switch (r.op()) {
      case "<" -> isProcessOutput(r) ? processOutput(expander, raw, r.line())
          : file(state, expander.expandString(raw, r.line()), r.line());
      case "<<'" -> raw;
      case "<<" -> expander.expandString(asDoubleQuoted(raw), r.line());
      case "<<<" -> expander.expandString(raw, r.line()) + "\n";
      default -> throw new IllegalArgumentException("not an input redirection: " + r.op());
    };
  }

  /** Whether {@code r} is a here-document, a here-string or a process's output: text, not a file. */
  static boolean isText(Ast.Redirect r) {
    return r.op().startsWith("<<") || isProcessOutput(r);
  }

  /** {@code < <(ls *.nc)}: the input is what a command prints, a process substitution. */
  static boolean isProcessOutput(Ast.Redirect r) {
    String raw = r.target().raw();
    return r.op().equals("<") && raw.startsWith("<(") && raw.endsWith(")");
  }

  /**
   * What {@code <(cmd)} gives to read, run while planning as {@code $(cmd)} is (and refused
   * where that would be): all it prints, its last newlines kept (a character printed after it
   * keeps them from the substitution, which drops them, and is taken off again).
   */
  static String processOutput(Expander expander, String raw, int line) {
    String printed = expander.expandString("\"$(" + raw.substring(2, raw.length() - 1)
        + "\nprintf .)\"", line);
    return printed.substring(0, printed.length() - 1);
  }

  /**
   * A here-document's text as the inside of double quotes: its expansions as they are, its
   * quotes (plain characters in a here-document) and a backslash before one escaped.
   */
  private static String asDoubleQuoted(String text) {
    StringBuilder q = new StringBuilder("\"");
    int k = 0;
    while (k < text.length()) {
      char c = text.charAt(k);
      if (c == '\\' && k + 1 < text.length() && "$`\\".indexOf(text.charAt(k + 1)) >= 0) {
        q.append(c).append(text.charAt(k + 1)); // '\$(dirname "\$0")': no expansion starts there
        k += 2;
        continue;
      }
      int next = c == '$' || c == '`' ? Scan.skipQuotedOrExpansion(text, k) : k;
      if (next > k) {
        q.append(text, k, next);
        k = next;
        continue;
      }
      if (c == '\\' && k + 1 < text.length() && text.charAt(k + 1) == '"') {
        q.append("\\\\");
      } else if (c == '"') {
        q.append("\\\"");
      } else {
        q.append(c);
      }
      k++;
    }
    return q.append('"').toString();
  }

  /** Makes {@code text} the input of what runs until the matching {@link #pop}. */
  void push(String text) {
    inputs.push(new Text(text));
  }

  void pop() {
    inputs.pop();
  }

  /**
   * {@code read}, {@code mapfile} or {@code readarray}: from the input in force, or from the one
   * file or text it redirects ({@code read a b <<< "$line"}, {@code mapfile -t f < list.txt}).
   */
  Status run(String name, List<String> args, List<Ast.Redirect> redirects,
      Map<String, String> prefix, int line, Expander expander) {
    if (redirects.isEmpty()) {
      return name.equals("read") ? read(args, prefix, line) : mapfile(args, line);
    }
    if (redirects.size() > 1 || !redirects.get(0).op().startsWith("<")
        || redirects.get(0).op().equals("<&")) {
      throw Refusal.at(line, "'" + name + "' reads its input from one file or text ('< FILE',"
          + " '<<< WORD', a here-document); other redirections of it are not supported");
    }
    push(texts.apply(redirects.get(0)));
    try {
      return name.equals("read") ? read(args, prefix, line) : mapfile(args, line);
    } finally {
      pop();
    }
  }

  /**
   * {@code read [-r] [-s] [-a NAME] [-d DELIM] [-p PROMPT] [NAME...]}; {@code prefix} holds
   * assignments written before it. {@code -d ''} reads up to a NUL ({@code find -print0 | while
   * IFS= read -r -d '' f}); a prompt is not shown, as bash shows none when its input is no
   * terminal.
   */
  private Status read(List<String> args, Map<String, String> prefix, int line) {
    if (inputs.isEmpty()) {
      throw Refusal.at(line, "'read' reads the script's input, which a script has none of while"
          + " swamp plans it; read from a file (while read x; do ...; done < list.txt) or put the"
          + " values in an array (a=(x y z))");
    }
    boolean raw = false;
    String array = null;
    char delimiter = '\n';
    int k = 0;
    for (; k < args.size() && args.get(k).startsWith("-") && args.get(k).length() > 1; k++) {
      String opt = args.get(k);
      if (opt.equals("--")) {
        k++;
        break;
      }
      for (int c = 1; c < opt.length(); c++) {
        switch (opt.charAt(c)) {
          case 'r' -> raw = true;
          case 's' -> { } // no echo: there is no terminal
          case 'a', 'd', 'p' -> {
            char option = opt.charAt(c);
            String rest = opt.substring(c + 1);
            if (rest.isEmpty()) {
              if (++k >= args.size()) {
                throw Refusal.at(line, "read -" + option + " needs "
                    + (option == 'a' ? "the name of an array" : option == 'd' ? "a delimiter" : "a prompt"));
              }
              rest = args.get(k);
            }
            if (option == 'a') {
              array = rest;
            } else if (option == 'd') {
              delimiter = rest.isEmpty() ? '\0' : rest.charAt(0);
            }
            c = opt.length();
          }
          default -> throw Refusal.at(line, "read " + opt + " is not supported; swamp's planner"
              + " reads with -r, -s, -a NAME, -d DELIM and -p PROMPT");
        }
      }
    }
    List<String> names = args.subList(k, args.size());
    for (String name : names) {
      if (!ShellState.NAME.matcher(name).matches()) {
        throw Refusal.at(line, "read: '" + name + "': not a valid identifier");
      }
    }
    ReadLine l = nextLine(inputs.peek(), raw, delimiter);
    String ifs = prefix.containsKey("IFS") ? prefix.get("IFS")
        : state.vars.containsKey("IFS") ? state.scalar("IFS") : DEFAULT_IFS;
    if (ifs == null) {
      ifs = DEFAULT_IFS;
    }
    if (array != null) {
      ShellState.Var v = state.vars.computeIfAbsent(array, x -> new ShellState.Var());
      v.values.clear();
      v.array = true;
      List<String> fields = l.fields(ifs, Integer.MAX_VALUE);
      for (int i = 0; i < fields.size(); i++) {
        v.values.put((long) i, fields.get(i));
      }
    } else if (names.isEmpty()) {
      state.assign("REPLY", l.text().toString(), line);
    } else {
      List<String> fields = l.fields(ifs, names.size());
      for (int i = 0; i < names.size(); i++) {
        state.assign(names.get(i), i < fields.size() ? fields.get(i) : "", line);
      }
    }
    return Status.of(l.ended() ? 0 : 1);
  }

  /**
   * {@code mapfile [-t] [-d DELIM] [-n COUNT] [-s SKIP] [-O ORIGIN] [NAME]} (and {@code
   * readarray}): the lines left of the input (at most COUNT, the first SKIP dropped) into the array
   * NAME ({@code MAPFILE}) from index ORIGIN (without -O the array is emptied first), each with its
   * newline (or DELIM; {@code -d ''}: a NUL) unless {@code -t}. The lines after COUNT are left to
   * be read.
   */
  private Status mapfile(List<String> args, int line) {
    if (inputs.isEmpty()) {
      throw Refusal.at(line, "'mapfile' reads the script's input, which a script has none of"
          + " while swamp plans it; read from a file: mapfile -t NAME < list.txt");
    }
    boolean trim = false;
    char delimiter = '\n';
    long count = 0;
    long skip = 0;
    Long origin = null;
    String name = "MAPFILE";
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      if (a.length() > 2 && a.charAt(0) == '-' && a.charAt(1) == 't') { // -tn1: -t, then the rest
        trim = true;
        a = "-" + a.substring(2);
      }
      if (a.equals("-t")) {
        trim = true;
      } else if (a.matches("-[dnsO].*")) {
        if (a.length() == 2 && i + 1 >= args.size()) {
          throw Refusal.at(line, "mapfile " + a + " needs a value");
        }
        String value = a.length() > 2 ? a.substring(2) : args.get(++i);
        switch (a.charAt(1)) {
          case 'd' -> delimiter = value.isEmpty() ? '\0' : value.charAt(0);
          case 'n' -> count = mapfileNumber(value, "line count", line);
          case 's' -> skip = mapfileNumber(value, "line count", line);
          default -> origin = mapfileNumber(value, "array index", line);
        }
      } else if (a.startsWith("-")) {
        throw Refusal.at(line, "mapfile " + a + " is not supported; swamp's planner reads with -t,"
            + " -d DELIM, -n COUNT, -s SKIP and -O ORIGIN");
      } else {
        name = a;
      }
    }
    if (!ShellState.NAME.matcher(name).matches()) {
      throw Refusal.at(line, "mapfile: '" + name + "': not a valid identifier");
    }
    Text in = inputs.peek();
    ShellState.Var v = state.vars.computeIfAbsent(name, x -> new ShellState.Var());
    if (origin == null) {
      v.values.clear();
    }
    v.array = true;
    long k = origin == null ? 0 : origin;
    for (long taken = 0; in.pos < in.text.length() && (count == 0 || taken < count); ) {
      int eol = in.text.indexOf(delimiter, in.pos);
      int end = eol < 0 ? in.text.length() : eol + 1;
      if (skip > 0) {
        skip--;
      } else {
        v.values.put(k++, in.text.substring(in.pos, trim && eol >= 0 ? eol : end));
        taken++;
      }
      in.pos = end;
    }
    return Status.OK;
  }

  /** A count or index of mapfile's: bash's error for one that is not a number of 0 or more. */
  private static long mapfileNumber(String value, String what, int line) {
    if (!value.matches("[0-9]{1,18}")) {
      throw new Refusal.Failed("mapfile: " + value + ": invalid " + what, line, "mapfile: " + value
          + " is not a " + what);
    }
    return Long.parseLong(value);
  }

  /** The next line of {@code in}: up to {@code delimiter} (a newline, unless {@code read -d}). */
  private static ReadLine nextLine(Text in, boolean raw, char delimiter) {
    StringBuilder text = new StringBuilder();
    List<Boolean> escaped = new ArrayList<>();
    String s = in.text;
    while (in.pos < s.length()) {
      char c = s.charAt(in.pos++);
      if (c == delimiter) {
        return new ReadLine(text, escaped, true);
      }
      if (c == '\\' && !raw) {
        if (in.pos >= s.length()) {
          break;
        }
        char next = s.charAt(in.pos++);
        if (next != '\n') { // a backslash and a newline join two lines
          text.append(next);
          escaped.add(true);
        }
        continue;
      }
      text.append(c);
      escaped.add(false);
    }
    return new ReadLine(text, escaped, false);
  }
}
