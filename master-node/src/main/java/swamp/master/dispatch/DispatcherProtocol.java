package swamp.master.dispatch;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorRef;
import swamp.master.dispatch.Views.JobView;
import swamp.master.dispatch.Views.WorkerView;
import swamp.master.membership.MembershipEvent;
import swamp.protocol.JobSpec;
import swamp.protocol.JobState;
import swamp.protocol.ToMaster;

/**
 * What the {@link JobDispatcher} is told and what it answers, grouped by who sends it: the
 * MasterActor that makes it (its {@link Settings}), the registry and the inbox, clients (through
 * the MasterActor), the pool scaler, and the dispatcher's own package. {@link JobDispatcher}
 * implements this interface, so callers name the messages {@code JobDispatcher.Submit} as before
 * (an import names them here). None of them is journaled or crosses to another node: the journal
 * holds {@link JobEvent}s, the snapshots {@link BookSnapshots.Snapshot}.
 */
public interface DispatcherProtocol {

  sealed interface Command extends NoSerializationVerificationNeeded {}

  // ---- from the MasterActor, which makes it ----

  /**
   * How the dispatcher journals, keeps time and supplies its workers: snapshot interval, orphan
   * grace, retention, the guard that syncs an H2 file journal and checks what recovery reads, the
   * budget of finished jobs' output, the clock its decisions read (a test's moves with its {@code
   * ManualTime}), and how many jobs each worker is given beyond its free slots ({@code prefetch},
   * so that it starts the next the moment a slot frees; 0: none).
   */
  record Settings(int snapshotEvery, Duration recoveryGrace, Duration retainFor,
      JournalGuard guard, long outputBudget, Clock clock, int prefetch) {
    public Settings(int snapshotEvery, Duration recoveryGrace, Duration retainFor,
        JournalGuard guard, long outputBudget) {
      this(snapshotEvery, recoveryGrace, retainFor, guard, outputBudget, Clock.systemUTC(), 0);
    }

    public Settings(int snapshotEvery, Duration recoveryGrace, Duration retainFor) {
      this(snapshotEvery, recoveryGrace, retainFor, JournalGuard.none(), Long.MAX_VALUE);
    }

    /** The same, its decisions reading {@code clock}. */
    public Settings withClock(Clock clock) {
      return new Settings(snapshotEvery, recoveryGrace, retainFor, guard, outputBudget, clock,
          prefetch);
    }

    /** The same, each worker given up to {@code jobs} jobs beyond its free slots. */
    public Settings withPrefetch(int jobs) {
      return new Settings(snapshotEvery, recoveryGrace, retainFor, guard, outputBudget, clock,
          jobs);
    }
  }

  // ---- from the dispatcher's own package ----

  /** What {@link Restarting}, the dispatcher's stable parent, tells itself. */
  sealed interface Lifecycle extends Command permits Restarting.Stopped, Restarting.Start {}

  /**
   * Following the dispatcher's changes: {@link Watchers.Watch}, {@link Watchers.Unwatch}.
   */
  sealed interface Watching extends Command permits Watchers.Watch, Watchers.Unwatch {}

  /** A long poll's wait is over: {@link LongPolls.WaitOver}. */
  sealed interface Polling extends Command permits LongPolls.WaitOver {}

  /** The dispatcher's notes to itself: its timers, its demand's interval, a failed sync. */
  sealed interface Own extends Command permits JobDispatcher.GraceOver, JobDispatcher.Expire,
      JobDispatcher.DemandDue, JobDispatcher.SyncFailed {}

  // ---- from the registry and the inbox ----

  /**
   * A change of the pool's membership, as the registry publishes it: a worker admitted (answer it
   * RegOk, reconcile what it runs), draining, unreachable, or gone (its jobs run again elsewhere).
   */
  record FromMembership(MembershipEvent event) implements Command {}

  /** The ref workers report to, from the inbox this dispatcher attached to. */
  record InboxAttached(ActorRef<ToMaster> forWorkers) implements Command {}

  /**
   * Workers' reports and removals, gathered by the inbox while the previous batch was being
   * written, in the order they came.
   */
  record FromWorkers(List<Inbox.Item> items) implements Command {}

  // ---- from clients, through the MasterActor ----

  /**
   * Accepts jobs; answers their ids once they are journaled. {@code keys} (null, or one per job,
   * each may be null) are idempotency keys: a key already known answers that job's id.
   * {@code answerBy} (epoch millis; 0: none) is when its client stops waiting: a submission that
   * reaches the dispatcher later (it waited while the journal could not be read or written) is
   * dropped, not accepted, since its client was answered 503 and may submit it again.
   */
  record Submit(List<JobSpec> specs, List<String> keys, long answerBy,
      ActorRef<Submitted> replyTo) implements Command {
    public Submit(List<JobSpec> specs, List<String> keys, ActorRef<Submitted> replyTo) {
      this(specs, keys, 0, replyTo);
    }

    public Submit(List<JobSpec> specs, ActorRef<Submitted> replyTo) {
      this(specs, null, 0, replyTo);
    }
  }

  /**
   * The ids of the jobs, in order; or, with nothing accepted, why not: a key that names a job
   * with another command ({@code conflict}).
   */
  record Submitted(List<String> ids, String conflict) {}

  /** Registers a run (the commands of a script); answers its id once it is journaled. */
  record CreateRun(String name, String workDir, List<JobEvent.RunCommand> commands,
      ActorRef<String> replyTo) implements Command {}

  /**
   * Marks steps of a run as not run, as its client decided; answers once that is journaled, or
   * why it cannot be (an unknown run or step, a step that has a job).
   */
  record MarkNotRun(String runId, List<Integer> steps, ActorRef<Optional<RunRefused>> replyTo)
      implements Command {}

  /**
   * Adds to a run the commands its client planned as the script ran; answers once that is
   * journaled, or why they cannot be added (an unknown run, a step not its next, a step it has
   * with another command).
   */
  record AddSteps(String runId, List<JobEvent.RunCommand> commands, ActorRef<Optional<RunRefused>> replyTo)
      implements Command {}

  /**
   * Why a run's steps cannot be marked as not run, or added: {@code kind} says what is wrong
   * (HAS_JOB: a step that has a job, or, added, that the run has with another command), {@code
   * why} in words.
   */
  record RunRefused(Kind kind, String why) {
    public enum Kind { NO_RUN, NO_STEP, HAS_JOB }
  }

  /**
   * Answers why jobs naming these runs and steps cannot be submitted (an unknown run, a step
   * it does not have), or empty.
   */
  record CheckRuns(List<JobSpec> specs, ActorRef<Optional<String>> replyTo)
      implements Command {}

  record GetRun(String runId, ActorRef<Optional<Views.RunView>> replyTo) implements Command {}

  record ListRuns(ActorRef<List<Views.RunSummaryView>> replyTo) implements Command {}

  record GetJob(String jobId, ActorRef<Optional<JobView>> replyTo) implements Command {}

  /** Answers when the job is final (at once if it is); the caller bounds the wait. */
  record AwaitJob(String jobId, Duration within, ActorRef<Optional<JobView>> replyTo)
      implements Command {
    /** Waits as long as the longest wait a client may ask for. */
    public AwaitJob(String jobId, ActorRef<Optional<JobView>> replyTo) {
      this(jobId, LONGEST_WAIT, replyTo);
    }
  }

  /**
   * Answers with those of {@code jobIds} that are final, as soon as at least one is (at once if
   * one already is), or at once with the ids it does not know, if any. The caller bounds the wait.
   */
  record AwaitAny(List<String> jobIds, Duration within, ActorRef<Awaited> replyTo)
      implements Command {
    /** Waits as long as the longest wait a client may ask for. */
    public AwaitAny(List<String> jobIds, ActorRef<Awaited> replyTo) {
      this(jobIds, LONGEST_WAIT, replyTo);
    }
  }

  /** The answer to {@link AwaitAny}: the jobs that ended, or the ids no job has (then no wait). */
  record Awaited(List<JobView> ended, List<String> unknown) {}

  /**
   * Answers with the jobs of run {@code runId} that ended after {@code after}, as soon as there
   * is one (at once if there is); empty when the master has no such run. The caller bounds the
   * wait.
   */
  record AwaitRun(String runId, RunCursor after, Duration within,
      ActorRef<Optional<Views.RunEndedView>> replyTo) implements Command {}

  /**
   * The longest a waiter stays: {@code within} is the caller's bound of the wait (its ask's
   * timeout); after it the waiter is dropped, answered or not, so a long poll that timed out
   * leaves nothing behind.
   */
  Duration LONGEST_WAIT = Duration.ofMinutes(10);

  /** The newest {@code limit} jobs in {@code states} (any: null or empty) last run by {@code worker} (any: null). */
  record ListJobs(java.util.Set<JobState> states, String worker, int limit, ActorRef<List<JobView>> replyTo)
      implements Command {
    public ListJobs(java.util.Set<JobState> states, int limit, ActorRef<List<JobView>> replyTo) {
      this(states, null, limit, replyTo);
    }
  }

  record CancelJob(String jobId, ActorRef<CancelReply> replyTo) implements Command {}

  /** {@code view} is null when there is no such job; {@code error} says why it was not cancelled. */
  record CancelReply(JobView view, String error) {}

  /**
   * Cancels many jobs in one decision (one journal write): those named by {@code ids} (null: any
   * job), of run {@code run} (null: any), in one of {@code states} (QUEUED, RUNNING).
   */
  record CancelJobs(List<String> ids, String run, Set<JobState> states,
      ActorRef<CancelledJobs> replyTo) implements Command {}

  /**
   * What {@link CancelJobs} did: {@code cancelled} queued jobs ended, {@code killing} running
   * ones told to stop; {@code finished}: named jobs that had ended already; {@code unknown}: named
   * ids the master does not hold, or the run, when the master has no such run (then nothing was
   * cancelled).
   */
  record CancelledJobs(int cancelled, int killing, int finished, List<String> unknown) {}

  record ListWorkers(ActorRef<List<WorkerView>> replyTo) implements Command {}

  /** The master is shutting down: start nothing more; what runs finishes or is drained. */
  record Close() implements Command {}

  record GetHealth(ActorRef<Views.Health> replyTo) implements Command {}

  // ---- from the pool scaler ----

  /**
   * From now on {@code watcher} (in place of an earlier one) hears the {@link Demand} at once and
   * whenever it changed, at most once per {@code atMostEvery}: {@link DemandWatch}.
   */
  record WatchDemand(ActorRef<Demand> watcher, Duration atMostEvery) implements Command {}

  /**
   * The sources of the worker directory whose spawns fail now, each with how (their failures in
   * a row and the last one), in place of those told before: a queued job that only they could
   * serve says so in its reason.
   */
  record SourcesFailing(Map<String, String> failing) implements Command {}

  /** The queued jobs by what they need of a worker, and every worker's load, at {@code at}. */
  record Demand(long at, List<Queued> queued, List<Load> workers)
      implements NoSerializationVerificationNeeded {}

  /** {@code count} jobs wait that need a worker with these labels and this many free slots. */
  record Queued(Set<String> requires, int slots, int count) {}

  /**
   * A registered worker: {@code busy} the slots its jobs hold (at most {@code slots}; the jobs
   * prefetched to it count in {@link Demand#queued}); {@code usable} when it may be given a job
   * now.
   */
  record Load(String id, int slots, int busy, Set<String> labels,
      boolean usable, boolean draining, boolean embedded, long registeredAt, long lastBusy) {}

  // ---- to the system's event stream ----

  /**
   * One write of the journal is done: {@code nanos} from the command's decision to the end of
   * its group commit (the fsync included when the journal is synced), for {@code events} events.
   * Published on the system's event stream for the metrics.
   */
  record JournalWritten(long nanos, int events) {}
}
