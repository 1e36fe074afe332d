package swamp.master.script;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import swamp.protocol.ShellText;

/**
 * What {@code parallel COMMAND ::: ARGS} (GNU parallel) runs: the text of each command it would
 * give a shell, in order. The {@link Parallels} plan each as a shell of its own runs it, so that
 * {@code parallel -j 8 ncks -O -v T {} T_{} ::: *.nc} is as many commands in the plan, ordered by
 * the files they name.
 *
 * <p>Its arguments come from {@code ::: WORDS} and {@code :::: FILE} sources (more than one: every
 * combination, the first source varying slowest) or, without one, from its input's lines. They
 * take the place of {@code {}} (all of a combination's), {@code {.}} (without its extension),
 * {@code {/}} (its file name), {@code {//}} (its directory), {@code {/.}}, {@code {N}} and its
 * forms for the Nth source, and {@code {#}} (the command's number), quoted for the shell; a
 * command without any gets them at its end; without a command each input line is one. The
 * command's words are joined with spaces for the shell, as GNU parallel does ({@code -q} quotes
 * each instead). {@code -j}, {@code -k} and the progress options are what the pool and the run
 * do anyway; what needs a terminal, a file of its own or a count of jobs ({@code --pipe}, {@code
 * --halt}, {@code --results}, {@code -N}, ...) is refused by name.
 */
final class GnuParallel {

  /** Where the arguments come from: {@code :::} words, or the lines of a {@code ::::} file. */
  record Source(List<String> words, String file) {}

  /** The command's words, its sources (none: its input's lines), and {@code -q}. */
  record Call(List<String> command, List<Source> sources, boolean quote) {}

  private static final Pattern REPLACEMENT = Pattern.compile("\\{(#|%|(\\d*)(/\\.|//|/|\\.)?)\\}");

  private static final List<String> IGNORED = List.of("-k", "--keep-order", "--will-cite", "--no-notice", "--bar",
      "--progress", "--eta", "-u", "--ungroup", "--group", "--line-buffer", "--lb");

  private GnuParallel() {}

  /** Reads {@code parallel}'s words (after the program's name). */
  static Call call(List<String> args, int line) {
    boolean quote = false;
    int i = 0;
    while (i < args.size() && args.get(i).startsWith("-") && !args.get(i).equals("-")) {
      String a = args.get(i);
      if (IGNORED.contains(a)) {
        i++;
      } else if (a.equals("-q") || a.equals("--quote")) {
        quote = true;
        i++;
      } else if (a.matches("-j|--jobs|-P|--max-procs") && i + 1 < args.size()) {
        i += 2;
      } else if (a.matches("-j.+|--jobs=.+|-P[0-9]+|--max-procs=.+")) {
        i++;
      } else {
        throw Refusal.at(line, "parallel " + a + " is not supported by swamp's planner, which runs each command"
            + " parallel would start as a job of its own; it knows ::: and ::::, -q, -j, -k and the progress options");
      }
    }
    for (String a : args) {
      if (a.equals(":::+") || a.equals("::::+")) {
        throw Refusal.at(line, "parallel " + a + " (linked sources) is not supported by swamp's planner: give each"
            + " combination on a line of its own (:::: FILE)");
      }
    }
    List<String> command = new ArrayList<>();
    while (i < args.size() && !args.get(i).equals(":::") && !args.get(i).equals("::::")) {
      command.add(args.get(i++));
    }
    List<Source> sources = new ArrayList<>();
    while (i < args.size()) {
      boolean files = args.get(i).equals("::::");
      List<String> words = new ArrayList<>();
      for (i++; i < args.size() && !args.get(i).equals(":::") && !args.get(i).equals("::::"); i++) {
        words.add(args.get(i));
      }
      if (words.isEmpty() && files) {
        throw Refusal.at(line, "parallel :::: without a file");
      }
      if (files) {
        words.forEach(f -> sources.add(new Source(List.of(), f)));
      } else {
        sources.add(new Source(words, null));
      }
    }
    return new Call(List.copyOf(command), List.copyOf(sources), quote);
  }

  /** The lines of an input, as parallel reads them: one argument each, the last newline ending none. */
  static List<String> lines(String text) {
    List<String> out = new ArrayList<>(List.of(text.split("\n", -1)));
    if (!out.isEmpty() && out.get(out.size() - 1).isEmpty()) {
      out.remove(out.size() - 1);
    }
    return out;
  }

  /**
   * The shell text of each command of {@code call}, for the arguments of its sources ({@code
   * values}, one list a source, in order): every combination, the first source varying slowest.
   */
  static List<String> texts(Call call, List<List<String>> values, int line) {
    List<List<String>> combinations = new ArrayList<>();
    combinations.add(List.of());
    for (List<String> source : values) {
      List<List<String>> next = new ArrayList<>();
      for (List<String> before : combinations) {
        for (String v : source) {
          List<String> c = new ArrayList<>(before);
          c.add(v);
          next.add(c);
        }
      }
      combinations = next;
    }
    List<String> texts = new ArrayList<>();
    int number = 0;
    for (List<String> args : combinations) {
      number++;
      texts.add(call.command().isEmpty() ? String.join(" ", args) : text(call, args, number, line));
    }
    return texts;
  }

  private static String text(Call call, List<String> args, int number, int line) {
    boolean replaced = false;
    List<String> words = new ArrayList<>();
    for (String w : call.command()) {
      Matcher m = REPLACEMENT.matcher(w);
      StringBuilder out = new StringBuilder();
      while (m.find()) {
        replaced = true;
        String value = value(m, args, number, line);
        m.appendReplacement(out, Matcher.quoteReplacement(call.quote() ? value : ShellText.quote(value)));
      }
      m.appendTail(out);
      words.add(call.quote() ? ShellText.quote(out.toString()) : out.toString());
    }
    String text = String.join(" ", words);
    if (!replaced) {
      text += " " + String.join(" ", args.stream().map(ShellText::quote).toList());
    }
    return text;
  }

  private static String value(Matcher m, List<String> args, int number, int line) {
    if (m.group(1).equals("#")) {
      return Integer.toString(number);
    }
    if (m.group(1).equals("%")) {
      throw Refusal.at(line, "parallel's {%} (the job slot) is the pool's, not known while planning");
    }
    String which = m.group(2);
    String arg;
    if (which.isEmpty()) {
      arg = String.join(" ", args);
    } else {
      int n = Integer.parseInt(which);
      if (n < 1 || n > args.size()) {
        throw Refusal.at(line, "parallel's {" + which + "}: there are " + args.size() + " sources");
      }
      arg = args.get(n - 1);
    }
    String form = m.group(3);
    if (form == null) {
      return arg;
    }
    int slash = arg.lastIndexOf('/');
    String name = arg.substring(slash + 1);
    return switch (form) {
      case "/" -> name;
      case "//" -> slash < 0 ? "." : slash == 0 ? "/" : arg.substring(0, slash);
      case "." -> withoutExtension(arg, slash);
      default -> withoutExtension(name, -1); // "/."
    };
  }

  /** {@code path} without the extension of its last part: {@code out/a.nc} is {@code out/a}. */
  private static String withoutExtension(String path, int slash) {
    int dot = path.lastIndexOf('.');
    return dot > slash + 1 ? path.substring(0, dot) : path;
  }
}
