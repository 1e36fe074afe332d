package swamp.master.pool;

import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * How a source starts, cancels and checks on its workers. Every method but {@link #abandon} may
 * block (it runs a command and waits for it): the {@link PoolScaler} calls them on the process
 * dispatcher, never on its own thread, and hears back as a message.
 */
interface Launcher {

  /** What the scheduler says of a job it still holds. */
  enum GridState {
    /** Waiting in the queue (or its state is not known). */
    QUEUED,
    /** Running. */
    STARTED,
    /** Held in an error state; it will not run. */
    FAILED
  }

  /** One worker to start: its argv, environment (the secret travels here) and files. */
  record Request(String spawnId, List<String> argv, Map<String, String> env, Path dir,
      Path script, Path log) {
    @Override
    public String toString() { // the environment holds the secret: never print it
      return "Request[" + spawnId + ", " + argv + "]";
    }
  }

  /** A command failed; the message says which and why, with what it printed. */
  final class LaunchException extends Exception {
    /** Whether the command was refused outright, so that nothing of it can have happened. */
    private final boolean refused;

    LaunchException(String message) {
      this(message, false);
    }

    LaunchException(String message, boolean refused) {
      super(message);
      this.refused = refused;
    }

    /**
     * The command could not start, or exited non-zero: a submit that did so queued no job. One
     * that timed out or printed no job id may have.
     */
    boolean refused() {
      return refused;
    }
  }

  /** Starts the worker; returns its job id (a grid job id, or a process id). */
  String submit(Request request) throws LaunchException;

  /**
   * How a job that {@link #status} no longer lists ended, where this launcher saw it end (a
   * local process's exit code), else null; for the failure a spawn's log line names.
   */
  default String howEnded(String jobId) {
    return null;
  }

  /** Cancels the job (scancel, qdel, kill); returns once it is done. */
  void cancel(String jobId) throws LaunchException;

  /**
   * The jobs among {@code jobIds} that still exist, with their state; a job not in the answer is
   * gone. Null when this launcher cannot tell (a command source without a status command).
   */
  Map<String, GridState> status(Collection<String> jobIds) throws LaunchException;

  /** Whether {@link #status} can tell. */
  boolean canTell();

  /** Sets these jobs going away without waiting (the master is stopping abnormally). */
  void abandon(Collection<String> jobIds);
}
