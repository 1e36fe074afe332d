package swamp.node;

/** The exit codes of swamp's node processes: the command-line contract of the master and workers. */
public final class ExitCodes {
  private ExitCodes() {}

  public static final int OK = 0;
  /** A bad flag, setting or file: the process says which and does not start. */
  public static final int BAD_CONFIG = 2;
  /** The master refused the worker's registration for good. */
  public static final int REFUSED = 3;
  /** The worker could not register within its give-up time. */
  public static final int GAVE_UP = 4;
}
