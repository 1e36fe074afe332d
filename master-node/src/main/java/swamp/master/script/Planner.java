package swamp.master.script;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
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
 */
final class Planner {

  private static final int MAX_ITERATIONS = 1_000_000;
  private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
  private static final Pattern ASSIGNMENT = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)(\\[([^\\]]*)\\])?(\\+?)=(.*)", Pattern.DOTALL);
  /** Commands run while planning with no check: they read no file a script writes. */
  private static final Set<String> PURE = Set.of("date", "hostname", "whoami", "id", "uname", "nproc");

  /** The status of what ran last: known, or that of a planned command (its step). */
  private record Status(int code, int step) {
    static final Status OK = new Status(0, -1);
    static final Status FAIL = new Status(1, -1);

    static Status of(int code) {
      return code == 0 ? OK : new Status(code, -1);
    }

    boolean known() {
      return step < 0;
    }
  }

  private static final class Var {
    final TreeMap<Long, String> values = new TreeMap<>();
    boolean exported;
    boolean array;

    Var copy() {
      Var v = new Var();
      v.values.putAll(values);
      v.exported = exported;
      v.array = array;
      return v;
    }
  }

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

  /** Refusals travel as unchecked exceptions inside the tree walk; {@link #plan} unwraps them. */
  private static final class Refusal extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final ScriptException cause;

    Refusal(ScriptException cause) {
      super(cause.getMessage(), null, false, false);
      this.cause = cause;
    }
  }

  private final Map<String, String> initialEnv;
  private Map<String, Var> vars = new HashMap<>();
  private final Map<String, Ast.FunctionDef> functions = new HashMap<>();
  private final Deque<Map<String, Var>> localFrames = new ArrayDeque<>();
  private List<String> positional;
  private final String arg0;
  private String cwd;
  private Status last = Status.OK;
  private boolean errexit;
  private boolean xtrace;
  private boolean pipefail;
  private int conditionDepth;
  private int iterations;
  private final PlannedFiles files = new PlannedFiles();
  private final Deque<Guard> guards = new ArrayDeque<>();
  private final List<Dependencies.Planned> planned = new ArrayList<>();
  /** Non-null while a command substitution runs: what it prints goes here. */
  private StringBuilder captured;
  private final Deque<String> dirStack = new ArrayDeque<>();
  private int exitStatus;
  /** The status of the last command substitution: that of an assignment-only command. */
  private Status lastSubstitution;
  /** The line being expanded, for messages from arithmetic and parameters. */
  private int currentLine;

  Planner(String dir, Map<String, String> environment, String arg0, List<String> args) {
    this.initialEnv = Map.copyOf(environment);
    this.cwd = PlannedFiles.resolve("/", dir);
    this.arg0 = arg0;
    this.positional = new ArrayList<>(args);
    environment.forEach((k, v) -> {
      if (NAME.matcher(k).matches()) {
        Var var = new Var();
        var.values.put(0L, v);
        var.exported = true;
        vars.put(k, var);
      }
    });
    setScalar("PWD", cwd);
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

  private static Refusal refuse(int line, String problem) {
    return new Refusal(new ScriptException(line, problem));
  }

  // ---------------------------------------------------------------- the tree

  private Status exec(Node node) {
    Status s = dispatch(node);
    last = s;
    if (errexit && conditionDepth == 0 && s.known() && s.code() != 0 && captured == null
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
      return Status.of(arith(a.expression(), a.line()) != 0 ? 0 : 1);
    } else {
      Ast.Conditional c = (Ast.Conditional) node;
      return Status.of(new CondEval(c.words(), c.line()).evaluate() ? 0 : 1);
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
      throw refuse(node.line(), "the condition of '" + what + "' runs a command as a job ("
          + planned.get(s.step()).command().text() + "); swamp plans the whole script before"
          + " anything runs, so a condition must be a test ([ ], [[ ]], test, (( ))) on names and"
          + " files. Test the file the command writes instead (if [ -f out.nc ]), or use 'cmd || exit 1'");
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
        throw refuse(a.line(), "a chain such as 'a && b || c' whose commands run as jobs cannot be"
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
    List<String> items = f.words() == null ? List.copyOf(positional) : expandWords(f.words());
    last = Status.OK;
    for (String item : items) {
      count(f.line());
      assign(f.name(), item, f.line());
      if (!iterate(f.body())) {
        break;
      }
    }
    return last;
  }

  private Status arithFor(Ast.ArithFor f) {
    last = Status.OK;
    arith(f.init(), f.line());
    while (f.condition().isBlank() || arith(f.condition(), f.line()) != 0) {
      count(f.line());
      if (!iterate(f.body())) {
        break;
      }
      arith(f.step(), f.line());
    }
    return last;
  }

  private Status loop(Ast.Loop l) {
    last = Status.OK;
    while ((condition(l.condition(), l.until() ? "until" : "while").code() == 0) != l.until()) {
      count(l.line());
      if (!iterate(l.body())) {
        break;
      }
    }
    return last;
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
      throw refuse(line, "loops ran more than " + MAX_ITERATIONS + " times while planning;"
          + " is a loop's condition ever false?");
    }
  }

  private Status subshell(Ast.Subshell s) {
    Map<String, Var> savedVars = copyVars();
    List<String> savedPositional = new ArrayList<>(positional);
    String savedCwd = cwd;
    boolean[] savedOptions = {errexit, xtrace, pipefail};
    try {
      return exec(s.body());
    } catch (Jump j) {
      if (!j.is(Jump.Kind.EXIT)) {
        throw j;
      }
      return Status.of(j.value);
    } finally {
      vars = savedVars;
      positional = savedPositional;
      cwd = savedCwd;
      errexit = savedOptions[0];
      xtrace = savedOptions[1];
      pipefail = savedOptions[2];
    }
  }

  private Map<String, Var> copyVars() {
    Map<String, Var> copy = new HashMap<>();
    vars.forEach((k, v) -> copy.put(k, v.copy()));
    return copy;
  }

  // ---------------------------------------------------------------- simple commands

  private Status simple(Ast.Simple c) {
    List<Word> words = c.words();
    int k = 0;
    while (k < words.size() && ASSIGNMENT.matcher(words.get(k).raw()).matches()) {
      k++;
    }
    List<String> argv = expandWords(words.subList(k, words.size()));
    if (argv.isEmpty()) {
      Status s = Status.OK;
      for (Word w : words.subList(0, k)) {
        s = assignWord(w);
      }
      if (!c.redirects().isEmpty()) {
        throw refuse(c.line(), "a redirection without a command ('> file') is not supported;"
            + " write 'touch file' or ': > file' as a command");
      }
      return k > 0 && lastSubstitution != null ? lastSubstitution : s;
    }
    Map<String, String> prefix = new LinkedHashMap<>();
    for (Word w : words.subList(0, k)) {
      Matcher m = ASSIGNMENT.matcher(w.raw());
      m.matches();
      prefix.put(m.group(1), expandString(m.group(5), w.line()));
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
      return Status.of(runHere(List.of(new StageDraft(argv, c.redirects(), c.line())), c.line(), prefix));
    }
    return job(List.of(new StageDraft(argv, c.redirects(), c.line())), prefix, c.line());
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
      List<String> values = expandWords(items);
      Var v = vars.computeIfAbsent(name, x -> new Var());
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
    String expanded = expandString(value, w.line());
    if (subscript != null) {
      long index = arith(expandString(subscript, w.line()), w.line());
      Var v = vars.computeIfAbsent(name, x -> new Var());
      v.array = true;
      v.values.put(index, append ? v.values.getOrDefault(index, "") + expanded : expanded);
    } else {
      assign(name, append ? Objects.requireNonNullElse(scalar(name), "") + expanded : expanded, w.line());
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
      throw refuse(call.line(), "a redirection of a function call ('" + f.name() + " > f') is not"
          + " supported; redirect the commands inside the function");
    }
    if (localFrames.size() > 200) {
      throw refuse(call.line(), "function '" + f.name() + "' recurses more than 200 levels deep");
    }
    List<String> saved = positional;
    positional = new ArrayList<>(args);
    localFrames.push(new HashMap<>());
    try {
      return exec(f.body());
    } catch (Jump j) {
      if (!j.is(Jump.Kind.RETURN)) {
        throw j;
      }
      return Status.of(j.value);
    } finally {
      positional = saved;
      Map<String, Var> frame = localFrames.pop();
      frame.forEach((name, old) -> {
        if (old == null) {
          vars.remove(name);
        } else {
          vars.put(name, old);
        }
      });
    }
  }

  /** Remembers a variable's value before a 'local' changes it, to restore at return. */
  private void declareLocal(String name) {
    Map<String, Var> frame = localFrames.peek();
    if (frame != null && !frame.containsKey(name)) {
      Var old = vars.get(name);
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
            vars.remove(a);
            functions.remove(a);
          }
        }
        return Status.OK;
      }
      case "shift" -> {
        int n = args.isEmpty() ? 1 : (int) arith(args.get(0), line);
        if (n > positional.size()) {
          return Status.FAIL;
        }
        positional = new ArrayList<>(positional.subList(n, positional.size()));
        return Status.OK;
      }
      case "set" -> {
        return set(args, line);
      }
      case "let" -> {
        long v = 0;
        for (String a : args) {
          v = arith(a, line);
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
        int status = args.isEmpty() ? (last.known() ? last.code() : 0) : (int) (parseNumber(args.get(0), name, line) & 0xff);
        if (name.equals("return") && (localFrames.isEmpty() || !guards.isEmpty())) {
          if (localFrames.isEmpty()) {
            throw Jump.exit(status);
          }
          throw refuse(line, "'return' after a command that runs as a job ('cmd || return') cannot be planned");
        }
        if (name.equals("exit") && !guards.isEmpty() && captured == null) {
          plannedExit(status, line);
          return Status.OK;
        }
        throw new Jump(name.equals("exit") ? Jump.Kind.EXIT : Jump.Kind.RETURN, status);
      }
      case "break", "continue" -> {
        if (!guards.isEmpty()) {
          throw refuse(line, "'" + name + "' after a command that runs as a job cannot be planned:"
              + " whether it happens depends on the job's status");
        }
        int n = args.isEmpty() ? 1 : (int) parseNumber(args.get(0), name, line);
        throw new Jump(name.equals("continue") ? Jump.Kind.CONTINUE : Jump.Kind.BREAK, Math.max(1, n));
      }
      case "test", "[" -> {
        List<String> t = args;
        if (name.equals("[")) {
          if (t.isEmpty() || !t.get(t.size() - 1).equals("]")) {
            throw refuse(line, "'[' without its closing ']'");
          }
          t = t.subList(0, t.size() - 1);
        }
        return Status.of(new TestEval(t, line).evaluate() ? 0 : 1);
      }
      case "source", "." -> {
        if (args.isEmpty()) {
          throw refuse(line, "'" + name + "' needs a file name");
        }
        String file = PlannedFiles.resolve(cwd, args.get(0));
        if (files.touched(file) || !Files.isReadable(Path.of(file))) {
          throw refuse(line, "'" + name + " " + args.get(0) + "': swamp cannot read that file while"
              + " planning" + (files.touched(file) ? " (an earlier line writes it)" : "")
              + "; put its commands in the script");
        }
        try {
          Node sourced = ShellParser.parse(Files.readString(Path.of(file)), 1);
          List<String> saved = positional;
          if (args.size() > 1) {
            positional = new ArrayList<>(args.subList(1, args.size()));
          }
          try {
            return exec(sourced);
          } catch (Jump j) {
            if (!j.is(Jump.Kind.RETURN)) {
              throw j;
            }
            return Status.of(j.value);
          } finally {
            positional = saved;
          }
        } catch (IOException e) {
          throw refuse(line, "'" + name + " " + args.get(0) + "': " + e.getMessage());
        } catch (ScriptException e) {
          throw refuse(line, "in " + args.get(0) + ", " + e.getMessage());
        }
      }
      case "printf" -> {
        if (!args.isEmpty() && args.get(0).equals("-v")) {
          if (args.size() < 3) {
            throw refuse(line, "printf -v needs a name and a format");
          }
          try {
            assign(args.get(1), Builtins.printf(args.subList(2, args.size())).text(), line);
          } catch (Builtins.UsageException e) {
            throw refuse(line, e.getMessage());
          }
          return Status.OK;
        }
        return null;
      }
      case "eval", "exec", "trap", "read", "readarray", "mapfile", "alias", "unalias", "shopt",
          "ulimit", "umask", "getopts", "builtin", "command", "hash", "kill", "jobs", "fg", "bg",
          "disown", "enable", "caller", "complete", "coproc", "suspend", "logout", "times", "type",
          "module", "ml" -> {
        throw refuse(line, "'" + name + "' is not supported by swamp's planner" + advice(name));
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
        throw refuse(c.line(), "a redirection of '" + name + "' is not supported");
      }
    }
  }

  private long parseNumber(String s, String what, int line) {
    try {
      return Long.parseLong(s.trim());
    } catch (NumberFormatException e) {
      throw refuse(line, what + ": " + s + ": numeric argument required");
    }
  }

  private Status changeDirectory(String name, List<String> args, int line) {
    String target;
    if (name.equals("popd")) {
      if (dirStack.isEmpty()) {
        throw refuse(line, "popd: directory stack empty");
      }
      target = dirStack.pop();
    } else {
      List<String> operands = args.stream().filter(a -> !a.equals("-P") && !a.equals("-L")).toList();
      if (operands.isEmpty()) {
        target = Objects.requireNonNullElse(scalar("HOME"), "/");
      } else if (operands.get(0).equals("-")) {
        target = Objects.requireNonNullElse(scalar("OLDPWD"), cwd);
      } else {
        target = operands.get(0);
      }
      target = PlannedFiles.resolve(cwd, target);
      if (!files.isDirectory(target)) {
        throw refuse(line, name + " " + (operands.isEmpty() ? "" : operands.get(0))
            + ": no such directory, and no earlier line of the script creates it (mkdir -p)");
      }
      if (name.equals("pushd")) {
        dirStack.push(cwd);
      }
    }
    setScalar("OLDPWD", cwd);
    cwd = target;
    setScalar("PWD", cwd);
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
        throw refuse(line, "associative arrays (" + name + " -A) are not supported; use indexed arrays");
      }
      if (raw.contains("f") && !raw.startsWith("+")) {
        throw refuse(line, name + " " + raw + " is not supported");
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
        var = expandString(w.raw(), line);
        if (!NAME.matcher(var).matches()) {
          throw refuse(line, name + ": '" + var + "': not a valid identifier");
        }
        if (name.equals("local")) {
          declareLocal(var);
          vars.remove(var);
        }
        if (array) {
          vars.computeIfAbsent(var, x -> new Var()).array = true;
        }
      }
      if (export) {
        vars.computeIfAbsent(var, x -> new Var()).exported = true;
      }
    }
    return Status.OK;
  }

  private Status set(List<String> args, int line) {
    for (int k = 0; k < args.size(); k++) {
      String a = args.get(k);
      if (a.equals("--")) {
        positional = new ArrayList<>(args.subList(k + 1, args.size()));
        return Status.OK;
      }
      if (a.equals("-o") || a.equals("+o")) {
        String option = k + 1 < args.size() ? args.get(++k) : "";
        boolean on = a.equals("-o");
        switch (option) {
          case "errexit" -> errexit = on;
          case "xtrace" -> xtrace = on;
          case "pipefail" -> pipefail = on;
          case "nounset", "noclobber" -> { }
          default -> throw refuse(line, "set " + a + " " + option + " is not supported");
        }
        continue;
      }
      if ((a.startsWith("-") || a.startsWith("+")) && a.length() > 1) {
        boolean on = a.startsWith("-");
        for (char f : a.substring(1).toCharArray()) {
          switch (f) {
            case 'e' -> errexit = on;
            case 'x' -> xtrace = on;
            case 'u', 'v', 'C', 'h', 'B' -> { }
            default -> throw refuse(line, "set " + (on ? "-" : "+") + f + " is not supported");
          }
        }
        continue;
      }
      positional = new ArrayList<>(args.subList(k, args.size()));
      return Status.OK;
    }
    return Status.OK;
  }

  // ---------------------------------------------------------------- pipelines and jobs

  /** A stage before its redirections are resolved. */
  private record StageDraft(List<String> argv, List<Ast.Redirect> redirects, int line) {}

  private Status pipeline(Ast.Pipeline p) {
    if (p.stages().size() == 1) {
      Status s = p.negated() ? inCondition(p.stages().get(0)) : exec(p.stages().get(0));
      if (!p.negated()) {
        return s;
      }
      if (!s.known()) {
        throw refuse(p.line(), "'!' before a command that runs as a job cannot be planned");
      }
      return Status.of(s.code() == 0 ? 1 : 0);
    }
    List<StageDraft> stages = new ArrayList<>();
    Map<String, String> prefix = new LinkedHashMap<>();
    for (Node n : p.stages()) {
      if (!(n instanceof Ast.Simple c)) {
        throw refuse(n.line(), "a stage of a pipeline must be a simple command; a loop, group or"
            + " subshell inside a pipeline is not supported");
      }
      int k = 0;
      while (k < c.words().size() && ASSIGNMENT.matcher(c.words().get(k).raw()).matches()) {
        Matcher m = ASSIGNMENT.matcher(c.words().get(k).raw());
        m.matches();
        prefix.put(m.group(1), expandString(m.group(5), c.line()));
        k++;
      }
      List<String> argv = expandWords(c.words().subList(k, c.words().size()));
      if (argv.isEmpty()) {
        throw refuse(c.line(), "an empty stage in a pipeline");
      }
      String name = argv.get(0);
      if (functions.containsKey(name)) {
        throw refuse(c.line(), "function '" + name + "' in a pipeline is not supported;"
            + " write its commands in the pipeline");
      }
      if (captured == null && isPlanTimeBuiltin(name)) {
        throw refuse(c.line(), "'" + name + "' is a shell builtin and cannot be a stage of a pipeline"
            + " that runs as a job");
      }
      stages.add(new StageDraft(argv, c.redirects(), c.line()));
    }
    Status s;
    if (captured != null) {
      s = Status.of(runHere(stages, p.line(), prefix));
    } else {
      s = job(stages, prefix, p.line());
    }
    if (p.negated()) {
      if (!s.known()) {
        throw refuse(p.line(), "'!' before a command that runs as a job cannot be planned");
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

  private Status job(List<StageDraft> drafts, Map<String, String> prefix, int line) {
    List<Stage> stages = new ArrayList<>();
    for (StageDraft d : drafts) {
      stages.add(new Stage(d.argv(), redirects(d.redirects(), d.line())));
    }
    Map<String, String> env = new TreeMap<>();
    vars.forEach((name, v) -> {
      String value = v.values.get(0L);
      if (v.exported && value != null && !value.equals(initialEnv.get(name))
          && !name.equals("PWD") && !name.equals("OLDPWD") && !name.equals("PATH")) { // workers use their own PATH
        env.put(name, value);
      }
    });
    env.putAll(prefix);
    int step = planned.size();
    Command command = new Command(step, line, cwd, stages, env, Set.of(), List.copyOf(guards), -1,
        errexit && conditionDepth == 0, xtrace);
    Dependencies.Access access = Dependencies.access(command);
    for (String r : access.removes()) {
      files.remove(r);
    }
    for (String w : access.writes()) {
      if (!access.removes().contains(w)) {
        files.write(w, access.directories().contains(w));
      }
    }
    planned.add(new Dependencies.Planned(command, access));
    return new Status(0, step);
  }

  /** An {@code exit N} that happens only if the guards hold: a point where the run stops. */
  private void plannedExit(int status, int line) {
    int step = planned.size();
    Command command = new Command(step, line, cwd, List.of(), Map.of(), Set.of(), List.copyOf(guards),
        status, false, xtrace);
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
          : expandString(r.target().raw(), r.line());
      if (target.isEmpty()) {
        throw refuse(r.line(), "ambiguous redirect: '" + r.target().raw() + "' expands to nothing");
      }
      switch (r.op()) {
        case "<" -> {
          if (r.fd() != 0) {
            throw refuse(r.line(), "input redirection of descriptor " + r.fd() + " is not supported");
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
            throw refuse(r.line(), "redirection of descriptor " + r.fd() + " is not supported");
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
            throw refuse(r.line(), "'" + r.fd() + ">&" + target + "' is not supported; only 2>&1 and >&2");
          }
        }
        case "<&" -> throw refuse(r.line(), "'<&' is not supported");
        default -> throw refuse(r.line(), "redirection '" + r.op() + "' is not supported");
      }
    }
    if (stderrToOriginalStdout && stdout != null) {
      throw refuse(line, "'2>&1 > file' (errors to the terminal, output to the file) is not supported;"
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

  // ---------------------------------------------------------------- running here (substitutions)

  private String commandSubstitution(String text, int line) {
    Node program;
    try {
      program = ShellParser.parse(text, line);
    } catch (ScriptException e) {
      throw new Refusal(new ScriptException(e.line(), "in a command substitution: " + e.problem()));
    }
    StringBuilder saved = captured;
    Map<String, Var> savedVars = copyVars();
    List<String> savedPositional = new ArrayList<>(positional);
    String savedCwd = cwd;
    Status savedLast = last;
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
      vars = savedVars;
      positional = savedPositional;
      cwd = savedCwd;
      last = savedLast;
      conditionDepth = savedDepth;
    }
  }

  /** Runs a command (or pipeline) while planning, inside a command substitution. */
  private int runHere(List<StageDraft> stages, int line, Map<String, String> prefix) {
    String input = null;
    int status = 0;
    for (StageDraft stage : stages) {
      List<String> argv = stage.argv();
      String name = argv.get(0);
      boolean errorsToOutput = false;
      boolean silent = false;
      for (Ast.Redirect r : stage.redirects()) {
        String target = r.op().equals(">&") ? r.target().raw() : expandString(r.target().raw(), r.line());
        if (r.op().equals(">&") && r.fd() == 2 && target.equals("1")) {
          errorsToOutput = true;
        } else if (r.op().equals(">&") || target.equals("/dev/null") && r.fd() == 2) {
          continue; // '>&2', '2>/dev/null': nothing this substitution captures
        } else if (target.equals("/dev/null")) {
          silent = true;
        } else if (r.op().equals("<")) {
          String file = PlannedFiles.resolve(cwd, target);
          if (files.touched(file)) {
            throw refuse(r.line(), "a command substitution reads " + target + ", which an earlier line"
                + " writes; swamp cannot know its contents while planning");
          }
          try {
            input = Files.readString(Path.of(file));
          } catch (IOException e) {
            throw refuse(r.line(), target + ": " + e.getMessage());
          }
        } else {
          throw refuse(r.line(), "a command substitution that writes a file ('" + r.op() + " " + target
              + "') is not supported: swamp runs it while planning; write the file with a command of its own");
        }
      }
      List<String> args = argv.subList(1, argv.size());
      Builtins.Output out;
      try {
        out = switch (name) {
          case "echo" -> Builtins.echo(args);
          case "printf" -> Builtins.printf(args);
          case "seq" -> Builtins.seq(args);
          case "basename" -> Builtins.basename(args);
          case "dirname" -> Builtins.dirname(args);
          case "expr" -> Builtins.expr(args);
          case "ls" -> ls(args);
          case "pwd" -> Builtins.Output.ok(cwd + "\n");
          default -> external(argv, input, line, prefix, errorsToOutput);
        };
      } catch (Builtins.UsageException e) {
        throw refuse(line, e.getMessage());
      }
      input = silent ? "" : out.text();
      status = pipefail && out.status() != 0 ? out.status() : (pipefail && status != 0 ? status : out.status());
    }
    captured.append(input);
    return status;
  }

  private Builtins.Output ls(List<String> args) {
    List<String> operands = args.stream().filter(a -> !a.startsWith("-") || a.equals("-")).toList();
    boolean directoryItself = args.stream().anyMatch(a -> a.startsWith("-") && a.contains("d"));
    boolean hidden = args.stream().anyMatch(a -> a.startsWith("-") && (a.contains("a") || a.contains("A")));
    if (args.stream().anyMatch(a -> a.startsWith("-") && a.matches("-.*[lsRtSr].*"))) {
      throw refuse(0, "ls with -l, -s, -R, -t, -S or -r in a command substitution is not supported;"
          + " use plain 'ls' or a glob");
    }
    StringBuilder out = new StringBuilder();
    int status = 0;
    List<String> fileOperands = new ArrayList<>();
    List<String> dirOperands = new ArrayList<>();
    for (String o : operands.isEmpty() ? List.of(".") : operands) {
      String abs = PlannedFiles.resolve(cwd, o);
      if (!files.exists(abs)) {
        status = 2; // "ls: cannot access": bash prints that to stderr
      } else if (files.isDirectory(abs) && !directoryItself) {
        dirOperands.add(o);
      } else {
        fileOperands.add(o);
      }
    }
    fileOperands.sort(null);
    fileOperands.forEach(f -> out.append(f).append('\n'));
    for (String d : dirOperands) {
      for (String name : files.list(PlannedFiles.resolve(cwd, d), hidden)) {
        out.append(name).append('\n');
      }
    }
    return new Builtins.Output(out.toString(), status);
  }

  private Builtins.Output external(List<String> argv, String input, int line, Map<String, String> prefix,
      boolean errorsToOutput) {
    String name = argv.get(0);
    if (!PURE.contains(name)) {
      for (String a : argv.subList(1, argv.size())) {
        String candidate = a.contains("=") && a.startsWith("-") ? a.substring(a.indexOf('=') + 1) : a;
        if (candidate.isEmpty() || candidate.startsWith("-") && !candidate.equals("-")) {
          continue;
        }
        String abs = PlannedFiles.resolve(cwd, candidate);
        if (files.touched(abs)) {
          throw refuse(line, "'" + String.join(" ", argv) + "' in a command substitution reads " + a
              + ", which an earlier line of the script writes; swamp plans the whole script before"
              + " anything runs, so it cannot know that file's contents yet. Split the script in two"
              + " at that point, or compute the value without reading the file");
        }
      }
    }
    ProcessBuilder pb = new ProcessBuilder(argv).directory(Path.of(cwd).toFile())
        .redirectError(ProcessBuilder.Redirect.INHERIT).redirectErrorStream(errorsToOutput);
    Map<String, String> env = pb.environment();
    env.clear();
    vars.forEach((k, v) -> {
      if (v.exported && v.values.get(0L) != null) {
        env.put(k, v.values.get(0L));
      }
    });
    env.putAll(prefix);
    if (input == null) {
      pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    }
    try {
      Process p = pb.start();
      if (input != null) {
        try (OutputStream in = p.getOutputStream()) {
          in.write(input.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
          // the command did not read all of its input, as 'head' does
        }
      }
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      try (InputStream o = p.getInputStream()) {
        o.transferTo(out);
      }
      if (!p.waitFor(120, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw refuse(line, "'" + String.join(" ", argv) + "' in a command substitution ran more than 120 s while planning");
      }
      return new Builtins.Output(out.toString(StandardCharsets.UTF_8), p.exitValue());
    } catch (IOException e) {
      return new Builtins.Output("", 127); // "command not found", as bash goes on after it
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw refuse(line, "interrupted while planning");
    }
  }

  // ---------------------------------------------------------------- variables

  private String scalar(String name) {
    Var v = vars.get(name);
    return v == null ? null : v.values.get(0L);
  }

  private void setScalar(String name, String value) {
    Var v = vars.computeIfAbsent(name, x -> new Var());
    v.values.put(0L, value);
  }

  private void assign(String name, String value, int line) {
    if (!NAME.matcher(name).matches()) {
      throw refuse(line, "'" + name + "': not a valid identifier");
    }
    setScalar(name, value);
  }

  private final Arith.Variables arithVars = new Arith.Variables() {
    @Override
    public String get(String name) {
      int open = name.indexOf('[');
      if (open < 0) {
        return special(name);
      }
      Var v = vars.get(name.substring(0, open));
      if (v == null) {
        return null;
      }
      return v.values.get(arithUnchecked(name.substring(open + 1, name.length() - 1)));
    }

    @Override
    public void set(String name, String value) {
      int open = name.indexOf('[');
      if (open < 0) {
        setScalar(name, value);
      } else {
        Var v = vars.computeIfAbsent(name.substring(0, open), x -> new Var());
        v.array = true;
        v.values.put(arithUnchecked(name.substring(open + 1, name.length() - 1)), value);
      }
    }
  };

  private long arithUnchecked(String expr) {
    return arith(expr, currentLine);
  }

  private long arith(String expression, int line) {
    currentLine = line;
    String expanded = expression.contains("$") || expression.contains("`")
        ? expandString(expression, line) : expression;
    try {
      return Arith.eval(expanded, arithVars);
    } catch (Arith.ArithException e) {
      throw refuse(line, e.getMessage());
    }
  }

  /** A scalar or special parameter's value; null when unset. */
  private String special(String name) {
    switch (name) {
      case "#":
        return Integer.toString(positional.size());
      case "?":
        if (!last.known()) {
          throw refuse(currentLine, "$? after a command that runs as a job is not known while planning;"
              + " write 'cmd || exit 1' (or set -e) to stop when it fails");
        }
        return Integer.toString(last.code());
      case "$":
        return Long.toString(ProcessHandle.current().pid());
      case "!":
        return "";
      case "-":
        return (errexit ? "e" : "") + (xtrace ? "x" : "") + "hB";
      case "0":
        return arg0;
      case "@", "*":
        return String.join(" ", positional);
      case "LINENO":
        return Integer.toString(currentLine);
      default:
        if (!name.isEmpty() && Character.isDigit(name.charAt(0))) {
          int n = Integer.parseInt(name);
          return n >= 1 && n <= positional.size() ? positional.get(n - 1) : null;
        }
        return scalar(name);
    }
  }

  // ---------------------------------------------------------------- expansion

  /** Text being built: each character knows if it was quoted and if it came from an expansion. */
  private static final class Field {
    final StringBuilder text = new StringBuilder();
    final BitSet quoted = new BitSet();
    final BitSet expanded = new BitSet();
    boolean hadQuotes;
    boolean dropIfEmpty;
  }

  private static final class Fields {
    final List<Field> list = new ArrayList<>(List.of(new Field()));

    Field current() {
      return list.get(list.size() - 1);
    }

    void append(String s, boolean quoted, boolean expanded) {
      Field f = current();
      int start = f.text.length();
      f.text.append(s);
      if (quoted) {
        f.quoted.set(start, start + s.length());
      }
      if (expanded) {
        f.expanded.set(start, start + s.length());
      }
    }

    void newField() {
      list.add(new Field());
    }
  }

  List<String> expandWords(List<Word> words) {
    List<String> out = new ArrayList<>();
    for (Word w : words) {
      for (String b : BraceExpansion.expand(w.raw())) {
        out.addAll(expandFields(b, w.line()));
      }
    }
    return out;
  }

  private List<String> expandFields(String raw, int line) {
    currentLine = line;
    Fields fs = new Fields();
    expandInto(raw, fs, false, line, true);
    List<String> out = new ArrayList<>();
    for (Field f : fs.list) {
      for (Field piece : split(f)) {
        if (Glob.hasMagic(piece.text.toString(), piece.quoted)) {
          List<String> matches = glob(piece);
          if (!matches.isEmpty()) {
            out.addAll(matches);
            continue;
          }
        }
        out.add(piece.text.toString());
      }
    }
    return out;
  }

  /** Expands without splitting or globbing (assignments, redirection targets, [[ ]] operands). */
  private String expandString(String raw, int line) {
    currentLine = line;
    Fields fs = new Fields();
    expandInto(raw, fs, false, line, true);
    StringBuilder sb = new StringBuilder();
    for (int k = 0; k < fs.list.size(); k++) {
      if (k > 0) {
        sb.append(' ');
      }
      sb.append(fs.list.get(k).text);
    }
    return sb.toString();
  }

  private static List<Field> split(Field f) {
    List<Field> out = new ArrayList<>();
    String s = f.text.toString();
    Field cur = new Field();
    boolean any = false;
    for (int k = 0; k < s.length(); k++) {
      char c = s.charAt(k);
      if (f.expanded.get(k) && !f.quoted.get(k) && (c == ' ' || c == '\t' || c == '\n')) {
        if (any) {
          out.add(cur);
          cur = new Field();
          any = false;
        }
        continue;
      }
      int at = cur.text.length();
      cur.text.append(c);
      if (f.quoted.get(k)) {
        cur.quoted.set(at);
      }
      any = true;
    }
    if (any) {
      out.add(cur);
    } else if (out.isEmpty() && f.hadQuotes && !f.dropIfEmpty) {
      out.add(cur);
    }
    return out;
  }

  private List<String> glob(Field f) {
    String pattern = f.text.toString();
    boolean absolute = pattern.startsWith("/");
    List<String> segments = new ArrayList<>();
    List<BitSet> quotedSegs = new ArrayList<>();
    int start = absolute ? 1 : 0;
    for (int k = start; k <= pattern.length(); k++) {
      if (k == pattern.length() || pattern.charAt(k) == '/') {
        if (k > start) {
          segments.add(pattern.substring(start, k));
          quotedSegs.add(f.quoted.get(start, k));
        }
        start = k + 1;
      }
    }
    List<String> results = new ArrayList<>();
    globFrom(absolute ? "/" : "", absolute ? "/" : cwd, segments, quotedSegs, 0, results);
    results.sort(null);
    return results;
  }

  private void globFrom(String prefix, String dir, List<String> segs, List<BitSet> quoted, int k, List<String> out) {
    if (k == segs.size()) {
      out.add(prefix.isEmpty() ? "." : prefix.endsWith("/") && prefix.length() > 1 ? prefix.substring(0, prefix.length() - 1) : prefix);
      return;
    }
    String seg = segs.get(k);
    BitSet q = quoted.get(k);
    String sep = k == segs.size() - 1 ? "" : "/";
    if (!Glob.hasMagic(seg, q)) {
      String path = PlannedFiles.resolve(dir, seg);
      if (files.exists(path)) {
        globFrom(prefix + seg + sep, path, segs, quoted, k + 1, out);
      }
      return;
    }
    Pattern p = Glob.compile(seg, q, true);
    boolean hidden = seg.startsWith(".");
    for (String name : files.list(dir, hidden)) {
      if (p.matcher(name).matches()) {
        String path = dir.equals("/") ? "/" + name : dir + "/" + name;
        if (sep.isEmpty() || files.isDirectory(path)) {
          globFrom(prefix + name + sep, path, segs, quoted, k + 1, out);
        }
      }
    }
  }

  /** Expands {@code raw} into {@code fs}: quotes, escapes, $-expansions and backquotes. */
  private void expandInto(String raw, Fields fs, boolean inDq, int line, boolean wordStart) {
    int n = raw.length();
    int k = 0;
    if (!inDq && wordStart && raw.startsWith("~") && (n == 1 || raw.charAt(1) == '/')) {
      fs.append(Objects.requireNonNullElse(scalar("HOME"), "~"), true, false);
      k = 1;
    }
    while (k < n) {
      char c = raw.charAt(k);
      if (c == '\'' && !inDq) {
        int end = raw.indexOf('\'', k + 1);
        fs.current().hadQuotes = true;
        fs.append(raw.substring(k + 1, end), true, false);
        k = end + 1;
      } else if (c == '$' && !inDq && k + 1 < n && raw.charAt(k + 1) == '\'') {
        int end = k + 2;
        while (end < n && raw.charAt(end) != '\'') {
          end += raw.charAt(end) == '\\' ? 2 : 1;
        }
        fs.current().hadQuotes = true; // $'...': backslash escapes, as echo -e does them
        fs.append(Builtins.echo(List.of("-ne", raw.substring(k + 2, Math.min(end, n)))).text(), true, false);
        k = end + 1;
      } else if (c == '"' && !inDq) {
        int end = Scan.skipQuotedOrExpansion(raw, k);
        fs.current().hadQuotes = true;
        expandInto(raw.substring(k + 1, end - 1), fs, true, line, false);
        k = end;
      } else if (c == '\\') {
        if (k + 1 >= n) {
          fs.append("\\", true, false);
          k++;
        } else if (!inDq || "$`\"\\".indexOf(raw.charAt(k + 1)) >= 0) {
          fs.append(String.valueOf(raw.charAt(k + 1)), true, false);
          k += 2;
        } else {
          fs.append("\\", true, false);
          k++;
        }
      } else if (c == '`') {
        int end = Scan.skipQuotedOrExpansion(raw, k);
        String body = raw.substring(k + 1, end - 1).replaceAll("\\\\([$`\\\\])", "$1");
        fs.append(commandSubstitution(body, line), inDq, true);
        k = end;
      } else if (c == '$' && k + 1 < n) {
        k = dollar(raw, k, fs, inDq, line);
      } else {
        fs.append(String.valueOf(c), inDq, false);
        k++;
      }
    }
  }

  /** Expands the {@code $} construct at {@code k}; returns the index after it. */
  private int dollar(String raw, int k, Fields fs, boolean inDq, int line) {
    char d = raw.charAt(k + 1);
    if (raw.startsWith("$((", k) && Scan.close(raw, k + 3, "((") >= 0) {
      int end = Scan.close(raw, k + 3, "((");
      fs.append(Long.toString(arith(raw.substring(k + 3, end), line)), inDq, true);
      return end + 2;
    }
    if (d == '(') {
      int end = Scan.close(raw, k + 2, "(");
      fs.append(commandSubstitution(raw.substring(k + 2, end), line), inDq, true);
      return end + 1;
    }
    if (d == '{') {
      int end = Scan.close(raw, k + 2, "{");
      parameter(raw.substring(k + 2, end), fs, inDq, line);
      return end + 1;
    }
    if (Character.isLetter(d) || d == '_') {
      int e = k + 1;
      while (e < raw.length() && (Character.isLetterOrDigit(raw.charAt(e)) || raw.charAt(e) == '_')) {
        e++;
      }
      fs.append(Objects.requireNonNullElse(special(raw.substring(k + 1, e)), ""), inDq, true);
      return e;
    }
    if (d == '@' || d == '*') {
      appendList(positional, fs, inDq, d == '*');
      return k + 2;
    }
    if (Character.isDigit(d) || "#?$!-".indexOf(d) >= 0) {
      fs.append(Objects.requireNonNullElse(special(String.valueOf(d)), ""), inDq, true);
      return k + 2;
    }
    fs.append("$", inDq, false);
    return k + 1;
  }

  /** {@code "$@"}: one field per element; {@code "$*"}: joined by spaces. */
  private void appendList(List<String> items, Fields fs, boolean inDq, boolean star) {
    if (inDq && star) {
      fs.append(String.join(" ", items), true, true);
      return;
    }
    if (items.isEmpty()) {
      if (inDq) {
        fs.current().dropIfEmpty = true;
      }
      return;
    }
    for (int k = 0; k < items.size(); k++) {
      if (k > 0) {
        if (inDq) {
          fs.current().hadQuotes = true;
        }
        fs.newField();
        if (inDq) {
          fs.current().hadQuotes = true;
        }
      }
      fs.append(items.get(k), inDq, true);
    }
  }

  private static final Pattern PARAM = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*|[0-9]+|[@*#?$!0-])(?:\\[([^\\]]*)\\])?(.*)", Pattern.DOTALL);

  private void parameter(String body, Fields fs, boolean inDq, int line) {
    if (body.startsWith("#") && body.length() > 1) {
      String inner = body.substring(1);
      Matcher m = PARAM.matcher(inner);
      if (m.matches() && m.group(3).isEmpty()) {
        String name = m.group(1);
        String sub = m.group(2);
        int length;
        if (name.equals("@") || name.equals("*")) {
          length = positional.size();
        } else if ("@".equals(sub) || "*".equals(sub)) {
          Var v = vars.get(name);
          length = v == null ? 0 : v.values.size();
        } else {
          String v = sub == null ? special(name) : element(name, sub, line);
          length = v == null ? 0 : v.length();
        }
        fs.append(Integer.toString(length), inDq, true);
        return;
      }
    }
    if (body.startsWith("!")) {
      throw refuse(line, "indirect expansion '${" + body + "}' is not supported; use an array");
    }
    Matcher m = PARAM.matcher(body);
    if (!m.matches()) {
      throw refuse(line, "bad substitution: '${" + body + "}'");
    }
    String name = m.group(1);
    String sub = m.group(2);
    String op = m.group(3);
    List<String> values;
    boolean isList = false;
    if (sub != null && (sub.equals("@") || sub.equals("*"))) {
      Var v = vars.get(name);
      values = v == null ? List.of() : new ArrayList<>(v.values.values());
      isList = true;
    } else if (sub == null && (name.equals("@") || name.equals("*"))) {
      values = new ArrayList<>(positional);
      isList = true;
    } else {
      String v = sub == null ? special(name) : element(name, sub, line);
      values = v == null ? null : List.of(v);
    }
    boolean star = "*".equals(sub) || name.equals("*");
    if (op.isEmpty()) {
      emit(values, isList, star, fs, inDq);
      return;
    }
    String single = values == null ? null : String.join(" ", values);
    boolean unsetOrEmpty = values == null || (isList ? values.isEmpty() : single.isEmpty());
    for (String test : List.of(":-", ":=", ":+", ":?", "-", "=", "+", "?")) {
      if (op.startsWith(test) && !(test.length() == 1 && op.startsWith(":"))) {
        boolean colon = test.startsWith(":");
        boolean missing = colon ? unsetOrEmpty : values == null;
        String word = op.substring(test.length());
        switch (test.charAt(test.length() - 1)) {
          case '-' -> {
            if (missing) {
              expandInto(word, fs, inDq, line, false);
            } else {
              emit(values, isList, star, fs, inDq);
            }
          }
          case '=' -> {
            if (missing) {
              String v = expandString(word, line);
              assign(name, v, line);
              fs.append(v, inDq, true);
            } else {
              emit(values, isList, star, fs, inDq);
            }
          }
          case '+' -> {
            if (!missing) {
              expandInto(word, fs, inDq, line, false);
            }
          }
          default -> {
            if (missing) {
              String msg = word.isEmpty() ? "parameter null or not set" : expandString(word, line);
              throw refuse(line, name + ": " + msg);
            }
            emit(values, isList, star, fs, inDq);
          }
        }
        return;
      }
    }
    List<String> source = values == null ? List.of("") : values;
    List<String> result = new ArrayList<>();
    if (op.startsWith("%") || op.startsWith("#")) {
      boolean longest = op.startsWith("%%") || op.startsWith("##");
      boolean suffix = op.startsWith("%");
      Pattern p = pattern(op.substring(longest ? 2 : 1), line);
      for (String v : source) {
        result.add(trim(v, p, suffix, longest));
      }
    } else if (op.startsWith("/")) {
      boolean all = op.startsWith("//");
      String rest = op.substring(all ? 2 : 1);
      boolean anchorStart = rest.startsWith("#");
      boolean anchorEnd = rest.startsWith("%");
      if (anchorStart || anchorEnd) {
        rest = rest.substring(1);
      }
      int slash = indexOfUnescaped(rest, '/');
      String pat = slash < 0 ? rest : rest.substring(0, slash);
      String rep = slash < 0 ? "" : expandString(rest.substring(slash + 1), line);
      Pattern p = pattern(pat, line);
      for (String v : source) {
        result.add(replace(v, p, rep, all, anchorStart, anchorEnd));
      }
    } else if (op.startsWith(":") && isList) { // ${a[@]:1:2}: a slice of the elements
      String[] parts = op.substring(1).split(":", 2);
      long offset = arith(parts[0], line);
      int from = (int) (offset < 0 ? Math.max(0, source.size() + offset) : Math.min(offset, source.size()));
      int to = parts.length > 1 ? (int) Math.min(source.size(), from + Math.max(0, arith(parts[1], line)))
          : source.size();
      result.addAll(source.subList(from, Math.max(from, to)));
    } else if (op.startsWith(":")) {
      String[] parts = op.substring(1).split(":", 2);
      long offset = arith(parts[0], line);
      for (String v : source) {
        int from = (int) (offset < 0 ? Math.max(0, v.length() + offset) : Math.min(offset, v.length()));
        int to = v.length();
        if (parts.length > 1) {
          long len = arith(parts[1], line);
          to = (int) (len < 0 ? Math.max(from, v.length() + len) : Math.min(v.length(), from + len));
        }
        result.add(v.substring(from, to));
      }
    } else if (op.startsWith("^^") || op.startsWith(",,") || op.startsWith("^") || op.startsWith(",")) {
      boolean upper = op.startsWith("^");
      boolean all = op.startsWith("^^") || op.startsWith(",,");
      for (String v : source) {
        if (v.isEmpty()) {
          result.add(v);
        } else if (all) {
          result.add(upper ? v.toUpperCase() : v.toLowerCase());
        } else {
          String first = v.substring(0, 1);
          result.add((upper ? first.toUpperCase() : first.toLowerCase()) + v.substring(1));
        }
      }
    } else {
      throw refuse(line, "bad substitution: '${" + body + "}'");
    }
    emit(values == null ? (result.get(0).isEmpty() ? null : result) : result, isList, star, fs, inDq);
  }

  private static int indexOfUnescaped(String s, char c) {
    for (int k = 0; k < s.length(); k++) {
      if (s.charAt(k) == '\\') {
        k++;
      } else if (s.charAt(k) == c) {
        return k;
      }
    }
    return -1;
  }

  private void emit(List<String> values, boolean isList, boolean star, Fields fs, boolean inDq) {
    if (values == null) {
      return;
    }
    if (isList) {
      appendList(values, fs, inDq, star);
    } else {
      fs.append(values.get(0), inDq, true);
    }
  }

  private String element(String name, String subscript, int line) {
    Var v = vars.get(name);
    if (v == null) {
      return null;
    }
    long index = arith(subscript, line);
    if (index < 0 && !v.values.isEmpty()) {
      index = v.values.lastKey() + 1 + index;
    }
    return v.values.get(index);
  }

  /** A pattern of ${x%pattern} and friends: expanded, quoted parts literal. */
  private Pattern pattern(String raw, int line) {
    Fields fs = new Fields();
    expandInto(raw, fs, false, line, false);
    Field f = fs.list.get(0);
    return Glob.compile(f.text.toString(), f.quoted, false);
  }

  private static String trim(String v, Pattern p, boolean suffix, boolean longest) {
    if (suffix) {
      int from = longest ? 0 : v.length();
      for (int k = from; longest ? k <= v.length() : k >= 0; k += longest ? 1 : -1) {
        if (p.matcher(v.substring(k)).matches()) {
          return v.substring(0, k);
        }
      }
    } else {
      int from = longest ? v.length() : 0;
      for (int k = from; longest ? k >= 0 : k <= v.length(); k += longest ? -1 : 1) {
        if (p.matcher(v.substring(0, k)).matches()) {
          return v.substring(k);
        }
      }
    }
    return v;
  }

  private static String replace(String v, Pattern p, String rep, boolean all, boolean anchorStart, boolean anchorEnd) {
    StringBuilder out = new StringBuilder();
    int k = 0;
    boolean done = false;
    while (k <= v.length()) {
      int matchEnd = -1;
      if (!done && (!anchorStart || k == 0)) {
        for (int e = v.length(); e >= k; e--) { // longest match at k
          if ((!anchorEnd || e == v.length()) && e > k && p.matcher(v.substring(k, e)).matches()) {
            matchEnd = e;
            break;
          }
        }
      }
      if (matchEnd >= 0) {
        out.append(rep);
        k = matchEnd;
        done = !all;
      } else {
        if (k < v.length()) {
          out.append(v.charAt(k));
        }
        k++;
      }
    }
    return out.toString();
  }

  // ---------------------------------------------------------------- tests

  /** {@code test} and {@code [ ]}: POSIX rules by the number of arguments, then -a/-o/!/( ). */
  private final class TestEval {
    private final List<String> a;
    private final int line;
    private int k;

    TestEval(List<String> args, int line) {
      this.a = args;
      this.line = line;
    }

    boolean evaluate() {
      if (a.isEmpty()) {
        return false;
      }
      if (a.size() == 1) {
        return !a.get(0).isEmpty();
      }
      if (a.size() == 2 && a.get(0).equals("!")) {
        return a.get(1).isEmpty();
      }
      if (a.size() == 3 && isBinary(a.get(1))) {
        return binaryTest(a.get(0), a.get(1), a.get(2), false, line);
      }
      boolean v = or();
      if (k < a.size()) {
        throw refuse(line, "test: unexpected '" + a.get(k) + "'");
      }
      return v;
    }

    private boolean or() {
      boolean v = and();
      while (k < a.size() && a.get(k).equals("-o")) {
        k++;
        v = and() || v;
      }
      return v;
    }

    private boolean and() {
      boolean v = not();
      while (k < a.size() && a.get(k).equals("-a")) {
        k++;
        v = not() && v;
      }
      return v;
    }

    private boolean not() {
      if (k < a.size() && a.get(k).equals("!")) {
        k++;
        return !not();
      }
      return primary();
    }

    private boolean primary() {
      if (k >= a.size()) {
        throw refuse(line, "test: argument expected");
      }
      String t = a.get(k);
      if (t.equals("(")) {
        k++;
        boolean v = or();
        if (k >= a.size() || !a.get(k).equals(")")) {
          throw refuse(line, "test: ')' expected");
        }
        k++;
        return v;
      }
      if (k + 2 < a.size() && isBinary(a.get(k + 1))) {
        boolean v = binaryTest(t, a.get(k + 1), a.get(k + 2), false, line);
        k += 3;
        return v;
      }
      if (isUnary(t) && k + 1 < a.size()) {
        k += 2;
        return unaryTest(t, a.get(k - 1), line);
      }
      k++;
      return !t.isEmpty();
    }
  }

  private static boolean isUnary(String op) {
    return op.length() == 2 && op.charAt(0) == '-' && "bcdefghknprsStuwxzLOGN".indexOf(op.charAt(1)) >= 0;
  }

  private static boolean isBinary(String op) {
    return Set.of("=", "==", "!=", "<", ">", "-eq", "-ne", "-lt", "-le", "-gt", "-ge", "-nt", "-ot", "-ef", "=~").contains(op);
  }

  private boolean unaryTest(String op, String arg, int line) {
    if (op.equals("-z")) {
      return arg.isEmpty();
    }
    if (op.equals("-n")) {
      return !arg.isEmpty();
    }
    if (op.equals("-v")) {
      return vars.containsKey(arg);
    }
    if (op.equals("-t")) {
      return false;
    }
    String path = PlannedFiles.resolve(cwd, arg);
    if (arg.isEmpty()) {
      return false;
    }
    return switch (op) {
      case "-e", "-a" -> files.exists(path);
      case "-f" -> files.isFile(path);
      case "-d" -> files.isDirectory(path);
      case "-s" -> files.nonEmpty(path);
      case "-r" -> files.exists(path) && (files.touched(path) || Files.isReadable(Path.of(path)));
      case "-w" -> files.exists(path) && (files.touched(path) || Files.isWritable(Path.of(path)));
      case "-x" -> files.exists(path) && !files.touched(path) && Files.isExecutable(Path.of(path));
      case "-L", "-h" -> files.isSymbolicLink(path);
      default -> throw refuse(line, "test " + op + " is not supported");
    };
  }

  private boolean binaryTest(String left, String op, String right, boolean patterns, int line) {
    switch (op) {
      case "=", "==" -> {
        return patterns ? Glob.compile(right, false).matcher(left).matches() : left.equals(right);
      }
      case "!=" -> {
        return patterns ? !Glob.compile(right, false).matcher(left).matches() : !left.equals(right);
      }
      case "<" -> {
        return left.compareTo(right) < 0;
      }
      case ">" -> {
        return left.compareTo(right) > 0;
      }
      case "=~" -> {
        try {
          Matcher m = Pattern.compile(right).matcher(left);
          boolean found = m.find();
          Var rematch = new Var();
          rematch.array = true;
          if (found) {
            for (int g = 0; g <= m.groupCount(); g++) {
              rematch.values.put((long) g, Objects.requireNonNullElse(m.group(g), ""));
            }
          }
          vars.put("BASH_REMATCH", rematch);
          return found;
        } catch (PatternSyntaxException e) {
          throw refuse(line, "invalid regular expression '" + right + "'");
        }
      }
      case "-nt", "-ot", "-ef" -> throw refuse(line, "test " + op + " compares files' times, which"
          + " swamp does not know while planning; test -f instead");
      default -> {
        long l = integer(left, line);
        long r = integer(right, line);
        return switch (op) {
          case "-eq" -> l == r;
          case "-ne" -> l != r;
          case "-lt" -> l < r;
          case "-le" -> l <= r;
          case "-gt" -> l > r;
          default -> l >= r;
        };
      }
    }
  }

  private long integer(String s, int line) {
    try {
      return Long.parseLong(s.trim());
    } catch (NumberFormatException e) {
      throw refuse(line, "'" + s + "': integer expression expected");
    }
  }

  /** {@code [[ ]]}: words are not split or globbed; {@code == !=} match patterns. */
  private final class CondEval {
    private final List<Word> w;
    private final int line;
    private int k;

    CondEval(List<Word> words, int line) {
      this.w = words;
      this.line = line;
    }

    boolean evaluate() {
      if (w.isEmpty()) {
        throw refuse(line, "'[[ ]]' is empty");
      }
      boolean v = or();
      if (k < w.size()) {
        throw refuse(line, "unexpected '" + w.get(k).raw() + "' in [[ ]]");
      }
      return v;
    }

    private boolean at(String op) {
      return k < w.size() && w.get(k).raw().equals(op);
    }

    private boolean or() {
      boolean v = and();
      while (at("||")) {
        k++;
        boolean r = and();
        v = v || r;
      }
      return v;
    }

    private boolean and() {
      boolean v = not();
      while (at("&&")) {
        k++;
        boolean r = not();
        v = v && r;
      }
      return v;
    }

    private boolean not() {
      if (at("!")) {
        k++;
        return !not();
      }
      return primary();
    }

    private boolean primary() {
      if (at("(")) {
        k++;
        boolean v = or();
        if (!at(")")) {
          throw refuse(line, "')' expected in [[ ]]");
        }
        k++;
        return v;
      }
      if (k >= w.size()) {
        throw refuse(line, "an operand is missing in [[ ]]");
      }
      String first = w.get(k).raw();
      if (isUnary(first) && k + 1 < w.size() && !(k + 2 < w.size() && isBinary(w.get(k + 1).raw()))) {
        k += 2;
        return unaryTest(first, expandString(w.get(k - 1).raw(), line), line);
      }
      String left = expandString(first, line);
      if (k + 1 < w.size() && isBinary(w.get(k + 1).raw())) {
        String op = w.get(k + 1).raw();
        if (k + 2 >= w.size()) {
          throw refuse(line, "'" + op + "' needs a right operand in [[ ]]");
        }
        Word rightWord = w.get(k + 2);
        k += 3;
        if (op.equals("=~")) {
          return binaryTest(left, op, expandString(rightWord.raw(), line), false, line);
        }
        boolean quotedRight = rightWord.raw().contains("'") || rightWord.raw().contains("\"");
        String right = expandString(rightWord.raw(), line);
        if (op.equals("-eq") || op.equals("-ne") || op.equals("-lt") || op.equals("-le")
            || op.equals("-gt") || op.equals("-ge")) {
          return binaryTest(Long.toString(arith(left, line)), op, Long.toString(arith(right, line)), false, line);
        }
        return binaryTest(left, op, right, !quotedRight, line);
      }
      k++;
      return !left.isEmpty();
    }
  }
}
