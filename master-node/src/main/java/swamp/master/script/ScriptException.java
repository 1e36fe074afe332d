package swamp.master.script;

/** A script that cannot be run as written; the message names the line and the problem. */
public final class ScriptException extends Exception {
  private static final long serialVersionUID = 1L;
  private final int line;
  private final String problem;

  public ScriptException(int line, String problem) {
    super(line > 0 ? "line " + line + ": " + problem : problem);
    this.line = line;
    this.problem = problem;
  }

  /** The 1-based line, or 0 when unknown. */
  public int line() {
    return line;
  }

  /** The problem without the line prefix. */
  public String problem() {
    return problem;
  }
}
