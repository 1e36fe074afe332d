package swamp.master.script;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import swamp.master.script.Ast.Node;

/**
 * The {@link Planner}'s pipelines: one job of all its stages ({@code ncdump -h f | grep time >
 * t}); with a loop as the last stage ({@code ls *.nc | while read f}) the stages before it run
 * while planning and the loop reads what they print; with a loop as the first, {@link
 * Redirecting#fromCompound}. In a command substitution every stage runs while planning.
 */
final class Pipelines {

  private final ShellState state;
  private final Expander expander;
  private final HereCommands here;
  private final Redirecting redirecting;
  private final Map<String, Ast.FunctionDef> functions;
  private final PlannedJobs jobs;
  private final Substitutions substitutions;
  private final Captures captures;
  private final Parallels parallels;
  private final Walk walk;
  private final Xtrace xtrace;

  Pipelines(ShellState state, Expander expander, HereCommands here, Redirecting redirecting,
      Map<String, Ast.FunctionDef> functions, PlannedJobs jobs, Substitutions substitutions, Captures captures,
      Parallels parallels, Walk walk) {
    this.state = state;
    this.expander = expander;
    this.here = here;
    this.redirecting = redirecting;
    this.functions = functions;
    this.jobs = jobs;
    this.substitutions = substitutions;
    this.captures = captures;
    this.parallels = parallels;
    this.walk = walk;
    this.xtrace = new Xtrace(state, expander, walk);
  }

  Status run(Ast.Pipeline p) {
    StringBuilder captured = walk.captured();
    if (p.stages().size() == 1) {
      return p.negated() ? walk.not(walk.inCondition(p.stages().get(0)), p.line())
          : walk.exec(p.stages().get(0));
    }
    int size = p.stages().size();
    boolean compoundBeforeLast = p.stages().subList(0, size - 1).stream().anyMatch(this::inShell);
    if (compoundBeforeLast && captured == null && !p.negated()) { // 'done | sort', '| while ...; done | sort'
      int last = size - 1;
      while (!inShell(p.stages().get(last))) {
        last--;
      }
      return redirecting.fromCompound(p, last);
    }
    int xargsAt = -1; // '... | xargs -n 1 basename | sort': the commands xargs starts print into the rest
    for (int k = 0; k < size - 1; k++) {
      if (p.stages().get(k) instanceof Ast.Simple c && (runs(c, "xargs") || runs(c, "parallel"))) {
        xargsAt = k;
      }
    }
    if (xargsAt >= 0 && captured == null && !p.negated() && p.stages().get(xargsAt + 1) instanceof Ast.Simple) {
      return redirecting.fromCompound(p, xargsAt);
    }
    if (inShell(p.stages().get(0)) && captured != null) {
      // '$(for s in ...; do echo ...; done | sort -gr | head -1)': the loop runs here too, and
      // what it prints is the next stage's input
      String input = captures.printed(p.stages().get(0));
      List<HereCommands.Draft> rest = new ArrayList<>();
      Map<String, String> prefix = new LinkedHashMap<>();
      for (Node n : p.stages().subList(1, p.stages().size())) {
        if (!(n instanceof Ast.Simple c)) {
          throw Refusal.at(n.line(), "in a command substitution, a loop, group or subshell is supported as a"
              + " pipeline's first stage, the others simple commands");
        }
        rest.add(stage(c, prefix, false));
      }
      Status s = Status.of(here.run(rest, p.line(), prefix, captured, input));
      return p.negated() ? walk.not(s, p.line()) : s;
    }
    List<HereCommands.Draft> stages = new ArrayList<>();
    Map<String, String> prefix = new LinkedHashMap<>();
    Node last = p.stages().get(p.stages().size() - 1);
    boolean intoCompound = !(last instanceof Ast.Simple) || readsLines((Ast.Simple) last);
    boolean intoXargs = captured == null && !p.negated() && last instanceof Ast.Simple c && runs(c, "xargs");
    boolean intoParallel = captured == null && !p.negated() && last instanceof Ast.Simple c && runs(c, "parallel");
    List<Node> before = p.stages().subList(0, p.stages().size() - 1);
    for (Node n : intoCompound || intoXargs || intoParallel ? before : p.stages()) {
      if (!(n instanceof Ast.Simple c)) {
        throw Refusal.at(n.line(), "a stage of a pipeline must be a simple command; a loop, group or"
            + " subshell is supported only as its last stage ('ls *.nc | while read f; do ...')");
      }
      stages.add(stage(c, prefix, captured == null && !intoCompound && !intoXargs && !intoParallel));
    }
    Status s;
    if (intoCompound) {
      // 'ls *.nc | while read f; ...': what the commands before it print is the loop's input,
      // so they run while planning, as in a command substitution; under lastpipe in the script's shell
      s = walk.readingFrom(printed(stages, before, prefix, p.line()).text(), last, !state.glob.lastpipe());
    } else if (intoXargs) {
      List<String> words = expander.expandWords(((Ast.Simple) last).words());
      if (Xargs.argFile(words.subList(words.indexOf("xargs") + 1, words.size()), p.line()) != null) {
        throw Refusal.at(p.line(), "xargs -a at the end of a pipeline reads its file, not what the pipeline prints:"
            + " write 'xargs -a FILE ...' on a line of its own");
      }
      Planning.Printed input = printed(stages, before, prefix, p.line());
      s = xargs((Ast.Simple) last, input.text(), state.pipefail ? input.status() : 0);
    } else if (intoParallel) { // 'ls *.nc | parallel ncks -O -v T {} T_{}'
      Planning.Printed input = printed(stages, before, prefix, p.line());
      Map<String, String> own = new LinkedHashMap<>();
      HereCommands.Draft x = stage((Ast.Simple) last, own, false);
      s = parallels.run(x.argv(), x.redirects().stream().filter(r -> !r.op().equals("<") && !ReadInput.isText(r))
          .toList(), own, input.text(), p.line());
    } else if (captured != null) {
      s = Status.of(here.run(stages, p.line(), prefix, captured));
    } else {
      if (xtrace.on()) {
        xtrace.stages(stages.stream().map(HereCommands.Draft::argv).toList(), p.line());
      }
      s = walk.job(stages, prefix, p.line());
    }
    return p.negated() ? walk.not(s, p.line()) : s;
  }

  /**
   * What the commands {@code stages} print and their status, run while planning; where they
   * read what jobs planned before write, run as jobs and waited for ({@link
   * Substitutions#printedBy}).
   */
  private Planning.Printed printed(List<HereCommands.Draft> stages, List<Node> nodes, Map<String, String> prefix,
      int line) {
    StringBuilder printed = new StringBuilder();
    try {
      int status = here.run(stages, line, prefix, printed, null, CaptureRoute.intoLoop(state.outputs));
      return new Planning.Printed(printed.toString(), List.of(status));
    } catch (Refusal.ReadsPlanned unknown) {
      return substitutions.printedBy(new Ast.Pipeline(nodes, false, line), line, unknown);
    }
  }

  /** Whether {@code c} runs {@code program}: its first word after its assignments, no function of the script's. */
  private boolean runs(Ast.Simple c, String program) {
    int k = 0;
    while (k < c.words().size() && Variables.ASSIGNMENT.matcher(c.words().get(k).raw()).matches()) {
      k++;
    }
    return k < c.words().size() && c.words().get(k).raw().equals(program) && !functions.containsKey(program);
  }

  /**
   * {@code ... | xargs OPTIONS COMMAND ARGS} on {@code input}, what the stages before it printed
   * (their status {@code inputStatus} under pipefail): each command xargs would start planned as
   * a job of its own ({@link Xargs}), or, a shell's ({@code sh -c TEXT}, {@code bash sub.sh}), as
   * that shell runs it, so that the plan knows the files each reads and writes and runs them side
   * by side. Its output redirection is opened once, as xargs's: the commands after
   * the first append. Its status is xargs's: 123 where one of them fails, else 0; set -e stops
   * the script on that, once they have all run.
   */
  Status xargs(Ast.Simple c, String input, int inputStatus) {
    Map<String, String> prefix = new LinkedHashMap<>();
    HereCommands.Draft x = stage(c, prefix, false);
    List<List<String>> runs = Xargs.invocations(x.argv().subList(1, x.argv().size()), input, c.line());
    List<Ast.Redirect> redirects = new ArrayList<>();
    for (Ast.Redirect r : x.redirects()) {
      if (r.op().equals("<") || ReadInput.isText(r)) {
        throw Refusal.at(c.line(), "xargs at the end of a pipeline reads what the pipeline prints, not '"
            + r.op() + "'");
      }
      redirects.add(r);
    }
    String warnings = Xargs.warnings(x.argv().subList(1, x.argv().size()), c.line());
    if (!warnings.isEmpty()) { // GNU xargs's, where its errors go, before it starts a command
      List<Ast.Redirect> toErrors = new ArrayList<>(redirects);
      toErrors.add(new Ast.Redirect(1, ">&", new Ast.Word("2", c.line()), c.line()));
      walk.inCondition(() -> walk.job(List.of(new HereCommands.Draft(List.of("printf", "%s", warnings), toErrors,
          c.line())), prefix, c.line()));
      redirects = redirects.stream().map(Pipelines::appending).toList(); // it opened them once, before
    }
    List<Status> ran = new ArrayList<>();
    for (List<String> argv : runs) {
      if (functions.containsKey(argv.get(0))) {
        throw Refusal.at(c.line(), "xargs runs programs, and '" + argv.get(0) + "' is the script's function:"
            + " bash's xargs would not find it");
      }
      ScriptCalls.Call shell = redirects.isEmpty() ? ScriptCalls.find(state, argv, c.line()) : null;
      if (shell != null) { // 'xargs -I{} sh -c "ncra -O {}_0[1-3].nc {}_jfm.nc"': its commands, as bash -c's
        ran.add(parallels.shell(shell, prefix, c.line()));
        continue;
      }
      List<Ast.Redirect> these = List.copyOf(redirects);
      ran.add(walk.inCondition(() -> walk.job(List.of(new HereCommands.Draft(argv, these, c.line())), prefix,
          c.line())));
      redirects = redirects.stream().map(Pipelines::appending).toList(); // xargs opened it once
    }
    return jobs.allOf(ran, inputStatus, 123, c.line(), walk.guards(), walk.stopsOnFailure());
  }

  /**
   * Whether {@code c} is {@code read}, {@code mapfile} or {@code readarray} ({@code echo "$l" |
   * read a b}): bash runs it in a subshell of its own, as the last stage of a pipeline, on what
   * the stages before print, and the names it sets are gone after it; not a program for a job.
   */
  private boolean readsLines(Ast.Simple c) {
    return c.words().stream().map(Ast.Word::raw).filter(w -> !Variables.ASSIGNMENT.matcher(w).matches())
        .findFirst().filter(w -> Set.of("read", "mapfile", "readarray").contains(w) && !functions.containsKey(w))
        .isPresent();
  }

  /** {@code r} as a later command of the same xargs sees it: an output it truncated, appended to. */
  private static Ast.Redirect appending(Ast.Redirect r) {
    String op = switch (r.op()) {
      case ">" -> ">>";
      case "&>" -> "&>>";
      default -> r.op();
    };
    return new Ast.Redirect(r.fd(), op, r.target(), r.line());
  }

  /** One stage's command; its assignments ({@code LC_ALL=C sort}) go to {@code prefix}. */
  private HereCommands.Draft stage(Ast.Simple c, Map<String, String> prefix, boolean asJob) {
    int k = 0;
    while (k < c.words().size() && Variables.ASSIGNMENT.matcher(c.words().get(k).raw()).matches()) {
      Matcher m = Variables.ASSIGNMENT.matcher(c.words().get(k).raw());
      m.matches();
      prefix.put(m.group(1), expander.expandString(m.group(5), c.line()));
      k++;
    }
    // 'ls out_*.nc | wc -l' as a job: a match that a job's status decides, kept or dropped by the run
    boolean programWords = state.programWords;
    state.programWords = asJob;
    List<String> argv;
    try {
      argv = expander.expandWords(c.words().subList(k, c.words().size()));
    } finally {
      state.programWords = programWords;
    }
    if (argv.isEmpty()) {
      throw Refusal.at(c.line(), "an empty stage in a pipeline");
    }
    String name = argv.get(0);
    if (name.equals("pwd") && !functions.containsKey(name)) { // bash's builtin, in 'pwd | ...' too
      argv = List.of("printf", "%s\n", state.cwd);
    } else if (name.equals("jobs") && !functions.containsKey(name)) { // '$(jobs -r | wc -l)'
      argv = List.of("printf", "%s", state.background.jobs(argv.subList(1, argv.size()), c.line()));
    }
    if (functions.containsKey(name)) {
      throw Refusal.at(c.line(), "function '" + name + "' after the first stage of a pipeline is not"
          + " supported (as its first stage it is: 'f | sort'); write its commands in the pipeline");
    }
    if (Set.of("type", "command", "hash", "dirs", "trap", "eval", "getopts").contains(name)) {
      throw Refusal.at(c.line(), "'" + name + "' is a shell builtin with no program of its own,"
          + " and cannot be a stage of a pipeline; run it on a line of its own, its output into a"
          + " variable ($(" + name + " ...)) or a file");
    }
    if (asJob && ShellBuiltins.isPlanTime(name)) {
      throw Refusal.at(c.line(), "'" + name + "' is a shell builtin and cannot be a stage of a pipeline"
          + " that runs as a job");
    }
    return new HereCommands.Draft(argv, c.redirects(), c.line());
  }

  /**
   * Whether a stage runs in the shell rather than as a program: a loop, group or subshell, or a
   * call of one of the script's functions ({@code summary $f | sed ...}; written as its name).
   */
  private boolean inShell(Node n) {
    return !(n instanceof Ast.Simple c)
        || !c.words().isEmpty() && functions.containsKey(c.words().get(0).raw());
  }

  /** {@code ! pipeline}: the status turned over, which must be known while planning. */
}
