package swamp.master.script;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import swamp.master.script.Ast.Node;
import swamp.master.script.Ast.Word;
import swamp.master.script.Plan.Command;
import swamp.master.script.Plan.Guard;

/**
 * Runs a script's syntax tree the way bash would, except that every command that would start a
 * program becomes a planned {@link Command} instead: variables, loops, tests, functions and
 * expansions are all evaluated here, so the commands planned are the ones {@code bash SCRIPT}
 * would run. A test on a file sees what earlier lines write ({@link PlannedFiles}); a command
 * substitution runs the few commands scripts compute names with ({@link Coreutils}, {@code ls},
 * {@code date}) here, and any other command on this machine only when no earlier line writes a
 * file it names.
 *
 * <p>The status of a planned command is not known until it runs. {@code a && b} and
 * {@code a || b} on such a command plan {@code b} with a {@link Guard}; {@code a || exit N} plans
 * an exit point. A decision that needs the status now ({@code if}, {@code while}, {@code $?}) is
 * refused with the line.
 *
 * <p>The walk is here: control flow, simple commands, the builtins that steer the walk ({@code
 * exit}, {@code return}, {@code break}, {@code continue}, {@code eval}), pipelines and command
 * substitutions; the scopes it walks into (functions, sourced files, scripts run with bash, the
 * EXIT trap) are set up by {@link Calls}, and the walks whose commands write where a
 * redirection outside them says ({@code done > f}, {@code exec > log}, {@code done | sort}) by
 * {@link Redirecting}. What it walks over is the {@link ShellState}; words are expanded by
 * the {@link Expander}, tests evaluated by {@link Conditions}, the shell's other builtins and
 * assignments carried out by {@link ShellBuiltins}, the jobs planned by {@link PlannedJobs}, the
 * commands of a command substitution run by {@link HereCommands}, and the lines {@code read}
 * takes ({@code done < list}, {@code ls | while read}) kept by {@link ReadInput}.
 */
final class Planner {

  private static final int MAX_ITERATIONS = 1_000_000;

  private final ShellState state;
  private final Expander expander;
  private final Conditions conditions;
  private final HereCommands here;
  private final ReadInput input;
  private final CommandLookup lookup;
  private final Calls calls;
  private final Map<String, Ast.FunctionDef> functions = new HashMap<>();
  private final ShellBuiltins builtins;
  private final Variables variables;
  private int conditionDepth;
  private int iterations;
  private final Deque<Guard> guards = new ArrayDeque<>();
  private final PlannedJobs jobs;
  /** Builtins that change the shell's state: after a job's '&&' or '||' they cannot be planned. */
  private static final java.util.Set<String> CHANGES_STATE = java.util.Set.of("cd", "pushd", "popd",
      "export", "local", "declare", "typeset", "readonly", "unset", "shift", "set", "let", "read",
      "mapfile", "readarray", "source", ".", "getopts", "shopt", "eval", "trap");

  /** Non-null while a command substitution runs: what it prints goes here. */
  private StringBuilder captured;
  private int exitStatus;
  private final ExitTrap exitTrap = new ExitTrap();
  private final Redirecting redirecting;
  /** The status of the last command substitution: that of an assignment-only command. */
  private Status lastSubstitution;

  Planner(String dir, Map<String, String> environment, String arg0, List<String> args) {
    this.state = new ShellState(dir, environment, arg0, args);
    this.expander = new Expander(state, this::commandSubstitution);
    this.conditions = new Conditions(state, expander);
    this.here = new HereCommands(state, expander);
    this.input = new ReadInput(state);
    this.lookup = new CommandLookup(state, functions);
    this.variables = new Variables(state, expander);
    this.calls = new Calls(state, variables, functions, exitTrap, this::exec);
    this.builtins = new ShellBuiltins(state, expander, conditions, functions, variables);
    this.jobs = new PlannedJobs(Map.copyOf(environment), state, expander);
    this.redirecting = new Redirecting(state, expander, this::exec,
        (drafts, line) -> job(drafts, Map.of(), line));
  }

  /** Plans the whole program; commands and the status an unconditional {@code exit} gave. */
  Plan plan(Node program) throws ScriptException {
    int trapFrom;
    int lastStep = -1;
    try {
      try {
        exec(program);
        exitStatus = state.last.known() ? state.last.code() : 0; // bash's: the last command's
        lastStep = state.last.known() ? -1 : state.last.step();
      } catch (Jump j) { // a break or continue outside a loop just ends the script, as bash's does
        exitStatus = j.is(Jump.Kind.EXIT) || j.is(Jump.Kind.RETURN) ? j.value : 0;
        lastStep = j.is(Jump.Kind.EXIT) ? j.ofStep : -1;
      }
      trapFrom = jobs.size();
      Status trapped = calls.exitTrap(null);
      if (trapped != null) {
        exitStatus = trapped.code();
        lastStep = -1;
      }
    } catch (Refusal r) {
      throw r.cause;
    } catch (StackOverflowError e) {
      throw new ScriptException(0, "the script recurses too deeply to plan");
    }
    return new Plan(jobs.ordered(), exitStatus, trapFrom, lastStep);
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
    } else if (node instanceof Ast.Case c) {
      return caseCommand(c);
    } else if (node instanceof Ast.WriteTo w) {
      return redirecting.writingTo(w, captured != null);
    } else if (node instanceof Ast.ReadFrom r) {
      return readingFrom(ReadInput.text(state, expander, r.input()), r.body(), false);
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
          + jobs.text(s.step()) + "); swamp plans the whole script before"
          + " anything runs, so a condition must be a test ([ ], [[ ]], test, (( ))) on names and"
          + " files. Test the file the command writes instead (if [ -f out.nc ]), or use"
          + " 'cmd || exit 1'");
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
      // 'a && b && c': c runs if b succeeded, which implies a did. 'a && b || c': c runs if b
      // failed or did not run (a failed), the status of 'a && b' being not 0 either way
      boolean mixed = guarded && !a.ops().get(k - 1).equals(a.ops().get(k));
      guards.push(new Guard(s.step(), and, mixed));
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

  /**
   * The branch whose pattern matches first; {@code ;&} runs on into the next branch's body and
   * {@code ;;&} goes on testing the next branches. 0 when no pattern matches.
   */
  private Status caseCommand(Ast.Case c) {
    String subject = expander.expandString(c.subject().raw(), c.line());
    Status s = Status.OK;
    boolean fallThrough = false;
    for (Ast.CaseBranch b : c.branches()) {
      if (!fallThrough && b.patterns().stream()
          .noneMatch(p -> expander.pattern(p.raw(), p.line()).matcher(subject).matches())) {
        continue;
      }
      s = exec(b.body());
      fallThrough = b.end().equals(";&");
      if (b.end().equals(";;")) {
        break;
      }
    }
    return s;
  }

  /**
   * Runs {@code body} with {@code text} as the input its {@code read}s take lines from; in a
   * subshell when it is the last stage of a pipeline, as in bash.
   */
  private Status readingFrom(String text, Node body, boolean subshell) {
    ShellState.Saved saved = subshell ? state.save() : null;
    input.push(text);
    if (subshell) {
      jobs.enterSubshell();
    }
    try {
      return exec(body);
    } catch (Jump j) {
      if (!subshell || !j.is(Jump.Kind.EXIT)) {
        throw j;
      }
      return j.status();
    } finally {
      input.pop();
      if (saved != null) {
        state.restore(saved);
        jobs.leaveScope();
      }
    }
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

  /** The status of the body's last command, as bash's: 0 when it never ran or a break ended it. */
  private Status loop(Ast.Loop l) {
    Status result = Status.OK;
    while ((condition(l.condition(), l.until() ? "until" : "while").code() == 0) != l.until()) {
      count(l.line());
      boolean more = iterate(l.body());
      result = more ? state.last : Status.OK;
      if (!more) {
        break;
      }
    }
    return result;
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
    jobs.enterSubshell();
    try {
      return exec(s.body());
    } catch (Jump j) {
      if (!j.is(Jump.Kind.EXIT)) {
        throw j;
      }
      return j.status();
    } finally {
      state.restore(saved);
      jobs.leaveScope();
    }
  }

  // ---------------------------------------------------------------- simple commands

  private Status simple(Ast.Simple c) {
    List<Word> words = c.words();
    int k = 0;
    while (k < words.size() && Variables.ASSIGNMENT.matcher(words.get(k).raw()).matches()) {
      k++;
    }
    if (k == 0 && words.size() == 2 && (words.get(0).raw().equals("exit") || words.get(0).raw().equals("return"))
        && words.get(1).raw().matches("\"?\\$\\?\"?") && !guards.isEmpty() && captured == null
        && !state.last.known() && !functions.containsKey(words.get(0).raw())
        && (words.get(0).raw().equals("exit") || variables.functionDepth() > 0)) {
      // 'cmd || exit $?': it exits with cmd's status, known once cmd has run
      jobs.exitPoint(Plan.Command.STATUS_OF_GUARD, c.line(), guards, state.errexit && conditionDepth == 0,
          words.get(0).raw().equals("return"));
      return Status.OK;
    }
    List<String> argv = expander.expandWords(words.subList(k, words.size()));
    if (!guards.isEmpty() && captured == null
        && (argv.isEmpty() ? k > 0 : CHANGES_STATE.contains(argv.get(0)) && !functions.containsKey(argv.get(0)))) {
      // 'ncks ... || rc=4', '... && cd sub': whether it happens is known only once the job ran
      throw Refusal.at(c.line(), "'" + (argv.isEmpty() ? words.get(0).raw() : argv.get(0)) + "' after a command that"
          + " runs as a job ('cmd || rc=1', 'cmd && cd dir') cannot be planned: whether it happens depends on"
          + " the job's status, known only once it has run. Test the file the command writes instead"
          + " ('[ -f out.nc ] || rc=1')");
    }
    if (argv.isEmpty()) {
      Status s = Status.OK;
      for (Word w : words.subList(0, k)) {
        s = variables.assign(w);
      }
      if (!c.redirects().isEmpty()) { // '> list.txt' creates or empties the file
        if (captured != null) {
          throw Refusal.at(c.line(), "a redirection without a command ('> file') in a command"
              + " substitution is not supported");
        }
        return job(List.of(new HereCommands.Draft(List.of("true"), c.redirects(), c.line())), Map.of(), c.line());
      }
      return k > 0 && lastSubstitution != null ? lastSubstitution : s;
    }
    Map<String, String> prefix = new LinkedHashMap<>();
    for (Word w : words.subList(0, k)) {
      Matcher m = Variables.ASSIGNMENT.matcher(w.raw());
      m.matches();
      prefix.put(m.group(1), expander.expandString(m.group(5), w.line()));
    }
    String name = argv.get(0);
    if (functions.containsKey(name)) {
      return redirecting.call(c, captured != null, () -> {
        jobs.enterFunction(); // its 'cmd || return 1' ends only the function
        try {
          return calls.function(functions.get(name), argv.subList(1, argv.size()), prefix, c.line());
        } finally {
          jobs.leaveScope();
        }
      });
    }
    Status builtin = builtin(name, argv, c, prefix);
    if (builtin != null) {
      return builtin;
    }
    ScriptCalls.Call call = ScriptCalls.find(state, argv, c.line());
    if (call != null) {
      return redirecting.call(c, captured != null, () -> {
        jobs.enterSubshell(); // a shell of its own: its 'cmd || exit 1' ends only that script
        try {
          return calls.script(call, prefix, c.line());
        } finally {
          jobs.leaveScope();
        }
      });
    }
    if (captured != null) {
      return Status.of(here.run(List.of(new HereCommands.Draft(argv, c.redirects(), c.line())), c.line(), prefix, captured));
    }
    return job(List.of(new HereCommands.Draft(argv, c.redirects(), c.line())), prefix, c.line());
  }

  /**
   * The builtins that steer the walk, then the shell's others ({@link ShellBuiltins}); null
   * when {@code name} is not one (it is then a program).
   */
  private Status builtin(String name, List<String> argv, Ast.Simple c, Map<String, String> prefix) {
    List<String> args = argv.subList(1, argv.size());
    int line = c.line();
    switch (name) {
      case "exit", "return" -> {
        int status = args.isEmpty() ? (state.last.known() ? state.last.code() : 0) : (int) (parseNumber(args.get(0), name, line) & 0xff);
        boolean ofLastJob = args.isEmpty() && !state.last.known(); // bare 'exit' after a job: its status
        if (name.equals("return") && variables.functionDepth() == 0) {
          throw Jump.exit(status);
        }
        if (name.equals("return") && !guards.isEmpty() && captured != null) {
          throw Refusal.at(line, "'return' after a command that runs as a job, inside $(...), cannot be planned");
        }
        if (!guards.isEmpty() && captured == null) { // 'cmd || exit 1', 'cmd || { ...; return 1; }'
          jobs.exitPoint(status, line, guards, state.errexit && conditionDepth == 0, name.equals("return"));
          return Status.OK;
        }
        throw new Jump(name.equals("exit") ? Jump.Kind.EXIT : Jump.Kind.RETURN, status,
            ofLastJob ? state.last.step() : -1);
      }
      case "break", "continue" -> {
        if (!guards.isEmpty()) {
          throw Refusal.at(line, "'" + name + "' after a command that runs as a job cannot be planned:"
              + " whether it happens depends on the job's status");
        }
        int n = args.isEmpty() ? 1 : (int) parseNumber(args.get(0), name, line);
        throw new Jump(name.equals("continue") ? Jump.Kind.CONTINUE : Jump.Kind.BREAK, Math.max(1, n));
      }
      case "source", "." -> {
        return calls.source(name, args, line);
      }
      case "read", "mapfile", "readarray" -> {
        return input.run(name, args, c.redirects(), prefix, line, expander);
      }
      case "trap" -> {
        return exitTrap.set(args, line);
      }
      case "eval" -> { // its text is known while planning: it runs as the script's own lines
        if (args.isEmpty()) {
          return Status.OK;
        }
        Node program;
        try {
          program = ShellParser.parse(String.join(" ", args), line);
        } catch (ScriptException e) {
          throw Refusal.at(line, "in the text of 'eval': " + e.problem());
        }
        return exec(program);
      }
      case ":", "true", "false" -> {
        if (captured == null && Outputs.writesFile(c.redirects())) { // ': > log' empties the file
          List<String> program = List.of(name.equals(":") ? "true" : name);
          return job(List.of(new HereCommands.Draft(program, c.redirects(), line)), prefix, line);
        }
        return builtins.run(name, argv, c);
      }
      case "exec" -> {
        if (args.isEmpty() && captured == null) { // 'exec > log 2>&1': every command after writes there
          state.outputs = redirecting.outputs(c.redirects(), line);
          return Status.OK;
        }
        return builtins.run(name, argv, c);
      }
      case "command", "type", "which", "hash" -> {
        return lookup.run(name, args, line, captured);
      }
      case "pwd" -> { // bash's builtin: no program of the worker's
        return printing(state.cwd + "\n", c, prefix);
      }
      case "dirs" -> {
        return printing(builtins.shownDirectories(name, args), c, prefix);
      }
      case "cd", "pushd", "popd" -> { // 'cd -', pushd and popd print where they went
        Status s = builtins.run(name, argv, c);
        String shown = builtins.shownDirectories(name, args);
        return shown == null ? s : printing(shown, c, prefix);
      }
      default -> {
        return builtins.run(name, argv, c);
      }
    }
  }

  /**
   * What a builtin prints: into a command substitution, or as a job printing it where the
   * script's output goes (nothing for one sent to /dev/null).
   */
  private Status printing(String text, Ast.Simple c, Map<String, String> prefix) {
    if (captured != null) {
      captured.append(text);
      return Status.OK;
    }
    boolean discarded = c.redirects().stream().anyMatch(r -> (r.fd() == 1 || r.op().startsWith("&"))
        && r.op().contains(">") && r.target().raw().equals("/dev/null"));
    if (discarded) {
      return Status.OK;
    }
    return job(List.of(new HereCommands.Draft(List.of("printf", "%s", text), c.redirects(), c.line())),
        prefix, c.line());
  }

  private long parseNumber(String s, String what, int line) {
    try {
      return Long.parseLong(s.trim());
    } catch (NumberFormatException e) {
      throw Refusal.at(line, what + ": " + s + ": numeric argument required");
    }
  }

  // ---------------------------------------------------------------- pipelines and jobs

  private Status pipeline(Ast.Pipeline p) {
    if (p.stages().size() == 1) {
      return p.negated() ? negated(inCondition(p.stages().get(0)), p.line())
          : exec(p.stages().get(0));
    }
    if (!(p.stages().get(0) instanceof Ast.Simple) && captured == null && !p.negated()) {
      return redirecting.fromCompound(p);
    }
    List<HereCommands.Draft> stages = new ArrayList<>();
    Map<String, String> prefix = new LinkedHashMap<>();
    Node last = p.stages().get(p.stages().size() - 1);
    boolean intoCompound = !(last instanceof Ast.Simple);
    for (Node n : intoCompound ? p.stages().subList(0, p.stages().size() - 1) : p.stages()) {
      if (!(n instanceof Ast.Simple c)) {
        throw Refusal.at(n.line(), "a stage of a pipeline must be a simple command; a loop, group or"
            + " subshell is supported only as its last stage ('ls *.nc | while read f; do ...')");
      }
      int k = 0;
      while (k < c.words().size() && Variables.ASSIGNMENT.matcher(c.words().get(k).raw()).matches()) {
        Matcher m = Variables.ASSIGNMENT.matcher(c.words().get(k).raw());
        m.matches();
        prefix.put(m.group(1), expander.expandString(m.group(5), c.line()));
        k++;
      }
      List<String> argv = expander.expandWords(c.words().subList(k, c.words().size()));
      if (argv.isEmpty()) {
        throw Refusal.at(c.line(), "an empty stage in a pipeline");
      }
      String name = argv.get(0);
      if (name.equals("pwd") && !functions.containsKey(name)) { // bash's builtin, in 'pwd | ...' too
        argv = List.of("printf", "%s\n", state.cwd);
      }
      if (functions.containsKey(name)) {
        throw Refusal.at(c.line(), "function '" + name + "' in a pipeline is not supported;"
            + " write its commands in the pipeline");
      }
      if (captured == null && !intoCompound && ShellBuiltins.isPlanTime(name)) {
        throw Refusal.at(c.line(), "'" + name + "' is a shell builtin and cannot be a stage of a pipeline"
            + " that runs as a job");
      }
      stages.add(new HereCommands.Draft(argv, c.redirects(), c.line()));
    }
    Status s;
    if (intoCompound) {
      // 'ls *.nc | while read f; ...': what the commands before it print is the loop's input,
      // so they run while planning, as in a command substitution
      StringBuilder printed = new StringBuilder();
      here.run(stages, p.line(), prefix, printed);
      s = readingFrom(printed.toString(), last, true);
    } else if (captured != null) {
      s = Status.of(here.run(stages, p.line(), prefix, captured));
    } else {
      s = job(stages, prefix, p.line());
    }
    return p.negated() ? negated(s, p.line()) : s;
  }

  /** {@code ! pipeline}: the status turned over, which must be known while planning. */
  private static Status negated(Status s, int line) {
    if (!s.known()) {
      throw Refusal.at(line, "'!' before a command that runs as a job cannot be planned");
    }
    return Status.of(s.code() == 0 ? 1 : 0);
  }

  /** Plans a job under the guards that hold here; set -e stops on its failure outside a test. */
  private Status job(List<HereCommands.Draft> drafts, Map<String, String> prefix, int line) {
    return jobs.job(drafts, prefix, line, guards, state.errexit && conditionDepth == 0);
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
