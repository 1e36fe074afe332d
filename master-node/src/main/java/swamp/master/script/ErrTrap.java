package swamp.master.script;

/**
 * Where the {@code trap ... ERR} action runs, as bash runs it under {@code set -e}: where a
 * command that fails stops the script, before the EXIT action, with that command's line as
 * {@code $LINENO} and its status as {@code $?}. Not for a command in a test, a substitution or an
 * {@code ||} list, nor in a function without {@code set -E} (set -e ends the script there first),
 * nor again for a command of the action itself. A job's failure is known once the run stopped at
 * it ({@link StopStates}); a builtin's while planning, where the action is planned there and then.
 * What cannot be planned is refused, naming the line: a job without {@code set -e} (bash runs the
 * action after every command that fails and goes on) or in a subshell or a script this one runs
 * (whose failure runs it in the shell around).
 */
final class ErrTrap {

  private final ShellState state;
  private final ExitTrap trap;
  private final Variables variables;
  private final PlannedJobs jobs;
  private final Calls calls;
  /** While the action's commands are planned. */
  private boolean running;

  ErrTrap(ShellState state, ExitTrap trap, Variables variables, PlannedJobs jobs, Calls calls) {
    this.state = state;
    this.trap = trap;
    this.variables = variables;
    this.jobs = jobs;
    this.calls = calls;
  }

  /** Whether the failure of a job planned at {@code line} runs the action; refuses what cannot be planned. */
  boolean runsFor(int line, boolean tested) {
    if (!trap.errSet() || running || tested) {
      return false;
    }
    if (!state.errexit) {
      throw Refusal.at(line, "trap ... ERR without set -e is not supported: bash runs it after"
          + " every command that fails and goes on, which swamp knows only once each job has run;"
          + " under set -e (the first failure ends the script) it is");
    }
    if (!inScope()) {
      return false;
    }
    if (jobs.inSubshell()) {
      throw Refusal.at(line, "trap ... ERR with a command that runs as a job in a subshell, a"
          + " '| while' loop or a script run by this one is not supported: its failure runs the"
          + " trap in the shell around it; write the command outside it, or 'cmd || handler'");
    }
    return true;
  }

  /** A command of {@code line} failed while planning (a builtin's {@code status}): the action runs now. */
  void failedWhilePlanning(int line, Status status, boolean tested, boolean guarded) {
    if (!trap.errSet() || running || tested || !inScope()) {
      return;
    }
    if (jobs.inSubshell() && !state.errtrace) { // the subshell's failure runs it in its parent
      return;
    }
    if (guarded || jobs.inSubshell()) {
      throw Refusal.at(line, "trap ... ERR where a job's status decides whether bash gets to a"
          + " command that fails, or in a subshell under set -E, is not supported");
    }
    run(line);
    state.last = status; // the script goes on (or set -e ends it) with the failed command's status
  }

  /**
   * Where the run stopped at a job whose failure runs the action ({@code line}, else null): the
   * status its {@code exit} gives, or null.
   */
  Status atTheStop(Integer line) {
    if (line == null) {
      return null;
    }
    try {
      run(line);
      return null;
    } catch (Jump j) {
      return j.is(Jump.Kind.EXIT) ? Status.of(j.value) : null;
    }
  }

  private boolean inScope() {
    return variables.functionDepth() == 0 || state.errtrace;
  }

  private void run(int line) {
    running = true;
    try {
      calls.errTrap(line);
    } finally {
      running = false;
    }
  }
}
