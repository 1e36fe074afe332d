package swamp.master.script;

import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import swamp.master.script.Ast.Node;
import swamp.master.script.Ast.Word;

/**
 * The shells the walk enters beside the script's own ({@code ( ... )}, {@code cmd &}, the last
 * stage of a pipeline that {@code read}s) and where bash's errors end: an error that abandons a
 * command ({@link Refusal.Aborted}: {@code $((08+1))}) ends the script's command or the subshell
 * it is in, and the script goes on; {@code set -u} and an unset name ({@link Refusal.Unbound})
 * stop the script, or the subshell. Both print bash's message, "SCRIPT: line N: error", as a job.
 */
final class Subshells {

  private final ShellState state;
  private final PlannedJobs jobs;
  private final ReadInput input;
  private final Walk walk;
  private final ExitTrap exitTrap;
  private final Calls calls;

  Subshells(ShellState state, PlannedJobs jobs, ReadInput input, Walk walk, ExitTrap exitTrap,
      Calls calls) {
    this.state = state;
    this.jobs = jobs;
    this.input = input;
    this.walk = walk;
    this.exitTrap = exitTrap;
    this.calls = calls;
  }

  /**
   * {@code ( body )}: nothing it sets stays; its {@code exit} ends only it, and an EXIT trap it
   * sets runs at its end, the script's own staying for the script's.
   */
  Status subshell(Ast.Subshell s) {
    ShellState.Saved saved = state.save();
    String[] scriptsTrap = exitTrap.enterSubshell();
    int from = jobs.size();
    jobs.enterSubshell(walk.stopsOnFailure());
    try {
      Status status;
      try {
        status = abandoning(() -> walk.exec(s.body()));
      } catch (Jump j) {
        if (!j.is(Jump.Kind.EXIT)) {
          throw j;
        }
        status = j.status();
      }
      if (exitTrap.isSet() && state.errexit && jobs.size() > from) {
        throw Refusal.at(s.line(), "an EXIT trap in a subshell under set -e is not supported: a"
            + " job that fails ends the subshell, and its trap with it; set the trap in the script"
            + " itself, or run the subshell's commands as a script of their own (bash part.sh)");
      }
      Status trapped = calls.exitTrap(status);
      return trapped == null ? status : trapped;
    } finally {
      exitTrap.leaveSubshell(scriptsTrap);
      state.restore(saved);
      jobs.leaveScope();
    }
  }

  /** As {@link Walk#readingFrom}. */
  Status readingFrom(String text, Node body, boolean subshell) {
    ShellState.Saved saved = subshell ? state.save() : null;
    input.push(text);
    if (subshell) {
      jobs.enterSubshell(walk.stopsOnFailure());
    }
    try {
      return walk.exec(body);
    } catch (Jump j) {
      if (!subshell || !j.is(Jump.Kind.EXIT)) {
        throw j;
      }
      return j.status();
    } finally {
      input.pop();
      if (saved != null) {
        state.restore(saved);
        jobs.leaveScope();
      }
    }
  }

  /**
   * {@code cmd &}: its status is 0 at once, set -e ignores it, and {@code $!} names it for {@code
   * wait $!}, which gives its status.
   */
  Status background(Ast.Background b) {
    int next = jobs.size();
    Status s = walk.inCondition(b.body());
    String text = jobs.size() == next + 1 ? jobs.text(next) // what 'jobs' shows of it
        : b.body() instanceof Ast.Simple c ? String.join(" ", c.words().stream().map(Word::raw).toList()) : "...";
    state.background.start(s, text);
    return Status.OK;
  }

  /** Walks a command of the script (or a subshell) that bash abandons on an error ({@link Refusal.Aborted}). */
  Status abandoning(Supplier<Status> command) {
    try {
      return command.get();
    } catch (Refusal.Aborted a) {
      shellError(a.error, a.line);
      state.last = Status.FAIL;
      if (a.stopsUnderSetE && state.errexit) {
        throw Jump.exit(1);
      }
      return Status.FAIL;
    }
  }

  /**
   * {@code set -u} and an unset {@code $name}, or {@code ${name:?message}}, where the script reaches it for sure: as bash, it
   * prints the error and stops there (a subshell, only that), the lines before it having run;
   * after a job's {@code &&}/{@code ||}, where that job's status takes the script there (null).
   * Inside {@code $(...)} the plan is refused instead.
   */
  RuntimeException unbound(Refusal.Unbound u) {
    if (walk.captured() != null) {
      return new Refusal(u.cause); // a plain refusal: no enclosing walk plans the stop either
    }
    shellError(u.error, u.line);
    if (!walk.guards().isEmpty()) { // in a branch a job's status decides: the script stops there where it is taken
      jobs.exitPoint(1, u.line, walk.guards(), true, false);
      return null;
    }
    return Jump.exit(1);
  }

  /** As {@link Walk#shellError}, without redirections. */
  void shellError(String error, int line) {
    shellError(error, line, List.of());
  }

  /** As {@link Walk#shellError}. */
  void shellError(String error, int line, List<Ast.Redirect> redirects) {
    walk.job(List.of(Xtrace.toErrors(shellErrorText(state, error, line), redirects, line)), Map.of(), line);
  }

  /** bash's error for line {@code line}: "SCRIPT: line N: {@code error}". */
  static String shellErrorText(ShellState state, String error, int line) {
    return state.arg0 + ": line " + line + ": " + error + "\n";
  }
}
