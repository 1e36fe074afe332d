package swamp.master.script;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import swamp.master.script.Ast.Node;
import swamp.master.script.Ast.Word;

/**
 * The shell's own builtins that change its state, carried out while planning: assignments,
 * {@code cd}/{@code pushd}/{@code popd}, {@code export}, {@code local}, {@code declare} (and
 * {@code typeset}, {@code readonly}), {@code unset}, {@code shift}, {@code set}, {@code let},
 * {@code true}, {@code false}, {@code :}, {@code wait}, {@code test}/{@code [} and {@code printf
 * -v}; those a planned script cannot use ({@code eval}, {@code read}, {@code trap} ...) are
 * refused with what to do instead. The builtins that steer the walk ({@code exit}, {@code
 * return}, {@code break}, {@code continue}, {@code source}) are the {@link Planner}'s own; the
 * commands that print what scripts compute names with ({@code echo}, {@code printf}, {@code seq}
 * ...) are {@link Coreutils}, run by {@link HereCommands} in a command substitution.
 */
final class ShellBuiltins {

  /** A word that assigns: {@code NAME=}, {@code NAME+=}, {@code NAME[i]=}. */
  /** An item {@code [key]=value} of a compound assignment. */
  private static final Pattern KEYED = Pattern.compile("\\[([^\\]]*)\\]=(.*)", Pattern.DOTALL);
  /** {@code name[subscript]}, as unset names an element. */
  private static final Pattern ELEMENT = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)\\[(.*)\\]");
  static final Pattern ASSIGNMENT = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)(\\[([^\\]]*)\\])?(\\+?)=(.*)", Pattern.DOTALL);

  private final ShellState state;
  private final Expander expander;
  private final Conditions conditions;
  /** The script's functions, which {@code unset} removes too. */
  private final Map<String, Ast.FunctionDef> functions;
  /** Per function call, the variables its 'local's shadow, to restore at return. */
  private final Deque<Map<String, ShellState.Var>> localFrames = new ArrayDeque<>();
  private final Deque<String> dirStack = new ArrayDeque<>();
  private final Getopts getopts;

  ShellBuiltins(ShellState state, Expander expander, Conditions conditions,
      Map<String, Ast.FunctionDef> functions) {
    this.state = state;
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
        return changeDirectory(name, args, line);
      }
      case "export", "local", "declare", "typeset", "readonly" -> {
        noRedirects(c, name);
        return declare(name, c, line);
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
              v.values.remove(expander.arith(element.group(2), line));
            }
          } else if (!a.startsWith("-")) {
            state.vars.remove(a);
            functions.remove(a);
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
      case "wait" -> {
        return Status.OK; // swamp runs what it can in parallel and waits for the end anyway
      }
      case "test", "[" -> {
        List<String> t = args;
        if (name.equals("[")) {
          if (t.isEmpty() || !t.get(t.size() - 1).equals("]")) {
            throw Refusal.at(line, "'[' without its closing ']'");
          }
          t = t.subList(0, t.size() - 1);
        }
        return Status.of(conditions.test(t, line) ? 0 : 1);
      }
      case "printf" -> {
        if (!args.isEmpty() && args.get(0).equals("-v")) {
          if (args.size() < 3) {
            throw Refusal.at(line, "printf -v needs a name and a format");
          }
          try {
            state.assign(args.get(1), Coreutils.printf(args.subList(2, args.size())).text(), line);
          } catch (Coreutils.UsageException e) {
            throw Refusal.at(line, e.getMessage());
          }
          return Status.OK;
        }
        return null;
      }
      case "getopts" -> {
        return getopts.next(args, line);
      }
      case "eval", "exec", "alias", "unalias", "shopt",
          "ulimit", "umask", "builtin", "kill", "jobs", "fg", "bg",
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
   * Carries out an assignment word: {@code NAME=value}, {@code NAME+=value}, {@code
   * NAME[i]=value} or an array, {@code NAME=(a b c)}.
   */
  Status assign(Word w) {
    Matcher m = ASSIGNMENT.matcher(w.raw());
    m.matches();
    String name = m.group(1);
    String subscript = m.group(3);
    boolean append = !m.group(4).isEmpty();
    String value = m.group(5);
    if (value.startsWith("(") && value.endsWith(")") && subscript == null) {
      List<Word> items = new ArrayList<>();
      for (Ast.Node n : List.of(parseInner(value.substring(1, value.length() - 1), w.line()))) {
        if (n instanceof Ast.Simple s && s.redirects().isEmpty()) {
          items.addAll(s.words());
        } else if (n instanceof Ast.Sequence q) {
          for (Node item : q.items()) {
            if (item instanceof Ast.Simple s2) {
              items.addAll(s2.words());
            }
          }
        }
      }
      ShellState.Var v = state.vars.computeIfAbsent(name, x -> new ShellState.Var());
      if (!append) {
        v.values.clear();
        if (v.associative()) {
          v.byKey.clear();
        }
      }
      v.array = true;
      long next = v.values.isEmpty() ? 0 : v.values.lastKey() + 1;
      for (Word item : items) {
        Matcher keyed = KEYED.matcher(item.raw());
        if (keyed.matches()) { // ([key]=value ...) or ([3]=value ...)
          String text = expander.expandString(keyed.group(2), item.line());
          if (v.associative()) {
            v.byKey.put(expander.expandString(keyed.group(1), item.line()), text);
          } else {
            next = expander.arith(expander.expandString(keyed.group(1), item.line()), item.line());
            v.values.put(next++, text);
          }
        } else if (v.associative()) {
          throw Refusal.at(item.line(), name + ": '" + item.raw() + "': an associative array is set"
              + " with [key]=value");
        } else {
          for (String s : expander.expandWords(List.of(item))) {
            v.values.put(next++, s);
          }
        }
      }
      return Status.OK;
    }
    String expanded = expander.expandString(value, w.line());
    if (subscript != null) {
      ShellState.Var v = state.vars.computeIfAbsent(name, x -> new ShellState.Var());
      v.array = true;
      if (v.associative()) {
        String key = expander.expandString(subscript, w.line());
        v.byKey.put(key, append ? v.byKey.getOrDefault(key, "") + expanded : expanded);
        return Status.OK;
      }
      long index = expander.arith(expander.expandString(subscript, w.line()), w.line());
      v.values.put(index, append ? v.values.getOrDefault(index, "") + expanded : expanded);
    } else {
      state.assign(name, append ? Objects.requireNonNullElse(state.scalar(name), "") + expanded : expanded, w.line());
    }
    return Status.OK;
  }

  private static Node parseInner(String text, int line) {
    try {
      return ShellParser.parse(text, line);
    } catch (ScriptException e) {
      throw new Refusal(e);
    }
  }

  // ---- function calls: the variables their 'local's shadow ----

  /** A function is called: its 'local's shadow variables until it returns. */
  void enterFunction() {
    localFrames.push(new HashMap<>());
  }

  /** The function called last returns: the variables its 'local's shadowed are back. */
  void leaveFunction() {
    Map<String, ShellState.Var> frame = localFrames.pop();
    frame.forEach((name, old) -> {
      if (old == null) {
        state.vars.remove(name);
      } else {
        state.vars.put(name, old);
      }
    });
  }

  /** How many function calls are open. */
  int functionDepth() {
    return localFrames.size();
  }

  /** Remembers a variable's value before a 'local' changes it, to restore at return. */
  private void declareLocal(String name) {
    Map<String, ShellState.Var> frame = localFrames.peek();
    if (frame != null && !frame.containsKey(name)) {
      ShellState.Var old = state.vars.get(name);
      frame.put(name, old == null ? null : old.copy());
    }
  }

  private static String advice(String name) {
    return switch (name) {
      case "eval" -> ": it runs text built at run time; write the commands out";
      case "exec" -> ": run the command itself";
      case "module", "ml" -> ": load modules before 'bin/swamp run', in the shell that starts it"
          + " (workers need the programs on their PATH)";
      case "shopt" -> ": globs work as bash's defaults (no nullglob, no extglob)";
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

  private Status changeDirectory(String name, List<String> args, int line) {
    String target;
    if (name.equals("popd")) {
      if (dirStack.isEmpty()) {
        throw Refusal.at(line, "popd: directory stack empty");
      }
      target = dirStack.pop();
    } else {
      List<String> operands = args.stream().filter(a -> !a.equals("-P") && !a.equals("-L")).toList();
      if (operands.isEmpty()) {
        target = Objects.requireNonNullElse(state.scalar("HOME"), "/");
      } else if (operands.get(0).equals("-")) {
        target = Objects.requireNonNullElse(state.scalar("OLDPWD"), state.cwd);
      } else {
        target = operands.get(0);
      }
      target = PlannedFiles.resolve(state.cwd, target);
      if (!state.files.isDirectory(target)) {
        throw Refusal.at(line, name + " " + (operands.isEmpty() ? "" : operands.get(0))
            + ": no such directory, and no earlier line of the script creates it (mkdir -p)");
      }
      if (name.equals("pushd")) {
        dirStack.push(state.cwd);
      }
    }
    state.setScalar("OLDPWD", state.cwd);
    state.cwd = target;
    state.setScalar("PWD", state.cwd);
    return Status.OK;
  }

  private Status declare(String name, Ast.Simple c, int line) {
    boolean export = name.equals("export");
    boolean array = false;
    boolean associative = false;
    List<Word> words = c.words();
    int start = 1;
    for (; start < words.size(); start++) {
      String raw = words.get(start).raw();
      if (!raw.startsWith("-") && !raw.startsWith("+")) {
        break;
      }
      associative |= raw.startsWith("-") && raw.contains("A");
      if (raw.contains("f") && !raw.startsWith("+")) {
        throw Refusal.at(line, name + " " + raw + " is not supported");
      }
      array |= raw.contains("a");
      export |= raw.startsWith("-") && raw.contains("x");
    }
    for (Word w : words.subList(start, words.size())) {
      Matcher m = ASSIGNMENT.matcher(w.raw());
      String var;
      if (m.matches()) {
        var = m.group(1);
        if (name.equals("local")) {
          declareLocal(var);
          state.vars.remove(var);
        }
        if (associative) {
          makeAssociative(var, line);
        }
        assign(w);
      } else {
        var = expander.expandString(w.raw(), line);
        if (!ShellState.NAME.matcher(var).matches()) {
          throw Refusal.at(line, name + ": '" + var + "': not a valid identifier");
        }
        if (name.equals("local")) {
          declareLocal(var);
          state.vars.remove(var);
        }
        if (array) {
          state.vars.computeIfAbsent(var, x -> new ShellState.Var()).array = true;
        }
        if (associative) {
          makeAssociative(var, line);
        }
      }
      if (export) {
        state.vars.computeIfAbsent(var, x -> new ShellState.Var()).exported = true;
      }
    }
    return Status.OK;
  }

  /** {@code declare -A NAME}: an associative array, empty unless it is one already. */
  private void makeAssociative(String var, int line) {
    ShellState.Var v = state.vars.computeIfAbsent(var, x -> new ShellState.Var());
    if (v.associative()) {
      return;
    }
    if (!v.values.isEmpty()) {
      throw Refusal.at(line, var + ": cannot convert an indexed array to an associative one");
    }
    v.byKey = new java.util.LinkedHashMap<>();
    v.array = true;
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
            case 'u', 'v', 'C', 'h', 'B' -> { }
            case 'o' -> { // -o NAME, also within flags: set -euo pipefail
              String option = k + 1 < args.size() ? args.get(++k) : "";
              switch (option) {
                case "errexit" -> state.errexit = on;
                case "xtrace" -> state.xtrace = on;
                case "pipefail" -> state.pipefail = on;
                case "nounset", "noclobber", "verbose" -> { }
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
