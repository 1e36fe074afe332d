package swamp.master.dispatch;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import swamp.master.dispatch.Views.JobView;
import swamp.master.dispatch.Views.WorkerView;
import swamp.protocol.JobResult;
import swamp.protocol.JobState;

/**
 * Those who follow the dispatcher's changes as they happen: each open dashboard's live feed hears,
 * after every command, which jobs it changed and how the pool stands, made only while someone
 * watches; the jobs that ended, with their times, go on the node's event stream ({@link Ended}),
 * where the metrics and the dashboard's plot hear them from whichever dispatcher runs on their
 * node: one that started after them (a standby's, once it took over) or again (after a failed
 * journal write), which a subscription sent to the dispatcher once never reached.
 */
public final class Watchers {

  /** From now on {@code watcher} hears a {@link Changed} after each command that changed something. */
  public record Watch(ActorRef<Changed> watcher) implements JobDispatcher.Watching {}

  /** {@code watcher} has stopped (its page was closed). */
  public record Unwatch(ActorRef<?> watcher) implements JobDispatcher.Watching {}

  /**
   * What one command changed: the jobs it touched as they stand now (their output left out), the
   * workers, the counts, and whether a run was created or jobs were dropped.
   */
  public record Changed(List<JobView> jobs, List<WorkerView> workers, Views.Health health,
      boolean runsChanged, boolean jobsDropped) implements NoSerializationVerificationNeeded {}

  /**
   * Jobs that one command ended (succeeded, failed or cancelled), each with its times in epoch
   * milliseconds: submitted, its last attempt started (0: it never started) and ended; published
   * on the event stream of the dispatcher's node.
   */
  public record Ended(List<EndedJob> jobs) implements NoSerializationVerificationNeeded {}

  public record EndedJob(JobState state, long submittedAt, long startedAt, long finishedAt) {}

  private final Set<ActorRef<Changed>> watchers = new HashSet<>();

  void add(ActorContext<JobDispatcher.Command> context, ActorRef<Changed> watcher) {
    if (watchers.add(watcher)) {
      context.watchWith(watcher, new Unwatch(watcher));
    }
  }

  void remove(ActorRef<?> watcher) {
    watchers.remove(watcher);
  }

  /**
   * Tells every watcher what {@code events} changed in {@code book}, each queued job with why no
   * worker can take it ({@code whyWaiting}, null when one can); {@code workers} and {@code
   * health} are asked for only when someone watches the changes.
   */
  void tell(JobBook book, List<JobEvent> events, Supplier<List<WorkerView>> workers,
      Supplier<Views.Health> health, java.util.function.Function<Job, String> whyWaiting) {
    if (watchers.isEmpty()) {
      return;
    }
    Set<String> touched = new LinkedHashSet<>();
    boolean[] flags = new boolean[2];
    events.forEach(e -> touched(e, touched, flags));
    send(book, touched, flags, workers, health, whyWaiting);
  }

  /** The reason each queued job waits, as {@code whyWaiting} says; none while no one watches. */
  java.util.Map<String, String> reasons(JobBook book, java.util.function.Function<Job, String> whyWaiting) {
    java.util.Map<String, String> reasons = new java.util.HashMap<>();
    if (!watchers.isEmpty()) {
      book.queuedIds().forEach(id -> reasons.put(id, whyWaiting.apply(book.job(id))));
    }
    return reasons;
  }

  /**
   * Tells every watcher the queued jobs whose reason to wait changed with no event of theirs
   * (the sources that could serve them began or stopped failing): {@code before} is the reason
   * of each queued job beforehand ({@link #reasons}), {@code whyWaiting} says it now.
   */
  void tellReasons(JobBook book, java.util.Map<String, String> before,
      Supplier<List<WorkerView>> workers, Supplier<Views.Health> health,
      java.util.function.Function<Job, String> whyWaiting) {
    Set<String> changed = new LinkedHashSet<>();
    before.forEach((id, reason) -> {
      Job job = book.job(id);
      if (job != null && !java.util.Objects.equals(reason, whyWaiting.apply(job))) {
        changed.add(id);
      }
    });
    if (!changed.isEmpty()) {
      send(book, changed, new boolean[2], workers, health, whyWaiting);
    }
  }

  private void send(JobBook book, Set<String> ids, boolean[] flags,
      Supplier<List<WorkerView>> workers, Supplier<Views.Health> health,
      java.util.function.Function<Job, String> whyWaiting) {
    List<JobView> jobs = new ArrayList<>(ids.size());
    for (String id : ids) {
      Job job = book.job(id);
      if (job != null) {
        jobs.add(JobView.of(job, whyWaiting.apply(job)).withoutOutput());
      }
    }
    Changed changed = new Changed(List.copyOf(jobs), workers.get(), health.get(), flags[0],
        flags[1]);
    watchers.forEach(w -> w.tell(changed));
  }

  boolean isEmpty() {
    return watchers.isEmpty();
  }

  /** The jobs that {@code events} ended, as they stand in {@code book}; null when none did. */
  static Ended ends(JobBook book, List<JobEvent> events) {
    Set<String> ended = new LinkedHashSet<>();
    events.forEach(e -> ended(e, ended));
    List<EndedJob> jobs = new ArrayList<>(ended.size());
    for (String id : ended) {
      Job j = book.job(id);
      if (j != null && j.state.isFinal()) {
        JobResult r = j.result;
        long started = r != null && r.startedAt() > 0 ? r.startedAt() : j.dispatchedAt();
        jobs.add(new EndedJob(j.state, j.submittedAt, started, r == null ? 0 : r.finishedAt()));
      }
    }
    return jobs.isEmpty() ? null : new Ended(List.copyOf(jobs));
  }

  /** The ids of the jobs an event ended. */
  private static void ended(JobEvent event, Set<String> ids) {
    if (event instanceof JobEvent.Batch b) {
      b.events().forEach(e -> ended(e, ids));
    } else if (event instanceof JobEvent.Finished f) {
      ids.add(f.jobId());
    } else if (event instanceof JobEvent.Ended e) {
      ids.add(e.jobId());
    }
  }

  /** The ids of the jobs an event changed; flags[0]: a run was created or grew, flags[1]: jobs dropped. */
  private static void touched(JobEvent event, Set<String> ids, boolean[] flags) {
    if (event instanceof JobEvent.Batch b) {
      b.events().forEach(e -> touched(e, ids, flags));
    } else if (event instanceof JobEvent.Submitted s) {
      for (int i = 0; i < s.jobs().size(); i++) {
        ids.add("j" + (s.firstSeq() + i));
      }
    } else if (event instanceof JobEvent.Started s) {
      s.starts().forEach(start -> ids.add(start.jobId()));
    } else if (event instanceof JobEvent.Adopted a) {
      ids.add(a.jobId());
    } else if (event instanceof JobEvent.Finished f) {
      ids.add(f.jobId());
    } else if (event instanceof JobEvent.Retrying r) {
      ids.add(r.jobId());
    } else if (event instanceof JobEvent.WorkerLost w) {
      ids.add(w.jobId());
    } else if (event instanceof JobEvent.Requeued r) {
      ids.add(r.jobId());
    } else if (event instanceof JobEvent.Returned r) {
      ids.add(r.jobId());
    } else if (event instanceof JobEvent.Ended e) {
      ids.add(e.jobId());
    } else if (event instanceof JobEvent.CancelRequested c) {
      ids.add(c.jobId());
    } else if (event instanceof JobEvent.RunCreated || event instanceof JobEvent.StepsAdded) {
      flags[0] = true;
    } else if (event instanceof JobEvent.Forgotten) {
      flags[1] = true;
    }
  }
}
