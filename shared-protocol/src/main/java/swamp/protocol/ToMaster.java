package swamp.protocol;

import org.apache.pekko.actor.typed.ActorRef;

/**
 * Worker to the master ({@link ToWorker.RegOk#master}): what became of the jobs it was given.
 * Each report names the worker's own ref ({@code worker}, the one it registered with): the master
 * takes a report only when that is the ref registered under {@code workerId}, and a finish only
 * from the worker that holds the attempt.
 */
public sealed interface ToMaster extends CborSerializable {

  /**
   * Attempt {@code attempt} of {@code jobId} ended; a finish for an older attempt is ignored. A
   * worker keeps its finishes without {@code worker} and stamps its current ref on each when it
   * sends it ({@link #from}): a worker that joined again has a new one.
   */
  record JobFinished(String jobId, int attempt, String workerId, JobResult result,
      ActorRef<ToWorker> worker) implements ToMaster {
    /** This finish, as sent by {@code worker}. */
    public JobFinished from(ActorRef<ToWorker> worker) {
      return new JobFinished(jobId, attempt, workerId, result, worker);
    }
  }

  /**
   * The worker did not start the job (it is draining, or has no free slot): the job goes back to
   * the queue without counting as a failed attempt.
   */
  record JobRejected(String jobId, int attempt, String workerId, String reason,
      ActorRef<ToWorker> worker) implements ToMaster {}
}
