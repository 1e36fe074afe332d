package swamp.master.script;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import swamp.master.script.Ast.Node;
import swamp.master.script.Ast.Word;
import swamp.master.script.Plan.Command;
import swamp.master.script.Plan.Guard;
import swamp.protocol.Redirects;
import swamp.protocol.Stage;

/**
 * Runs a script's syntax tree the way bash would, except that every command that would start a
 * program becomes a planned {@link Command} instead: variables, loops, tests, functions and
 * expansions are all evaluated here, so the commands planned are the ones {@code bash SCRIPT}
 * would run. A test on a file sees what earlier lines write ({@link PlannedFiles}); a command
 * substitution runs the few commands scripts compute names with ({@link Builtins}, {@code ls},
 * {@code date}) here, and any other command on this machine only when no earlier line writes a
 * file it names.
 *
 * <p>The status of a planned command is not known until it runs. {@code a && b} and
 * {@code a || b} on such a command plan {@code b} with a {@link Guard}; {@code a || exit N} plans
 * an exit point. A decision that needs the status now ({@code if}, {@code while}, {@code $?}) is
 * refused with the line.
 *
 * <p>The walk is here: control flow, simple commands and the shell's own builtins, functions,
 * pipelines and the jobs they plan. What it walks over is the {@link ShellState}; words are
 * expanded by the {@link Expander}, tests evaluated by {@link Conditions}, and the commands of a
 * command substitution run by {@link HereCommands}.
 */
final class Planner {

  private static final int MAX_ITERATIONS = 1_000_000;
  private static final Pattern ASSIGNMENT = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)(\\[([^\\]]*)\\])?(\\+?)=(.*)", Pattern.DOTALL);

  /** {@code break}, {@code continue}, {@code return} and {@code exit}, unwinding the tree walk. */
  private static final class Jump extends RuntimeException {
    private static final long serialVersionUID = 1L;

    enum Kind { BREAK, CONTINUE, RETURN, EXIT }

    final Kind kind;
    /** Loops left for break/continue; the status for return/exit. */
    final int value;

    Jump(Kind kind, int value) {
      super(null, null, false, false);
      this.kind = kind;
      this.value = value;
    }

    static Jump exit(int status) {
      return new Jump(Kind.EXIT, status);
    }

    boolean is(Kind k) {
      return kind == k;
    }
  }
  private final Map<String, String> initialEnv;
  private final ShellState state;
  private final Expander expander;
  private final Conditions conditions;
  private final HereCommands here;
  private final Map<String, Ast.FunctionDef> functions = new HashMap<>();
  /** Per function call, the variables its 'local's shadow, to restore at return. */
  private final Deque<Map<String, ShellState.Var>> localFrames = new ArrayDeque<>();
  private int conditionDepth;
  private int iterations;
  private final Deque<Guard> guards = new ArrayDeque<>();
  private final List<Dependencies.Planned> planned = new ArrayList<>();
  /** Non-null while a command substitution runs: what it prints goes here. */
  private StringBuilder captured;
  private final Deque<String> dirStack = new ArrayDeque<>();
  private int exitStatus;
  /** The status of the last command substitution: that of an assignment-only command. */
  private Status lastSubstitution;

  Planner(String dir, Map<String, String> environment, String arg0, List<String> args) {
    this.initialEnv = Map.copyOf(environment);
    this.state = new ShellState(dir, environment, arg0, args);
    this.expander = new Expander(state, this::commandSubstitution);
    this.conditions = new Conditions(state, expander);
    this.here = new HereCommands(state, expander);
  }

  /** Plans the whole program; commands and the status an unconditional {@code exit} gave. */
  Plan plan(Node program) throws ScriptException {
    try {
      try {
        exec(program);
        exitStatus = 0;
      } catch (Jump j) { // a break or continue outside a loop just ends the script, as bash's does
        exitStatus = j.is(Jump.Kind.EXIT) || j.is(Jump.Kind.RETURN) ? j.value : 0;
      }
    } catch (Refusal r) {
      throw r.cause;
    } catch (StackOverflowError e) {
      throw new ScriptException(0, "the script recurses too deeply to plan");
    }
    return new Plan(Dependencies.order(planned), exitStatus);
  }

  // ---------------------------------------------------------------- the tree

  private Status exec(Node node) {
    Status s = dispatch(node);
    state.last = s;
    if (state.errexit && conditionDepth == 0 && s.known() && s.code() != 0 && captured == null
        && !(node instanceof Ast.AndOr) && !(node instanceof Ast.Pipeline p && p.negated())) {
      throw Jump.exit(s.code()); // set -e: bash stops at a command that fails while planning too
    }
    return s;
  }

  private Status dispatch(Node node) {
    if (node instanceof Ast.Simple c) {
      return simple(c);
    } else if (node instanceof Ast.Pipeline p) {
      return pipeline(p);
    } else if (node instanceof Ast.AndOr a) {
      return andOr(a);
    } else if (node instanceof Ast.Sequence q) {
      Status st = Status.OK;
      for (Node n : q.items()) {
        st = exec(n);
      }
      return st;
    } else if (node instanceof Ast.If i) {
      return ifCommand(i);
    } else if (node instanceof Ast.For f) {
      return forCommand(f);
    } else if (node instanceof Ast.ArithFor f) {
      return arithFor(f);
    } else if (node instanceof Ast.Loop l) {
      return loop(l);
    } else if (node instanceof Ast.FunctionDef f) {
      functions.put(f.name(), f);
      return Status.OK;
    } else if (node instanceof Ast.Group g) {
      return exec(g.body());
    } else if (node instanceof Ast.Subshell sub) {
      return subshell(sub);
    } else if (node instanceof Ast.Arith a) {
      return Status.of(expander.arith(a.expression(), a.line()) != 0 ? 0 : 1);
    } else {
      Ast.Conditional c = (Ast.Conditional) node;
      return Status.of(conditions.conditional(c.words(), c.line()) ? 0 : 1);
    }
  }

  private Status condition(Node node, String what) {
    conditionDepth++;
    Status s;
    try {
      s = exec(node);
    } finally {
      conditionDepth--;
    }
    if (!s.known()) {
      throw Refusal.at(node.line(), "the condition of '" + what + "' runs a command as a job ("
          + planned.get(s.step()).command().text() + "); swamp plans the whole script before"
          + " anything runs, so a condition must be a test ([ ], [[ ]], test, (( ))) on names and"
          + " state.files. Test the file the command writes instead (if [ -f out.nc ]), or use 'cmd || exit 1'");
    }
    return s;
  }

  private Status andOr(Ast.AndOr a) {
    conditionDepth++;
    Status s;
    boolean guarded = false;
    try {
      s = exec(a.first());
    } finally {
      conditionDepth--;
    }
    for (int k = 0; k < a.ops().size(); k++) {
      boolean and = a.ops().get(k).equals("&&");
      Node next = a.rest().get(k);
      boolean lastOne = k == a.ops().size() - 1;
      if (s.known()) {
        if (and == (s.code() == 0)) {
          s = lastOne ? exec(next) : inCondition(next);
        }
        continue;
      }
      if (guarded && !a.ops().get(k - 1).equals(a.ops().get(k))) {
        // 'a && b && c': c runs if b succeeded, which implies a did; a mix needs two statuses
        throw Refusal.at(a.line(), "a chain such as 'a && b || c' whose commands run as jobs cannot be"
            + " planned: the last part depends on the statuses of two jobs; write it as separate lines"
            + " or as if/else on a file test");
      }
      guards.push(new Guard(s.step(), and));
      try {
        Status t = lastOne ? exec(next) : inCondition(next);
        s = t.known() ? new Status(0, s.step()) : t;
      } finally {
        guards.pop();
      }
      guarded = true;
    }
    return s;
  }

  private Status inCondition(Node n) {
    conditionDepth++;
    try {
      return exec(n);
    } finally {
      conditionDepth--;
    }
  }

  private Status ifCommand(Ast.If i) {
    for (int k = 0; k < i.conditions().size(); k++) {
      if (condition(i.conditions().get(k), k == 0 ? "if" : "elif").code() == 0) {
        return exec(i.bodies().get(k));
      }
    }
    return i.otherwise() != null ? exec(i.otherwise()) : Status.OK;
  }

  private Status forCommand(Ast.For f) {
    List<String> items = f.words() == null ? List.copyOf(state.positional) : expander.expandWords(f.words());
    state.last = Status.OK;
    for (String item : items) {
      count(f.line());
      state.assign(f.name(), item, f.line());
      if (!iterate(f.body())) {
        break;
      }
    }
    return state.last;
  }

  private Status arithFor(Ast.ArithFor f) {
    state.last = Status.OK;
    expander.arith(f.init(), f.line());
    while (f.condition().isBlank() || expander.arith(f.condition(), f.line()) != 0) {
      count(f.line());
      if (!iterate(f.body())) {
        break;
      }
      expander.arith(f.step(), f.line());
    }
    return state.last;
  }

  private Status loop(Ast.Loop l) {
    state.last = Status.OK;
    while ((condition(l.condition(), l.until() ? "until" : "while").code() == 0) != l.until()) {
      count(l.line());
      if (!iterate(l.body())) {
        break;
      }
    }
    return state.last;
  }

  /** Runs a loop's body once; false when a {@code break} ends this loop. */
  private boolean iterate(Node body) {
    try {
      exec(body);
      return true;
    } catch (Jump j) {
      if (!j.is(Jump.Kind.BREAK) && !j.is(Jump.Kind.CONTINUE)) {
        throw j;
      }
      if (j.value > 1) {
        throw new Jump(j.kind, j.value - 1); // 'break 2' leaves the enclosing loop too
      }
      return j.is(Jump.Kind.CONTINUE);
    }
  }

  private void count(int line) {
    if (++iterations > MAX_ITERATIONS) {
      throw Refusal.at(line, "loops ran more than " + MAX_ITERATIONS + " times while planning;"
          + " is a loop's condition ever false?");
    }
  }

  private Status subshell(Ast.Subshell s) {
    ShellState.Saved saved = state.save();
    try {
      return exec(s.body());
    } catch (Jump j) {
      if (!j.is(Jump.Kind.EXIT)) {
        throw j;
      }
      return Status.of(j.value);
    } finally {
      state.restore(saved);
    }
  }

  // ---------------------------------------------------------------- simple commands

  private Status simple(Ast.Simple c) {
    List<Word> words = c.words();
    int k = 0;
    while (k < words.size() && ASSIGNMENT.matcher(words.get(k).raw()).matches()) {
      k++;
    }
    List<String> argv = expander.expandWords(words.subList(k, words.size()));
    if (argv.isEmpty()) {
      Status s = Status.OK;
      for (Word w : words.subList(0, k)) {
        s = assignWord(w);
      }
      if (!c.redirects().isEmpty()) {
        throw Refusal.at(c.line(), "a redirection without a command ('> file') is not supported;"
            + " write 'touch file' or ': > file' as a command");
      }
      return k > 0 && lastSubstitution != null ? lastSubstitution : s;
    }
    Map<String, String> prefix = new LinkedHashMap<>();
    for (Word w : words.subList(0, k)) {
      Matcher m = ASSIGNMENT.matcher(w.raw());
      m.matches();
      prefix.put(m.group(1), expander.expandString(m.group(5), w.line()));
    }
    String name = argv.get(0);
    if (functions.containsKey(name)) {
      return callFunction(functions.get(name), argv.subList(1, argv.size()), c);
    }
    Status builtin = builtin(name, argv, c);
    if (builtin != null) {
      return builtin;
    }
    if (captured != null) {
      return Status.of(here.run(List.of(new HereCommands.Draft(argv, c.redirects(), c.line())), c.line(), prefix, captured));
    }
    return job(List.of(new HereCommands.Draft(argv, c.redirects(), c.line())), prefix, c.line());
  }

  private Status assignWord(Word w) {
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
      List<String> values = expander.expandWords(items);
      ShellState.Var v = state.vars.computeIfAbsent(name, x -> new ShellState.Var());
      if (!append) {
        v.values.clear();
      }
      long next = v.values.isEmpty() ? 0 : v.values.lastKey() + 1;
      for (String s : values) {
        v.values.put(next++, s);
      }
      v.array = true;
      return Status.OK;
    }
    String expanded = expander.expandString(value, w.line());
    if (subscript != null) {
      long index = expander.arith(expander.expandString(subscript, w.line()), w.line());
      ShellState.Var v = state.vars.computeIfAbsent(name, x -> new ShellState.Var());
      v.array = true;
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

  private Status callFunction(Ast.FunctionDef f, List<String> args, Ast.Simple call) {
    if (!call.redirects().isEmpty() && captured == null) {
      throw Refusal.at(call.line(), "a redirection of a function call ('" + f.name() + " > f') is not"
          + " supported; redirect the commands inside the function");
    }
    if (localFrames.size() > 200) {
      throw Refusal.at(call.line(), "function '" + f.name() + "' recurses more than 200 levels deep");
    }
    List<String> saved = state.positional;
    state.positional = new ArrayList<>(args);
    localFrames.push(new HashMap<>());
    try {
      return exec(f.body());
    } catch (Jump j) {
      if (!j.is(Jump.Kind.RETURN)) {
        throw j;
      }
      return Status.of(j.value);
    } finally {
      state.positional = saved;
      Map<String, ShellState.Var> frame = localFrames.pop();
      frame.forEach((name, old) -> {
        if (old == null) {
          state.vars.remove(name);
        } else {
          state.vars.put(name, old);
        }
      });
    }
  }

  /** Remembers a variable's value before a 'local' changes it, to restore at return. */
  private void declareLocal(String name) {
    Map<String, ShellState.Var> frame = localFrames.peek();
    if (frame != null && !frame.containsKey(name)) {
      ShellState.Var old = state.vars.get(name);
      frame.put(name, old == null ? null : old.copy());
    }
  }

  /** The builtins; null when {@code name} is not one (it is then a program). */
  private Status builtin(String name, List<String> argv, Ast.Simple c) {
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
          if (!a.startsWith("-")) {
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
      case "exit", "return" -> {
        int status = args.isEmpty() ? (state.last.known() ? state.last.code() : 0) : (int) (parseNumber(args.get(0), name, line) & 0xff);
        if (name.equals("return") && (localFrames.isEmpty() || !guards.isEmpty())) {
          if (localFrames.isEmpty()) {
            throw Jump.exit(status);
          }
          throw Refusal.at(line, "'return' after a command that runs as a job ('cmd || return') cannot be planned");
        }
        if (name.equals("exit") && !guards.isEmpty() && captured == null) {
          plannedExit(status, line);
          return Status.OK;
        }
        throw new Jump(name.equals("exit") ? Jump.Kind.EXIT : Jump.Kind.RETURN, status);
      }
      case "break", "continue" -> {
        if (!guards.isEmpty()) {
          throw Refusal.at(line, "'" + name + "' after a command that runs as a job cannot be planned:"
              + " whether it happens depends on the job's status");
        }
        int n = args.isEmpty() ? 1 : (int) parseNumber(args.get(0), name, line);
        throw new Jump(name.equals("continue") ? Jump.Kind.CONTINUE : Jump.Kind.BREAK, Math.max(1, n));
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
      case "source", "." -> {
        if (args.isEmpty()) {
          throw Refusal.at(line, "'" + name + "' needs a file name");
        }
        String file = PlannedFiles.resolve(state.cwd, args.get(0));
        if (state.files.touched(file) || !Files.isReadable(Path.of(file))) {
          throw Refusal.at(line, "'" + name + " " + args.get(0) + "': swamp cannot read that file while"
              + " planning" + (state.files.touched(file) ? " (an earlier line writes it)" : "")
              + "; put its commands in the script");
        }
        try {
          Node sourced = ShellParser.parse(Files.readString(Path.of(file)), 1);
          List<String> saved = state.positional;
          if (args.size() > 1) {
            state.positional = new ArrayList<>(args.subList(1, args.size()));
          }
          try {
            return exec(sourced);
          } catch (Jump j) {
            if (!j.is(Jump.Kind.RETURN)) {
              throw j;
            }
            return Status.of(j.value);
          } finally {
            state.positional = saved;
          }
        } catch (IOException e) {
          throw Refusal.at(line, "'" + name + " " + args.get(0) + "': " + e.getMessage());
        } catch (ScriptException e) {
          throw Refusal.at(line, "in " + args.get(0) + ", " + e.getMessage());
        }
      }
      case "printf" -> {
        if (!args.isEmpty() && args.get(0).equals("-v")) {
          if (args.size() < 3) {
            throw Refusal.at(line, "printf -v needs a name and a format");
          }
          try {
            state.assign(args.get(1), Builtins.printf(args.subList(2, args.size())).text(), line);
          } catch (Builtins.UsageException e) {
            throw Refusal.at(line, e.getMessage());
          }
          return Status.OK;
        }
        return null;
      }
      case "eval", "exec", "trap", "read", "readarray", "mapfile", "alias", "unalias", "shopt",
          "ulimit", "umask", "getopts", "builtin", "command", "hash", "kill", "jobs", "fg", "bg",
          "disown", "enable", "caller", "complete", "coproc", "suspend", "logout", "times", "type",
          "module", "ml" -> {
        throw Refusal.at(line, "'" + name + "' is not supported by swamp's planner" + advice(name));
      }
      default -> {
        return null;
      }
    }
  }

  private static String advice(String name) {
    return switch (name) {
      case "eval" -> ": it runs text built at run time; write the commands out";
      case "read", "readarray", "mapfile" -> ": a script planned before it runs cannot read input;"
          + " put the values in a variable or an array (a=(x y z))";
      case "exec" -> ": run the command itself";
      case "trap" -> ": swamp cleans up after a failed command itself (dependent lines are skipped)";
      case "module", "ml" -> ": load modules before 'bin/swamp run', in the shell that starts it"
          + " (workers need the programs on their PATH)";
      case "shopt" -> ": globs work as bash's defaults (no nullglob, no extglob)";
      case "ulimit", "umask" -> ": set it in the shell that starts the workers";
      default -> ": write the commands it would run out";
    };
  }

  private void noRedirects(Ast.Simple c, String name) {
    for (Ast.Redirect r : c.redirects()) {
      if (!r.target().raw().equals("/dev/null") && !r.op().equals(">&")) {
        throw Refusal.at(c.line(), "a redirection of '" + name + "' is not supported");
      }
    }
  }

  private long parseNumber(String s, String what, int line) {
    try {
      return Long.parseLong(s.trim());
    } catch (NumberFormatException e) {
      throw Refusal.at(line, what + ": " + s + ": numeric argument required");
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
    List<Word> words = c.words();
    int start = 1;
    for (; start < words.size(); start++) {
      String raw = words.get(start).raw();
      if (!raw.startsWith("-") && !raw.startsWith("+")) {
        break;
      }
      if (raw.contains("A")) {
        throw Refusal.at(line, "associative arrays (" + name + " -A) are not supported; use indexed arrays");
      }
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
        }
        assignWord(w);
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
      }
      if (export) {
        state.vars.computeIfAbsent(var, x -> new ShellState.Var()).exported = true;
      }
    }
    return Status.OK;
  }

  private Status set(List<String> args, int line) {
    for (int k = 0; k < args.size(); k++) {
      String a = args.get(k);
      if (a.equals("--")) {
        state.positional = new ArrayList<>(args.subList(k + 1, args.size()));
        return Status.OK;
      }
      if (a.equals("-o") || a.equals("+o")) {
        String option = k + 1 < args.size() ? args.get(++k) : "";
        boolean on = a.equals("-o");
        switch (option) {
          case "state.errexit" -> state.errexit = on;
          case "state.xtrace" -> state.xtrace = on;
          case "state.pipefail" -> state.pipefail = on;
          case "nounset", "noclobber" -> { }
          default -> throw Refusal.at(line, "set " + a + " " + option + " is not supported");
        }
        continue;
      }
      if ((a.startsWith("-") || a.startsWith("+")) && a.length() > 1) {
        boolean on = a.startsWith("-");
        for (char f : a.substring(1).toCharArray()) {
          switch (f) {
            case 'e' -> state.errexit = on;
            case 'x' -> state.xtrace = on;
            case 'u', 'v', 'C', 'h', 'B' -> { }
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

  // ---------------------------------------------------------------- pipelines and jobs

  private Status pipeline(Ast.Pipeline p) {
    if (p.stages().size() == 1) {
      Status s = p.negated() ? inCondition(p.stages().get(0)) : exec(p.stages().get(0));
      if (!p.negated()) {
        return s;
      }
      if (!s.known()) {
        throw Refusal.at(p.line(), "'!' before a command that runs as a job cannot be planned");
      }
      return Status.of(s.code() == 0 ? 1 : 0);
    }
    List<HereCommands.Draft> stages = new ArrayList<>();
    Map<String, String> prefix = new LinkedHashMap<>();
    for (Node n : p.stages()) {
      if (!(n instanceof Ast.Simple c)) {
        throw Refusal.at(n.line(), "a stage of a pipeline must be a simple command; a loop, group or"
            + " subshell inside a pipeline is not supported");
      }
      int k = 0;
      while (k < c.words().size() && ASSIGNMENT.matcher(c.words().get(k).raw()).matches()) {
        Matcher m = ASSIGNMENT.matcher(c.words().get(k).raw());
        m.matches();
        prefix.put(m.group(1), expander.expandString(m.group(5), c.line()));
        k++;
      }
      List<String> argv = expander.expandWords(c.words().subList(k, c.words().size()));
      if (argv.isEmpty()) {
        throw Refusal.at(c.line(), "an empty stage in a pipeline");
      }
      String name = argv.get(0);
      if (functions.containsKey(name)) {
        throw Refusal.at(c.line(), "function '" + name + "' in a pipeline is not supported;"
            + " write its commands in the pipeline");
      }
      if (captured == null && isPlanTimeBuiltin(name)) {
        throw Refusal.at(c.line(), "'" + name + "' is a shell builtin and cannot be a stage of a pipeline"
            + " that runs as a job");
      }
      stages.add(new HereCommands.Draft(argv, c.redirects(), c.line()));
    }
    Status s;
    if (captured != null) {
      s = Status.of(here.run(stages, p.line(), prefix, captured));
    } else {
      s = job(stages, prefix, p.line());
    }
    if (p.negated()) {
      if (!s.known()) {
        throw Refusal.at(p.line(), "'!' before a command that runs as a job cannot be planned");
      }
      return Status.of(s.code() == 0 ? 1 : 0);
    }
    return s;
  }

  private static boolean isPlanTimeBuiltin(String name) {
    return Set.of("cd", "pushd", "popd", "export", "local", "declare", "typeset", "readonly", "unset",
        "shift", "set", "let", "exit", "return", "break", "continue", "test", "[", "source", ".",
        "wait", ":").contains(name);
  }

  private Status job(List<HereCommands.Draft> drafts, Map<String, String> prefix, int line) {
    List<Stage> stages = new ArrayList<>();
    for (HereCommands.Draft d : drafts) {
      stages.add(new Stage(d.argv(), redirects(d.redirects(), d.line())));
    }
    Map<String, String> env = new TreeMap<>();
    state.vars.forEach((name, v) -> {
      String value = v.values.get(0L);
      if (v.exported && value != null && !value.equals(initialEnv.get(name))
          && !name.equals("PWD") && !name.equals("OLDPWD") && !name.equals("PATH")) { // workers use their own PATH
        env.put(name, value);
      }
    });
    env.putAll(prefix);
    int step = planned.size();
    Command command = new Command(step, line, state.cwd, stages, env, Set.of(), List.copyOf(guards), -1,
        state.errexit && conditionDepth == 0, state.xtrace);
    Dependencies.Access access = Dependencies.access(command);
    for (String r : access.removes()) {
      state.files.remove(r);
    }
    for (String w : access.writes()) {
      if (!access.removes().contains(w)) {
        state.files.write(w, access.directories().contains(w));
      }
    }
    planned.add(new Dependencies.Planned(command, access));
    return new Status(0, step);
  }

  /** An {@code exit N} that happens only if the guards hold: a point where the run stops. */
  private void plannedExit(int status, int line) {
    int step = planned.size();
    Command command = new Command(step, line, state.cwd, List.of(), Map.of(), Set.of(), List.copyOf(guards),
        status, false, state.xtrace);
    planned.add(new Dependencies.Planned(command, new Dependencies.Access(Set.of(), Set.of(), Set.of(), Set.of())));
  }

  private Redirects redirects(List<Ast.Redirect> list, int line) {
    String stdin = null;
    String stdout = null;
    boolean stdoutAppend = false;
    String stderr = null;
    boolean stderrAppend = false;
    boolean stderrToStdout = false;
    boolean stderrToOriginalStdout = false;
    for (Ast.Redirect r : list) {
      String target = r.op().equals(">&") || r.op().equals("<&") ? r.target().raw()
          : expander.expandString(r.target().raw(), r.line());
      if (target.isEmpty()) {
        throw Refusal.at(r.line(), "ambiguous redirect: '" + r.target().raw() + "' expands to nothing");
      }
      switch (r.op()) {
        case "<" -> {
          if (r.fd() != 0) {
            throw Refusal.at(r.line(), "input redirection of descriptor " + r.fd() + " is not supported");
          }
          stdin = target;
        }
        case ">", ">>" -> {
          boolean append = r.op().equals(">>");
          if (r.fd() == 1) {
            stdout = target;
            stdoutAppend = append;
          } else if (r.fd() == 2) {
            stderr = target;
            stderrAppend = append;
            stderrToStdout = false;
            stderrToOriginalStdout = false;
          } else {
            throw Refusal.at(r.line(), "redirection of descriptor " + r.fd() + " is not supported");
          }
        }
        case "&>", "&>>" -> {
          stdout = target;
          stdoutAppend = r.op().equals("&>>");
          stderr = null;
          stderrToStdout = true;
        }
        case ">&" -> {
          if (r.fd() == 2 && target.equals("1")) {
            stderr = null;
            stderrToStdout = stdout != null;
            stderrToOriginalStdout = stdout == null;
          } else if (r.fd() == 1 && target.equals("2")) {
            // '>&2': the command's output is shown as it ends, like its stderr; nothing to write
          } else if (!(r.fd() == 1 && target.equals("1")) && !(r.fd() == 2 && target.equals("2"))) {
            throw Refusal.at(r.line(), "'" + r.fd() + ">&" + target + "' is not supported; only 2>&1 and >&2");
          }
        }
        case "<&" -> throw Refusal.at(r.line(), "'<&' is not supported");
        default -> throw Refusal.at(r.line(), "redirection '" + r.op() + "' is not supported");
      }
    }
    if (stderrToOriginalStdout && stdout != null) {
      throw Refusal.at(line, "'2>&1 > file' (errors to the terminal, output to the file) is not supported;"
          + " write '> file 2>&1' to send both to the file");
    }
    if (stderrToOriginalStdout) {
      stderrToStdout = true;
    }
    if (stdin == null && stdout == null && stderr == null && !stderrToStdout) {
      return null;
    }
    return new Redirects(stdin, stdout, stdoutAppend, stderr, stderrAppend, stderrToStdout);
  }

  // ---------------------------------------------------------------- command substitution

  private String commandSubstitution(String text, int line) {
    Node program;
    try {
      program = ShellParser.parse(text, line);
    } catch (ScriptException e) {
      throw new Refusal(new ScriptException(e.line(), "in a command substitution: " + e.problem()));
    }
    StringBuilder saved = captured;
    ShellState.Saved savedState = state.save(); // a subshell: nothing it sets stays
    int savedDepth = conditionDepth;
    captured = new StringBuilder();
    conditionDepth = 0;
    try {
      Status s;
      try {
        s = exec(program);
      } catch (Jump j) {
        if (!j.is(Jump.Kind.EXIT)) {
          throw j;
        }
        s = Status.of(j.value);
      }
      lastSubstitution = s;
      String out = captured.toString();
      int end = out.length();
      while (end > 0 && out.charAt(end - 1) == '\n') {
        end--;
      }
      return out.substring(0, end);
    } finally {
      captured = saved;
      state.restore(savedState);
      conditionDepth = savedDepth;
    }
  }
}
