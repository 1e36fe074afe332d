package swamp.master.script;

/**
 * A {@link ScriptException} on its way out of the tree walk, unchecked so that it passes through
 * expansion, tests and substitutions; {@link Planner#plan} unwraps it.
 */
final class Refusal extends RuntimeException {
  private static final long serialVersionUID = 1L;
  final ScriptException cause;

  Refusal(ScriptException cause) {
    super(cause.getMessage(), null, false, false);
    this.cause = cause;
  }

  static Refusal at(int line, String problem) {
    return new Refusal(new ScriptException(line, problem));
  }
}
