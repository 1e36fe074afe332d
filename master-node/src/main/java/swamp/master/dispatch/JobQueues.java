package swamp.master.dispatch;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import swamp.master.dispatch.Job.QueueKey;
import swamp.protocol.JobState;

/**
 * The {@link JobBook}'s queued jobs, in one FIFO per set of required labels and slot count
 * ({@link QueueKey}), so that a job nobody can run yet (no worker with the label, or with that
 * many free slots) never holds up the jobs behind it, and finding work for a free slot costs a
 * look at the head of each queue rather than a walk of them all. A job that leaves the queued
 * state (cancelled, ended) may stay in its queue: it is dropped when it reaches the head.
 */
final class JobQueues {
  private final Map<QueueKey, ArrayDeque<Job>> queues = new LinkedHashMap<>();

  /** {@code job} waits behind the others of its queue. */
  void addLast(Job job) {
    queues.computeIfAbsent(job.queue, k -> new ArrayDeque<>()).addLast(job);
  }

  /** {@code job} waits again in front of its queue: its attempt ended without running out. */
  void addFirst(Job job) {
    queues.computeIfAbsent(job.queue, k -> new ArrayDeque<>()).addFirst(job);
  }

  /** {@code job} leaves its queue, wherever it is in it. */
  void remove(Job job) {
    queues.get(job.queue).remove(job);
  }

  /** {@code job} starts: it leaves its queue if it is at the head. */
  void started(Job job) {
    ArrayDeque<Job> q = queues.get(job.queue);
    if (q != null && q.peekFirst() == job) {
      q.pollFirst();
    }
  }

  /**
   * Hands {@code start} the oldest queued job that a usable worker can take, with the worker
   * ({@link SlotTable#bestFor}), until none is left that one can; {@code start} takes the job off
   * its queue ({@link #started}). Jobs no longer queued are dropped from the heads on the way.
   */
  void pick(SlotTable slots, BiConsumer<Job, SlotTable.Worker> start) {
    Set<QueueKey> blocked = new HashSet<>();
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
      start.accept(job, w);
    }
  }

  /** How many jobs wait in each queue (the ones with a job waiting). */
  Map<QueueKey, Integer> counts() {
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

  /** The ids of the queued jobs, queue by queue, each in its order: what a snapshot keeps. */
  List<String> ids() {
    List<String> queued = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (ArrayDeque<Job> q : queues.values()) {
      for (Job j : q) {
        if (j.state == JobState.QUEUED && seen.add(j.id)) {
          queued.add(j.id);
        }
      }
    }
    return queued;
  }
}
