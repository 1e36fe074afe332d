package swamp.protocol;

/** What the master sends a registered worker: jobs to run, jobs to cancel, and Dismiss. */
public final class WorkerProtocol {
  private WorkerProtocol() {}

  /** Every message a worker takes from the master, registration replies included. */
  public sealed interface ToWorker extends CborSerializable
      permits RegistryProtocol.RegistrationReply, Job, CancelJob, Dismiss {}

  /** Run attempt {@code attempt} of job {@code jobId}. */
  public record Job(String jobId, int attempt, JobSpec spec) implements ToWorker {}

  /** Kill attempt {@code attempt} of {@code jobId} if it still runs; it finishes CANCELLED. */
  public record CancelJob(String jobId, int attempt, String reason) implements ToWorker {}

  /** The master is done with this worker: take no more jobs, drain, leave, exit 0. */
  public record Dismiss(String reason) implements ToWorker {}
}
