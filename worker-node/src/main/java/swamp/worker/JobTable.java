package swamp.worker;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import swamp.protocol.JobResult;
import swamp.protocol.JobSpec;
import swamp.protocol.JobState;
import swamp.protocol.ToMaster.JobFinished;

/**
 * What a worker process owes its master, kept outside any actor system: the job processes it runs
 * and the finishes no master has heard of yet. {@code WorkerMain} makes one for the JVM and hands
 * it to every incarnation of the worker, so that a worker that lost its master and joins the
 * cluster again keeps its jobs running, claims them when it registers anew and reports the
 * finishes it could not send.
 *
 * <p>Runners write their process here from the process dispatcher and their finish from their
 * actor; the worker reads it: every method holds the table's lock.
 */
public final class JobTable {

  /**
   * A started job: its process, or one per stage of its pipeline.
   *
   * @param processes the stages' processes in pipeline order; one for a job without pipeline
   * @param killedAs the state the job ends with once it is being killed, else null
   * @param collected its result once its processes ended and its output was read, else null
   */
  public record Live(String jobId, int attempt, JobSpec spec, List<Process> processes,
      long startedAt, JobState killedAs, String killReason, JobResult collected) {

    public Live {
      processes = List.copyOf(processes);
    }

    public static Live started(String jobId, int attempt, JobSpec spec, List<Process> processes,
        long startedAt) {
      return new Live(jobId, attempt, spec, processes, startedAt, null, null, null);
    }

    /** The job's last (or only) process: the one whose exit code is the job's. */
    public Process process() {
      return processes.get(processes.size() - 1);
    }

    /** When the job times out, in epoch milliseconds; 0 for never. */
    public long deadline() {
      return spec.timeoutMs() > 0 ? startedAt + spec.timeoutMs() : 0;
    }

    Live killed(JobState as, String reason) {
      return new Live(jobId, attempt, spec, processes, startedAt, as, reason, collected);
    }

    Live collected(JobResult result) {
      return new Live(jobId, attempt, spec, processes, startedAt, killedAs, killReason, result);
    }
  }

  private record Key(String jobId, int attempt) {}

  private final Map<Key, Live> live = new LinkedHashMap<>();
  private final Map<Key, JobFinished> undelivered = new LinkedHashMap<>();
  /** One lock per job whose output is being read. */
  private final Map<Key, Object> collecting = new ConcurrentHashMap<>();
  private boolean handingOver;
  private final List<swamp.protocol.ToWorker.Job> waiting = new java.util.ArrayList<>();

  /** Records a process that has just started. */
  public synchronized void started(Live job) {
    live.put(key(job.jobId(), job.attempt()), job);
  }

  /** The job is being killed: an incarnation that adopts it finishes the kill and reports it so. */
  public synchronized void killing(String jobId, int attempt, JobState as, String reason) {
    live.computeIfPresent(key(jobId, attempt), (k, j) -> j.killedAs() != null ? j : j.killed(as, reason));
  }

  /**
   * The result of a job whose process ended, read by {@code read} (which deletes the output) once
   * however many runners ask: after a hand-over the old incarnation's runner may still be reading
   * when the new one starts. Call off the actors' threads; it may wait for the other reader.
   */
  public JobResult collect(String jobId, int attempt, Supplier<JobResult> read) {
    Key key = key(jobId, attempt);
    synchronized (collecting.computeIfAbsent(key, k -> new Object())) {
      synchronized (this) {
        Live job = live.get(key);
        if (job != null && job.collected() != null) {
          return job.collected();
        }
      }
      JobResult result = read.get();
      synchronized (this) {
        if (live.computeIfPresent(key, (k, j) -> j.collected(result)) == null) {
          collecting.remove(key); // a late reader of a job that ended already
        }
      }
      return result;
    }
  }

  /**
   * Its runner stopped. False while handing over: the process keeps running and its entry stays
   * for the next incarnation. Otherwise the entry goes and the runner kills the process.
   */
  public synchronized boolean release(String jobId, int attempt) {
    if (handingOver) {
      return false;
    }
    live.remove(key(jobId, attempt));
    collecting.remove(key(jobId, attempt));
    return true;
  }

  /** The attempt ended: it is no longer running, and its finish waits for a master. */
  public synchronized void finished(JobFinished finished) {
    Key key = key(finished.jobId(), finished.attempt());
    live.remove(key);
    collecting.remove(key);
    undelivered.put(key, finished);
  }

  /** Whether the attempt's finish waits for a master. */
  public synchronized boolean hasFinish(String jobId, int attempt) {
    return undelivered.containsKey(key(jobId, attempt));
  }

  /** The master has recorded this finish: it need not be sent again. */
  public synchronized void delivered(String jobId, int attempt) {
    undelivered.remove(key(jobId, attempt));
  }

  public synchronized List<Live> live() {
    return List.copyOf(live.values());
  }

  public synchronized List<JobFinished> undelivered() {
    return List.copyOf(undelivered.values());
  }

  /**
   * The incarnation ends to join the cluster again: its runners leave their processes running.
   * Call before its actor system stops them.
   */
  public synchronized void handOver() {
    handingOver = true;
  }

  /**
   * The incarnation ends to join the cluster again and leaves the jobs that wait for a slot (the
   * master's prefetch) to the next, in their order: they are this worker's as much as its running
   * ones, and it claims them when it registers again.
   */
  public synchronized void handOverWaiting(java.util.Collection<swamp.protocol.ToWorker.Job> jobs) {
    waiting.clear();
    waiting.addAll(jobs);
  }

  /** The jobs the previous incarnation left waiting for a slot, in order; taken once. */
  public synchronized List<swamp.protocol.ToWorker.Job> adoptWaiting() {
    List<swamp.protocol.ToWorker.Job> out = List.copyOf(waiting);
    waiting.clear();
    return out;
  }

  public synchronized boolean handingOver() {
    return handingOver;
  }

  /** A new incarnation takes over every live process; from now on a stopped runner kills again. */
  public synchronized List<Live> adopt() {
    handingOver = false;
    return List.copyOf(live.values());
  }

  private static Key key(String jobId, int attempt) {
    return new Key(jobId, attempt);
  }
}
