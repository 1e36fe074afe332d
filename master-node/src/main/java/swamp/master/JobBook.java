package swamp.master;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.pekko.actor.typed.ActorRef;
import swamp.protocol.JobResult;
import swamp.protocol.JobSpec;
import swamp.protocol.JobState;
import swamp.protocol.WorkerOffer;
import swamp.protocol.WorkerProtocol.ToWorker;

/**
 * The dispatcher's state: every job, the queue, and the workers' slots. A plain class whose
 * methods apply one event each, so that it can be event-sourced without a rewrite; the
 * {@link JobDispatcher} actor decides, applies, and talks to workers.
 *
 * <p>Queued jobs wait in one FIFO per set of required labels and slot count, so that a job
 * nobody can run yet (no worker with the label, or with that many free slots) never holds up
 * the jobs behind it, and finding work for a free slot costs a look at the head of each group
 * rather than a walk of the whole queue.
 */
final class JobBook {

  /** How the master runs jobs on its own embedded worker. */
  enum LocalExec {
    WHEN_NO_WORKERS, ALWAYS, NEVER;

    static LocalExec parse(String s) {
      return switch (s) {
        case "when-no-workers" -> WHEN_NO_WORKERS;
        case "always" -> ALWAYS;
        case "never" -> NEVER;
        default -> throw new IllegalArgumentException(
            "local-exec must be when-no-workers, always or never, not '" + s + "'");
      };
    }

    @Override
    public String toString() {
      return name().toLowerCase().replace('_', '-');
    }
  }

  static final class Job {
    final String id;
    final long seq;
    final JobSpec spec;
    final long submittedAt;
    final Set<String> requires;
    /** The queue it waits in: jobs that need the same of a worker wait in line together. */
    final QueueKey queue;
    JobState state = JobState.QUEUED;
    int attempt;
    int workerLosses;
    int failures;
    String workerId;
    long dispatchedAt;
    JobResult result;
    String reason;
    boolean cancelRequested;

    Job(String id, long seq, JobSpec spec, long submittedAt) {
      this.id = id;
      this.seq = seq;
      this.spec = spec;
      this.submittedAt = submittedAt;
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
  private final EnumMap<JobState, Integer> counts = new EnumMap<>(JobState.class);
  private long nextSeq = 1;
  private int externalWorkers;

  JobBook(LocalExec localExec, int retainFinished) {
    this.localExec = localExec;
    this.retainFinished = retainFinished;
    for (JobState s : JobState.values()) {
      counts.put(s, 0);
    }
  }

  // ---- events ----

  Job submitted(JobSpec spec, long now) {
    long seq = nextSeq++;
    Job job = new Job("j" + seq, seq, spec, now);
    jobs.put(job.id, job);
    queues.computeIfAbsent(job.queue, k -> new ArrayDeque<>()).addLast(job);
    count(null, JobState.QUEUED);
    return job;
  }

  void dispatched(Job job, Worker worker, long now) {
    job.attempt++;
    job.dispatchedAt = now;
    job.result = null;
    worker.lastBusy = now;
    adopted(job, worker);
  }

  /** A worker that registers again still runs this attempt: it is its own again. */
  void adopted(Job job, Worker worker) {
    job.workerId = worker.id;
    setState(job, JobState.RUNNING);
    worker.running.put(job.id, job);
    worker.usedSlots += job.spec.slots();
  }

  /** The attempt that ran ended; the job is final unless it goes back to the queue. */
  void finished(Job job, JobResult result) {
    release(job);
    job.result = result;
    job.reason = result.reason();
    setState(job, job.cancelRequested ? JobState.CANCELLED : result.state());
    retire(job);
  }

  /** The running attempt did not start or its worker is gone: the job waits again, in front. */
  void requeued(Job job) {
    release(job);
    job.workerId = null;
    setState(job, JobState.QUEUED);
    queues.computeIfAbsent(job.queue, k -> new ArrayDeque<>()).addFirst(job);
  }

  /** Ends a job that is not running (queued, or whose worker is gone) with a reason. */
  void ended(Job job, JobState state, String reason, long now) {
    if (job.state == JobState.RUNNING) {
      release(job);
    }
    job.reason = reason;
    job.result = JobResult.notStarted(state, job.workerId, reason);
    setState(job, state); // a queued job is skipped when it reaches the head of its queue
    retire(job);
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
        return out;
      }
      Job job = best.peekFirst();
      Worker w = bestWorker(job);
      if (w == null) {
        blocked.add(job.queue);
        continue;
      }
      best.pollFirst();
      dispatched(job, w, now);
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
    Worker w = job.workerId == null ? null : workers.get(job.workerId);
    if (w != null && w.running.remove(job.id) != null) {
      w.usedSlots -= job.spec.slots();
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
  private void retire(Job job) {
    finished.addLast(job);
    while (finished.size() > retainFinished) {
      Job old = finished.pollFirst();
      jobs.remove(old.id);
      counts.merge(old.state, -1, Integer::sum);
    }
  }
}
