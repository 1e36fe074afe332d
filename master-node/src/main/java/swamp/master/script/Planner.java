package swamp.master.script;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
 * an exit point; {@code if cmd} plans each branch under such a guard, and so does a test of
 * {@code $?} against 0 ({@link JobDecisions}). A decision that needs the status now ({@code while
 * cmd}, {@code $((rc + 1))}, an assignment after {@code cmd ||}) is refused with the line.
 *
 * <p>The walk is here: control flow; simple commands are {@link SimpleCommands}', and the command
 * substitutions it runs while planning {@link Captures}'. Where the walk needs what jobs print or
 * wrote to go on, it waits for them ({@link Waits#await}), when it runs as a {@link Planning}. The
 * builtins that steer it ({@code exit}, {@code return}, {@code break}, {@code eval}, {@code
 * source}, {@code read}) are {@link SteeringBuiltins}, pipelines {@link Pipelines}, loops {@link
 * Loops}, what a job's status decides ({@code a && b}, {@code if}, {@code case}) {@link
 * JobDecisions}, each asking the walk where it stands through {@link Walk}; the scopes it walks
 * into (functions, sourced files, scripts run with bash, the EXIT trap) are set up by {@link
 * Calls}, subshells and where bash's errors end the command or shell they are in by {@link
 * Subshells}, what the EXIT trap sees where set -e stopped the run kept by {@link StopStates}, and
 * the walks whose commands write where a redirection outside them says ({@code done > f}, {@code
 * exec > log}, {@code done | sort}) by {@link Redirecting}. What it walks over is the {@link
 * ShellState}; words are expanded by the {@link Expander}, tests evaluated by {@link Conditions},
 * the shell's other builtins and assignments carried out by {@link ShellBuiltins}, the jobs planned
 * by {@link PlannedJobs}, the commands of a command substitution run by {@link HereCommands}, and
 * the lines {@code read} takes ({@code done < list}, {@code ls | while read}) kept by {@link
 * ReadInput}.
 */
final class Planner implements Walk {

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
  private final Deque<Guard> guards = new ArrayDeque<>();
  private final PlannedJobs jobs;
  private final Captures captures;
  private int exitStatus;
  private final ExitTrap exitTrap = new ExitTrap();
  private final StopStates stops;
  private final ErrTrap errTrap;
  private final Redirecting redirecting;
  private final Pipelines pipelines;
  private final KnownTexts texts;
  private final SteeringBuiltins steering;
  private final JobDecisions decisions;
  private final Loops loops;
  private final Substitutions substitutions;
  private final SimpleCommands simple;
  private final TestCommands tests;
  private final Waits waits;
  private final Subshells subshells;
  /** set -x of what the walk shows itself: {@code case WORD in}, {@code (( ))}. */
  private final Xtrace xtrace;
  private final ScriptReading.Cursor reading;

  Planner(String dir, Map<String, String> environment, String arg0, List<String> args) {
    this(dir, environment, arg0, args, true, new SubstitutionReplay());
  }

  /** {@code replay}: what the substitutions of earlier walks of the script gave, taken again. */
  Planner(String dir, Map<String, String> environment, String arg0, List<String> args, boolean fileTestsOnJobs,
      SubstitutionReplay replay) {
    this.state = new ShellState(dir, environment, arg0, args);
    this.captures = new Captures(state, this);
    this.expander = new Expander(state, this::substitution);
    this.conditions = new Conditions(state, expander);
    this.here = new HereCommands(state, expander);
    this.input = new ReadInput(state, this::inputText);
    this.lookup = new CommandLookup(state, functions);
    this.variables = new Variables(state, expander, functions);
    this.calls = new Calls(state, variables, functions, exitTrap, this::exec);
    Directories directories = new Directories(state);
    this.builtins = new ShellBuiltins(state, expander, conditions, functions, variables, directories);
    this.jobs = new PlannedJobs(Map.copyOf(environment), state, expander);
    this.redirecting = new Redirecting(state, expander, this::exec,
        (drafts, line) -> job(drafts, Map.of(), line));
    this.texts = new KnownTexts(state, expander, here);
    this.stops = new StopStates(state, exitTrap);
    this.errTrap = new ErrTrap(state, exitTrap, variables, jobs, calls);
    this.waits = new Waits(state, jobs, guards, () -> captures.captured() != null);
    this.subshells = new Subshells(state, jobs, input, this, exitTrap, calls);
    this.xtrace = new Xtrace(state, expander, this);
    this.reading = new ScriptReading.Cursor(state, this);
    this.decisions = new JobDecisions(state, expander, jobs, this);
    this.loops = new Loops(state, expander, jobs, this);
    replay.rewind();
    this.substitutions = new Substitutions(state, jobs, functions, replay, captures, this);
    Parallels parallels = new Parallels(state, expander, calls, jobs, this);
    this.pipelines = new Pipelines(state, expander, here, redirecting, functions, jobs, substitutions, captures,
        parallels, this);
    this.steering = new SteeringBuiltins(state, expander, variables, functions, builtins, directories, lookup,
        input, calls, exitTrap, redirecting, jobs, this);
    this.tests = new TestCommands(state, expander, conditions, decisions, this, xtrace, fileTestsOnJobs);
    this.simple = new SimpleCommands(state, expander, tests, functions, variables, decisions, redirecting, calls, jobs,
        steering, here, pipelines, parallels, this);
  }

  /** The walk reads the lines of {@code script}, as bash reads them ({@link ScriptReading}). */
  Planner reading(ScriptReading script) {
    reading.reading(script);
    return this;
  }

  /** The walk waits for jobs with {@code wait} where it needs what they print ({@link Waits}). */
  Planner waitingWith(Planning.Wait wait) {
    waits.with(wait);
    return this;
  }

  /** Whether a test of a file was decided by the job that writes it ({@link JobDecisions#fileTestOnJob}). */
  boolean decidedFileTestsByJobs() {
    return tests.decidedFileTestsByJobs();
  }

  /** Plans the whole program; commands and the status an unconditional {@code exit} gave. */
  Plan plan(Node program) throws ScriptException {
    int lastStep = -1;
    boolean stopped = false;
    try {
      try {
        if (program instanceof Ast.Sequence q) { // the script's own commands, one after another
          List<List<Node>> commands = q.commands();
          for (int k = 0; k < commands.size(); k++) { // 'x=$((1/0)); echo no': bash abandons the line
            List<Node> command = commands.get(k);
            reading.command(command.get(0).line(),
                k + 1 < commands.size() ? commands.get(k + 1).get(0).line() : Integer.MAX_VALUE);
            subshells.abandoning(() -> {
              Status last = Status.OK;
              for (Node n : command) {
                last = exec(n);
              }
              return last;
            });
          }
        } else {
          reading.command(program.line(), Integer.MAX_VALUE);
          subshells.abandoning(() -> exec(program));
        }
        reading.atEnd();
        exitStatus = state.last.known() ? state.last.code() : 0; // bash's: the last command's
        lastStep = state.last.known() ? -1 : state.last.step();
      } catch (Jump j) { // a break or continue outside a loop just ends the script, as bash's does
        exitStatus = j.is(Jump.Kind.EXIT) || j.is(Jump.Kind.RETURN) ? j.value : 0;
        lastStep = j.is(Jump.Kind.EXIT) ? j.ofStep : -1;
        if (j.is(Jump.Kind.EXIT)) {
          state.last = j.status(); // what the EXIT trap's $? reads
        }
      } catch (Planning.Stopped s) { // the run stopped before where the walk waited: the trap still runs
        lastStep = -1;
        stops.stopped(s);
        stopped = true;
      }
      if (!stopped) {
        stops.beforeTheTrap(waits, functions, state.currentLine);
      }
      trapFrom = jobs.size();
      Status trapped = calls.exitTrap(errTrap.atTheStop(stops.errLine())); // ERR's exit, else EXIT's
      if (trapped != null) {
        exitStatus = trapped.code();
        lastStep = -1;
      }
    } catch (Refusal r) {
      throw r.cause;
    } catch (StackOverflowError e) {
      throw new ScriptException(0, "the script recurses too deeply to plan");
    }
    return new Plan(jobs.ordered(), exitStatus, trapFrom, lastStep, state.files.assumed(), substitutions.steps());
  }

  /** The first step of the EXIT trap's, once the walk is in it; until then none. */
  private int trapFrom = Integer.MAX_VALUE;

  /** The commands planned so far, while the walk waits for some of them ({@link Planning}). */
  Plan soFar() {
    return new Plan(jobs.ordered(), 0, trapFrom, -1, state.files.assumed(), substitutions.steps());
  }

  @Override
  public Waits waits() {
    return waits;
  }

  /**
   * The text an input redirection gives {@code read} ({@code done < list.txt}, {@code mapfile -t
   * f < list.txt}). Of a file that jobs planned so far write, with a text not known while
   * planning ({@code find ... > found.txt}), where the walk can wait: once they have all run, as
   * it is then.
   */
  @Override
  public String inputText(Ast.Redirect r) {
    try {
      return ReadInput.text(state, expander, r);
    } catch (Refusal.ReadsPlanned unknown) {
      return waits.onFilesWritten(unknown, r.line(), () -> ReadInput.text(state, expander, r));
    }
  }

  // ---------------------------------------------------------------- the tree

  @Override
  public Status exec(Node node) {
    Status s;
    int planned = jobs.size();
    try {
      s = dispatch(node);
    } catch (Jump j) { // 'exit $(grep -c x missing.txt)': grep's error first
      captures.printErrors(node.line());
      throw j;
    } catch (Refusal.ReadsPlanned unknown) {
      // '[ -s hits.txt ]', 'source settings.sh' after the job that writes it: where the walk can
      // wait, once every job planned before has run, on the files as they are then
      if (!(node instanceof Ast.Simple || node instanceof Ast.Conditional) || jobs.size() != planned) { // [[ -s f ]] too
        throw unknown;
      }
      s = waits.onFilesWritten(unknown, node.line(), () -> dispatch(node));
    } catch (Refusal.Aborted a) {
      if (captured() != null || !guards.isEmpty()) { // not where bash surely gets: refused
        throw new Refusal(a.cause);
      }
      throw a;
    } catch (Refusal.Unbound u) {
      RuntimeException stop = subshells.unbound(u);
      if (stop != null) {
        throw stop;
      }
      state.last = Status.FAIL;
      return Status.FAIL;
    }
    captures.printErrors(node.line()); // 'n=$(ls obs_*.nc | wc -l)': an assignment's, as it is walked
    state.last = s;
    state.pipeStatusAfter(node);
    boolean failed = s.known() && s.code() != 0 && !(node instanceof Ast.AndOr) // what set -e and
        && !(node instanceof Ast.Pipeline p && p.negated()); // the ERR trap act on
    if (failed) {
      errTrap.failedWhilePlanning(node.line(), s, conditionDepth > 0 || captured() != null,
          !guards.isEmpty());
    }
    if (failed && state.errexit && conditionDepth == 0 && captured() == null) {
      if (!guards.isEmpty()) { // 'if job; then ...; else false; fi': it stops where the guards hold
        jobs.exitPoint(s.code(), node.line(), guards, true, false);
        return s;
      }
      throw Jump.exit(s.code()); // set -e: bash stops at a command that fails while planning too
    }
    return s;
  }

  @Override
  public void shellError(String error, int line, List<Ast.Redirect> redirects) {
    subshells.shellError(error, line, redirects);
  }

  private Status dispatch(Node node) {
    if (node instanceof Ast.Simple c) {
      return captured() == null && Redirecting.readsProcesses(c) ? redirecting.withProcessFiles(c, simple::run) : simple.run(c);
    } else if (node instanceof Ast.Pipeline p) {
      return captured() == null && Redirecting.readsProcesses(p) ? redirecting.withProcessFiles(p, pipelines::run)
          : pipelines.run(p);
    } else if (node instanceof Ast.AndOr a) {
      return decisions.andOr(a);
    } else if (node instanceof Ast.Sequence q) {
      Status st = Status.OK;
      for (Node n : q.items()) {
        st = exec(n);
      }
      return st;
    } else if (node instanceof Ast.If i) {
      return decisions.ifCommand(i);
    } else if (node instanceof Ast.For f) {
      return loops.forCommand(f);
    } else if (node instanceof Ast.ArithFor f) {
      return loops.arithFor(f);
    } else if (node instanceof Ast.Loop l) {
      return loops.loop(l);
    } else if (node instanceof Ast.Case c) {
      if (xtrace.on()) { // bash 5.2 shows the word as written: '+ case $m in'
        xtrace.shown("case " + c.subject().raw() + " in", c.line());
      }
      return decisions.caseCommand(c);
    } else if (node instanceof Ast.WriteTo w) {
      return redirecting.writingTo(w, captured() != null);
    } else if (node instanceof Ast.ReadFrom r) {
      return readingFrom(inputText(r.input()), r.body(), false);
    } else if (node instanceof Ast.FunctionDef f) {
      functions.put(f.name(), f);
      return Status.OK;
    } else if (node instanceof Ast.Group g) {
      return exec(g.body());
    } else if (node instanceof Ast.Subshell sub) {
      return subshells.subshell(sub);
    } else if (node instanceof Ast.Background b) {
      return subshells.background(b);
    } else if (node instanceof Ast.Arith a) {
      state.running(a);
      if (xtrace.on()) {
        xtrace.arith(expander.expandString(a.expression(), a.line()), a.line());
      }
      if (captured() == null && guards.isEmpty() && !jobs.openExits().isEmpty()
          && a.expression().matches("(?s).*([-+*/%&|^]?=(?!=)|\\+\\+|--).*") && !a.expression().matches("(?s).*[!<>=]=.*")) {
        // 'ncks -m "$f" || continue' then '(( n++ ))': once that job has run, as bash's count
        waits.awaitGuardsOrRefuse(a.line(), SimpleCommands.afterExit("(( " + a.expression().trim() + " ))"));
      }
      Status counted = captured() != null || guards.isEmpty() && !decisions.countsAStatus(a.expression()) ? null
          : decisions.countOnStatus(a.expression(), a.line());
      if (counted != null) { // 'cmd || (( n++ ))'
        return counted;
      }
      try {
        Status tested = decisions.arithOnStatus(a.expression(), a.line(), v -> expander.expandString(v, a.line()));
        return tested != null ? tested : Status.of(expander.arith(a.expression(), a.line()) != 0 ? 0 : 1);
      } catch (Refusal.Aborted e) { // '(( x = 1.5 ))': bash's error, status 1, and on it goes
        if (captured() == null) {
          subshells.shellError("((: " + e.error, e.line);
        }
        return Status.FAIL;
      }
    } else {
      state.running(node);
      return tests.conditional((Ast.Conditional) node);
    }
  }

  @Override
  public Status inCondition(java.util.function.Supplier<Status> part) {
    conditionDepth++;
    try {
      return part.get();
    } finally {
      conditionDepth--;
    }
  }

  @Override
  public Status inShellOfItsOwn(java.util.function.Supplier<Status> part) {
    int savedDepth = conditionDepth;
    conditionDepth = 0;
    try {
      return part.get();
    } finally {
      conditionDepth = savedDepth;
    }
  }

  @Override
  public Status readingFrom(String text, Node body, boolean subshell) {
    return subshells.readingFrom(text, body, subshell);
  }

  // ---------------------------------------------------------------- what the walk's parts ask of it

  /** Plans a job under the guards that hold here; set -e stops on its failure outside a test. */
  @Override
  public Status job(List<HereCommands.Draft> drafts, Map<String, String> prefix, int line) {
    captures.printErrors(line); // 'ncks -v T "$(ls obs_*.nc)" t.nc': ls's error before ncks runs, as bash's
    HereCommands.Draft only = drafts.size() == 1 && guards.isEmpty() && captured() == null ? drafts.get(0) : null;
    if (only != null && texts.prints(only) && only.argv().stream().noneMatch(Marks::holdsStatus)) {
      // 'ls out/*.nc > list.txt' of files jobs make: the text counts on them, as 'for f in out/*.nc' does
      only = new HereCommands.Draft(SimpleCommands.plainWords(state, only.argv()), only.redirects(), only.line());
    }
    String before = only == null ? null : texts.before(only);
    Status s = jobs.job(drafts, prefix, line, guards, stopsOnFailure());
    stops.planned(s, stopsOnFailure(), jobs.inSubshell(),
        errTrap.runsFor(line, conditionDepth > 0 || captured() != null), line);
    if (before != null) { // 'ls *.nc > list.txt': a later '< list.txt' reads what it printed
      texts.written(only, prefix, line, before);
    }
    return s;
  }

  @Override
  public Status not(Status s, int line) {
    return s.known() ? Status.of(s.code() == 0 ? 1 : 0) : decisions.not(s, line);
  }

  /** What the command substitution running now prints ({@link Captures}); null outside one. */
  @Override
  public StringBuilder captured() {
    return captures.captured();
  }

  @Override
  public Deque<Guard> guards() {
    return guards;
  }

  @Override
  public boolean stopsOnFailure() {
    return state.errexit && conditionDepth == 0;
  }

  private String substitution(String text, int line, boolean quoted) {
    return substitutions.run(text, line, quoted);
  }
}
