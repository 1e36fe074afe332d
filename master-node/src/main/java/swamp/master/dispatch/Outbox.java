package swamp.master.dispatch;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorRef;
import swamp.protocol.ToMaster.JobFinished;
import swamp.protocol.ToRegistry.RunningJob;
import swamp.protocol.ToWorker;

/**
 * What one command of the dispatcher tells others, sent once its events are journaled ({@link
 * #take}), in the order it was decided. The finishes a command recorded are acknowledged within
 * the jobs it gives their worker (the slots they freed: one message back for a report, not
 * two), or alone at its end when no job follows.
 */
final class Outbox {
  private final List<Runnable> effects = new ArrayList<>();
  /** The finishes recorded by the current command, by the worker that reported them. */
  private final Map<ActorRef<ToWorker>, List<RunningJob>> recorded = new LinkedHashMap<>();

  <T> void tell(ActorRef<T> to, T message) {
    effects.add(() -> to.tell(message));
  }

  void run(Runnable effect) {
    effects.add(effect);
  }

  /** {@code worker}'s finishes are recorded (or known to be stale): it may forget them. */
  void recorded(ActorRef<ToWorker> worker, List<JobFinished> finishes) {
    List<RunningJob> acks = recorded.computeIfAbsent(worker, w -> new ArrayList<>());
    finishes.forEach(f -> acks.add(new RunningJob(f.jobId(), f.attempt())));
  }

  /** Gives {@code worker} {@code jobs}, acknowledging the finishes of its this command recorded. */
  void jobs(ActorRef<ToWorker> worker, List<ToWorker.Job> jobs) {
    List<RunningJob> acks = recorded.remove(worker);
    ToWorker.Jobs.pack(jobs, acks == null ? List.of() : acks).forEach(m -> tell(worker, m));
  }

  /**
   * What the command tells, {@code last} at the end (after the acknowledgements no job carried);
   * the outbox is then empty for the next command.
   */
  List<Runnable> take(List<Runnable> last) {
    recorded.forEach((worker, finishes) -> tell(worker, new ToWorker.FinishAck(finishes)));
    recorded.clear();
    effects.addAll(last);
    if (effects.isEmpty()) {
      return List.of();
    }
    List<Runnable> out = List.copyOf(effects);
    effects.clear();
    return out;
  }
}
