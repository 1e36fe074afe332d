package swamp.master.dispatch;

import java.util.ArrayDeque;
import swamp.protocol.JobResult;

/**
 * Keeps finished jobs' output (stdout and stderr, 2 bytes a character: what a string may take
 * on the heap) within a budget of bytes: beyond it the oldest outputs are dropped, and their job
 * says so. Part of the {@link JobBook}: replaying the journal drops the same ones, so a
 * restarted master never holds more than this.
 */
final class OutputBudget {
  private long budget = Long.MAX_VALUE;
  private long retained;
  /** The finished jobs whose output is kept, oldest first (some may have been dropped since). */
  private final ArrayDeque<Job> withOutput = new ArrayDeque<>();

  void limit(long bytes) {
    budget = bytes;
    keepWithin();
  }

  /** The bytes of finished jobs' output held. */
  long retained() {
    return retained;
  }

  /** A finished job's output counts against the budget; the oldest beyond it are dropped. */
  void keep(Job job) {
    long size = size(job.result);
    if (size > 0) {
      job.outputKept = true;
      retained += size;
      withOutput.addLast(job);
      keepWithin();
    }
  }

  /** The book drops a finished job: its output no longer counts. */
  void dropped(Job old) {
    if (old.outputKept) {
      old.outputKept = false;
      retained -= size(old.result);
    }
  }

  private void keepWithin() {
    while (retained > budget && !withOutput.isEmpty()) {
      Job old = withOutput.pollFirst();
      if (old.outputKept) {
        dropped(old);
        JobResult r = old.result;
        old.result = new JobResult(r.state(), r.exitCode(), "[output dropped: budget of "
            + budget / (1024 * 1024) + " MiB for finished jobs' output"
            + " (swamp.master.retained-output-budget) exceeded]", "", true, r.workerId(),
            r.pid(), r.startedAt(), r.finishedAt(), r.reason());
      }
    }
  }

  private static long size(JobResult r) {
    return r == null ? 0 : 2L * ((r.stdout() == null ? 0 : r.stdout().length())
        + (r.stderr() == null ? 0 : r.stderr().length()));
  }
}
