package swamp.master.dispatch;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import swamp.master.dispatch.Job.QueueKey;
import swamp.protocol.JobResult;
import swamp.protocol.JobState;

/**
 * The dispatcher's jobs: every job, the queues, the finished ones it retains, and the runs. The
 * {@link JobDispatcher} decides; the book changes its jobs only by applying a {@link JobEvent},
 * which it keeps for the journal ({@link #takeEvents}), so that replaying the journal through
 * {@link #apply} rebuilds the same jobs. It moves jobs on and off the workers' slots, which its
 * {@link SlotTable} keeps (not journaled). Queued jobs wait in its {@link JobQueues}, finished
 * ones stay in its {@link Retention}; its snapshots are made and read by {@link BookSnapshots}.
 */
final class JobBook {

  /** A decision to start {@code job} on {@code worker}. */
  record Assignment(Job job, SlotTable.Worker worker) {}

  private final SlotTable slots;
  private final Runs runs = new Runs();
  private final Map<String, Job> jobs = new LinkedHashMap<>();
  private final JobQueues queues = new JobQueues();
  private final Retention retention;
  private final JobKeys keys = new JobKeys();
  private final EnumMap<JobState, Integer> counts = new EnumMap<>(JobState.class);
  private final List<JobEvent> unjournaled = new ArrayList<>();
  private long nextSeq = 1;

  JobBook(LocalExec localExec, int retainFinished) {
    this(localExec, 0, retainFinished);
  }

  /** A book whose workers are each given up to {@code prefetch} jobs beyond their free slots. */
  JobBook(LocalExec localExec, int prefetch, int retainFinished) {
    this.slots = new SlotTable(localExec, prefetch);
    this.retention = new Retention(retainFinished);
    for (JobState s : JobState.values()) {
      counts.put(s, 0);
    }
  }

  /**
   * Keeps finished jobs' output within {@code budget} bytes ({@link OutputBudget}): replaying
   * the journal drops the same outputs, so a restarted master never holds more. Returns this book.
   */
  JobBook limitOutput(long budget) {
    retention.limitOutput(budget);
    return this;
  }

  // ---- decisions that change jobs: each applies and keeps one event ----

  /**
   * Why these jobs cannot be accepted, or null: a key given again with another command than the
   * job it names (a retry must repeat its request; a new job needs a new key).
   */
  String keyConflict(List<JobEvent.NewJob> requested) {
    return keys.conflict(requested);
  }

  /**
   * Accepts jobs; returns one job per entry, in order. A key the book already holds (or one
   * given twice in the batch) yields that job again instead of a new one.
   */
  List<Job> submit(List<JobEvent.NewJob> requested, long now) {
    List<JobEvent.NewJob> fresh = keys.fresh(requested);
    if (!fresh.isEmpty()) {
      emit(new JobEvent.Submitted(nextSeq, now, fresh));
    }
    List<Job> out = new ArrayList<>(requested.size());
    long seq = nextSeq - fresh.size();
    for (JobEvent.NewJob n : requested) {
      Job byItsKey = keys.job(n.key());
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

  /** Adds commands its client planned as the script ran to a run; {@link Runs#addProblem} first. */
  void addSteps(String run, List<JobEvent.RunCommand> commands) {
    emit(new JobEvent.StepsAdded(run, commands));
  }

  /** Marks steps of a run as not run, as its client decided; {@link Runs#notRunProblem} first. */
  void notRun(String run, List<Integer> steps) {
    emit(new JobEvent.StepsNotRun(run, steps));
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
    int n = retention.size();
    if (retention.anyBefore(before)) {
      emit(new JobEvent.Forgotten(before));
    }
    return n - retention.size();
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
      queues.remove(job);
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
    } else if (event instanceof JobEvent.StepsNotRun n) {
      runs.notRun(n);
    } else if (event instanceof JobEvent.StepsAdded a) {
      runs.added(a);
    } else if (event instanceof JobEvent.Forgotten f) {
      retention.forget(f.before(), this::drop);
    }
  }

  private void submitted(JobEvent.NewJob n, long now) {
    long seq = nextSeq++;
    Job job = new Job("j" + seq, seq, n.spec(), now, n.key());
    jobs.put(job.id, job);
    keys.add(job);
    queues.addLast(job);
    count(null, JobState.QUEUED);
    runs.submitted(job);
  }

  private void dispatched(Job job, String workerId, long now) {
    queues.started(job);
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
    runs.ended(job);
    retention.retire(job, now, this::drop);
  }

  /** The running attempt did not start or its worker is gone: the job waits again, in front. */
  private void requeued(Job job) {
    slots.release(job);
    job.workerId = null;
    setState(job, JobState.QUEUED);
    queues.addFirst(job);
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
    runs.ended(job);
    retention.retire(job, now, this::drop);
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
      queues.pick(slots, (job, w) -> {
        dispatched(job, w.id, now);
        starts.add(new JobEvent.Start(job.id, w.id));
        out.add(new Assignment(job, w));
      });
    } finally {
      if (!starts.isEmpty()) {
        unjournaled.add(new JobEvent.Started(now, starts)); // applied one by one above
      }
    }
    return out;
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
    return queues.counts();
  }

  /** The most recent jobs, oldest first, at most {@code limit}, optionally of {@code states} and {@code worker}'s. */
  List<Job> recent(java.util.Set<JobState> states, String worker, int limit) {
    ArrayDeque<Job> last = new ArrayDeque<>();
    for (Job j : jobs.values()) {
      boolean ofWorker = worker == null || worker.equals(j.workerId);
      if (ofWorker && (states == null || states.isEmpty() || states.contains(j.state))) {
        last.addLast(j);
        if (last.size() > limit) {
          last.pollFirst();
        }
      }
    }
    return new ArrayList<>(last);
  }

  // ---- for BookSnapshots, which maps the book to and from them ----

  Collection<Job> jobs() {
    return jobs.values();
  }

  long nextSeq() {
    return nextSeq;
  }

  List<String> queuedIds() {
    return queues.ids();
  }

  /** The finished jobs the book retains, oldest first. */
  Collection<Job> finished() {
    return retention.jobs();
  }

  /** Fills an empty book as a snapshot left it; running jobs are orphans until workers return. */
  void restore(long next, List<Job> restored, List<String> queued, List<String> finished) {
    nextSeq = next;
    for (Job j : restored) {
      jobs.put(j.id, j);
      keys.add(j);
      count(null, j.state);
      if (j.state == JobState.RUNNING) {
        slots.take(j, j.workerId);
      }
    }
    queued.forEach(id -> queues.addLast(jobs.get(id)));
    finished.forEach(id -> retention.restore(jobs.get(id)));
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

  /** A finished job the book no longer answers for. */
  private void drop(Job old) {
    runs.dropped(old);
    jobs.remove(old.id);
    keys.remove(old);
    counts.merge(old.state, -1, Integer::sum);
  }
}
