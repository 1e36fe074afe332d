package swamp.master.script;

import java.util.List;
import java.util.Map;
import swamp.master.script.Ast.Node;

/**
 * The builtins that steer the {@link Planner}'s walk rather than change the shell's state:
 * {@code exit}, {@code return}, {@code break} and {@code continue} (a {@link Jump}, or an exit
 * point after a job's {@code ||}), {@code eval}, {@code source}, {@code read}, {@code trap},
 * {@code exec > log}, the lookups ({@code command -v}), and the ones that print where the shell
 * stands ({@code pwd}, {@code dirs}, {@code cd -}: {@link Directories}). The others go to {@link
 * ShellBuiltins}.
 */
final class SteeringBuiltins {

  private final ShellState state;
  private final Expander expander;
  private final Variables variables;
  private final Map<String, Ast.FunctionDef> functions;
  private final ShellBuiltins builtins;
  private final Directories directories;
  private final CommandLookup lookup;
  private final ReadInput input;
  private final Calls calls;
  private final ExitTrap exitTrap;
  private final Redirecting redirecting;
  private final PlannedJobs jobs;
  private final Walk walk;
  private final BuiltinFiles files;

  SteeringBuiltins(ShellState state, Expander expander, Variables variables, Map<String, Ast.FunctionDef> functions,
      ShellBuiltins builtins, Directories directories, CommandLookup lookup, ReadInput input, Calls calls,
      ExitTrap exitTrap, Redirecting redirecting, PlannedJobs jobs, Walk walk) {
    this.state = state;
    this.expander = expander;
    this.variables = variables;
    this.functions = functions;
    this.builtins = builtins;
    this.directories = directories;
    this.lookup = lookup;
    this.input = input;
    this.calls = calls;
    this.exitTrap = exitTrap;
    this.redirecting = redirecting;
    this.jobs = jobs;
    this.walk = walk;
    this.files = new BuiltinFiles(state, expander, walk);
  }

  /**
   * Runs builtin {@code name}: the ones that steer the walk here, the shell's others in {@link
   * ShellBuiltins}; null when {@code name} is not a builtin (it is then a program).
   */
  Status run(String name, List<String> argv, Ast.Simple c, Map<String, String> prefix) {
    List<String> args = argv.subList(1, argv.size());
    int line = c.line();
    StringBuilder captured = walk.captured();
    switch (name) {
      case "exit", "return" -> {
        String given = args.isEmpty() ? state.special("?") : args.get(0); // a bare 'exit' is 'exit $?'
        int ofStep = Marks.statusStep(given); // 'cmd || exit $?', 'exit $rc': a job's status
        if (ofStep < 0 && Marks.holdsStatus(given)) {
          throw Refusal.jobStatus(line, "'" + name + "' with more than the status itself");
        }
        int status = ofStep >= 0 ? 0 : (int) (parseNumber(given, name, line) & 0xff);
        int exitsWith = ofStep >= 0 ? Plan.Command.STATUS_OF + ofStep : status; // an exit point's
        if (name.equals("return") && variables.functionDepth() == 0 && !calls.inSource()) {
          return failed(new Refusal.Failed("return: can only `return' from a function or sourced"
              + " script", 2, line, "'return' outside a function"), c); // and on it goes, as bash
        }
        boolean guarded = !walk.guards().isEmpty();
        if (name.equals("return") && guarded && captured != null) {
          throw Refusal.at(line, "'return' after a command that runs as a job, inside $(...), cannot be planned");
        }
        boolean returns = name.equals("return");
        if (guarded && captured == null) { // 'cmd || exit 1', 'cmd || { ...; return 1; }'
          int step = jobs.exitPoint(exitsWith, line, walk.guards(), walk.stopsOnFailure(), returns);
          return new Status(0, step); // the list's status: N if it exits, else cmd's
        }
        Jump.Kind kind = returns ? Jump.Kind.RETURN : Jump.Kind.EXIT;
        if (captured == null && ofStep < 0 && jobs.exitsPlannedBefore(returns)) {
          // 'cmd && return 0; return 1': reached only if that exit point did not end the function
          throw new Jump(kind, status, jobs.exitPoint(status, line, List.of(), walk.stopsOnFailure(), returns));
        }
        throw new Jump(kind, status, ofStep);
      }
      case "break", "continue" -> {
        int n = args.isEmpty() ? 1 : (int) parseNumber(args.get(0), name, line);
        if (!walk.guards().isEmpty() && captured == null && n <= 1) { // 'ncks -m "$f" || continue'
          return jobs.loopExit(name.equals("break"), line, walk.guards());
        }
        if (!walk.guards().isEmpty()) {
          throw Refusal.at(line, "'" + name + " " + n + "' after a command that runs as a job cannot be planned:"
              + " whether it happens depends on the job's status; a plain '" + name + "' can be");
        }
        throw new Jump(name.equals("continue") ? Jump.Kind.CONTINUE : Jump.Kind.BREAK, Math.max(1, n));
      }
      case "wait" -> {
        Status s = builtins.run(name, argv, c);
        if (s.step() >= 0 && walk.stopsOnFailure() && captured == null) {
          // under set -e, 'wait $pid' of a command run with '&' that failed ends the script
          List<Plan.Guard> failed = new java.util.ArrayList<>(walk.guards());
          failed.add(0, new Plan.Guard(s.step(), false));
          jobs.exitPoint(Plan.Command.STATUS_OF + s.step(), line, failed, true, false);
        }
        return s;
      }
      case "source", "." -> {
        jobs.enterFunction(); // its 'cmd || return 1' ends only the sourced file
        try {
          return calls.source(name, args, line);
        } finally {
          jobs.leaveScope();
        }
      }
      case "read", "mapfile", "readarray" -> {
        return input.run(name, args, c.redirects(), prefix, line, expander);
      }
      case "trap" -> { // 'trap -p', a bare 'trap': the actions set, as bash prints them
        boolean shows = args.isEmpty() || args.get(0).equals("-p");
        return shows ? printing(exitTrap.shown(args.isEmpty() ? args : args.subList(1, args.size())), c, prefix)
            : exitTrap.set(args, line);
      }
      case "declare", "typeset", "export", "readonly" -> {
        if (Declared.prints(name, args)) {
          return declared(name, args, c, prefix);
        }
        try {
          return builtins.run(name, argv, c);
        } catch (Refusal.Failed f) { // 'export -f nosuch': bash's error, and status 1
          return failed(f, c);
        }
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
        Node parsed = program;
        return ScriptReading.elsewhere(state, "'eval'", line, () -> walk.exec(parsed));
      }
      case ":", "true", "false" -> {
        if (captured == null && Outputs.writesFile(c.redirects())) { // ': > log' empties the file
          List<String> program = List.of(name.equals(":") ? "true" : name);
          return walk.job(List.of(new HereCommands.Draft(program, c.redirects(), line)), prefix, line);
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
        StringBuilder shown = new StringBuilder(); // 'type -t ncra', 'command -v ncks': what they print, printed
        Status s = lookup.run(name, args, line, shown);
        if (shown.length() > 0) {
          printing(shown.toString(), c, prefix);
        }
        return s;
      }
      case "pwd" -> { // bash's builtin: no program of the worker's
        boolean physical = false; // 'pwd -P': the links in it resolved; the last of -L and -P wins
        for (String a : args) {
          physical = a.matches("-[LP]+") ? a.endsWith("P") : physical;
        }
        return printing((physical ? state.files.physical(state.cwd) : state.cwd) + "\n", c, prefix);
      }
      case "jobs" -> { // what the script ran with '&' and has not waited for
        return printing(state.background.jobs(args, line), c, prefix);
      }
      case "dirs" -> {
        return printing(directories.shown(name, args), c, prefix);
      }
      case "cd", "pushd", "popd" -> { // 'cd -', pushd and popd print where they went
        return files.opened(c, prefix, opened -> {
          Status s;
          try {
            s = builtins.run(name, argv, BuiltinFiles.inputsOnly(opened));
          } catch (Refusal.Failed f) { // 'cd "$dir" || exit 1': bash's error, and status 1
            return failed(f, opened);
          }
          String shown = directories.shown(name, args);
          return shown == null ? s : printing(shown, opened, prefix);
        });
      }
      case "printf" -> { // 'printf -v mm %02d 08': 00, bash's error and status 1; one that prints is a job
        try {
          return builtins.run(name, argv, c);
        } catch (Refusal.Failed f) {
          return failed(f, c);
        }
      }
      case "test", "[", "unset" -> { // '[ $n -gt 0 ]' of an empty $n: bash's error, status 2; 'unset' of a readonly: 1
        return files.opened(c, prefix, opened -> {
          try {
            return builtins.run(name, argv, opened);
          } catch (Refusal.Failed f) {
            return failed(f, opened);
          }
        });
      }
      case "let" -> { // 'let y=1/0': bash's error, status 1
        try {
          return builtins.run(name, argv, c);
        } catch (Refusal.Aborted a) {
          return failed(new Refusal.Failed("let: " + a.error, line, a.cause.problem()), c);
        }
      }
      default -> {
        return builtins.run(name, argv, c);
      }
    }
  }

  /**
   * {@code declare -p NAME...}, {@code declare -F}, {@code declare -f}: what bash prints, where the
   * command's output goes ({@code declare -p grid > state.sh}, {@code declare -f helper > funcs.sh}),
   * and its error for a name that is not set.
   */
  private Status declared(String name, List<String> args, Ast.Simple c, Map<String, String> prefix) {
    boolean functionNames = args.stream().takeWhile(a -> a.startsWith("-") && !a.equals("--"))
        .anyMatch(a -> a.contains("F") || a.contains("f"));
    if (Declared.names(args).isEmpty() && !functionNames) {
      throw Refusal.at(c.line(), "'" + name + " " + String.join(" ", args) + "' without names lists every"
          + " variable, and swamp's planner has others than bash's: name the ones to print");
    }
    Declared.Shown shown = Declared.show(name, args, state.vars, functions);
    Status s = shown.text().isEmpty() && !Outputs.writesFile(c.redirects()) ? Status.OK
        : printing(shown.text(), c, prefix);
    for (String error : shown.errors()) {
      failed(new Refusal.Failed(error, c.line(), error), c);
    }
    return shown.status() == 0 ? s : Status.of(shown.status());
  }

  /**
   * A builtin that failed as under bash: its error on standard error, as the command redirects it
   * (none to /dev/null), its status (1; 2 for a test). Inside {@code $(...)}, where its
   * redirections and the calls around it send errors ({@link CaptureRoute}): into what it prints
   * for {@code msg=$(cd "$d" 2>&1)}, else on the run's standard error, as bash's.
   */
  Status failed(Refusal.Failed f, Ast.Simple c) {
    if (walk.captured() != null) {
      CaptureRoute route = CaptureRoute.of(state.outputs).with(c.redirects(), expander);
      String text = Subshells.shellErrorText(state, f.error, c.line());
      if (route.err() == CaptureRoute.Sink.FILE && route.errorsFile().equals(state.substitutionErrorsTo)) {
        // 'exec 2> err.log', then 'd=$(cd "$dir" && pwd)': into err.log, in the script's order
        state.substitutionErrors.append(text);
      } else {
        route.print(route.err(), text, walk.captured(), state.substitutionErrors, c.line());
      }
      return Status.of(f.status);
    }
    boolean discarded = c.redirects().stream().anyMatch(r -> (r.fd() == 2 || r.op().startsWith("&"))
        && r.op().contains(">") && r.target().raw().equals("/dev/null"));
    if (!discarded) {
      walk.shellError(f.error, c.line(), c.redirects());
    }
    return Status.of(f.status);
  }

  /**
   * What a builtin prints: into a command substitution as its redirections route it, or as a job
   * printing it where the script's output goes (nothing for one sent to /dev/null).
   */
  private Status printing(String text, Ast.Simple c, Map<String, String> prefix) {
    if (walk.captured() != null) {
      CaptureRoute route = CaptureRoute.of(state.outputs).with(c.redirects(), expander);
      route.print(route.out(), text, walk.captured(), state.substitutionErrors, c.line());
      return Status.OK;
    }
    boolean discarded = c.redirects().stream().anyMatch(r -> (r.fd() == 1 || r.op().startsWith("&"))
        && r.op().contains(">") && r.target().raw().equals("/dev/null"));
    if (discarded) {
      return Status.OK;
    }
    return walk.job(List.of(new HereCommands.Draft(List.of("printf", "%s", text), c.redirects(), c.line())),
        prefix, c.line());
  }

  private static long parseNumber(String s, String what, int line) {
    try {
      return Long.parseLong(s.trim());
    } catch (NumberFormatException e) {
      throw Refusal.at(line, what + ": " + s + ": numeric argument required");
    }
  }
}
