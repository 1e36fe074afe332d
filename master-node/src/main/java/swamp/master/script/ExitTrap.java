package swamp.master.script;

import java.util.List;
import java.util.Locale;
import swamp.master.script.Ast.Node;

/**
 * {@code trap ACTION SIGNAL...}: an EXIT action is kept, to be planned when the script ends (its
 * commands after all others, as the files they touch order them, with the variables' values
 * then, as bash evaluates it). One for a signal that stops the script (INT, TERM, HUP...) is left
 * alone, since a stopped run is cancelled by swamp and runs nothing more. An ERR action is kept
 * too: under {@code set -e} it runs where a command that fails stops the script, before the EXIT
 * action, with that command's line as {@code $LINENO} and its status as {@code $?} ({@link
 * StopStates}); a builtin's failure, known while planning, runs it there and then. DEBUG and
 * RETURN depend on each command as it runs, and are refused.
 */
final class ExitTrap {

  private String action;
  private int line;
  private String errAction;
  /** The actions on the signals that are accepted and do nothing, by number, for {@code trap -p}. */
  private final java.util.TreeMap<Integer, String> others = new java.util.TreeMap<>();
  private static final java.util.Map<String, Integer> SIGNALS = java.util.Map.of("HUP", 1, "INT", 2,
      "QUIT", 3, "USR1", 10, "USR2", 12, "PIPE", 13, "ALRM", 14, "TERM", 15);

  Status set(List<String> args, int line) {
    if (args.isEmpty() || args.get(0).equals("-p") || args.get(0).equals("-l")) {
      return Status.OK;
    }
    String given = args.get(0);
    List<String> signals = args.subList(1, args.size());
    if (signals.isEmpty() || given.matches("[0-9]+")) { // 'trap EXIT', 'trap 0 2': reset them
      signals = args;
      given = "-";
    }
    for (String signal : signals) {
      switch (signal.toUpperCase(Locale.ROOT).replaceFirst("^SIG", "")) {
        case "EXIT", "0" -> {
          action = given.equals("-") || given.isBlank() ? null : given;
          this.line = line;
        }
        case "ERR" -> errAction = given.equals("-") || given.isBlank() ? null : given;
        case "INT", "TERM", "HUP", "QUIT", "PIPE", "ALRM", "USR1", "USR2", "1", "2", "3", "13",
            "14", "15" -> {
          int number = number(signal);
          if (given.equals("-")) {
            others.remove(number);
          } else {
            others.put(number, given);
          }
        }
        default -> throw Refusal.at(line, "trap on " + signal + " is not supported: it depends on"
            + " each command as it runs ('trap ... EXIT' and, under set -e, 'trap ... ERR' are"
            + " supported; 'cmd || handler' runs a handler where cmd fails)");
      }
    }
    return Status.OK;
  }

  /**
   * What {@code trap -p [SIGNAL...]} (or a bare {@code trap}) prints: {@code trap -- 'ACTION'
   * SIGNAL} for each that has one, in bash's order (EXIT, the signals by number, ERR) or the
   * order asked.
   */
  String shown(List<String> signals) {
    java.util.LinkedHashMap<String, String> set = new java.util.LinkedHashMap<>();
    set.put("EXIT", action);
    SIGNALS.entrySet().stream().sorted(java.util.Map.Entry.comparingByValue())
        .forEach(e -> set.put("SIG" + e.getKey(), others.get(e.getValue())));
    set.put("ERR", errAction);
    StringBuilder out = new StringBuilder();
    for (String name : signals.isEmpty() ? List.copyOf(set.keySet()) : signals.stream().map(ExitTrap::shownName).toList()) {
      String a = set.get(name);
      if (a != null) {
        out.append("trap -- '").append(a.replace("'", "'\\''")).append("' ").append(name).append('\n');
      }
    }
    return out.toString();
  }

  /** A signal as {@code trap -p} names it: EXIT, ERR, SIGINT. */
  private static String shownName(String signal) {
    String key = signal.toUpperCase(Locale.ROOT).replaceFirst("^SIG", "");
    if (key.equals("0") || key.equals("EXIT") || key.equals("ERR")) {
      return key.equals("0") ? "EXIT" : key;
    }
    return SIGNALS.entrySet().stream().filter(e -> e.getKey().equals(key) || e.getValue().toString().equals(key))
        .map(e -> "SIG" + e.getKey()).findFirst().orElse(key);
  }

  private static int number(String signal) {
    String key = signal.toUpperCase(Locale.ROOT).replaceFirst("^SIG", "");
    return key.matches("[0-9]+") ? Integer.parseInt(key) : SIGNALS.get(key);
  }

  /** Whether an EXIT action is set. */
  boolean isSet() {
    return action != null;
  }

  /** Whether an ERR action is set. */
  boolean errSet() {
    return errAction != null;
  }

  /** The ERR action, to plan where a command of {@code failedLine} failed (its $LINENO). */
  Node errAt(int failedLine) {
    try {
      return ShellParser.parse(errAction, failedLine);
    } catch (ScriptException e) {
      throw new Refusal(new ScriptException(e.line(), "in the ERR trap: " + e.problem()));
    }
  }

  /**
   * Whether the action reads {@code $?}, itself or in one of {@code functions} it calls: where
   * set -e stopped the script, that is the failed command's status ({@code on_exit() { local
   * rc=$?; ...}}), known once the jobs have run.
   */
  boolean readsTheStatus(java.util.Map<String, Ast.FunctionDef> functions) {
    if (action == null) {
      return false;
    }
    // a record's text holds its words as written: the function's body reads $? if it says so
    return READS_STATUS.matcher(action).find() || functions.values().stream().anyMatch(f ->
        action.matches("(?s).*(^|[^A-Za-z0-9_])" + java.util.regex.Pattern.quote(f.name()) + "($|[^A-Za-z0-9_]).*")
            && READS_STATUS.matcher(f.body().toString()).find());
  }

  private static final java.util.regex.Pattern READS_STATUS = java.util.regex.Pattern.compile("\\$\\{?\\?");

  int line() {
    return line;
  }

  /** What is set now, to put back with {@link #restore} (a script run by this one has its own). */
  String[] save() {
    String[] saved = {action, Integer.toString(line), errAction};
    action = null;
    errAction = null;
    return saved;
  }

  void restore(String[] saved) {
    action = saved[0];
    line = Integer.parseInt(saved[1]);
    errAction = saved[2];
  }

  /**
   * Enters a subshell, which starts without the script's EXIT action, as bash's does, and may set
   * one of its own for its end; the ERR action stays (the ERR trap refuses jobs in subshells).
   */
  String[] enterSubshell() {
    String[] saved = {action, Integer.toString(line)};
    action = null;
    return saved;
  }

  /** Leaves a subshell: the script's EXIT action again. */
  void leaveSubshell(String[] saved) {
    action = saved[0];
    line = Integer.parseInt(saved[1]);
  }

  /** The EXIT action to plan now, once; null when there is none. */
  Node take() {
    if (action == null) {
      return null;
    }
    String text = action;
    action = null;
    try {
      return ShellParser.parse(text, line);
    } catch (ScriptException e) {
      throw new Refusal(new ScriptException(e.line(), "in the EXIT trap: " + e.problem()));
    }
  }
}
