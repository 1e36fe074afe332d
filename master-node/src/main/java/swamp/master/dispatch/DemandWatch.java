package swamp.master.dispatch;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import swamp.master.dispatch.DispatcherProtocol.Demand;
import swamp.master.dispatch.DispatcherProtocol.Load;
import swamp.master.dispatch.DispatcherProtocol.Queued;

/**
 * The pool scaler's standing {@link JobDispatcher.WatchDemand}: it hears the {@link Demand} at
 * once, then again whenever what waits or what the workers have free changed, at most once per
 * interval. The first change after a quiet interval goes out as soon as the command that made it
 * is journaled (the dispatcher's note to itself waits behind the write; a command whose write
 * fails tells nothing); the changes within the interval that follows go out together at its end,
 * so that a burst of submits or finishes costs one demand, not one per command. A demand equal to
 * the last one sent is not sent again; it is computed (over the queues and the workers) at most
 * once per interval, sent or not.
 */
final class DemandWatch {

  private static final Object KEY = DemandWatch.class;

  private ActorRef<Demand> watcher;
  private Duration every = Duration.ZERO;
  private Demand last;
  /** A note is on its way or an interval runs: changes wait for {@link #due}. */
  private boolean holding;
  /** Something changed since the last demand went out. */
  private boolean changed;

  /** {@code watcher} replaces the previous one and hears the demand now. */
  void watch(JobDispatcher.WatchDemand w, Supplier<Demand> demand,
      TimerScheduler<JobDispatcher.Command> timers) {
    watcher = w.watcher();
    every = w.atMostEvery();
    last = null;
    changed = false;
    holding = false;
    timers.cancel(KEY);
    send(demand, timers);
  }

  /** The current command may change the book: {@code self} hears {@link #due} once it is journaled. */
  void changed(ActorRef<JobDispatcher.Command> self) {
    if (watcher == null) {
      return;
    }
    changed = true;
    if (!holding) {
      holding = true;
      self.tell(JobDispatcher.DemandDue.INSTANCE);
    }
  }

  /** The note, or the end of the interval: what changed goes out. */
  void due(Supplier<Demand> demand, TimerScheduler<JobDispatcher.Command> timers) {
    holding = false;
    if (changed) {
      changed = false;
      send(demand, timers);
    }
  }

  /** Sends the demand if it differs from the last sent; either way the next waits an interval. */
  private void send(Supplier<Demand> demand, TimerScheduler<JobDispatcher.Command> timers) {
    Demand now = demand.get();
    if (last == null || !now.queued().equals(last.queued())
        || !now.workers().equals(last.workers())) {
      last = now;
      watcher.tell(now);
    }
    if (!every.isZero()) { // the demand is computed at most once an interval, sent or not
      holding = true;
      timers.startSingleTimer(KEY, JobDispatcher.DemandDue.INSTANCE, every);
    }
  }

  /**
   * What waits, by what it needs of a worker, and every worker's load, at {@code at}. A job
   * prefetched to a busy worker waits as much as a queued one (it starts only when a slot frees
   * there, or when a slot elsewhere asks it back), so it counts: with prefetch on, the pool
   * grows for the same work as with it off, not for a third of it.
   */
  static Demand of(JobBook book, long at) {
    Map<Need, Integer> waiting = new LinkedHashMap<>();
    book.queuedCounts().forEach((k, n) -> waiting.merge(new Need(k.requires(), k.slots()), n,
        Integer::sum));
    List<Load> loads = new ArrayList<>();
    for (SlotTable.Worker w : book.slots().workers()) {
      for (Job j : w.prefetched()) {
        waiting.merge(new Need(j.queue.requires(), j.queue.slots()), 1, Integer::sum);
      }
      loads.add(new Load(w.id, w.offer.slots(), Math.min(w.usedSlots, w.offer.slots()),
          w.labels, book.slots().usable(w), w.draining, w.offer.embedded(), w.registeredAt,
          w.lastBusy));
    }
    List<Queued> queued = new ArrayList<>();
    waiting.forEach((need, n) -> queued.add(new Queued(need.requires(), need.slots(), n)));
    return new Demand(at, queued, loads);
  }

  /** What a waiting job needs of a worker, whatever programs it runs. */
  private record Need(Set<String> requires, int slots) {}
}
