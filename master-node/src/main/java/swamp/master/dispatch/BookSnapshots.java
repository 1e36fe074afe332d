package swamp.master.dispatch;

import java.util.ArrayList;
import java.util.List;
import swamp.protocol.JobResult;
import swamp.protocol.JobSpec;
import swamp.protocol.JobState;

/**
 * The {@link JobBook} as the journal's snapshots keep it: the records ({@link Snapshot}, {@link
 * JobRecord}, {@link RunRecord}) and the mapping of the book to and from them. The compact form
 * of the records is {@link SnapshotSerializer}'s; snapshots Jackson wrote before, which name the
 * records {@code JobBook$Snapshot}, are read through {@link JournalNames}.
 */
final class BookSnapshots {
  private BookSnapshots() {}

  /** Every job as the journal's snapshot keeps it (workers are not kept). */
  record JobRecord(String id, long seq, JobSpec spec, long submittedAt, String key,
      JobState state, int attempt, int workerLosses, int failures, String workerId,
      long dispatchedAt, JobResult result, String reason, boolean cancelRequested,
      long finishedAt, List<Job.Attempt> history) implements swamp.protocol.CborSerializable {

    /** A job of a snapshot written before jobs kept their attempts. */
    JobRecord(String id, long seq, JobSpec spec, long submittedAt, String key,
        JobState state, int attempt, int workerLosses, int failures, String workerId,
        long dispatchedAt, JobResult result, String reason, boolean cancelRequested,
        long finishedAt) {
      this(id, seq, spec, submittedAt, key, state, attempt, workerLosses, failures, workerId,
          dispatchedAt, result, reason, cancelRequested, finishedAt, null);
    }
  }

  /**
   * A run as the snapshot keeps it: per step, the id of its newest job while the book keeps
   * that job (else null), and how it ended once the book dropped it (else null); and the steps
   * its client decided not to run (null in snapshots from before they were kept).
   */
  record RunRecord(String id, String name, String workDir, long submittedAt,
      List<JobEvent.RunCommand> commands, List<String> latest, List<Runs.Gone> gone,
      List<Integer> notRun) implements swamp.protocol.CborSerializable {}

  /**
   * The book at one point of the journal: jobs by number, the queue and the finished order, and
   * the runs. Snapshots written before runs existed have none ({@code runs} null).
   */
  record Snapshot(long nextSeq, List<JobRecord> jobs, List<String> queued,
      List<String> finished, long nextRun, List<RunRecord> runs)
      implements swamp.protocol.CborSerializable {

    Snapshot(long nextSeq, List<JobRecord> jobs, List<String> queued, List<String> finished) {
      this(nextSeq, jobs, queued, finished, 1, List.of());
    }
  }

  /** Every job of {@code book} as the journal's snapshot keeps it (workers are not kept). */
  static Snapshot of(JobBook book) {
    List<JobRecord> all = new ArrayList<>(book.size());
    for (Job j : book.jobs()) {
      all.add(new JobRecord(j.id, j.seq, j.spec, j.submittedAt, j.key, j.state, j.attempt,
          j.workerLosses, j.failures, j.workerId, j.dispatchedAt(), j.result, j.reason,
          j.cancelRequested, j.finishedAt, j.history == null ? null : List.of(j.history)));
    }
    return new Snapshot(book.nextSeq(), all, book.queuedIds(),
        book.finished().stream().map(j -> j.id).toList(), book.runs().next(),
        book.runs().records());
  }

  /** A book as {@code snapshot} left it; running jobs are orphans until their workers return. */
  static JobBook restore(Snapshot snapshot, LocalExec localExec, int retainFinished) {
    return restore(snapshot, localExec, 0, retainFinished);
  }

  /** The same, its workers each given up to {@code prefetch} jobs beyond their free slots. */
  static JobBook restore(Snapshot snapshot, LocalExec localExec, int prefetch,
      int retainFinished) {
    JobBook book = new JobBook(localExec, prefetch, retainFinished);
    book.restore(snapshot.nextSeq(), snapshot.jobs().stream().map(BookSnapshots::job).toList(),
        snapshot.queued(), snapshot.finished());
    book.runs().restore(snapshot.nextRun(), snapshot.runs(), book::job);
    return book;
  }

  private static Job job(JobRecord r) {
    Job j = new Job(r.id(), r.seq(), r.spec(), r.submittedAt(), r.key());
    j.state = r.state();
    j.attempt = r.attempt();
    j.workerLosses = r.workerLosses();
    j.failures = r.failures();
    j.workerId = r.workerId();
    j.result = r.result();
    j.reason = r.reason();
    j.cancelRequested = r.cancelRequested();
    j.finishedAt = r.finishedAt();
    if (r.history() != null && !r.history().isEmpty()) {
      j.history = r.history().toArray(new Job.Attempt[0]);
    } else if (j.attempt > 0) { // a snapshot from before attempts were kept: its last one
      boolean open = j.state == JobState.RUNNING;
      j.history = new Job.Attempt[] {new Job.Attempt(j.attempt, j.workerId, r.dispatchedAt(),
          open ? 0 : j.finishedAt, open ? null
              : j.state == JobState.QUEUED ? "requeued" : j.state.name())};
    }
    return j;
  }
}
