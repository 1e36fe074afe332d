package swamp.master.cli;

import java.util.List;
import java.util.function.Function;
import java.util.function.IntFunction;
import java.util.function.IntUnaryOperator;
import swamp.master.script.Plan;
import swamp.master.script.Plan.Command;
import swamp.master.script.Planning;
import swamp.master.script.ScriptException;

/**
 * A run's plan as far as it is made, for {@link ScriptRun}: whole from the start, or made as the
 * script runs ({@link Planning}), where the walk waits for steps and the run answers once they
 * have ended. What the walk plans next is checked command by command ({@code refuses}: the
 * allow-lists of where it runs, {@link AllowedPrograms}), as the first part was before anything ran; a
 * command refused there, like a line the walk refuses, ends the plan before it.
 */
final class RunPlan {

  private final Planning planning;
  private final Function<Command, String> refuses;
  /** A later plan holds the same commands first. */
  private volatile Plan plan;
  private ScriptException refused;

  /** @param refuses why a command may not run where the run sends it, or null ({@link AllowedPrograms}) */
  RunPlan(Planning planning, Function<Command, String> refuses) {
    this.planning = planning;
    this.refuses = refuses;
    this.plan = planning.plan();
  }

  Plan plan() {
    return plan;
  }

  /** Whether the plan is whole, or ends where the walk was refused or abandoned. */
  boolean done() {
    return planning.done();
  }

  /** The steps the walk waits for; empty once it is done. */
  List<Integer> awaits() {
    return planning.awaits();
  }

  /** Why the plan ends before the script does, or null. */
  ScriptException refused() {
    return refused;
  }

  /** The run will not answer: the walk goes no further. */
  void abandon() {
    planning.abandon();
  }

  /**
   * The run stopped at {@code step} with {@code status} (set -e, an exit point) before where the
   * walk waits: the commands of the EXIT trap, which bash runs then and the walk plans now.
   */
  List<Command> stopped(int step, int status) {
    int before = plan.commands().size();
    try {
      planning.stop(step, status);
    } catch (ScriptException e) {
      refused = e;
    }
    return taken(before);
  }

  /**
   * Answers the walk what the awaited steps printed and their statuses ({@link
   * Planning#resume}); the commands it planned next, as far as a refusal lets them run.
   */
  List<Command> next(IntFunction<String> printed, IntUnaryOperator status) {
    int before = plan.commands().size();
    try {
      planning.resume(printed, status);
    } catch (ScriptException e) {
      refused = e;
    }
    return taken(before);
  }

  /** The commands the walk planned from step {@code before} on, as far as a refusal lets them run. */
  private List<Command> taken(int before) {
    Plan next = planning.plan();
    List<Command> added = next.commands().subList(before, next.commands().size());
    for (int k = 0; k < added.size() && refused == null; k++) {
      String no = refuses.apply(added.get(k));
      if (no != null) { // what comes before it runs, as bash would have run it
        refused = new ScriptException(0, no);
        planning.abandon();
        added = added.subList(0, k);
        next = new Plan(next.commands().subList(0, before + k), next.exitStatus(), next.trapFrom(), -1,
            next.assumed(), next.substitutions());
      }
    }
    plan = next;
    return added;
  }
}
