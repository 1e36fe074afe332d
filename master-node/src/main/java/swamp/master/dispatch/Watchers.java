package swamp.master.dispatch;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import swamp.master.dispatch.Views.JobView;
import swamp.master.dispatch.Views.WorkerView;

/**
 * Those who follow the dispatcher's changes as they happen (each open dashboard's live feed, the
 * metrics): after every command, each hears which jobs it changed and how the pool stands. Kept
 * only while there is a watcher: a pool nobody looks at pays nothing.
 */
public final class Watchers {

  /** From now on {@code watcher} hears a {@link Changed} after each command that changed something. */
  public record Watch(ActorRef<Changed> watcher) implements JobDispatcher.Watching {}

  /** {@code watcher} has stopped (its page was closed). */
  public record Unwatch(ActorRef<Changed> watcher) implements JobDispatcher.Watching {}

  /**
   * What one command changed: the jobs it touched as they stand now (their output left out), the
   * workers, the counts, and whether a run was created or jobs were dropped.
   */
  public record Changed(List<JobView> jobs, List<WorkerView> workers, Views.Health health,
      boolean runsChanged, boolean jobsDropped) implements NoSerializationVerificationNeeded {}

  private final Set<ActorRef<Changed>> watchers = new HashSet<>();

  void add(ActorContext<JobDispatcher.Command> context, ActorRef<Changed> watcher) {
    if (watchers.add(watcher)) {
      context.watchWith(watcher, new Unwatch(watcher));
    }
  }

  void remove(ActorRef<Changed> watcher) {
    watchers.remove(watcher);
  }

  /** Tells every watcher what {@code events} changed in {@code book}. */
  void tell(JobBook book, List<JobEvent> events, List<WorkerView> workers, Views.Health health) {
    if (watchers.isEmpty()) {
      return;
    }
    Set<String> touched = new LinkedHashSet<>();
    boolean[] flags = new boolean[2];
    events.forEach(e -> touched(e, touched, flags));
    List<JobView> jobs = new ArrayList<>(touched.size());
    for (String id : touched) {
      Job job = book.job(id);
      if (job != null) {
        jobs.add(JobView.of(job).withoutOutput());
      }
    }
    Changed changed = new Changed(List.copyOf(jobs), workers, health, flags[0], flags[1]);
    watchers.forEach(w -> w.tell(changed));
  }

  boolean isEmpty() {
    return watchers.isEmpty();
  }

  /** The ids of the jobs an event changed; flags[0]: a run was created, flags[1]: jobs dropped. */
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
    } else if (event instanceof JobEvent.RunCreated) {
      flags[0] = true;
    } else if (event instanceof JobEvent.Forgotten) {
      flags[1] = true;
    }
  }
}
