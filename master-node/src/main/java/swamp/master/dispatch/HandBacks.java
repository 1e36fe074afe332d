package swamp.master.dispatch;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import swamp.protocol.JobState;

/**
 * The prefetched jobs the master has asked back from their workers, each with the attempt it
 * asked for. A worker hands back a job that has not started ({@link
 * swamp.protocol.ToMaster.JobRejected}, and it goes where a slot is free) and lets one that has
 * run on. A draining worker is asked for all it holds; otherwise {@link #rebalance} asks when
 * slots are free elsewhere, so that a long job never holds up a job given to the same worker while
 * a slot is idle on another.
 */
final class HandBacks {
  private final Map<Job, Integer> asked = new HashMap<>();

  /** Asks for {@code job} back: true unless that attempt was asked for already. */
  boolean ask(Job job) {
    return asked.putIfAbsent(job, job.attempt) == null;
  }

  /** The worker handed {@code job} back: true when it was asked for this attempt (never ran). */
  boolean answered(Job job) {
    Integer attempt = asked.remove(job);
    return attempt != null && attempt == job.attempt;
  }

  /** A job asked for, and the worker that holds it. */
  record Ask(SlotTable.Worker holder, Job job) {}

  /**
   * Slots are free on some workers while jobs wait prefetched on others, with nothing queued that
   * the free ones could take: the waiting jobs to ask back now (each worker's newest first), no
   * more in all than there are free slots.
   */
  List<Ask> rebalance(SlotTable slots) {
    // an ask is settled once its job left the worker's prefetched ones (handed back, or started)
    asked.entrySet().removeIf(e -> {
      Job job = e.getKey();
      SlotTable.Worker holder = job.state == JobState.RUNNING && job.attempt == e.getValue()
          ? slots.worker(job.workerId) : null;
      return holder == null || !holder.prefetched().contains(job);
    });
    int free = 0;
    for (SlotTable.Worker w : slots.workers()) {
      free += slots.usable(w) ? Math.max(0, w.freeSlots()) : 0;
    }
    List<Ask> asks = new ArrayList<>();
    for (SlotTable.Worker holder : slots.workers()) {
      for (Job job : holder.prefetched()) {
        if (asked.size() >= free) {
          return asks;
        }
        if (!asked.containsKey(job) && slots.workers().stream().anyMatch(w -> w != holder
            && slots.usable(w) && w.freeSlots() >= job.spec.slots() && slots.fits(job, w)
            && slots.allows(w, job))) {
          asked.put(job, job.attempt);
          asks.add(new Ask(holder, job));
        }
      }
    }
    return asks;
  }
}
