package swamp.protocol;

import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * Worker to the master ({@link ToWorker.RegOk#master}): what became of the jobs it was given.
 * Each report names the worker's own ref ({@code worker}, the one it registered with): the master
 * takes a report only when that is the ref registered under {@code workerId}, and a finish only
 * from the worker that holds the attempt.
 */
public sealed interface ToMaster extends CborSerializable {

  /**
   * Attempt {@code attempt} of {@code jobId} ended on {@code workerId}; a finish for an older
   * attempt is ignored. Not a message of its own: a worker keeps its finishes until the master
   * acknowledges them and sends them in {@link JobsFinished}.
   */
  record JobFinished(String jobId, int attempt, String workerId, JobResult result) {}

  /**
   * The finishes a worker had ready at once, in the order they ended: one message and one
   * {@link ToWorker.FinishAck} for all of them, however many jobs ended together.
   */
  record JobsFinished(List<JobFinished> finishes, ActorRef<ToWorker> worker) implements ToMaster {
    public JobsFinished {
      finishes = List.copyOf(finishes);
    }
  }

  /**
   * The worker did not start the job (it is draining, or has no free slot): the job goes back to
   * the queue without counting as a failed attempt.
   */
  record JobRejected(String jobId, int attempt, String workerId, String reason,
      ActorRef<ToWorker> worker) implements ToMaster {}
}
