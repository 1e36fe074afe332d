package swamp.master.script;

/** A script that cannot be run as written; the message names the line and the problem. */
public final class ScriptException extends Exception {
  private static final long serialVersionUID = 1L;
  private final int line;
  private final String problem;
  private final boolean waitsForJobs;

  public ScriptException(int line, String problem) {
    this(line, problem, false);
  }

  private ScriptException(int line, String problem, boolean waitsForJobs) {
    super(line > 0 ? "line " + line + ": " + problem : problem);
    this.line = line;
    this.problem = problem;
    this.waitsForJobs = waitsForJobs;
  }

  /**
   * A script that cannot be planned whole before it runs, as a value on {@code line} is what a
   * job prints, but can be as it runs ({@link Script#planning}).
   */
  static ScriptException waitingForJobs(int line, String problem) {
    return new ScriptException(line, problem, true);
  }

  /** Whether the plan needs, on its line, what a job prints: {@link Script#planning} plans it as it runs. */
  public boolean waitsForJobs() {
    return waitsForJobs;
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
