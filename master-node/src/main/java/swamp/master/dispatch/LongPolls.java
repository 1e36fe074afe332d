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
 * JobDispatcher.AwaitAny}). Each is answered once, by the first of its jobs to end, or dropped
 * when its wait is over: then nobody listens any more, and it leaves no trace behind.
 */
final class LongPolls {

  /** The wait of {@code waiter} is over: nobody listens for its answer any more. */
  record WaitOver(Waiter waiter) implements JobDispatcher.Polling {}

  /** Someone waiting for a job to end; one waiting on several jobs hears of the first only. */
  static final class Waiter {
    private final Consumer<JobView> answer;
    private final List<String> jobIds = new ArrayList<>(1);
    private boolean answered;

    Waiter(Consumer<JobView> answer) {
      this.answer = answer;
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

  /** Drops {@code waiter} from every job it waits for, and its timer. */
  void forget(Waiter waiter) {
    timers.cancel(waiter);
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
    List<Waiter> list = waiters.remove(job.id);
    if (list == null) {
      return null;
    }
    list.forEach(this::forget);
    JobView v = JobView.of(job);
    return () -> list.forEach(w -> w.answer(v));
  }

  /** How many long polls wait for a job to end. */
  int waiting() {
    Set<Waiter> all = Collections.newSetFromMap(new IdentityHashMap<>());
    waiters.values().forEach(all::addAll);
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
   * Answers {@code await} at once with those of its jobs that are final (or with none when none
   * is known), or else with the first to end within the wait.
   */
  void awaitAny(DispatcherProtocol.AwaitAny await, JobBook book) {
    List<JobView> done = new ArrayList<>();
    List<Job> open = new ArrayList<>();
    for (String id : await.jobIds()) {
      Job job = book.job(id);
      if (job != null) {
        if (job.state.isFinal()) {
          done.add(JobView.of(job));
        } else {
          open.add(job);
        }
      }
    }
    if (!done.isEmpty() || open.isEmpty()) {
      await.replyTo().tell(done);
    } else {
      waitFor(open, v -> await.replyTo().tell(List.of(v)), await.within());
    }
  }
}
