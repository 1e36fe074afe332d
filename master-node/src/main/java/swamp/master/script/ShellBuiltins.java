package swamp.master.script;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The shell's own builtins that change its state, carried out while planning: {@code cd}/{@code
 * pushd}/{@code popd} ({@link Directories}), {@code unset}, {@code shift}, {@code set}, {@code
 * let}, {@code true}, {@code false}, {@code :}, {@code wait}, {@code test}/{@code [}, {@code
 * printf -v} and {@code getopts} ({@link Getopts}); {@code export} (of functions too, {@code
 * export -f}), {@code local} and {@code declare} are {@link Variables}'. Those a planned script
 * cannot use ({@code exec}, {@code alias}, {@code shopt} ...) are refused with what to do instead.
 * The builtins that steer the walk ({@code exit}, {@code return}, {@code break}, {@code
 * continue}, {@code source}, {@code eval}, {@code trap}) and those that read input or look
 * commands up ({@link ReadInput}, {@link CommandLookup}) are the {@link Planner}'s; the commands
 * that print what scripts compute names with ({@code echo}, {@code printf}, {@code seq} ...) are
 * {@link Coreutils}, run by {@link HereCommands} in a command substitution.
 */
final class ShellBuiltins {

  /** {@code name[subscript]}, as unset names an element. */
  private static final Pattern ELEMENT = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)\\[(.*)\\]");

  private final ShellState state;
  private final Expander expander;
  private final Conditions conditions;
  /** The script's functions, which {@code unset} removes too. */
  private final Map<String, Ast.FunctionDef> functions;
  private final Variables variables;
  private final Directories directories;
  private final Getopts getopts;

  ShellBuiltins(ShellState state, Expander expander, Conditions conditions,
      Map<String, Ast.FunctionDef> functions, Variables variables, Directories directories) {
    this.state = state;
    this.variables = variables;
    this.directories = directories;
    this.expander = expander;
    this.conditions = conditions;
    this.functions = functions;
    this.getopts = new Getopts(state, expander);
  }

  /** The builtins that run while planning: none of them can be a stage of a planned job. */
  static boolean isPlanTime(String name) {
    return Set.of("cd", "pushd", "popd", "export", "local", "declare", "typeset", "readonly", "unset",
        "shift", "set", "let", "exit", "return", "break", "continue", "test", "[", "source", ".",
        "wait", ":").contains(name);
  }

  /** Runs builtin {@code name}; null when it is not one of these (then it is a program). */
  Status run(String name, List<String> argv, Ast.Simple c) {
    List<String> args = argv.subList(1, argv.size());
    int line = c.line();
    switch (name) {
      case "cd", "pushd", "popd" -> {
        noRedirects(c, name);
        return directories.change(name, args, line);
      }
      case "export", "local", "declare", "typeset", "readonly" -> {
        noRedirects(c, name);
        return Variables.exportsFunctions(name, args) ? variables.exportFunctions(args, line)
            : variables.declare(name, c, line);
      }
      case "unset" -> {
        for (String a : args) {
          if (a.equals("-f")) {
            continue;
          }
          Matcher element = ELEMENT.matcher(a);
          if (element.matches()) { // unset 'a[k]': that element
            ShellState.Var v = state.vars.get(element.group(1));
            if (v != null && v.associative()) {
              v.byKey.remove(element.group(2));
            } else if (v != null) {
              long index = expander.arith(element.group(2), line);
              if (index < 0) { // unset 'a[-1]': the last element, as bash counts back
                index = v.values.isEmpty() ? index : v.values.lastKey() + 1 + index;
                if (index < 0) {
                  throw new Refusal.Failed("unset: [" + element.group(2) + "]: bad array subscript", line,
                      "unset '" + a + "': a subscript before the array's first element");
                }
              }
              v.values.remove(index);
            }
          } else if (!a.startsWith("-")) {
            if (state.vars.containsKey(a) && state.vars.get(a).readonly) {
              throw new Refusal.Failed("unset: " + a + ": cannot unset: readonly variable", line,
                  "unset " + a + ": it is readonly");
            }
            state.vars.remove(a);
            functions.remove(a);
            state.exportedFunctions.remove(a);
          }
        }
        return Status.OK;
      }
      case "shift" -> {
        int n = args.isEmpty() ? 1 : (int) expander.arith(args.get(0), line);
        if (n > state.positional.size()) {
          return Status.FAIL;
        }
        state.positional = new ArrayList<>(state.positional.subList(n, state.positional.size()));
        return Status.OK;
      }
      case "set" -> {
        return set(args, line);
      }
      case "let" -> {
        long v = 0;
        for (String a : args) {
          v = expander.arith(a, line);
        }
        return Status.of(v != 0 ? 0 : 1);
      }
      case "true", ":" -> {
        return Status.OK;
      }
      case "false" -> {
        return Status.FAIL;
      }
      case "wait" -> { // swamp runs what it can in parallel and waits for the end anyway
        return waitFor(args, line);
      }
      case "test", "[" -> {
        List<String> t = args;
        if (name.equals("[")) {
          if (t.isEmpty() || !t.get(t.size() - 1).equals("]")) {
            throw Refusal.at(line, "'[' without its closing ']'");
          }
          t = t.subList(0, t.size() - 1);
        }
        return Status.of(conditions.test(name, t, line) ? 0 : 1);
      }
      case "printf" -> {
        if (!args.isEmpty() && args.get(0).equals("-v")) {
          if (args.size() < 3) {
            throw Refusal.at(line, "printf -v needs a name and a format");
          }
          StringBuilder invalid = new StringBuilder();
          try {
            variables.assignNamed(args.get(1), Printf.format(args.subList(2, args.size()), invalid).text(), line);
          } catch (Coreutils.UsageException e) {
            throw Refusal.at(line, e.getMessage());
          }
          if (!invalid.isEmpty()) { // 'printf -v mm %02d 08': 00, and bash's error, status 1
            String first = invalid.substring(0, invalid.indexOf("\n"));
            String more = invalid.substring(invalid.indexOf("\n") + 1).lines()
                .map(e -> "\n" + Subshells.shellErrorText(state, e, line).stripTrailing()).collect(java.util.stream.Collectors.joining());
            throw new Refusal.Failed(first + more, line, "printf: not a number");
          }
          return Status.OK;
        }
        return null;
      }
      case "getopts" -> {
        return getopts.next(args, line);
      }
      case "shopt" -> {
        return shopt(args, line);
      }
      case "alias" -> {
        // a script's bash defines them and expands none (expand_aliases is off, and swamp
        // refuses it on): a definition copied from a .bashrc changes nothing; a listing would
        if (!args.isEmpty() && args.stream().allMatch(a -> a.indexOf('=') > 0)) {
          return Status.OK;
        }
        throw Refusal.at(line, "'alias " + String.join(" ", args) + "' is not supported by"
            + " swamp's planner: in a script bash expands no alias, so write the command itself");
      }
      case "exec", "unalias",
          "ulimit", "umask", "builtin", "kill", "fg", "bg",
          "disown", "enable", "caller", "complete", "coproc", "suspend", "logout", "times",
          "module", "ml" -> {
        throw Refusal.at(line, "'" + name + "' is not supported by swamp's planner" + advice(name));
      }
      default -> {
        return null;
      }
    }
  }

  /**
   * {@code wait}: every command run with {@code &}, status 0; {@code wait ID...}: those, the last
   * one's status; {@code wait -n [-p VAR]}: the one started first not waited for yet, its status
   * (127 when there is none), its id in VAR ({@link Background}).
   */
  private Status waitFor(List<String> args, int line) {
    boolean next = false;
    String idVar = null;
    int k = 0;
    for (; k < args.size() && args.get(k).startsWith("-"); k++) {
      String a = args.get(k);
      if (a.equals("--")) {
        k++;
        break;
      } else if (a.equals("-p") && k + 1 < args.size()) {
        idVar = args.get(++k);
      } else if (a.matches("-[nf]+")) {
        next |= a.contains("n");
      } else {
        throw Refusal.at(line, "wait " + a + ": swamp's planner knows 'wait', 'wait ID...' and 'wait -n [-p VAR]'");
      }
    }
    List<String> ids = args.subList(k, args.size());
    if (next) {
      if (!ids.isEmpty()) {
        throw Refusal.at(line, "'wait -n ID...' is not supported: wait for them one by one ('wait ID')");
      }
      Background.Next done = state.background.waitNext();
      if (idVar != null) {
        state.assign(idVar, done == null ? "" : done.id(), line);
      }
      return done == null ? Status.of(127) : done.status();
    }
    if (ids.isEmpty()) {
      state.background.waitAll();
      return Status.OK;
    }
    Status s = Status.OK;
    for (String id : ids) { // 'wait $pid': that command's status
      s = state.background.waitFor(id);
      if (s == null) {
        throw Refusal.at(line, "wait: " + id + " is not a command this script ran with '&'"
            + " (swamp waits for jobs by the $! of a command run with '&')");
      }
    }
    return s;
  }

  private static String advice(String name) {
    return switch (name) {
      case "exec" -> ": run the command itself";
      case "module", "ml" -> ": load modules before 'bin/swamp run', in the shell that starts it"
          + " (workers need the programs on their PATH)";
      case "ulimit", "umask" -> ": set it in the shell that starts the workers";
      default -> ": write the commands it would run out";
    };
  }

  private void noRedirects(Ast.Simple c, String name) {
    for (Ast.Redirect r : c.redirects()) {
      // ': <<'END' ... END', a block of comments: a builtin reads no input
      if (!r.target().raw().equals("/dev/null") && !r.op().equals(">&") && !ReadInput.isText(r)) {
        throw Refusal.at(c.line(), "a redirection of '" + name + "' is not supported");
      }
    }
  }

  /**
   * {@code shopt -s|-u} of the options that change what a glob matches ({@link Glob.Options}) and
   * of those that change nothing a script does here; the others change what bash reads or globs,
   * and are refused.
   */
  private Status shopt(List<String> args, int line) {
    if (args.size() >= 2 && (args.get(0).equals("-s") || args.get(0).equals("-u"))) {
      boolean on = args.get(0).equals("-s");
      for (String option : args.subList(1, args.size())) {
        switch (option) {
          case "nullglob", "globstar", "dotglob", "extglob", "nocasematch", "lastpipe" -> state.glob = state.glob.with(option, on);
          case "checkwinsize", "histappend", "progcomp", "promptvars" -> { }
          case "expand_aliases" -> {
            if (on) {
              throw Refusal.at(line, "shopt -s expand_aliases is not supported: swamp's planner"
                  + " expands no alias, as bash does in a script without it; write the commands"
                  + " themselves, or a function");
            }
          }
          default -> throw Refusal.at(line, "shopt " + args.get(0) + " " + option + " is not"
              + " supported; swamp's planner globs as bash's defaults do, or with nullglob,"
              + " globstar, dotglob or extglob, matches with nocasematch and takes lastpipe");
        }
      }
      return Status.OK;
    }
    throw Refusal.at(line, "shopt " + String.join(" ", args) + " is not supported; swamp's planner"
        + " takes shopt -s and shopt -u of nullglob, globstar, dotglob, extglob, nocasematch and lastpipe");
  }

  /**
   * {@code set -C}: a {@code >} onto a file that exists fails in bash, where swamp would write it;
   * refused rather than planned otherwise ({@code set +C}, the default, is fine).
   */
  private static void noclobber(boolean on, int line) {
    if (on) {
      throw Refusal.at(line, "set -o noclobber (set -C) is not supported: swamp's redirections"
          + " write over a file that exists, as bash's do without it; leave it out, and use '>>'"
          + " or a test ([ -e f ] || cmd > f) where a file must not be overwritten");
    }
  }

  private Status set(List<String> args, int line) {
    for (int k = 0; k < args.size(); k++) {
      String a = args.get(k);
      if (a.equals("--")) {
        state.positional = new ArrayList<>(args.subList(k + 1, args.size()));
        return Status.OK;
      }
      if ((a.startsWith("-") || a.startsWith("+")) && a.length() > 1) {
        boolean on = a.startsWith("-");
        for (char f : a.substring(1).toCharArray()) {
          switch (f) {
            case 'e' -> state.errexit = on;
            case 'x' -> state.xtrace = on;
            case 'u' -> state.nounset = on;
            case 'a' -> state.allexport = on;
            case 'E' -> state.errtrace = on;
            case 'v' -> ScriptReading.set(state, on, line);
            case 'h', 'B', 'T' -> { } // -T: the DEBUG and RETURN traps are refused
            case 'C' -> noclobber(on, line);
            case 'f' -> state.glob = state.glob.with("noglob", on); // globs stay as written
            case 'o' -> { // -o NAME, also within flags: set -euo pipefail
              String option = k + 1 < args.size() ? args.get(++k) : "";
              switch (option) {
                case "errexit" -> state.errexit = on;
                case "xtrace" -> state.xtrace = on;
                case "pipefail" -> state.pipefail = on;
                case "nounset" -> state.nounset = on;
                case "allexport" -> state.allexport = on;
                case "noclobber" -> noclobber(on, line);
                case "noglob" -> state.glob = state.glob.with("noglob", on);
                case "errtrace" -> state.errtrace = on;
                case "verbose" -> ScriptReading.set(state, on, line);
                case "functrace" -> { }
                default -> throw Refusal.at(line, "set " + (on ? "-o " : "+o ") + option
                    + " is not supported");
              }
            }
            default -> throw Refusal.at(line, "set " + (on ? "-" : "+") + f + " is not supported");
          }
        }
        continue;
      }
      state.positional = new ArrayList<>(args.subList(k, args.size()));
      return Status.OK;
    }
    return Status.OK;
  }
}
