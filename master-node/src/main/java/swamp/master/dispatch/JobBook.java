package swamp.master.dispatch;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.pekko.actor.typed.ActorRef;
import swamp.protocol.JobResult;
import swamp.protocol.JobSpec;
import swamp.protocol.JobState;
import swamp.protocol.ToWorker;
import swamp.protocol.WorkerOffer;

/**
 * The dispatcher's state: every job, the queue, and the workers' slots. The {@link
 * JobDispatcher} decides; the book changes its jobs only by applying a {@link JobEvent}, which
 * it keeps for the journal ({@link #takeEvents}), so that replaying the journal through {@link
 * #apply} rebuilds the same jobs. The workers are not journaled: they register again after a
 * restart, and a job that was running on one that has not yet is an orphan until it does.
 *
 * <p>Queued jobs wait in one FIFO per set of required labels and slot count, so that a job
 * nobody can run yet (no worker with the label, or with that many free slots) never holds up
 * the jobs behind it, and finding work for a free slot costs a look at the head of each group
 * rather than a walk of the whole queue.
 */
final class JobBook {

  /** How the master runs jobs on its own embedded worker. */

  static final class Job {
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

    /** When its last attempt was given to a worker; 0 before its first. */
    long dispatchedAt() {
      return history == null ? 0 : history[history.length - 1].started();
    }

    Job(String id, long seq, JobSpec spec, long submittedAt, String key) {
      this.id = id;
      this.seq = seq;
      this.spec = spec;
      this.submittedAt = submittedAt;
      this.key = key;
      this.requires = new TreeSet<>(spec.requires());
      this.queue = new QueueKey(requires, spec.slots());
    }
  }

  static final class Worker {
    final String id;
    final ActorRef<ToWorker> ref;
    final WorkerOffer offer;
    final Set<String> labels;
    final long registeredAt;
    final Map<String, Job> running = new LinkedHashMap<>();
    int usedSlots;
    boolean draining;
    /** Its node is unreachable: no new jobs until it is reachable again or removed. */
    boolean suspended;
    /** When a job last started or ended on it (its registration until then): idle since. */
    long lastBusy;

    Worker(String id, ActorRef<ToWorker> ref, WorkerOffer offer, long registeredAt) {
      this.id = id;
      this.ref = ref;
      this.offer = offer;
      this.labels = Set.copyOf(offer.labels());
      this.registeredAt = registeredAt;
      this.lastBusy = registeredAt;
    }

    int freeSlots() {
      return offer.slots() - usedSlots;
    }
  }

  /**
   * The commands of a script and, for each, the newest job submitted for it: while the book
   * keeps that job, the job itself; once it dropped it, how it ended.
   */
  static final class Run {
    final String id;
    final String name;
    final String workDir;
    final long submittedAt;
    final List<JobEvent.RunCommand> commands;
    final Job[] latest;
    final Gone[] gone;

    Run(String id, String name, String workDir, long submittedAt,
        List<JobEvent.RunCommand> commands) {
      this.id = id;
      this.name = name;
      this.workDir = workDir;
      this.submittedAt = submittedAt;
      this.commands = commands;
      this.latest = new Job[commands.size()];
      this.gone = new Gone[commands.size()];
    }
  }

  /** How the newest job of a run's step ended, once the book no longer keeps the job. */
  record Gone(String jobId, JobState state, Integer exitCode, String worker)
      implements swamp.protocol.CborSerializable {}

  /** The most runs the book keeps; a new one beyond it drops the oldest. */
  static final int MAX_RUNS = 10_000;

  /** The attempts a job keeps in its history: the newest ones. */
  static final int MAX_HISTORY = 10;

  /**
   * One attempt of a job: its number, the worker it ran on, when it was given to it and when it
   * ended (0: it runs, or an older journal did not say), and how it ended or why the job went
   * back to the queue (null while it runs).
   */
  record Attempt(int number, String worker, long started, long ended, String outcome)
      implements swamp.protocol.CborSerializable {}

  /** What a job needs of a worker: its labels and free slots. */
  record QueueKey(Set<String> requires, int slots) {}

  /** A decision to start {@code job} on {@code worker}. */
  record Assignment(Job job, Worker worker) {}

  private final LocalExec localExec;
  private final int retainFinished;
  private final Map<String, Job> jobs = new LinkedHashMap<>();
  private final Map<QueueKey, ArrayDeque<Job>> queues = new LinkedHashMap<>();
  private final Map<String, Worker> workers = new LinkedHashMap<>();
  private final ArrayDeque<Job> finished = new ArrayDeque<>();
  private final Map<String, Job> byKey = new HashMap<>();
  /** Running jobs whose worker has not registered (since a restart), by worker id. */
  private final Map<String, Map<String, Job>> orphans = new HashMap<>();
  private final EnumMap<JobState, Integer> counts = new EnumMap<>(JobState.class);
  private final List<JobEvent> unjournaled = new ArrayList<>();
  private final Map<String, Run> runs = new LinkedHashMap<>();
  private long nextSeq = 1;
  private long nextRun = 1;
  private int externalWorkers;
  /** Finished jobs' output is kept up to this many bytes; the oldest beyond it is dropped. */
  private long outputBudget = Long.MAX_VALUE;
  private long retainedOutput;
  /** The finished jobs whose output is kept, oldest first (some may have been dropped since). */
  private final ArrayDeque<Job> withOutput = new ArrayDeque<>();

  JobBook(LocalExec localExec, int retainFinished) {
    this.localExec = localExec;
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
    outputBudget = budget;
    keepWithinBudget();
    return this;
  }

  /** The bytes of finished jobs' output the book holds. */
  long retainedOutput() {
    return retainedOutput;
  }

  private static long outputSize(JobResult r) {
    return r == null ? 0 : 2L * ((r.stdout() == null ? 0 : r.stdout().length())
        + (r.stderr() == null ? 0 : r.stderr().length()));
  }

  private void keepOutput(Job job) {
    long size = outputSize(job.result);
    if (size > 0) {
      job.outputKept = true;
      retainedOutput += size;
      withOutput.addLast(job);
      keepWithinBudget();
    }
  }

  private void keepWithinBudget() {
    while (retainedOutput > outputBudget && !withOutput.isEmpty()) {
      Job old = withOutput.pollFirst();
      if (old.outputKept) {
        old.outputKept = false;
        retainedOutput -= outputSize(old.result);
        JobResult r = old.result;
        old.result = new JobResult(r.state(), r.exitCode(), "[output dropped: budget of "
            + outputBudget / (1024 * 1024) + " MiB for finished jobs' output"
            + " (swamp.master.retained-output-budget) exceeded]", "", true, r.workerId(),
            r.pid(), r.startedAt(), r.finishedAt(), r.reason());
      }
    }
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
  Run createRun(String name, String workDir, List<JobEvent.RunCommand> commands, long now) {
    String id = "r" + nextRun;
    emit(new JobEvent.RunCreated(id, name, workDir, now, commands));
    return runs.get(id);
  }

  void adopt(Job job, Worker worker) {
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
      attemptGoesOn(job, a.workerId());
      adopted(job, a.workerId());
    } else if (event instanceof JobEvent.Finished f) {
      finished(jobs.get(f.jobId()), f.result(), f.at());
    } else if (event instanceof JobEvent.Retrying r) {
      Job job = jobs.get(r.jobId());
      attemptEnded(job, r.result().finishedAt(), outcome(r.result(), r.result().state())
          + ", retried");
      job.failures++;
      requeued(job);
      job.result = r.result();
    } else if (event instanceof JobEvent.WorkerLost l) {
      jobs.get(l.jobId()).workerLosses++;
    } else if (event instanceof JobEvent.Requeued r) {
      Job job = jobs.get(r.jobId());
      attemptEnded(job, r.at() == null ? 0 : r.at(),
          "requeued" + (r.why() == null ? "" : ": " + r.why()));
      requeued(job);
    } else if (event instanceof JobEvent.Ended e) {
      ended(jobs.get(e.jobId()), e.state(), e.reason(), e.at());
    } else if (event instanceof JobEvent.CancelRequested c) {
      jobs.get(c.jobId()).cancelRequested = true;
    } else if (event instanceof JobEvent.RunCreated r) {
      runCreated(new Run(r.id(), r.name(), r.workDir(), r.at(), r.commands()));
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
      long finishedAt, List<Attempt> history) implements swamp.protocol.CborSerializable {

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
      List<JobEvent.RunCommand> commands, List<String> latest, List<Gone> gone)
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
    List<RunRecord> runRecords = new ArrayList<>(runs.size());
    for (Run r : runs.values()) {
      List<String> latest = new ArrayList<>(r.latest.length);
      for (Job j : r.latest) {
        latest.add(j == null ? null : j.id);
      }
      runRecords.add(new RunRecord(r.id, r.name, r.workDir, r.submittedAt, r.commands,
          latest, java.util.Arrays.asList(r.gone.clone())));
    }
    return new Snapshot(nextSeq, all, queued, finished.stream().map(j -> j.id).toList(),
        nextRun, runRecords);
  }

  /** A book as {@code snapshot} left it; running jobs are orphans until their workers return. */
  static JobBook restore(Snapshot snapshot, LocalExec localExec, int retainFinished) {
    JobBook book = new JobBook(localExec, retainFinished);
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
        j.history = r.history().toArray(new Attempt[0]);
      } else if (j.attempt > 0) { // a snapshot from before attempts were kept: its last one
        boolean open = j.state == JobState.RUNNING;
        j.history = new Attempt[] {new Attempt(j.attempt, j.workerId, r.dispatchedAt(),
            open ? 0 : j.finishedAt, open ? null
                : j.state == JobState.QUEUED ? "requeued" : j.state.name())};
      }
      book.jobs.put(j.id, j);
      if (j.key != null) {
        book.byKey.put(j.key, j);
      }
      book.count(null, j.state);
      if (j.state == JobState.RUNNING) {
        book.orphans.computeIfAbsent(j.workerId, k -> new LinkedHashMap<>()).put(j.id, j);
      }
    }
    for (String id : snapshot.queued()) {
      Job j = book.jobs.get(id);
      book.queues.computeIfAbsent(j.queue, k -> new ArrayDeque<>()).addLast(j);
    }
    for (String id : snapshot.finished()) {
      Job j = book.jobs.get(id);
      book.finished.addLast(j);
      book.keepOutput(j);
    }
    book.nextRun = Math.max(1, snapshot.nextRun());
    for (RunRecord r : snapshot.runs() == null ? List.<RunRecord>of() : snapshot.runs()) {
      Run run = new Run(r.id(), r.name(), r.workDir(), r.submittedAt(), r.commands());
      for (int step = 0; step < run.latest.length; step++) {
        String latest = step < r.latest().size() ? r.latest().get(step) : null;
        run.latest[step] = latest == null ? null : book.jobs.get(latest);
        run.gone[step] = step < r.gone().size() ? r.gone().get(step) : null;
      }
      book.runs.put(run.id, run);
    }
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
    Run run = job.spec.run() == null ? null : runs.get(job.spec.run());
    if (run != null && job.spec.step() < run.latest.length) {
      run.latest[job.spec.step()] = job;
      run.gone[job.spec.step()] = null;
    }
  }

  private void runCreated(Run run) {
    runs.put(run.id, run);
    nextRun = Math.max(nextRun, Long.parseLong(run.id.substring(1)) + 1);
    if (runs.size() > MAX_RUNS) {
      runs.remove(runs.keySet().iterator().next());
    }
  }

  private void dispatched(Job job, String workerId, long now) {
    ArrayDeque<Job> q = queues.get(job.queue);
    if (q != null && q.peekFirst() == job) {
      q.pollFirst();
    }
    job.attempt++;
    job.result = null;
    record(job, new Attempt(job.attempt, workerId, now, 0, null));
    Worker worker = workers.get(workerId);
    if (worker != null) {
      worker.lastBusy = now;
    }
    adopted(job, workerId);
  }

  /** The job's attempt runs on {@code workerId}: on its slots if it is registered. */
  private void adopted(Job job, String workerId) {
    job.workerId = workerId;
    setState(job, JobState.RUNNING);
    Worker worker = workers.get(workerId);
    if (worker != null) {
      worker.running.put(job.id, job);
      worker.usedSlots += job.spec.slots();
    } else {
      orphans.computeIfAbsent(workerId, k -> new LinkedHashMap<>()).put(job.id, job);
    }
  }

  /** The attempt that ran ended; the job is final unless it goes back to the queue. */
  private void finished(Job job, JobResult result, long now) {
    attemptEnded(job, result.finishedAt() > 0 ? result.finishedAt() : now,
        outcome(result, job.cancelRequested ? JobState.CANCELLED : result.state()));
    release(job);
    job.result = result;
    job.reason = result.reason();
    setState(job, job.cancelRequested ? JobState.CANCELLED : result.state());
    retire(job, now);
  }

  /** The running attempt did not start or its worker is gone: the job waits again, in front. */
  private void requeued(Job job) {
    release(job);
    job.workerId = null;
    setState(job, JobState.QUEUED);
    queues.computeIfAbsent(job.queue, k -> new ArrayDeque<>()).addFirst(job);
  }

  /** Ends a job that is not running (queued, or whose worker is gone) with a reason. */
  private void ended(Job job, JobState state, String reason, long now) {
    if (job.state == JobState.RUNNING) {
      attemptEnded(job, now, state + (reason == null ? "" : ": " + reason));
      release(job);
    }
    job.reason = reason;
    job.result = JobResult.notStarted(state, job.workerId, reason);
    setState(job, state); // a queued job is skipped when it reaches the head of its queue
    retire(job, now);
  }

  // ---- attempts ----

  /** Adds {@code a} as the job's newest attempt, keeping the last {@link #MAX_HISTORY}. */
  private static void record(Job job, Attempt a) {
    Attempt[] h = job.history;
    if (h == null) {
      job.history = new Attempt[] {a};
    } else if (h.length < MAX_HISTORY) {
      Attempt[] more = java.util.Arrays.copyOf(h, h.length + 1);
      more[h.length] = a;
      job.history = more;
    } else {
      System.arraycopy(h, 1, h, 0, h.length - 1);
      h[h.length - 1] = a;
    }
  }

  /** The job's running attempt ended {@code at} (0: unknown), as {@code outcome} says. */
  private static void attemptEnded(Job job, long at, String outcome) {
    Attempt last = job.history == null ? null : job.history[job.history.length - 1];
    if (last != null && last.outcome() == null) {
      job.history[job.history.length - 1] =
          new Attempt(last.number(), last.worker(), last.started(), at, outcome);
    } else if (job.attempt > 0) { // begun before its history was kept (an older snapshot)
      record(job, new Attempt(job.attempt, job.workerId, job.dispatchedAt(), at, outcome));
    }
  }

  /**
   * An attempt that went back to the queue turned out to run still on {@code workerId}: it is
   * open again (the same worker) or it moved there.
   */
  private static void attemptGoesOn(Job job, String workerId) {
    Attempt last = job.history == null ? null : job.history[job.history.length - 1];
    if (last != null && last.number() == job.attempt && last.worker().equals(workerId)) {
      job.history[job.history.length - 1] =
          new Attempt(last.number(), workerId, last.started(), 0, null);
    } else {
      record(job, new Attempt(job.attempt, workerId, job.dispatchedAt(), 0, null));
    }
  }

  private static String outcome(JobResult r, JobState state) {
    StringBuilder b = new StringBuilder(state.name());
    if (r.exitCode() != null) {
      b.append(" (exit ").append(r.exitCode()).append(')');
    }
    if (r.reason() != null && !r.reason().isBlank()) {
      return b.append(": ").append(r.reason()).toString();
    }
    return b.toString().intern(); // a state and an exit code: a few strings, shared by all jobs
  }

  /** The job's attempts, oldest first (the last {@link #MAX_HISTORY}). */
  static List<Attempt> history(Job job) {
    return job.history == null ? List.of() : List.of(job.history);
  }

  // ---- workers: not journaled ----

  /**
   * A registered worker that still runs an orphaned attempt (one it ran when the master
   * restarted) takes it back onto its slots. Nothing about the job changes.
   */
  void reclaim(Job job, Worker worker) {
    Map<String, Job> mine = orphans.get(worker.id);
    if (mine != null && mine.remove(job.id) != null) {
      if (mine.isEmpty()) {
        orphans.remove(worker.id);
      }
      worker.running.put(job.id, job);
      worker.usedSlots += job.spec.slots();
    }
  }

  /** The orphaned attempts last given to {@code workerId}. */
  List<Job> orphansOf(String workerId) {
    Map<String, Job> mine = orphans.get(workerId);
    return mine == null ? List.of() : List.copyOf(mine.values());
  }

  /** Every orphaned attempt, by the worker it was given to. */
  Map<String, List<Job>> orphans() {
    Map<String, List<Job>> out = new LinkedHashMap<>();
    orphans.forEach((w, m) -> out.put(w, List.copyOf(m.values())));
    return out;
  }

  void workerJoined(Worker worker) {
    workers.put(worker.id, worker);
    if (!worker.offer.embedded()) {
      externalWorkers++;
    }
  }

  /** Removes a worker; returns the jobs it was running, which the caller re-queues or fails. */
  List<Job> workerLeft(String workerId) {
    Worker w = workers.remove(workerId);
    if (w == null) {
      return List.of();
    }
    if (!w.offer.embedded() && !w.draining) {
      externalWorkers--;
    }
    List<Job> lost = new ArrayList<>(w.running.values());
    for (Job j : lost) {
      w.running.remove(j.id);
    }
    w.usedSlots = 0;
    return lost;
  }

  void workerDraining(Worker w) {
    if (!w.draining && !w.offer.embedded()) {
      externalWorkers--;
    }
    w.draining = true;
  }

  // ---- decisions ----

  /**
   * Which queued jobs start where now: the oldest queued job whose requirements some usable
   * worker meets goes to the matching worker with the most free slots, until no slot or no job
   * is left. Cancelled jobs still in a queue are dropped on the way.
   */
  List<Assignment> assign(long now) {
    List<Assignment> out = new ArrayList<>();
    if (freeSlots() == 0) {
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
      Worker w = bestWorker(job);
      if (w == null) {
        blocked.add(job.queue);
        continue;
      }
      dispatched(job, w.id, now);
      starts.add(new JobEvent.Start(job.id, w.id));
      out.add(new Assignment(job, w));
    }
  }

  private Worker bestWorker(Job job) {
    Worker best = null;
    for (Worker w : workers.values()) {
      if (usable(w) && w.freeSlots() >= job.spec.slots() && w.labels.containsAll(job.requires)
          && (best == null || w.freeSlots() > best.freeSlots())) {
        best = w;
      }
    }
    return best;
  }

  private int freeSlots() {
    int free = 0;
    for (Worker w : workers.values()) {
      if (usable(w)) {
        free += Math.max(0, w.freeSlots());
      }
    }
    return free;
  }

  /** The embedded worker takes jobs only when local-exec says so. */
  boolean usable(Worker w) {
    if (w.draining || w.suspended) {
      return false;
    }
    if (!w.offer.embedded()) {
      return true;
    }
    return localExec == LocalExec.ALWAYS
        || (localExec == LocalExec.WHEN_NO_WORKERS && externalWorkers == 0);
  }

  // ---- queries ----

  Run run(String id) {
    return runs.get(id);
  }

  Collection<Run> runs() {
    return runs.values();
  }

  /**
   * Why jobs naming these runs and steps cannot be accepted (an unknown run, a step it does not
   * have), or null when they can.
   */
  String runProblem(List<JobSpec> specs) {
    for (int i = 0; i < specs.size(); i++) {
      JobSpec spec = specs.get(i);
      if (spec.run() == null) {
        continue;
      }
      String where = specs.size() == 1 ? "" : "job " + i + ": ";
      Run run = runs.get(spec.run());
      if (run == null) {
        return where + "no run " + spec.run() + ": create it first with POST /api/runs";
      }
      if (spec.step() >= run.commands.size()) {
        return where + "run " + run.id + " has " + run.commands.size() + " commands (steps 0 to "
            + (run.commands.size() - 1) + "), not step " + spec.step();
      }
    }
    return null;
  }

  Job job(String id) {
    return jobs.get(id);
  }

  Worker worker(String id) {
    return workers.get(id);
  }

  Collection<Worker> workers() {
    return workers.values();
  }

  int count(JobState state) {
    return counts.get(state);
  }

  /** How many jobs the book holds, whatever their state. */
  int size() {
    return jobs.size();
  }

  int externalWorkers() {
    return externalWorkers;
  }

  LocalExec localExec() {
    return localExec;
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

  private void release(Job job) {
    if (job.workerId == null) {
      return;
    }
    Worker w = workers.get(job.workerId);
    if (w != null && w.running.remove(job.id) != null) {
      w.usedSlots -= job.spec.slots();
    }
    Map<String, Job> orphaned = orphans.get(job.workerId);
    if (orphaned != null && orphaned.remove(job.id) != null && orphaned.isEmpty()) {
      orphans.remove(job.workerId);
    }
  }

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
    keepOutput(job);
  }

  private void drop(Job old) {
    if (old.outputKept) {
      old.outputKept = false;
      retainedOutput -= outputSize(old.result);
    }
    Run run = old.spec.run() == null ? null : runs.get(old.spec.run());
    if (run != null && old.spec.step() < run.latest.length && run.latest[old.spec.step()] == old) {
      run.latest[old.spec.step()] = null;
      run.gone[old.spec.step()] = new Gone(old.id, old.state,
          old.result == null ? null : old.result.exitCode(), old.workerId);
    }
    jobs.remove(old.id);
    if (old.key != null) {
      byKey.remove(old.key);
    }
    counts.merge(old.state, -1, Integer::sum);
  }
}
