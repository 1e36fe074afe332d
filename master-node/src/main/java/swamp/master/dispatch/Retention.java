package swamp.master.dispatch;

import java.util.ArrayDeque;
import java.util.Collection;
import java.util.function.Consumer;

/**
 * The finished jobs the {@link JobBook} still answers for, oldest first: the newest {@code
 * retainFinished} of them, none older than the retention period once it is applied ({@link
 * JobEvent.Forgotten}), and their output within its {@link OutputBudget}. A job it lets go is
 * handed back to the book to drop.
 */
final class Retention {
  private final int retainFinished;
  private final ArrayDeque<Job> finished = new ArrayDeque<>();
  private final OutputBudget output = new OutputBudget();

  Retention(int retainFinished) {
    this.retainFinished = retainFinished;
  }

  /** Keeps finished jobs' output within {@code budget} bytes ({@link OutputBudget}). */
  void limitOutput(long budget) {
    output.limit(budget);
  }

  /**
   * {@code job} finished at {@code now}: it is kept, and the oldest beyond {@code
   * retainFinished} go to {@code drop}.
   */
  void retire(Job job, long now, Consumer<Job> drop) {
    job.finishedAt = now;
    finished.addLast(job);
    while (finished.size() > retainFinished) {
      let(finished.pollFirst(), drop);
    }
    output.keep(job);
  }

  /** Whether a job it keeps finished before {@code before}. */
  boolean anyBefore(long before) {
    return !finished.isEmpty() && finished.peekFirst().finishedAt < before;
  }

  /** The jobs that finished before {@code before} go to {@code drop}. */
  void forget(long before, Consumer<Job> drop) {
    while (anyBefore(before)) {
      let(finished.pollFirst(), drop);
    }
  }

  /** A finished job as a snapshot kept it. */
  void restore(Job job) {
    finished.addLast(job);
    output.keep(job);
  }

  /** The finished jobs kept, oldest first. */
  Collection<Job> jobs() {
    return finished;
  }

  int size() {
    return finished.size();
  }

  private void let(Job old, Consumer<Job> drop) {
    output.dropped(old);
    drop.accept(old);
  }
}
