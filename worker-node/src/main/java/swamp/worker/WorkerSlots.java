package swamp.worker;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import swamp.protocol.ToRegistry.RunningJob;
import swamp.protocol.ToWorker.Job;

/**
 * A worker's slots and the jobs that wait for one: which attempts run (each with its runner,
 * {@code R}), which the master gave beyond the free slots (its prefetch), in the order they came,
 * and what happens to the master's next job. Plain bookkeeping, kept apart from {@link
 * WorkerActor}'s life cycle so that its decisions are unit tested without actors; the worker
 * starts, stops and reports, this only says what may start and what is refused.
 *
 * <p>A job waits rather than starts while another already waits (none overtakes one that came
 * before), while its slots are taken, or while the lease holds this JVM's jobs stopped.
 */
final class WorkerSlots<R> {

  /** The most jobs that wait here for a slot; beyond it the master's next job is rejected. */
  static final int MAX_WAITING = 1024;

  /** What becomes of a job the master gives: it starts now, waits for a slot, or is refused. */
  record Admission(boolean startsNow, String refusal) {
    static final Admission STARTS = new Admission(true, null);
    static final Admission WAITS = new Admission(false, null);

    static Admission refused(String reason) {
      return new Admission(false, reason);
    }
  }

  /** A started attempt; {@code exited} once its processes ended and its slots are free. */
  private record Running<R>(int attempt, int slots, R runner, boolean exited) {}

  private final int slots;
  private final Map<String, Running<R>> running = new LinkedHashMap<>();
  /** Jobs given beyond the free slots, in the order they came: each starts once a slot frees. */
  private final Map<String, Job> waiting = new LinkedHashMap<>();

  WorkerSlots(int slots) {
    this.slots = slots;
  }

  /**
   * The master's job: refused when an attempt of it is here already or it needs more slots than
   * the worker has; queued when it cannot start at once ({@code held}: the lease holds the jobs
   * stopped), unless {@link #MAX_WAITING} wait already. One that {@linkplain Admission#STARTS
   * starts} is not counted until it is {@linkplain #started started}.
   */
  Admission admit(Job job, boolean held) {
    Running<R> current = running.get(job.jobId());
    if (current != null) {
      return Admission.refused("attempt " + current.attempt() + " of the job is still running here");
    }
    Job waits = waiting.get(job.jobId());
    if (waits != null) {
      return Admission.refused("attempt " + waits.attempt() + " of the job waits here for a slot");
    }
    if (job.spec().slots() > slots) {
      return Admission.refused("it needs " + job.spec().slots() + " slots; this worker has "
          + slots);
    }
    if (!waiting.isEmpty() || usedSlots() + job.spec().slots() > slots || held) {
      if (waiting.size() >= MAX_WAITING) {
        return Admission.refused("no free slot, and " + MAX_WAITING + " jobs wait here already");
      }
      waiting.put(job.jobId(), job); // in order: none overtakes one that came before
      return Admission.WAITS;
    }
    return Admission.STARTS;
  }

  /** Adds a job to the end of the queue unchecked: one the previous incarnation left waiting. */
  void queue(Job job) {
    waiting.put(job.jobId(), job);
  }

  /**
   * The first waiting job when its slots are free, taken off the queue to be started; null when
   * none waits or the first must wait on.
   */
  Job nextToStart() {
    if (waiting.isEmpty()) {
      return null;
    }
    Job next = waiting.values().iterator().next();
    if (usedSlots() + next.spec().slots() > slots) {
      return null;
    }
    waiting.remove(next.jobId());
    return next;
  }

  /**
   * Takes attempt {@code attempt} of {@code jobId} off the queue (handed back, or cancelled
   * before it started); null when that attempt does not wait here (it started, or never came).
   */
  Job unqueue(String jobId, int attempt) {
    Job job = waiting.get(jobId);
    if (job == null || job.attempt() != attempt) {
      return null;
    }
    waiting.remove(jobId);
    return job;
  }

  /** Empties the queue (the worker drains), returning what waited, in order. */
  List<Job> unqueueAll() {
    List<Job> all = List.copyOf(waiting.values());
    waiting.clear();
    return all;
  }

  /** What waits, in order. */
  Collection<Job> waiting() {
    return Collections.unmodifiableCollection(waiting.values());
  }

  /** Attempt {@code attempt} of {@code jobId} runs from now on, holding {@code slots} slots. */
  void started(String jobId, int attempt, int slots, R runner) {
    running.put(jobId, new Running<>(attempt, slots, runner, false));
  }

  /**
   * The runner of attempt {@code attempt} of {@code jobId} while its processes run; null when
   * that is not what runs, or its processes ended (its result stands; its runner reads it).
   */
  R runner(String jobId, int attempt) {
    Running<R> r = running.get(jobId);
    return r == null || r.attempt() != attempt || r.exited() ? null : r.runner();
  }

  /** Whether attempt {@code attempt} of {@code jobId} still counts as running here. */
  boolean holds(String jobId, int attempt) {
    Running<R> r = running.get(jobId);
    return r != null && r.attempt() == attempt;
  }

  /**
   * The processes of attempt {@code attempt} of {@code jobId} ended: its slots are free for the
   * next job while its runner reads its output, and it still counts as running until {@link
   * #ended}. False when that is not what runs, or it was told already.
   */
  boolean exited(String jobId, int attempt) {
    Running<R> r = running.get(jobId);
    if (r == null || r.attempt() != attempt || r.exited()) {
      return false;
    }
    running.put(jobId, new Running<>(attempt, r.slots(), r.runner(), true));
    return true;
  }

  /** Frees the slots of attempt {@code attempt} of {@code jobId}; false when that is not what runs. */
  boolean ended(String jobId, int attempt) {
    Running<R> r = running.get(jobId);
    if (r == null || r.attempt() != attempt) {
      return false;
    }
    running.remove(jobId);
    return true;
  }

  /** The runners of the jobs whose processes run here. */
  List<R> runners() {
    List<R> all = new ArrayList<>(running.size());
    running.values().stream().filter(r -> !r.exited()).forEach(r -> all.add(r.runner()));
    return all;
  }

  int runningCount() {
    return running.size();
  }

  int waitingCount() {
    return waiting.size();
  }

  /**
   * The attempts this worker holds, running and then waiting, as its {@code Register} claims
   * them: the master must keep them its.
   */
  Set<RunningJob> claims() {
    Set<RunningJob> jobs = new LinkedHashSet<>();
    running.forEach((jobId, r) -> jobs.add(new RunningJob(jobId, r.attempt())));
    waiting.values().forEach(j -> jobs.add(new RunningJob(j.jobId(), j.attempt())));
    return jobs;
  }

  private int usedSlots() {
    return running.values().stream().filter(r -> !r.exited()).mapToInt(Running::slots).sum();
  }
}
