package swamp.master.script;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import swamp.protocol.ShellText;
import swamp.protocol.Stage;

/**
 * What {@link Script#plan} makes of a script: the commands {@code bash SCRIPT} would run, in script
 * order, each with the commands it waits for, and the status an unconditional {@code exit} gave.
 * The commands from {@code trapFrom} on are the EXIT trap's: they run also when a failure under
 * {@code set -e} or an exit point ({@code cmd || exit 1}) stops the run, as bash runs the trap then.
 * The script's own status is {@code exitStatus}, or, where {@code lastStep} is a step, as bash's,
 * that of the last command it ran: that step's (its exit code; when it did not run, the status of
 * what decided so, {@code a} in {@code a && b}). {@code assumed} says what planning took for
 * granted of files that a command writes or removes only if a job's status says so, where a glob,
 * test or {@code ls} saw them: a run where that status goes the other way differs from bash's.
 */
public record Plan(List<Plan.Command> commands, int exitStatus, int trapFrom, int lastStep, List<String> assumed,
    Set<Integer> substitutions) {

  public Plan {
    commands = List.copyOf(commands);
    assumed = List.copyOf(assumed);
    substitutions = Set.copyOf(substitutions);
    trapFrom = Math.max(0, Math.min(trapFrom, commands.size()));
    lastStep = lastStep >= commands.size() ? -1 : lastStep;
  }

  /** How a step of the plan ended, as the run knows it once it has. */
  public enum Outcome { SUCCEEDED, FAILED, NOT_RUN }

  /** Whether step {@code step} is a command substitution whose output fills later words ({@link Marks#outputMark}). */
  public boolean isSubstitution(int step) {
    return substitutions.contains(step);
  }

  /** Whether {@code step} is one of the EXIT trap's commands. */
  public boolean inExitTrap(int step) {
    return step >= trapFrom;
  }

  /**
   * The command runs only if command {@code step} succeeded ({@code onSuccess}) or failed; and,
   * where {@code ifNotRun}, also if that command did not run. In {@code a && b || c}, {@code c}
   * runs if {@code b} failed or did not run (because {@code a} failed): the status of {@code a
   * && b} is then not 0.
   */
  public record Guard(int step, boolean onSuccess, boolean ifNotRun) {

    /** Holds only on the command's own status. */
    public Guard(int step, boolean onSuccess) {
      this(step, onSuccess, false);
    }
  }

  /**
   * A status known once jobs have run, for a step that runs nothing: where every guard of {@code
   * when} holds (none: always), the value of step {@code thenStep} (its status; 0 where it is
   * -1) plus {@code thenCode}; else {@code elseStep}'s plus {@code elseCode}. With a {@code test} ({@code
   * -eq}, {@code -ne}, {@code -lt}, {@code -le}, {@code -gt}, {@code -ge}), the status is 0
   * where that value stands so to {@code against}, else 1, as {@code test}'s.
   *
   * <p>It is the status of {@code if COND; then ...; else ...; fi} where {@code COND} runs as a
   * job (when: the guard of the branch taken; the branches' last commands); of a test of a
   * job's status ({@code [ $? -ne 0 ]}: that step, and the test); and the value of a variable a
   * job's status sets ({@code cmd || failed=1}: when the guards hold, 1, else what it was; {@code
   * cmd || n=$((n + 1))}: what it was plus 1, else what it was).
   */
  public record Join(List<Guard> when, int thenStep, int thenCode, int elseStep, int elseCode, String test, int against) {

    /**
     * The value of a variable that was unset or empty before a job's status set it ({@code cmd ||
     * rc=$?} without {@code rc=0}): it fills in as nothing, and no comparison holds for it.
     */
    public static final int EMPTY = -1;

    public Join {
      when = List.copyOf(when);
    }

    /** The status of an {@code if}: the branch {@code taken}'s, else the other's. */
    static Join ofIf(Guard taken, Status then, Status otherwise) {
      return new Join(List.of(taken), then.step(), then.code(), otherwise.step(), otherwise.code(), null, 0);
    }

    /** The status of {@code [ VALUE op against ]}, VALUE that of {@code value}. */
    static Join ofTest(Status value, String test, int against) {
      return new Join(List.of(), value.step(), value.code(), -1, 0, test, against);
    }

    /** Whether {@code value} stands so to {@code against} by {@code test}. */
    public static boolean compare(long value, String test, long against) {
      return value != EMPTY && switch (test) {
        case "-eq" -> value == against;
        case "-ne" -> value != against;
        case "-lt" -> value < against;
        case "-le" -> value <= against;
        case "-gt" -> value > against;
        case "-ge" -> value >= against;
        default -> throw new IllegalArgumentException("not a comparison: " + test);
      };
    }

    String text() {
      String value = when.isEmpty() ? branch(thenStep, thenCode) : branch(thenStep, thenCode) + " if "
          + when.stream().map(g -> "#" + g.step() + (g.onSuccess() ? " succeeds" : " fails")).collect(java.util.stream.Collectors.joining(" and "))
          + ", else " + branch(elseStep, elseCode);
      return test == null ? "status: " + value : "status: 0 if " + value + " " + test + " " + against + ", else 1";
    }

    private static String branch(int step, int code) {
      return step < 0 ? Integer.toString(code) : code == 0 ? "#" + step + "'s" : "#" + step + "'s + " + code;
    }
  }

  /**
   * One command of the plan.
   *
   * @param step       its index in the plan, from 0
   * @param line       the 1-based line of the script it comes from
   * @param dir        the absolute directory it runs in
   * @param stages     its programs, connected by pipes; empty for an exit point
   * @param env        variables the script exported or set for it
   * @param dependsOn  steps that must finish first (transitively reduced)
   * @param guards     steps whose status decides whether it runs ({@code a && b}, {@code a || b},
   *                   {@code if a}), the innermost first
   * @param exitStatus for an exit point ({@code cmd || exit N}): the run stops with N when the
   *                   guards hold; -1 for a command
   * @param errexit    {@code set -e} was on: its failure stops new commands from starting
   * @param xtrace     to be printed as it is dispatched (the planner plans set -x's trace as jobs of its
   *                   own, {@link Xtrace}, in the script's order: false from it)
   * @param outputIsErrors its output goes where errors go ({@code echo warning >&2}): the job
   *                   captures it, and it is printed on standard error
   * @param errorsAreOutput its errors go where the script's output goes ({@code cmd 2>&1 >> log},
   *                   {@code { ...; } 2>&1}): the job captures them, printed on standard output
   * @param pipefail   a pipeline under {@code set -o pipefail}: its status is that of its last
   *                   stage that failed, not its last stage's
   * @param exitScopeEnd for an exit point inside a subshell ({@code ( cmd || exit 1 )}, a
   *                   {@code | while} loop, {@code bash sub.sh}): the first step after that
   *                   subshell, where the script goes on when it exits; -1 when it ends the script
   * @param failureScopeEnd where the script goes on when its failure under {@code set -e} (or,
   *                   for an exit point, its non-zero exit) stops only subshells: {@code ( set -e;
   *                   ... )} or {@code bash sub.sh} whose script says {@code set -e}, in a script
   *                   that does not. The first step after the outermost subshell it ends; -1 when
   *                   it stops the script
   * @param join       for the status of an {@code if} whose condition runs as a job: where it
   *                   comes from; null for a command or an exit point
   * @param loopExit   an exit point of a {@code continue} ({@code break}): it leaves the rest of
   *                   an iteration (of a loop) ending before {@code exitScopeEnd}, whose commands
   *                   then do not run
   */
  public record Command(int step, int line, String dir, List<Stage> stages, Map<String, String> env,
      Set<Integer> dependsOn, List<Guard> guards, int exitStatus, boolean errexit,
      boolean xtrace, boolean outputIsErrors, boolean errorsAreOutput, boolean pipefail,
      int exitScopeEnd, int failureScopeEnd, Join join, boolean loopExit) {
    public Command {
      stages = List.copyOf(stages);
      env = Map.copyOf(env);
      dependsOn = Collections.unmodifiableSet(new TreeSet<>(dependsOn));
      guards = List.copyOf(guards);
    }

    /**
     * An exit status from {@code STATUS_OF} on is that of step {@code exitStatus - STATUS_OF},
     * known once it has run: {@code cmd || exit $?}, {@code exit $rc} after {@code rc=$?}.
     */
    public static final int STATUS_OF = 1 << 16;

    /** The first program's argv; empty for an exit point or a join. */
    public List<String> argv() {
      return stages.isEmpty() ? List.of() : stages.get(0).argv();
    }

    public boolean isExit() {
      return exitStatus >= 0;
    }

    /** Whether it runs nothing and only gives an {@code if} its status ({@link Join}). */
    public boolean isJoin() {
      return join != null;
    }

    /** The command as a shell would show it: quoted words, pipes and redirections. */
    public String text() {
      if (isExit()) {
        return loopExit ? "continue or break"
            : exitStatus >= STATUS_OF ? "exit $? of #" + (exitStatus - STATUS_OF) : "exit " + exitStatus;
      }
      if (isJoin()) {
        return join.text();
      }
      return shown(true);
    }

    /** What {@code set -x} prints of it: its words, as bash traces them, without redirections. */
    public String traced() {
      return isExit() || isJoin() ? text() : shown(false);
    }

    private String shown(boolean redirections) {
      List<Stage> shown = stages.stream().map(s -> new Stage(s.argv().stream()
          .map(Marks::shown).filter(java.util.Objects::nonNull).toList(),
          redirections ? s.redirects() : swamp.protocol.Redirects.NONE)).toList();
      return ShellText.of(shown);
    }

    /**
     * The files and directories it writes or makes (absolute paths), as its place in the graph
     * is found from them; not those it removes.
     */
    public Set<String> writes() {
      Dependencies.Access a = Dependencies.access(this);
      Set<String> made = new java.util.LinkedHashSet<>(a.writes());
      made.removeAll(a.removes());
      made.addAll(a.directories());
      return made;
    }

    Command withDependencies(Set<Integer> deps) {
      return new Command(step, line, dir, stages, env, deps, guards, exitStatus, errexit, xtrace,
          outputIsErrors, errorsAreOutput, pipefail, exitScopeEnd, failureScopeEnd, join, loopExit);
    }

    /**
     * This command as it runs once the steps its words' marks name have run ({@link Marks#filled}):
     * {@code statusOf} gives a step's status, {@code outcomeOf} how it ended.
     */
    public Command withStatuses(java.util.function.IntUnaryOperator statusOf, java.util.function.IntFunction<Outcome> outcomeOf) {
      return withStatuses(statusOf, outcomeOf, step -> "");
    }

    /** As {@link #withStatuses(java.util.function.IntUnaryOperator, java.util.function.IntFunction)}; {@code outputOf}: what a step printed. */
    public Command withStatuses(java.util.function.IntUnaryOperator statusOf, java.util.function.IntFunction<Outcome> outcomeOf,
        java.util.function.IntFunction<String> outputOf) {
      if (stages.stream().flatMap(s -> s.argv().stream()).noneMatch(Marks::marked)
          && stages.stream().noneMatch(s -> s.redirected().stdinText() != null && Marks.holdsStatus(s.redirected().stdinText()))) {
        return this;
      }
      List<Stage> filled = stages.stream().map(s -> new Stage(Marks.filled(s.argv(), statusOf, outcomeOf, outputOf),
          Marks.filled(s.redirects(), statusOf)))
          .toList();
      return new Command(step, line, dir, filled, env, dependsOn, guards, exitStatus, errexit, xtrace,
          outputIsErrors, errorsAreOutput, pipefail, exitScopeEnd, failureScopeEnd, join, loopExit);
    }

    /** This exit point as one that leaves a subshell ending before step {@code end}. */
    Command leavingSubshell(int end) {
      return new Command(step, line, dir, stages, env, dependsOn, guards, exitStatus, errexit, xtrace,
          outputIsErrors, errorsAreOutput, pipefail, end, failureScopeEnd, join, loopExit);
    }

    /** This command with its failure under set -e ending subshells before step {@code end}. */
    Command failingOutOf(int end) {
      return new Command(step, line, dir, stages, env, dependsOn, guards, exitStatus, errexit, xtrace,
          outputIsErrors, errorsAreOutput, pipefail, exitScopeEnd, end, join, loopExit);
    }

    /** Whether it is an exit point that ends only a subshell, and the script goes on after it. */
    public boolean leavesSubshell() {
      return isExit() && exitScopeEnd >= 0;
    }

    /**
     * An exit point's {@link #exitScopeEnd} while the walk has not yet left the subshell,
     * function or loop it ends: it was handed to the run by a wait inside that scope ({@code
     * ncra ... || return 1; v=$(ncks ...)}), and is decided once the plan says where it ends.
     */
    public static final int SCOPE_END_NOT_PLANNED = -2;

    /** Whether this exit point ends a scope whose end the walk has not planned yet. */
    public boolean scopeEndNotPlanned() {
      return isExit() && exitScopeEnd == SCOPE_END_NOT_PLANNED;
    }
  }
}
