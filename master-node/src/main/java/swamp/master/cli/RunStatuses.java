package swamp.master.cli;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import swamp.master.script.Plan;
import swamp.master.script.Plan.Command;
import swamp.master.script.Plan.Guard;
import swamp.master.script.Plan.Outcome;

/**
 * How each step of a {@link ScriptRun} ended, and what bash would make of it: a step's status
 * where it did not run ({@code a} decided {@code a && b}), whether a guard holds, the subshells,
 * functions and loop iterations an exit point left, and where the run stopped ({@code set -e}, an
 * exit point) so that bash reached nothing after it.
 */
final class RunStatuses {

  /**
   * A subshell, function or loop iteration an exit point at {@code step} left, up to {@code end}
   * (the first step after it), with {@code status}; {@code loop} where it is a loop's {@code
   * continue} or {@code break}: what it left did not run, and takes no status.
   */
  private record Left(int step, int end, int status, boolean loop) {
    boolean covers(int s) {
      return s > step && s < end;
    }
  }

  private final Supplier<Plan> plan;
  /** How each step decided so far ended; read by the stop hook too. */
  private final Map<Integer, Outcome> outcome = new ConcurrentHashMap<>();
  /** The exit codes of the steps that failed. */
  private final Map<Integer, Integer> exitCodes = new HashMap<>();
  /** Steps decided not to run that the master has not been told of yet. */
  private final List<Integer> notRunUnreported = new ArrayList<>();
  private final List<Left> left = new ArrayList<>();
  /** The step where the run stopped (set -e, an exit point), or -1: bash ran nothing after it. */
  private int stopStep = -1;
  /** The status the run exits with where it stopped (set -e, an exit point), else null. */
  private Integer stoppedWith;

  RunStatuses(Supplier<Plan> plan) {
    this.plan = plan;
  }

  /** Whether {@code step} has ended or been decided not to run. */
  boolean decided(int step) {
    return outcome.containsKey(step);
  }

  Outcome outcome(int step) {
    return outcome.get(step);
  }

  /** How many steps have ended or been decided not to run. */
  int decidedCount() {
    return outcome.size();
  }

  /** How many steps (joins aside) were decided not to run. */
  long notRunCount() {
    List<Command> commands = plan.get().commands();
    return outcome.entrySet().stream()
        .filter(e -> e.getValue() == Outcome.NOT_RUN && !commands.get(e.getKey()).isJoin()).count();
  }

  /** A job's step ended: succeeded, or failed with {@code code}. */
  void ran(int step, boolean ok, int code) {
    outcome.put(step, ok ? Outcome.SUCCEEDED : Outcome.FAILED);
    if (!ok) {
      exitCodes.put(step, code);
    }
  }

  /** A step that ran nothing ends with {@code status}. */
  void ended(int step, int status) {
    ran(step, status == 0, status);
  }

  /**
   * An exit point that exits: its status is what the list or function it ends gives ({@code f ||
   * echo failed}), and it is not counted as a failed command.
   */
  void exited(Command c) {
    ended(c.step(), exitStatusOf(c));
  }

  /** A step bash would not run: the master shows it as not run ({@link #takeNotRun}). */
  void skipped(int step) {
    outcome.put(step, Outcome.NOT_RUN);
    notRunUnreported.add(step);
  }

  /**
   * A step bash never ran. In a subshell or function that {@code exit N} or {@code return N}
   * left, it takes N as its status: what waits on the subshell's or function's status ({@code f
   * || echo failed}) hears N, as in bash.
   */
  void notRun(int step) {
    Left scope = leftScope(step);
    if (scope == null || scope.loop()) {
      skipped(step);
    } else {
      ended(step, scope.status());
    }
  }

  /** The steps decided not to run since the last call, for the master. */
  List<Integer> takeNotRun() {
    List<Integer> taken = List.copyOf(notRunUnreported);
    notRunUnreported.clear();
    return taken;
  }

  /** The exit point at {@code step} left its subshell or function, up to {@code end}, with {@code status}. */
  void leftScope(int step, int end, int status) {
    left.add(new Left(step, end, status, false));
  }

  /** The {@code continue} or {@code break} at {@code step} left its iteration or loop, up to {@code end}. */
  void leftLoop(int step, int end) {
    left.add(new Left(step, end, 0, true));
  }

  /** Whether an exit or return left the subshell or function {@code step} is in before it ran. */
  boolean inLeftScope(int step) {
    return leftScope(step) != null;
  }

  private Left leftScope(int step) {
    return left.stream().filter(l -> l.covers(step)).findFirst().orElse(null);
  }

  /**
   * The run stops at {@code step} with {@code status} ({@code set -e}, an exit point), unless it
   * stopped at an earlier one: bash stops at the first in its order. Whether it stops here.
   */
  boolean stopAt(int step, int status) {
    if (stopStep >= 0 && step >= stopStep) {
      return false;
    }
    stopStep = step;
    stoppedWith = status;
    return true;
  }

  /** Whether the run stopped (set -e, an exit point). */
  boolean isStopped() {
    return stopStep >= 0;
  }

  /** The step where the run stopped, or -1. */
  int stopStep() {
    return stopStep;
  }

  /** The status the run exits with where it stopped, else null. */
  Integer stoppedWith() {
    return stoppedWith;
  }

  /**
   * Whether {@code c} comes after the step where the run stopped, so that bash never reached it;
   * the EXIT trap's commands still run, as bash runs the trap when {@code set -e} or {@code exit}
   * ends the script (what they wait for and bash never ran counts as ended: NOT_RUN).
   */
  boolean stopped(Command c) {
    return notReached(c.step());
  }

  /** Whether bash never reached {@code step}: after the stop, or in the rest of a subshell an exit left. */
  boolean notReached(int step) {
    if (stopStep >= 0 && step > stopStep && !plan.get().inExitTrap(step)) {
      return true;
    }
    return inLeftScope(step);
  }

  /** The status an exit point exits with: its own, or for {@code cmd || exit $?} cmd's. */
  int exitStatusOf(Command c) {
    return c.exitStatus() >= Command.STATUS_OF ? statusOf(c.exitStatus() - Command.STATUS_OF) : c.exitStatus();
  }

  /**
   * A step's status as bash would have it: its exit code; when it did not run, that of the
   * command whose status decided so ({@code a} in {@code a && b}).
   */
  int statusOf(int step) {
    return statusOf(step, 0);
  }

  private int statusOf(int step, int depth) {
    Outcome o = outcome.get(step);
    if (o == Outcome.NOT_RUN) {
      List<Guard> guards = plan.get().commands().get(step).guards();
      return guards.isEmpty() || depth > 1_000 ? 0 : statusOf(guards.get(0).step(), depth + 1);
    }
    return o == Outcome.SUCCEEDED ? 0 : o == Outcome.FAILED ? exitCodes.getOrDefault(step, 1) : 1;
  }

  /** A join's status, once the steps it names have run ({@link Plan.Join}). */
  void joined(Command c) {
    Plan.Join j = c.join();
    int value = j.when().stream().allMatch(this::holds)
        ? (j.thenStep() >= 0 ? statusOf(j.thenStep()) : 0) + j.thenCode()
        : (j.elseStep() >= 0 ? statusOf(j.elseStep()) : 0) + j.elseCode();
    ended(c.step(), j.test() == null ? value : Plan.Join.compare(value, j.test(), j.against()) ? 0 : 1);
  }

  /** Whether {@code g} holds: the step it names ended as it asks. */
  boolean holds(Guard g) {
    Outcome o = outcome.get(g.step());
    if (o == Outcome.NOT_RUN && g.ifNotRun() && !reachedNotTaken(g.step())) {
      return true;
    }
    if (o == Outcome.NOT_RUN && !plan.get().commands().get(g.step()).guards().isEmpty()) {
      // 'f() { cmd && echo ok; }; f || echo failed': a command its own guards kept from running
      // has the status of what decided so, cmd's
      return g.onSuccess() == (statusOf(g.step()) == 0);
    }
    return g.onSuccess() ? o == Outcome.SUCCEEDED : o == Outcome.FAILED;
  }

  /**
   * Whether {@code step} is an exit point that bash reached and did not take: {@code f a && f b
   * || echo failed} where f ends in {@code cmd || return 3} and cmd succeeded. Not run, but not
   * for want of reaching it (its guards but its own, the first, hold): its status is cmd's.
   */
  private boolean reachedNotTaken(int step) {
    Command c = plan.get().commands().get(step);
    return c.isExit() && !c.guards().isEmpty() && c.guards().subList(1, c.guards().size()).stream().allMatch(this::holds);
  }
}
