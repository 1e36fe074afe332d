package swamp.master.dispatch;

import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import swamp.protocol.JobResult;
import swamp.protocol.JobSpec;
import swamp.protocol.Launchers;
import swamp.protocol.JobState;

/**
 * One job as the master knows it: its spec, where it stands, and its last attempts. Only the
 * {@link JobBook} changes a job, by applying a {@link JobEvent}; everyone else reads it.
 */
final class Job {

  /** The attempts a job keeps in its history: the newest ones. */
  static final int MAX_HISTORY = 10;

  /**
   * One attempt of a job: its number, the worker it ran on, when it was given to it and when it
   * ended (0: it runs, or an older journal did not say), and how it ended or why the job went
   * back to the queue (null while it runs).
   */
  record Attempt(int number, String worker, long started, long ended, String outcome)
      implements swamp.protocol.CborSerializable {}

  /**
   * What a job needs of a worker: its labels, free slots, and the programs it runs by name, which
   * the worker must allow.
   */
  record QueueKey(Set<String> requires, int slots, Set<String> programs) {}

  final String id;
  final long seq;
  final JobSpec spec;
  final long submittedAt;
  /** The client's idempotency key, or null. */
  final String key;
  final Set<String> requires;
  /** The queue it waits in: jobs that need the same of a worker wait in line together. */
  final QueueKey queue;
  JobState state = JobState.QUEUED;
  int attempt;
  int workerLosses;
  int failures;
  String workerId;
  JobResult result;
  String reason;
  boolean cancelRequested;
  long finishedAt;
  /** Finished, and its output counts against the book's output budget. */
  boolean outputKept;
  /**
   * Its last {@link #MAX_HISTORY} attempts, oldest first; null until one starts. It takes the
   * place of the time of the last dispatch, which its last attempt holds, so that a job costs
   * no more memory than before it was kept.
   */
  Attempt[] history;

  Job(String id, long seq, JobSpec spec, long submittedAt, String key) {
    this.id = id;
    this.seq = seq;
    this.spec = spec;
    this.submittedAt = submittedAt;
    this.key = key;
    this.requires = new TreeSet<>(spec.requires());
    Set<String> programs = new TreeSet<>();
    spec.stages().forEach(stage -> programs.addAll(Launchers.programsOf(stage.argv())));
    this.queue = new QueueKey(requires, spec.slots(), Set.copyOf(programs));
  }

  /** When its last attempt was given to a worker; 0 before its first. */
  long dispatchedAt() {
    return history == null ? 0 : history[history.length - 1].started();
  }

  /** Its attempts, oldest first (the last {@link #MAX_HISTORY}). */
  List<Attempt> attempts() {
    return history == null ? List.of() : List.of(history);
  }

  /** Adds {@code a} as its newest attempt, keeping the last {@link #MAX_HISTORY}. */
  void record(Attempt a) {
    Attempt[] h = history;
    if (h == null) {
      history = new Attempt[] {a};
    } else if (h.length < MAX_HISTORY) {
      Attempt[] more = Arrays.copyOf(h, h.length + 1);
      more[h.length] = a;
      history = more;
    } else {
      System.arraycopy(h, 1, h, 0, h.length - 1);
      h[h.length - 1] = a;
    }
  }

  /** Its running attempt ended {@code at} (0: unknown), as {@code outcome} says. */
  void attemptEnded(long at, String outcome) {
    Attempt last = history == null ? null : history[history.length - 1];
    if (last != null && last.outcome() == null) {
      history[history.length - 1] =
          new Attempt(last.number(), last.worker(), last.started(), at, outcome);
    } else if (attempt > 0) { // begun before its history was kept (an older snapshot)
      record(new Attempt(attempt, workerId, dispatchedAt(), at, outcome));
    }
  }

  /**
   * An attempt that went back to the queue turned out to run still on {@code worker}: it is
   * open again (the same worker) or it moved there.
   */
  void attemptGoesOn(String worker) {
    Attempt last = history == null ? null : history[history.length - 1];
    if (last != null && last.number() == attempt && last.worker().equals(worker)) {
      history[history.length - 1] = new Attempt(last.number(), worker, last.started(), 0, null);
    } else {
      record(new Attempt(attempt, worker, dispatchedAt(), 0, null));
    }
  }

  /** How an attempt ended, for its history: the state, the exit code, the reason. */
  static String outcome(JobResult r, JobState state) {
    StringBuilder b = new StringBuilder(state.name());
    if (r.exitCode() != null) {
      b.append(" (exit ").append(r.exitCode()).append(')');
    }
    if (r.reason() != null && !r.reason().isBlank()) {
      return b.append(": ").append(r.reason()).toString();
    }
    return b.toString().intern(); // a state and an exit code: a few strings, shared by all jobs
  }
}
