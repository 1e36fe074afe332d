package swamp.master.script;

/**
 * A {@link ScriptException} on its way out of the tree walk, unchecked so that it passes through
 * expansion, tests and substitutions; {@link Planner#plan} unwraps it.
 */
class Refusal extends RuntimeException {
  private static final long serialVersionUID = 1L;
  final ScriptException cause;

  /**
   * An error that stops bash's script where it expands a word: {@code $name} unset under {@code
   * set -u} ("$1: unbound variable"), {@code ${name:?message}} of one unset. Where the script
   * reaches it unconditionally, bash prints {@code error} after "SCRIPT: line N: " and stops there
   * ({@link Planner#exec}); elsewhere a refusal.
   */
  static final class Unbound extends Refusal {
    private static final long serialVersionUID = 1L;
    final String error;
    final int line;

    Unbound(String error, int line, String problem) {
      super(new ScriptException(line, problem));
      this.error = error;
      this.line = line;
    }
  }

  /**
   * A builtin that fails while planning as it would under bash ({@code cd nosuchdir}, {@code [
   * abc -gt 0 ]}): where the walk can, it prints {@code error} after "SCRIPT: line N: " on
   * standard error and the builtin's status is {@code status}; elsewhere a refusal.
   */
  static final class Failed extends Refusal {
    private static final long serialVersionUID = 1L;
    final String error;
    /** The builtin's status: 1, or 2 for a test whose words are not a test. */
    final int status;

    Failed(String error, int line, String problem) {
      this(error, 1, line, problem);
    }

    Failed(String error, int status, int line, String problem) {
      super(new ScriptException(line, problem));
      this.error = error;
      this.status = status;
    }
  }

  /**
   * An error on which bash abandons the script's command it is in, a loop or a function call
   * whole (in a subshell, the subshell), prints {@code error} after "SCRIPT: line N: " and goes on
   * with the next command, its status 1: an arithmetic error ({@code $((08 + 1))}, a month's
   * number taken as octal), {@code set -e} or not; an assignment to a readonly variable, after
   * which {@code set -e} stops the script ({@code stopsUnderSetE}). Where a job's status decides
   * whether bash gets there, or inside {@code $(...)}, a refusal.
   */
  static final class Aborted extends Refusal {
    private static final long serialVersionUID = 1L;
    final String error;
    final int line;
    final boolean stopsUnderSetE;

    Aborted(String error, int line, String problem) {
      this(error, line, problem, false);
    }

    Aborted(String error, int line, String problem, boolean stopsUnderSetE) {
      super(new ScriptException(line, problem));
      this.error = error;
      this.line = line;
      this.stopsUnderSetE = stopsUnderSetE;
    }
  }

  /**
   * A command substitution that reads a file an earlier line writes: in a job's words it can run
   * as a job of its own, what it printed filling them in ({@link Marks#outputMark}).
   */
  static final class ReadsPlanned extends Refusal {
    private static final long serialVersionUID = 1L;

    ReadsPlanned(int line, String problem) {
      super(new ScriptException(line, problem));
    }
  }

  /**
   * The walk is in a branch a job's status decides (after {@code cmd &&}, in {@code if cmd}), and
   * that job, waited for, went the other way: bash never ran what follows here. The walk of the
   * branch under {@code guard} ends; the {@code &&} or {@code if} that set it goes on after it.
   */
  static final class NotTaken extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final Plan.Guard guard;

    NotTaken(Plan.Guard guard) {
      super(null, null, false, false);
      this.guard = guard;
    }
  }

  Refusal(ScriptException cause) {
    super(cause.getMessage(), null, false, false);
    this.cause = cause;
  }

  static Refusal at(int line, String problem) {
    return new Refusal(new ScriptException(line, problem));
  }

  /**
   * {@code $?} of a job, or a variable set from it ({@code rc=$?}), used {@code where} only a
   * value known while planning can be.
   */
  static Refusal jobStatus(int line, String where) {
    return at(line, "the status of a job ($? after it, or a variable set from that) is known only once it has"
        + " run, and " + where + " needs it while planning; swamp can give it to a program ('echo \"failed:"
        + " $rc\"'), exit or return with it, and compare it with a number ('if [ $? -ne 0 ]; then', '[ \"$rc\" -eq 2 ]')");
  }
}
