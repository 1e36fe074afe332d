package swamp.master.dispatch;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import swamp.master.dispatch.Job.QueueKey;
import swamp.protocol.JobResult;
import swamp.protocol.JobSpec;
import swamp.protocol.JobState;

/**
 * The dispatcher's jobs: every job, the queues, the finished ones it retains, and the runs. The
 * {@link JobDispatcher} decides; the book changes its jobs only by applying a {@link JobEvent},
 * which it keeps for the journal ({@link #takeEvents}), so that replaying the journal through
 * {@link #apply} rebuilds the same jobs. It moves jobs on and off the workers' slots, which its
 * {@link SlotTable} keeps (not journaled).
 *
 * <p>Queued jobs wait in one FIFO per set of required labels and slot count, so that a job
 * nobody can run yet (no worker with the label, or with that many free slots) never holds up
 * the jobs behind it, and finding work for a free slot costs a look at the head of each group
 * rather than a walk of the whole queue.
 */
final class JobBook {

  /** A decision to start {@code job} on {@code worker}. */
  record Assignment(Job job, SlotTable.Worker worker) {}

  private final SlotTable slots;
  private final Runs runs = new Runs();
  private final int retainFinished;
  private final Map<String, Job> jobs = new LinkedHashMap<>();
  private final Map<QueueKey, ArrayDeque<Job>> queues = new LinkedHashMap<>();
  private final ArrayDeque<Job> finished = new ArrayDeque<>();
  private final Map<String, Job> byKey = new HashMap<>();
  private final EnumMap<JobState, Integer> counts = new EnumMap<>(JobState.class);
  private final List<JobEvent> unjournaled = new ArrayList<>();
  private long nextSeq = 1;
  private final OutputBudget output = new OutputBudget();

  JobBook(LocalExec localExec, int retainFinished) {
    this(localExec, 0, retainFinished);
  }

  /** A book whose workers are each given up to {@code prefetch} jobs beyond their free slots. */
  JobBook(LocalExec localExec, int prefetch, int retainFinished) {
    this.slots = new SlotTable(localExec, prefetch);
    this.retainFinished = retainFinished;
    for (JobState s : JobState.values()) {
      counts.put(s, 0);
    }
  }

  /**
   * Keeps finished jobs' output (stdout and stderr, 2 bytes a character: what a string may take
   * on the heap) within {@code budget} bytes: beyond it the oldest outputs are dropped, and their
   * job says so. Replaying the journal drops the same ones, so a restarted master never holds
   * more than this. Returns this book.
   */
  JobBook limitOutput(long budget) {
    output.limit(budget);
    return this;
  }

  /** The bytes of finished jobs' output the book holds. */
  long retainedOutput() {
    return output.retained();
  }

  // ---- decisions that change jobs: each applies and keeps one event ----

  /**
   * Why these jobs cannot be accepted, or null: a key given again with another command than the
   * job it names (a retry must repeat its request; a new job needs a new key).
   */
  String keyConflict(List<JobEvent.NewJob> requested) {
    Map<String, JobSpec> inBatch = new HashMap<>();
    for (JobEvent.NewJob n : requested) {
      if (n.key() == null) {
        continue;
      }
      Job known = byKey.get(n.key());
      if (known != null && !known.spec.equals(n.spec())) {
        return "key '" + n.key() + "' is job " + known.id + ", submitted with another command ("
            + known.spec.argv() + "); a retry must send the same job, a new job needs a new key";
      }
      JobSpec earlier = inBatch.putIfAbsent(n.key(), n.spec());
      if (earlier != null && !earlier.equals(n.spec())) {
        return "key '" + n.key() + "' is given twice in the batch with different commands";
      }
    }
    return null;
  }

  /**
   * Accepts jobs; returns one job per entry, in order. A key the book already holds (or one
   * given twice in the batch) yields that job again instead of a new one.
   */
  List<Job> submit(List<JobEvent.NewJob> requested, long now) {
    List<JobEvent.NewJob> fresh = new ArrayList<>();
    Set<String> keys = new java.util.HashSet<>();
    for (JobEvent.NewJob n : requested) {
      if (n.key() == null || (!byKey.containsKey(n.key()) && keys.add(n.key()))) {
        fresh.add(n);
      }
    }
    if (!fresh.isEmpty()) {
      emit(new JobEvent.Submitted(nextSeq, now, fresh));
    }
    List<Job> out = new ArrayList<>(requested.size());
    long seq = nextSeq - fresh.size();
    for (JobEvent.NewJob n : requested) {
      Job byItsKey = n.key() == null ? null : byKey.get(n.key());
      out.add(byItsKey != null ? byItsKey : jobs.get("j" + seq++));
    }
    return out;
  }

  /** Registers a run; its id is the book's next, so ids never repeat in one journal. */
  Runs.Run createRun(String name, String workDir, List<JobEvent.RunCommand> commands, long now) {
    String id = runs.nextId();
    emit(new JobEvent.RunCreated(id, name, workDir, now, commands));
    return runs.get(id);
  }

  void adopt(Job job, SlotTable.Worker worker) {
    emit(new JobEvent.Adopted(job.id, worker.id));
  }

  void finish(Job job, JobResult result, long now) {
    emit(new JobEvent.Finished(job.id, result, now));
  }

  void retry(Job job, JobResult result) {
    emit(new JobEvent.Retrying(job.id, result));
  }

  void lostWorker(Job job) {
    emit(new JobEvent.WorkerLost(job.id));
  }

  /** The job waits again: {@code why} its attempt ended (the worker was lost, rejected it). */
  void requeue(Job job, String why, long now) {
    emit(new JobEvent.Requeued(job.id, now, why));
  }

  /** The worker gave the job back without starting it: it waits again, its attempt unused. */
  void returned(Job job, String why, long now) {
    emit(new JobEvent.Returned(job.id, now, why));
  }

  void end(Job job, JobState state, String reason, long now) {
    emit(new JobEvent.Ended(job.id, state, reason, now));
  }

  void requestCancel(Job job) {
    emit(new JobEvent.CancelRequested(job.id));
  }

  /** Drops the finished jobs that finished before {@code before}; returns how many. */
  int forget(long before) {
    int n = finished.size();
    if (!finished.isEmpty() && finished.peekFirst().finishedAt < before) {
      emit(new JobEvent.Forgotten(before));
    }
    return n - finished.size();
  }

  /** The events applied since the last call, for the journal. */
  List<JobEvent> takeEvents() {
    if (unjournaled.isEmpty()) {
      return List.of();
    }
    List<JobEvent> out = List.copyOf(unjournaled);
    unjournaled.clear();
    return out;
  }

  private void emit(JobEvent e) {
    apply(e);
    unjournaled.add(e);
  }

  // ---- events ----

  /** Applies one event: live, as it is decided, and in recovery, from the journal. */
  void apply(JobEvent event) {
    if (event instanceof JobEvent.Batch b) {
      b.events().forEach(this::apply);
    } else if (event instanceof JobEvent.Submitted s) {
      if (s.firstSeq() != nextSeq) {
        throw new IllegalStateException("journal out of order: jobs from j" + s.firstSeq()
            + " submitted when the next is j" + nextSeq);
      }
      s.jobs().forEach(n -> submitted(n, s.at()));
    } else if (event instanceof JobEvent.Started s) {
      s.starts().forEach(st -> dispatched(jobs.get(st.jobId()), st.workerId(), s.at()));
    } else if (event instanceof JobEvent.Adopted a) {
      Job job = jobs.get(a.jobId());
      queues.get(job.queue).remove(job);
      job.attemptGoesOn(a.workerId());
      adopted(job, a.workerId());
    } else if (event instanceof JobEvent.Finished f) {
      finished(jobs.get(f.jobId()), f.result(), f.at());
    } else if (event instanceof JobEvent.Retrying r) {
      Job job = jobs.get(r.jobId());
      job.attemptEnded(r.result().finishedAt(), Job.outcome(r.result(), r.result().state())
          + ", retried");
      job.failures++;
      requeued(job);
      job.result = r.result();
    } else if (event instanceof JobEvent.WorkerLost l) {
      jobs.get(l.jobId()).workerLosses++;
    } else if (event instanceof JobEvent.Requeued r) {
      Job job = jobs.get(r.jobId());
      job.attemptEnded(r.at() == null ? 0 : r.at(),
          "requeued" + (r.why() == null ? "" : ": " + r.why()));
      requeued(job);
    } else if (event instanceof JobEvent.Returned r) {
      Job job = jobs.get(r.jobId());
      job.attemptEnded(r.at(), "returned: " + r.why());
      requeued(job);
      job.attempt--; // it never ran: the next dispatch is the same attempt
    } else if (event instanceof JobEvent.Ended e) {
      ended(jobs.get(e.jobId()), e.state(), e.reason(), e.at());
    } else if (event instanceof JobEvent.CancelRequested c) {
      jobs.get(c.jobId()).cancelRequested = true;
    } else if (event instanceof JobEvent.RunCreated r) {
      runs.created(r);
    } else if (event instanceof JobEvent.Forgotten f) {
      while (!finished.isEmpty() && finished.peekFirst().finishedAt < f.before()) {
        drop(finished.pollFirst());
      }
    }
  }

  // ---- snapshots ----

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
   * that job (else null), and how it ended once the book dropped it (else null).
   */
  record RunRecord(String id, String name, String workDir, long submittedAt,
      List<JobEvent.RunCommand> commands, List<String> latest, List<Runs.Gone> gone)
      implements swamp.protocol.CborSerializable {}

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

  Snapshot snapshot() {
    List<JobRecord> all = new ArrayList<>(jobs.size());
    for (Job j : jobs.values()) {
      all.add(new JobRecord(j.id, j.seq, j.spec, j.submittedAt, j.key, j.state, j.attempt,
          j.workerLosses, j.failures, j.workerId, j.dispatchedAt(), j.result, j.reason,
          j.cancelRequested, j.finishedAt, j.history == null ? null : List.of(j.history)));
    }
    List<String> queued = new ArrayList<>();
    Set<String> seen = new java.util.HashSet<>();
    for (ArrayDeque<Job> q : queues.values()) {
      for (Job j : q) {
        if (j.state == JobState.QUEUED && seen.add(j.id)) {
          queued.add(j.id);
        }
      }
    }
    return new Snapshot(nextSeq, all, queued, finished.stream().map(j -> j.id).toList(),
        runs.next(), runs.records());
  }

  /** A book as {@code snapshot} left it; running jobs are orphans until their workers return. */
  static JobBook restore(Snapshot snapshot, LocalExec localExec, int retainFinished) {
    return restore(snapshot, localExec, 0, retainFinished);
  }

  static JobBook restore(Snapshot snapshot, LocalExec localExec, int prefetch,
      int retainFinished) {
    JobBook book = new JobBook(localExec, prefetch, retainFinished);
    book.nextSeq = snapshot.nextSeq();
    for (JobRecord r : snapshot.jobs()) {
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
      book.jobs.put(j.id, j);
      if (j.key != null) {
        book.byKey.put(j.key, j);
      }
      book.count(null, j.state);
      if (j.state == JobState.RUNNING) {
        book.slots.take(j, j.workerId); // an orphan until its worker registers
      }
    }
    for (String id : snapshot.queued()) {
      Job j = book.jobs.get(id);
      book.queues.computeIfAbsent(j.queue, k -> new ArrayDeque<>()).addLast(j);
    }
    for (String id : snapshot.finished()) {
      Job j = book.jobs.get(id);
      book.finished.addLast(j);
      book.output.keep(j);
    }
    book.runs.restore(snapshot.nextRun(), snapshot.runs(), book.jobs::get);
    return book;
  }

  private void submitted(JobEvent.NewJob n, long now) {
    long seq = nextSeq++;
    Job job = new Job("j" + seq, seq, n.spec(), now, n.key());
    jobs.put(job.id, job);
    if (job.key != null) {
      byKey.put(job.key, job);
    }
    queues.computeIfAbsent(job.queue, k -> new ArrayDeque<>()).addLast(job);
    count(null, JobState.QUEUED);
    runs.submitted(job);
  }

  private void dispatched(Job job, String workerId, long now) {
    ArrayDeque<Job> q = queues.get(job.queue);
    if (q != null && q.peekFirst() == job) {
      q.pollFirst();
    }
    job.attempt++;
    job.result = null;
    job.record(new Job.Attempt(job.attempt, workerId, now, 0, null));
    slots.busy(workerId, now);
    adopted(job, workerId);
  }

  /** The job's attempt runs on {@code workerId}: on its slots if it is registered. */
  private void adopted(Job job, String workerId) {
    job.workerId = workerId;
    setState(job, JobState.RUNNING);
    slots.take(job, workerId);
  }

  /** The attempt that ran ended; the job is final unless it goes back to the queue. */
  private void finished(Job job, JobResult result, long now) {
    job.attemptEnded(result.finishedAt() > 0 ? result.finishedAt() : now,
        Job.outcome(result, job.cancelRequested ? JobState.CANCELLED : result.state()));
    slots.release(job);
    job.result = result;
    job.reason = result.reason();
    setState(job, job.cancelRequested ? JobState.CANCELLED : result.state());
    retire(job, now);
  }

  /** The running attempt did not start or its worker is gone: the job waits again, in front. */
  private void requeued(Job job) {
    slots.release(job);
    job.workerId = null;
    setState(job, JobState.QUEUED);
    queues.computeIfAbsent(job.queue, k -> new ArrayDeque<>()).addFirst(job);
  }

  /** Ends a job that is not running (queued, or whose worker is gone) with a reason. */
  private void ended(Job job, JobState state, String reason, long now) {
    if (job.state == JobState.RUNNING) {
      job.attemptEnded(now, state + (reason == null ? "" : ": " + reason));
      slots.release(job);
    }
    job.reason = reason;
    job.result = JobResult.notStarted(state, job.workerId, reason);
    setState(job, state); // a queued job is skipped when it reaches the head of its queue
    retire(job, now);
  }

  // ---- decisions ----

  /**
   * Which queued jobs start where now: the oldest queued job whose requirements some usable
   * worker meets goes to the matching worker with the most free slots, until no slot or no job
   * is left. Cancelled jobs still in a queue are dropped on the way.
   */
  List<Assignment> assign(long now) {
    List<Assignment> out = new ArrayList<>();
    if (slots.room() == 0) {
      return out;
    }
    List<JobEvent.Start> starts = new ArrayList<>();
    try {
      pick(now, out, starts);
    } finally {
      if (!starts.isEmpty()) {
        unjournaled.add(new JobEvent.Started(now, starts)); // applied one by one in pick
      }
    }
    return out;
  }

  private void pick(long now, List<Assignment> out, List<JobEvent.Start> starts) {
    Set<QueueKey> blocked = new java.util.HashSet<>();
    while (true) {
      ArrayDeque<Job> best = null;
      for (Map.Entry<QueueKey, ArrayDeque<Job>> e : queues.entrySet()) {
        ArrayDeque<Job> q = e.getValue();
        while (!q.isEmpty() && q.peekFirst().state != JobState.QUEUED) {
          q.pollFirst();
        }
        if (q.isEmpty() || blocked.contains(e.getKey())) {
          continue;
        }
        if (best == null || q.peekFirst().seq < best.peekFirst().seq) {
          best = q;
        }
      }
      if (best == null) {
        return;
      }
      Job job = best.peekFirst();
      SlotTable.Worker w = slots.bestFor(job);
      if (w == null) {
        blocked.add(job.queue);
        continue;
      }
      dispatched(job, w.id, now);
      starts.add(new JobEvent.Start(job.id, w.id));
      out.add(new Assignment(job, w));
    }
  }

  // ---- queries ----

  Job job(String id) {
    return jobs.get(id);
  }

  /** The workers' slots, on and off which the book moves jobs. */
  SlotTable slots() {
    return slots;
  }

  Runs runs() {
    return runs;
  }

  int count(JobState state) {
    return counts.get(state);
  }

  /** How many jobs the book holds, whatever their state. */
  int size() {
    return jobs.size();
  }

  /** How many jobs wait in each queue (the ones with a job waiting). */
  Map<QueueKey, Integer> queuedCounts() {
    Map<QueueKey, Integer> out = new LinkedHashMap<>();
    queues.forEach((key, q) -> {
      int n = 0;
      for (Job j : q) {
        if (j.state == JobState.QUEUED) {
          n++;
        }
      }
      if (n > 0) {
        out.put(key, n);
      }
    });
    return out;
  }

  /** The most recent jobs, oldest first, at most {@code limit}, optionally of one state. */
  List<Job> recent(JobState state, int limit) {
    ArrayDeque<Job> last = new ArrayDeque<>();
    for (Job j : jobs.values()) {
      if (state == null || j.state == state) {
        last.addLast(j);
        if (last.size() > limit) {
          last.pollFirst();
        }
      }
    }
    return new ArrayList<>(last);
  }

  // ---- bookkeeping ----

  private void setState(Job job, JobState state) {
    count(job.state, state);
    job.state = state;
  }

  private void count(JobState from, JobState to) {
    if (from != null) {
      counts.merge(from, -1, Integer::sum);
    }
    counts.merge(to, 1, Integer::sum);
  }

  /** Finished jobs stay answerable until {@code retainFinished} newer ones push them out. */
  private void retire(Job job, long now) {
    job.finishedAt = now;
    finished.addLast(job);
    while (finished.size() > retainFinished) {
      drop(finished.pollFirst());
    }
    output.keep(job);
  }

  private void drop(Job old) {
    output.dropped(old);
    runs.dropped(old);
    jobs.remove(old.id);
    if (old.key != null) {
      byKey.remove(old.key);
    }
    counts.merge(old.state, -1, Integer::sum);
  }
}
