package swamp.master.dispatch;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import swamp.master.dispatch.Views.JobView;

/**
 * The long polls that wait for jobs to end ({@link JobDispatcher.AwaitJob}, {@link
 * JobDispatcher.AwaitAny}) or for the next jobs of a run to end ({@link JobDispatcher.AwaitRun}).
 * Each is answered once, by the first of its jobs to end (a run's follower with every job of
 * the run that the same command ended), or dropped when its wait is over: then nobody listens
 * any more, and it leaves no trace behind.
 */
final class LongPolls {

  /** The wait of {@code waiter} is over: nobody listens for its answer any more. */
  record WaitOver(Waiter waiter) implements JobDispatcher.Polling {}

  /**
   * Someone waiting for a job to end; one waiting on several jobs hears of the first only. A
   * follower of a run ({@code run} set) waits for the next of the run's jobs to end.
   */
  static final class Waiter {
    private final Consumer<JobView> answer;
    private final List<String> jobIds = new ArrayList<>(1);
    private final String run;
    private boolean answered;

    private Waiter(String run) {
      this.answer = v -> {};
      this.run = run;
    }

    Waiter(Consumer<JobView> answer) {
      this.answer = answer;
      this.run = null;
    }

    void answer(JobView v) {
      if (!answered) {
        answered = true;
        answer.accept(v);
      }
    }
  }

  private final TimerScheduler<JobDispatcher.Command> timers;
  private final Map<String, List<Waiter>> waiters = new HashMap<>();
  /** The followers of each run, and what each of them is answered with. */
  private final Map<String, Map<Waiter, RunFollower>> followers = new HashMap<>();
  /** Followers whose run had a job end in the command now being decided. */
  private final List<RunFollower> due = new ArrayList<>();

  /** A follower of a run: what it has seen, and where its answer goes. */
  private record RunFollower(Runs.Run run, RunCursor after,
      Consumer<Views.RunEndedView> answer) {}

  LongPolls(TimerScheduler<JobDispatcher.Command> timers) {
    this.timers = timers;
  }

  /** {@code answer} hears of the first of {@code jobs} to end, if one ends within {@code wait}. */
  void waitFor(List<Job> jobs, Consumer<JobView> answer, Duration wait) {
    Waiter waiter = new Waiter(answer);
    for (Job job : jobs) {
      waiters.computeIfAbsent(job.id, k -> new ArrayList<>()).add(waiter);
      waiter.jobIds.add(job.id);
    }
    timers.startSingleTimer(waiter, new WaitOver(waiter), wait);
  }

  /**
   * The wait of {@code waiter} is over: it is dropped, and a follower of a run hears that none
   * of its jobs ended (the others' callers end their waits themselves).
   */
  void waitOver(Waiter waiter, JobBook book) {
    Map<Waiter, RunFollower> of = waiter.run == null ? null : followers.get(waiter.run);
    RunFollower f = of == null ? null : of.get(waiter);
    forget(waiter);
    if (f != null) {
      f.answer().accept(Views.RunEndedView.of(f.run(), f.after(), book));
    }
  }

  /** Drops {@code waiter} from every job it waits for, and its timer. */
  void forget(Waiter waiter) {
    timers.cancel(waiter);
    if (waiter.run != null) {
      Map<Waiter, RunFollower> of = followers.get(waiter.run);
      if (of != null && of.remove(waiter) != null && of.isEmpty()) {
        followers.remove(waiter.run);
      }
      return;
    }
    for (String id : waiter.jobIds) {
      List<Waiter> list = waiters.get(id);
      if (list != null && list.remove(waiter) && list.isEmpty()) {
        waiters.remove(id);
      }
    }
  }

  /**
   * {@code job} ended: its waiters are dropped (from the other jobs an AwaitAny waits for too),
   * and the returned answer tells them, or null when nobody waits.
   */
  Runnable ended(Job job) {
    Map<Waiter, RunFollower> following =
        job.spec.run() == null ? null : followers.remove(job.spec.run());
    if (following != null) { // answered once the command has ended all it ends: see settle
      following.keySet().forEach(timers::cancel);
      due.addAll(following.values());
    }
    List<Waiter> list = waiters.remove(job.id);
    if (list == null) {
      return null;
    }
    list.forEach(this::forget);
    JobView v = JobView.of(job).withHistory(job); // the view GET /api/jobs/ID gives
    return () -> list.forEach(w -> w.answer(v));
  }

  /**
   * The answers of the followers whose run had jobs end in this command, each with all of them;
   * made now, while the book is as the command left it, and told once it is journaled.
   */
  List<Runnable> settle(JobBook book) {
    if (due.isEmpty()) {
      return List.of();
    }
    List<Runnable> out = new ArrayList<>(due.size());
    for (RunFollower f : due) {
      Views.RunEndedView v = Views.RunEndedView.of(f.run(), f.after(), book);
      out.add(() -> f.answer().accept(v));
    }
    due.clear();
    return out;
  }

  /** How many long polls wait for a job to end. */
  int waiting() {
    Set<Waiter> all = Collections.newSetFromMap(new IdentityHashMap<>());
    waiters.values().forEach(all::addAll);
    followers.values().forEach(f -> all.addAll(f.keySet()));
    return all.size();
  }

  /**
   * Answers {@code await} at once with {@code now} when its job is unknown or final, or else
   * when the job ends within the wait.
   */
  void awaitJob(DispatcherProtocol.AwaitJob await, JobBook book, Supplier<Optional<JobView>> now) {
    Job job = book.job(await.jobId());
    if (job == null || job.state.isFinal()) {
      await.replyTo().tell(now.get());
    } else {
      waitFor(List.of(job), v -> await.replyTo().tell(Optional.of(v)), await.within());
    }
  }

  /**
   * Answers {@code await} at once with the ids it names that no job has, or with those of its
   * jobs that are final, or else with the first to end within the wait.
   */
  void awaitAny(DispatcherProtocol.AwaitAny await, JobBook book) {
    List<JobView> done = new ArrayList<>();
    List<Job> open = new ArrayList<>();
    List<String> unknown = new ArrayList<>();
    for (String id : await.jobIds()) {
      Job job = book.job(id);
      if (job == null) {
        unknown.add(id);
      } else if (job.state.isFinal()) {
        done.add(JobView.of(job).withHistory(job));
      } else {
        open.add(job);
      }
    }
    if (!unknown.isEmpty()) {
      await.replyTo().tell(new DispatcherProtocol.Awaited(List.of(), unknown));
    } else if (!done.isEmpty() || open.isEmpty()) {
      await.replyTo().tell(new DispatcherProtocol.Awaited(done, List.of()));
    } else {
      waitFor(open, v -> await.replyTo().tell(new DispatcherProtocol.Awaited(List.of(v), List.of())), await.within());
    }
  }

  /**
   * Answers {@code await} at once with the jobs of its run that ended after its cursor (empty
   * when the run is unknown), or else with those that end next, within the wait.
   */
  void awaitRun(DispatcherProtocol.AwaitRun await, JobBook book) {
    Runs.Run run = book.runs().get(await.runId());
    if (run == null) {
      await.replyTo().tell(Optional.empty());
      return;
    }
    Views.RunEndedView now = Views.RunEndedView.of(run, await.after(), book);
    if (!now.ended().isEmpty() || await.within().isZero()) {
      await.replyTo().tell(Optional.of(now));
      return;
    }
    Waiter waiter = new Waiter(run.id);
    followers.computeIfAbsent(run.id, k -> new IdentityHashMap<>()).put(waiter,
        new RunFollower(run, await.after(), v -> await.replyTo().tell(Optional.of(v))));
    timers.startSingleTimer(waiter, new WaitOver(waiter), await.within());
  }
}
