package swamp.master.script;

import java.util.HashMap;
import java.util.Map;

/**
 * What an EXIT trap sees where {@code set -e} stopped the script at a job that failed: bash's
 * variables at that line and the job's status as {@code $?}. The walk does not stop there, since
 * the job's status is not known while planning; it keeps the shell as it was at each such job,
 * while a trap is set, and puts it back once the run says where it stopped ({@link
 * Planning.Stopped}).
 */
final class StopStates {

  private final ShellState state;
  private final ExitTrap trap;
  private final Map<Integer, ShellState.Saved> at = new HashMap<>();

  StopStates(ShellState state, ExitTrap trap) {
    this.state = state;
    this.trap = trap;
  }

  /**
   * A job was planned ({@code s}); where set -e stops the script on its failure ({@code
   * stopsOnFailure}, outside a subshell) while an EXIT trap is set, the shell here is kept.
   */
  void planned(Status s, boolean stopsOnFailure, boolean inSubshell) {
    if (stopsOnFailure && trap.isSet() && !s.known() && !inSubshell) {
      at.put(s.step(), state.save());
    }
  }

  /** The run stopped at {@code s.step}: the shell as it was there, and its status as {@code $?}. */
  void stopped(Planning.Stopped s) {
    ShellState.Saved then = at.get(s.step);
    if (then != null) { // the walk went on past where bash stopped: the trap sees bash's variables
      state.restore(then);
    }
    state.last = Status.of(s.status);
  }

  /**
   * Before the EXIT trap is planned at the end of the walk: where the trap reads {@code $?} and
   * set -e may have stopped the script, it waits until every job has run, to see what bash's
   * trap sees then.
   */
  void beforeTheTrap(Waits waits, Map<String, Ast.FunctionDef> functions) {
    if (at.isEmpty() || !trap.readsTheStatus(functions)) {
      return;
    }
    try {
      waits.awaitAll(trap.line(), "the EXIT trap reads $?, the status of the command set -e"
          + " may have stopped the script at");
    } catch (Planning.Stopped s) {
      stopped(s);
    }
  }
}
