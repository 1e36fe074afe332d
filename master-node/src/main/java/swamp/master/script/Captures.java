package swamp.master.script;

import java.util.List;
import java.util.Map;
import swamp.master.script.Ast.Node;

/**
 * The command substitutions the {@link Planner}'s walk runs while planning: a subshell whose
 * commands print into a text of their own instead of the script's output, and what they printed on
 * standard error ({@link ShellState#substitutionErrors}), which a job prints where the script's
 * errors go once the walk is out of them. Which substitutions run here, and which as jobs, {@link
 * Substitutions} decides.
 */
final class Captures {

  private final ShellState state;
  private final Walk walk;
  /** Non-null while a command substitution runs: what it prints goes here. */
  private StringBuilder captured;

  Captures(ShellState state, Walk walk) {
    this.state = state;
    this.walk = walk;
  }

  /** Where what the command substitution running now prints goes; null outside one. */
  StringBuilder captured() {
    return captured;
  }

  /**
   * Runs {@code program} now, as a command substitution, and returns what it printed: a subshell,
   * nothing it sets stays, and no test around it holds its {@code set -e}; its status becomes
   * {@code $?}.
   */
  String printed(Node program) {
    StringBuilder saved = captured;
    ShellState.Saved savedState = state.save(); // a subshell: nothing it sets stays
    boolean savedProgramWords = state.programWords; // 'echo "$(ls out/*.nc | wc -l)"': ls runs now, on what is planned
    boolean savedPrintingWords = state.printingWords;
    String savedErrorsTo = state.substitutionErrorsTo;
    if (saved == null) { // the outermost: where its builtins' errors to the script's are printed
      state.substitutionErrorsTo = state.outputs.stderr();
    }
    captured = new StringBuilder();
    state.outputs = state.outputs.inSubstitution(); // what CaptureRoute reads there
    state.programWords = false;
    state.printingWords = false;
    Status s = Status.OK;
    try {
      try {
        s = walk.inShellOfItsOwn(() -> walk.exec(program));
      } catch (Jump j) {
        if (!j.is(Jump.Kind.EXIT)) {
          throw j;
        }
        s = Status.of(j.value);
      }
      state.lastSubstitution = s;
      return captured.toString();
    } finally {
      captured = saved;
      state.substitutionErrorsTo = savedErrorsTo;
      state.restore(savedState);
      state.last = s; // '$(basename $0) ... $?' in one word: $? is the substitution's
      state.programWords = savedProgramWords;
      state.printingWords = savedPrintingWords;
    }
  }

  /**
   * What substitutions that ran while planning printed on standard error, outside one: a job that
   * prints it where the script's errors go, in the script's order.
   */
  void printErrors(int line) {
    if (captured == null && !state.substitutionErrors.isEmpty()) {
      String text = state.substitutionErrors.toString();
      state.substitutionErrors.setLength(0);
      walk.job(List.of(Xtrace.toErrors(text, line)), Map.of(), line);
    }
  }
}
