package swamp.master.script;

import java.util.HashMap;
import java.util.Map;

/**
 * What the ERR and EXIT traps see where {@code set -e} stopped the script at a job that failed:
 * bash's variables at that line and the job's status as {@code $?}. The walk does not stop there,
 * since the job's status is not known while planning; it keeps the shell as it was at each such
 * job, while a trap is set, and puts it back once the run says where it stopped ({@link
 * Planning.Stopped}). The ERR trap runs there only where bash's would: for a job of the script's
 * own commands, or of a function under {@code set -E}.
 */
final class StopStates {

  private final ShellState state;
  private final ExitTrap trap;
  private final Map<Integer, ShellState.Saved> at = new HashMap<>();
  /** The jobs whose failure runs the ERR trap, each with its line ($LINENO there). */
  private final Map<Integer, Integer> errLines = new HashMap<>();
  /** Where the run stopped, once it has; else -1. */
  private int stoppedAt = -1;

  StopStates(ShellState state, ExitTrap trap) {
    this.state = state;
    this.trap = trap;
  }

  /**
   * A job was planned ({@code s}) at {@code line}; where set -e stops the script on its failure
   * ({@code stopsOnFailure}, outside a subshell) while an EXIT or ERR trap is set, the shell here
   * is kept, and the line where that failure runs the ERR trap ({@code errScope}).
   */
  void planned(Status s, boolean stopsOnFailure, boolean inSubshell, boolean errScope, int line) {
    if (stopsOnFailure && (trap.isSet() || trap.errSet()) && !s.known() && !inSubshell) {
      at.put(s.step(), state.save());
      if (trap.errSet() && errScope) {
        errLines.put(s.step(), line);
      }
    }
  }

  /** The line of the job whose failure stopped the run, where it runs the ERR trap; else null. */
  Integer errLine() {
    return stoppedAt < 0 ? null : errLines.get(stoppedAt);
  }

  /** The run stopped at {@code s.step}: the shell as it was there, and its status as {@code $?}. */
  void stopped(Planning.Stopped s) {
    ShellState.Saved then = at.get(s.step);
    if (then != null) { // the walk went on past where bash stopped: the trap sees bash's variables
      state.restore(then);
    }
    state.last = Status.of(s.status);
    stoppedAt = s.step;
  }

  /**
   * Before the traps are planned at the end of the walk: where the EXIT trap reads {@code $?} or
   * an ERR trap is set, and set -e may have stopped the script, it waits until every job has run,
   * to see what bash's traps see then.
   */
  void beforeTheTrap(Waits waits, Map<String, Ast.FunctionDef> functions, int line) {
    if (at.isEmpty() || (!trap.readsTheStatus(functions) && errLines.isEmpty())) {
      return;
    }
    try {
      if (errLines.isEmpty()) {
        waits.awaitAll(trap.line(), "the EXIT trap reads $?, the status of the command set -e"
            + " may have stopped the script at");
      } else {
        waits.awaitAll(line, "the ERR trap runs where a command that set -e stops the script at"
            + " fails");
      }
    } catch (Planning.Stopped s) {
      stopped(s);
    }
  }
}
