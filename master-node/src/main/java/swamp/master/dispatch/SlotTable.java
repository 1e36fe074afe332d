package swamp.master.dispatch;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.pekko.actor.typed.ActorRef;
import swamp.protocol.ToWorker;
import swamp.protocol.WorkerOffer;

/**
 * The workers' slots: who is registered, which attempts run where, and what is free. Workers
 * are not journaled: they register again after a restart, and an attempt that was running on
 * one that has not yet is an orphan until it does. The {@link JobBook} moves jobs on and off
 * slots as it applies its events; the {@link JobDispatcher} adds and removes workers as the
 * registry reports them.
 *
 * <p>With {@code prefetch}, a worker is given up to that many jobs beyond its slots: it starts
 * the next the moment a slot frees, without waiting for the master to hear of the finish. Jobs go
 * to free slots first, so that prefetching never leaves a worker idle while another holds work.
 * The master's own embedded worker gets none: it is in the master's JVM, and a job it cannot
 * start stays QUEUED, as before.
 */
final class SlotTable {

  /** A registered worker as the dispatcher sees it. */
  static final class Worker {
    final String id;
    final ActorRef<ToWorker> ref;
    final WorkerOffer offer;
    final Set<String> labels;
    /** The programs it allows, by name; null: any. */
    final Set<String> allows;
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
      this.allows = offer.allowsAnyProgram() ? null : offer.executables().stream()
          .map(e -> e.substring(e.lastIndexOf('/') + 1)).collect(java.util.stream.Collectors.toUnmodifiableSet());
      this.registeredAt = registeredAt;
      this.lastBusy = registeredAt;
    }

    /** Its slots that no job holds (negative while it holds prefetched jobs). */
    int freeSlots() {
      return offer.slots() - usedSlots;
    }

    /**
     * The jobs it was given last beyond its slots, newest first: those that most likely wait
     * there for a slot (the worker starts them in the order it got them).
     */
    List<Job> prefetched() {
      List<Job> out = new ArrayList<>();
      int beyond = -freeSlots();
      List<Job> all = new ArrayList<>(running.values());
      for (int i = all.size() - 1; i >= 0 && beyond > 0; i--) {
        out.add(all.get(i));
        beyond -= all.get(i).spec.slots();
      }
      return out;
    }
  }

  private final LocalExec localExec;
  /** How many slots' worth of jobs a worker may hold beyond its slots. */
  private final int prefetch;
  private final Map<String, Worker> workers = new LinkedHashMap<>();
  /** Running attempts whose worker has not registered (since a restart), by worker id. */
  private final Map<String, Map<String, Job>> orphans = new HashMap<>();
  private int externalWorkers;

  SlotTable(LocalExec localExec, int prefetch) {
    this.localExec = localExec;
    this.prefetch = prefetch;
  }

  // ---- workers ----

  void joined(Worker worker) {
    workers.put(worker.id, worker);
    if (!worker.offer.embedded()) {
      externalWorkers++;
    }
  }

  /** Removes a worker; returns the jobs it held, in the order it got them. */
  List<Job> left(String workerId) {
    Worker w = workers.remove(workerId);
    if (w == null) {
      return List.of();
    }
    if (!w.offer.embedded() && !w.draining) {
      externalWorkers--;
    }
    List<Job> lost = new ArrayList<>(w.running.values());
    w.running.clear();
    w.usedSlots = 0;
    return lost;
  }

  void draining(Worker w) {
    if (!w.draining && !w.offer.embedded()) {
      externalWorkers--;
    }
    w.draining = true;
  }

  // ---- attempts on slots ----

  /** The job's attempt runs on {@code workerId}: on its slots if it is registered. */
  void take(Job job, String workerId) {
    Worker worker = workers.get(workerId);
    if (worker != null) {
      worker.running.put(job.id, job);
      worker.usedSlots += job.spec.slots();
    } else {
      orphans.computeIfAbsent(workerId, k -> new LinkedHashMap<>()).put(job.id, job);
    }
  }

  /** The job's attempt no longer runs where it ran: its slots are free. */
  void release(Job job) {
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

  /** A job started on {@code workerId} {@code at}: the worker is busy since. */
  void busy(String workerId, long at) {
    Worker worker = workers.get(workerId);
    if (worker != null) {
      worker.lastBusy = at;
    }
  }

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

  // ---- free slots ----

  /**
   * The usable worker that can take {@code job} with the most free slots, or null; when no
   * worker has the slots free, the one with the most room left for prefetched jobs. A worker
   * whose allow-list lacks one of the job's programs takes it only when no worker allows them.
   */
  Worker bestFor(Job job) {
    Worker best = null;
    Worker refusing = null;
    for (Worker w : workers.values()) {
      if (!usable(w) || !fits(job, w)) {
        continue;
      }
      if (!allows(w, job)) {
        refusing = refusing == null || w.freeSlots() > refusing.freeSlots() ? w : refusing;
      } else if (best == null || w.freeSlots() > best.freeSlots()) {
        best = w;
      }
    }
    if (best != null || refusing == null) {
      return best;
    }
    // none that allows its programs has room: it waits for one, unless no worker allows them,
    // where a worker that refuses it says why (the job fails, naming the program)
    return workers.values().stream().anyMatch(w -> allows(w, job)) ? null : refusing;
  }

  /** Whether {@code w}'s allow-list names every program {@code job} runs by name. */
  boolean allows(Worker w, Job job) {
    return w.allows == null || w.allows.containsAll(job.queue.programs());
  }

  /** Whether {@code w} could run {@code job}, and has its slots free or room to hold it. */
  boolean fits(Job job, Worker w) {
    return job.spec.slots() <= w.offer.slots() && w.labels.containsAll(job.requires)
        && w.freeSlots() + prefetchOf(w) >= job.spec.slots();
  }

  /** The room of the usable workers: free slots, and what each may hold beyond them. */
  int room() {
    int free = 0;
    for (Worker w : workers.values()) {
      if (usable(w)) {
        free += Math.max(0, w.freeSlots() + prefetchOf(w));
      }
    }
    return free;
  }

  int prefetch() {
    return prefetch;
  }

  /** How many jobs {@code w} may hold beyond its slots: none for the master's own worker. */
  private int prefetchOf(Worker w) {
    return w.offer.embedded() ? 0 : prefetch;
  }

  /** Whether new jobs may go to {@code w}; the embedded worker only when local-exec says so. */
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

  Worker worker(String id) {
    return workers.get(id);
  }

  Collection<Worker> workers() {
    return workers.values();
  }

  /** The registered workers that are not the master's own and not draining. */
  int externalWorkers() {
    return externalWorkers;
  }

  LocalExec localExec() {
    return localExec;
  }
}
