package swamp.master.script;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * {@code set -x}: what bash prints on standard error before a simple command runs, {@code PS4}
 * (expanded) and the command's words as it quotes them, each assignment before it on a line of its
 * own ({@code + x='a b'}), and after {@code export} or {@code readonly} the assignments in their
 * words again. It is a job that prints it, planned before the command, so that it comes out in the
 * script's order (the run shows each command's output in that order) and goes where the script's
 * standard error goes then ({@code exec 2> trace.log}), not where the command's own does.
 */
final class Xtrace {

  private final ShellState state;
  private final Expander expander;
  private final Walk walk;

  Xtrace(ShellState state, Expander expander, Walk walk) {
    this.state = state;
    this.expander = expander;
    this.walk = walk;
  }

  /** Whether commands are traced here: under set -x, outside a command substitution. */
  boolean on() {
    return state.xtrace && walk.captured() == null;
  }

  /**
   * Traces a simple command: its {@code assignments} ({@code name=value}, the value quoted as
   * {@link #quoted} does), then {@code argv} (empty for assignments alone).
   */
  void command(List<String> assignments, List<String> argv, int line) {
    StringBuilder text = new StringBuilder();
    for (String a : assignments) {
      text.append(prompt()).append(a).append('\n');
    }
    if (!argv.isEmpty()) {
      text.append(prompt()).append(words(argv)).append('\n');
      if (argv.get(0).equals("export") || argv.get(0).equals("readonly")) { // bash's: each assignment again
        for (String a : argv.subList(1, argv.size())) {
          int eq = a.indexOf('=');
          if (eq > 0 && ShellState.NAME.matcher(a.substring(0, eq)).matches()) {
            text.append(prompt()).append(a, 0, eq + 1).append(quoted(a.substring(eq + 1))).append('\n');
          }
        }
      }
    }
    print(text.toString(), line);
  }

  /** Traces what a compound command shows of itself each time ({@code for m in a b}), as written here. */
  void shown(String text, int line) {
    print(prompt() + text + "\n", line);
  }

  /** Traces the primaries of a {@code [[ ]]} that bash evaluated, each on a line: {@code + [[ -f a.nc ]]}. */
  void conditional(List<String> primaries, int line) {
    print(primaries.stream().map(p -> prompt() + "[[ " + p + " ]]\n").collect(Collectors.joining()), line);
  }

  /** Traces {@code (( expression ))}, its {@code $} expansions done, as bash shows it: {@code ((  i++  ))}. */
  void arith(String expression, int line) {
    print(prompt() + "((" + (expression.isEmpty() ? " 1 " : " " + expression + " ") + "))\n", line);
  }

  /** An operand of {@code [[ ]]} as bash's trace shows it: as it is, {@code ''} where empty. */
  static String operand(String s) {
    return s.isEmpty() ? "''" : s;
  }

  /** Traces the stages of a pipeline, each as a command of its own, in order. */
  void stages(List<List<String>> stages, int line) {
    print(stages.stream().map(s -> prompt() + words(s) + "\n").collect(Collectors.joining()), line);
  }

  private void print(String text, int line) {
    if (!text.isEmpty()) {
      walk.job(List.of(toErrors(text, line)), Map.of(), line);
    }
  }

  /** A job's draft that prints {@code text} on standard error. */
  static HereCommands.Draft toErrors(String text, int line) {
    return toErrors(text, List.of(), line);
  }

  /** A job's draft that prints {@code text} where standard error goes once {@code redirects} are applied. */
  static HereCommands.Draft toErrors(String text, List<Ast.Redirect> redirects, int line) {
    List<Ast.Redirect> all = new java.util.ArrayList<>(redirects);
    all.add(new Ast.Redirect(1, ">&", new Ast.Word("2", line), line));
    return new HereCommands.Draft(List.of("printf", "%s", text), all, line);
  }

  private String prompt() {
    String ps4 = state.scalar("PS4");
    boolean was = state.xtrace;
    state.xtrace = false;
    try {
      return ps4 == null ? "" : expander.expandString(ps4, state.currentLine);
    } finally {
      state.xtrace = was;
    }
  }

  static String words(List<String> argv) {
    return argv.stream().map(Xtrace::quoted).collect(Collectors.joining(" "));
  }

  /** An assignment's value as bash's trace shows it: as {@link #quoted}, nothing where empty ({@code + x=}). */
  static String assignedValue(String v) {
    return v.isEmpty() ? "" : quoted(v);
  }

  /** A word as bash's trace quotes it: in single quotes where it holds a character special to the shell. */
  static String quoted(String w) {
    return w.isEmpty() || Declared.containsMeta(w) ? "'" + w.replace("'", "'\\''") + "'" : w;
  }
}
