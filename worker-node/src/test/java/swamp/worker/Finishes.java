package swamp.worker;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import swamp.protocol.ToMaster;
import swamp.protocol.ToMaster.JobFinished;
import swamp.protocol.ToMaster.JobsFinished;
import swamp.protocol.ToRegistry.RunningJob;
import swamp.protocol.ToWorker.FinishAck;

/**
 * A test's view of the finishes a worker sends its master, one at a time: the worker sends those
 * that end together in one {@link JobsFinished}, in the order they ended.
 */
final class Finishes {

  private final Map<TestProbe<ToMaster>, Deque<JobFinished>> read = new IdentityHashMap<>();

  /** The next finish {@code master} was sent, waiting up to {@code max} for it. */
  JobFinished next(TestProbe<ToMaster> master, Duration max) {
    Deque<JobFinished> buffered = read.computeIfAbsent(master, m -> new ArrayDeque<>());
    while (buffered.isEmpty()) {
      buffered.addAll(master.expectMessageClass(JobsFinished.class, max).finishes());
    }
    return buffered.poll();
  }

  /** The next finish, within the probe's default time. */
  JobFinished next(TestProbe<ToMaster> master) {
    return next(master, master.getRemainingOrDefault());
  }

  /** The master's acknowledgement of one finish. */
  static FinishAck ack(String jobId, int attempt) {
    return new FinishAck(List.of(new RunningJob(jobId, attempt)));
  }
}
