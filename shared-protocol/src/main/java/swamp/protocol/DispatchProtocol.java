package swamp.protocol;

/** What a worker sends the master's dispatcher about the jobs it was given. */
public final class DispatchProtocol {
  private DispatchProtocol() {}

  public sealed interface ToDispatcher extends CborSerializable {}

  /** Attempt {@code attempt} of {@code jobId} ended; a finish for an older attempt is ignored. */
  public record JobFinished(String jobId, int attempt, String workerId, JobResult result)
      implements ToDispatcher {}

  /**
   * The worker did not start the job (it is draining, or has no free slot): the job goes back to
   * the queue without counting as a failed attempt.
   */
  public record JobRejected(String jobId, int attempt, String workerId, String reason)
      implements ToDispatcher {}
}
