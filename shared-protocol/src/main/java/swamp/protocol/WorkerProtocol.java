package swamp.protocol;

/** What the master sends a registered worker: jobs to run, jobs to cancel, and Dismiss. */
public final class WorkerProtocol {
  private WorkerProtocol() {}

  /** Every message a worker takes from the master, registration replies included. */
  public sealed interface ToWorker extends CborSerializable
      permits RegistryProtocol.RegistrationReply, Job, CancelJob, FinishAck, Dismiss, RegisterAgain {}

  /** Run attempt {@code attempt} of job {@code jobId}. */
  public record Job(String jobId, int attempt, JobSpec spec) implements ToWorker {}

  /** Kill attempt {@code attempt} of {@code jobId} if it still runs; it finishes CANCELLED. */
  public record CancelJob(String jobId, int attempt, String reason) implements ToWorker {}

  /**
   * The master has recorded the finish of attempt {@code attempt} of {@code jobId}: the worker
   * may forget it. Until then it keeps the finish, claims the attempt when it registers again
   * (with this master after a partition, or with a restarted one) and sends it again.
   */
  public record FinishAck(String jobId, int attempt) implements ToWorker {}

  /**
   * Send {@code Register} again, with the jobs it runs and the finishes not yet acknowledged,
   * without leaving the cluster: the master's dispatcher started again from its journal and
   * must learn what this worker holds. The RegOk that answers it is the same as before.
   */
  public record RegisterAgain(String reason) implements ToWorker {}

  /** The master is done with this worker: take no more jobs, drain, leave, exit 0. */
  public record Dismiss(String reason) implements ToWorker {}
}
