package swamp.worker;

import org.apache.pekko.actor.NoSerializationVerificationNeeded;

/**
 * What a worker is told and what it tells when it ends: its {@link Command}s ({@link Stop}, the
 * master's messages as {@link FromMaster}, its own as {@link Internal}) and its {@link Exit}.
 * {@link WorkerActor} implements this interface, so callers name them {@code WorkerActor.Stop},
 * {@code WorkerActor.Exit} as before; {@link WorkerLeaving}, whose states are the worker's too,
 * matches on them here without depending on the actor that makes it.
 */
public interface WorkerProtocol {

  /** Not a process exit code: the master was lost, join the cluster again and re-register. */
  int REJOIN = -1;

  /** What the worker handles: {@link Stop}, the master's messages, and its own. */
  sealed interface Command permits Stop, FromMaster, Internal {}

  /**
   * The process got SIGTERM (or SIGINT: {@code signal} is its number): take no new job, let the
   * running ones finish within the term grace (those still running then are killed and run again
   * elsewhere), unregister and exit 0. A job that the same signal ended (a batch system's cancel
   * signals every process of the batch job, the jobs' too) is not reported: it did not fail, its
   * worker was stopped, and the master runs it again elsewhere once this worker has left. A
   * second Stop while draining leaves at once.
   */
  record Stop(String reason, int signal)
      implements Command, NoSerializationVerificationNeeded {
    public static final int SIGINT = 2;
    public static final int SIGTERM = 15;
  }

  /**
   * How the worker ended, told to its {@code exitTo}; {@code masterGone}: the master it registered
   * with is gone, and none will take its leave from the cluster.
   */
  record Exit(int code, String reason, boolean masterGone)
      implements NoSerializationVerificationNeeded {
    public Exit(int code, String reason) {
      this(code, reason, false);
    }
  }
}
