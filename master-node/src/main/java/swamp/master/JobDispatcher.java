package swamp.master;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import swamp.master.JobBook.Job;
import swamp.master.Views.JobView;
import swamp.master.Views.WorkerView;
import swamp.protocol.DispatchProtocol.JobFinished;
import swamp.protocol.DispatchProtocol.JobRejected;
import swamp.protocol.DispatchProtocol.ToDispatcher;
import swamp.protocol.JobSpec;
import swamp.protocol.JobState;
import swamp.protocol.RegistryProtocol.RegOk;
import swamp.protocol.RegistryProtocol.RunningJob;
import swamp.protocol.WorkerOffer;
import swamp.protocol.WorkerProtocol;
import swamp.protocol.WorkerProtocol.ToWorker;

/**
 * The queue and the assignment of jobs to slots. It takes the workers the {@link WorkerRegistry}
 * admits (and answers them {@link RegOk}, so that the RegOk and the jobs that follow come from one
 * sender, in order), sends each {@code Job} straight to its worker with an attempt number, and
 * takes {@code JobFinished} straight back; a finish for an older attempt is ignored. All state is
 * in the {@link JobBook}.
 */
public final class JobDispatcher extends AbstractBehavior<JobDispatcher.Command> {

  public interface Command extends NoSerializationVerificationNeeded {}

  // ---- from the registry ----

  /** A worker passed the registry's checks: add its slots and answer it RegOk. */
  record Admit(String workerId, WorkerOffer offer, List<RunningJob> running,
      ActorRef<ToWorker> worker) implements Command {}

  /** Dismissed (or near its walltime): no new jobs for it; the ones it runs finish as usual. */
  public record Drain(String workerId) implements Command {}

  /** The node at {@code address} is unreachable ({@code suspended}) or reachable again. */
  record Suspend(org.apache.pekko.actor.Address address, boolean suspended) implements Command {}

  /** The process of the node at {@code address} is known to be dead: remove its workers now. */
  record NodeGone(org.apache.pekko.actor.Address address, String reason) implements Command {}

  /** Gone (unregistered, stopped or downed): its running jobs run again elsewhere. */
  record Remove(String workerId, String reason) implements Command {}

  // ---- from clients, through the MasterActor ----

  public record Submit(List<JobSpec> specs, ActorRef<List<String>> replyTo) implements Command {}

  public record GetJob(String jobId, ActorRef<java.util.Optional<JobView>> replyTo) implements Command {}

  /** Answers when the job is final (at once if it is); the caller bounds the wait. */
  public record AwaitJob(String jobId, ActorRef<java.util.Optional<JobView>> replyTo) implements Command {}

  /**
   * Answers with those of {@code jobIds} that are final, as soon as at least one is (at once if
   * one already is); unknown ids are left out. The caller bounds the wait.
   */
  public record AwaitAny(List<String> jobIds, ActorRef<List<JobView>> replyTo) implements Command {}

  public record ListJobs(JobState state, int limit, ActorRef<List<JobView>> replyTo) implements Command {}

  public record CancelJob(String jobId, ActorRef<CancelReply> replyTo) implements Command {}

  /** {@code view} is null when there is no such job; {@code error} says why it was not cancelled. */
  public record CancelReply(JobView view, String error) {}

  public record ListWorkers(ActorRef<List<WorkerView>> replyTo) implements Command {}

  /** The master is shutting down: start nothing more; what runs finishes or is drained. */
  public record Close() implements Command {}

  public record GetHealth(ActorRef<Views.Health> replyTo) implements Command {}

  // ---- from the pool scaler ----

  /** What waits for a worker and what the workers have free, now. */
  public record GetDemand(ActorRef<Demand> replyTo) implements Command {}

  /** The queued jobs by what they need of a worker, and every worker's load, at {@code at}. */
  public record Demand(long at, List<Queued> queued, List<Load> workers)
      implements NoSerializationVerificationNeeded {}

  /** {@code count} jobs wait that need a worker with these labels and this many free slots. */
  public record Queued(java.util.Set<String> requires, int slots, int count) {}

  /** A registered worker: {@code usable} when it may be given a job now. */
  public record Load(String id, int slots, int busy, java.util.Set<String> labels,
      boolean usable, boolean draining, boolean embedded, long registeredAt, long lastBusy) {}

  private record FromWorker(ToDispatcher message) implements Command {}

  private final long masterEpoch;
  private final JobBook book;
  private final ActorRef<ToDispatcher> inbox;
  private final Map<String, List<Waiter>> waiters = new HashMap<>();
  private boolean closed;

  public static Behavior<Command> create(long masterEpoch, JobBook.LocalExec localExec,
      int retainFinished) {
    return Behaviors.setup(ctx -> new JobDispatcher(ctx, masterEpoch,
        new JobBook(localExec, retainFinished)));
  }

  private JobDispatcher(ActorContext<Command> context, long masterEpoch, JobBook book) {
    super(context);
    this.masterEpoch = masterEpoch;
    this.book = book;
    this.inbox = context.messageAdapter(ToDispatcher.class, FromWorker::new);
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Submit.class, this::onSubmit)
        .onMessage(FromWorker.class, m -> m.message() instanceof JobFinished, m -> onJobFinished((JobFinished) m.message()))
        .onMessage(FromWorker.class, m -> m.message() instanceof JobRejected, m -> onJobRejected((JobRejected) m.message()))
        .onMessage(Admit.class, this::onAdmit)
        .onMessage(Drain.class, this::onDrain)
        .onMessage(Remove.class, this::onRemove)
        .onMessage(Suspend.class, this::onSuspend)
        .onMessage(Close.class, c -> {
          closed = true;
          return this;
        })
        .onMessage(NodeGone.class, g -> {
          List<String> gone = book.workers().stream()
              .filter(w -> w.ref.path().address().equals(g.address())).map(w -> w.id).toList();
          gone.forEach(id -> onRemove(new Remove(id, g.reason())));
          return this;
        })
        .onMessage(GetJob.class, g -> { g.replyTo().tell(view(g.jobId())); return this; })
        .onMessage(AwaitJob.class, this::onAwaitJob)
        .onMessage(AwaitAny.class, this::onAwaitAny)
        .onMessage(ListJobs.class, l -> {
          l.replyTo().tell(book.recent(l.state(), l.limit()).stream().map(JobView::of).toList());
          return this;
        })
        .onMessage(CancelJob.class, this::onCancel)
        .onMessage(ListWorkers.class, l -> {
          l.replyTo().tell(book.workers().stream().filter(w -> !w.offer.embedded())
              .map(WorkerView::of).toList());
          return this;
        })
        .onMessage(GetDemand.class, g -> { g.replyTo().tell(demand()); return this; })
        .onMessage(GetHealth.class, h -> {
          h.replyTo().tell(new Views.Health("ok", masterEpoch, book.localExec().toString(),
              book.externalWorkers(), book.count(JobState.QUEUED), book.count(JobState.RUNNING),
              book.count(JobState.SUCCEEDED), book.count(JobState.FAILED),
              book.count(JobState.CANCELLED)));
          return this;
        })
        .build();
  }

  private Behavior<Command> onSubmit(Submit submit) {
    long now = System.currentTimeMillis();
    List<String> ids = new ArrayList<>(submit.specs().size());
    for (JobSpec spec : submit.specs()) {
      ids.add(book.submitted(spec, now).id);
    }
    submit.replyTo().tell(ids);
    return dispatch();
  }

  /**
   * Admits a worker and reconciles what it says it runs with the book: an attempt the master
   * still expects (running there, or back in the queue since the worker was lost) is adopted;
   * any other is killed, so a healed partition leaves no zombie and no job counted twice.
   */
  private Behavior<Command> onAdmit(Admit admit) {
    JobBook.Worker known = book.worker(admit.workerId());
    Map<String, Integer> claims = new HashMap<>();
    admit.running().forEach(r -> claims.put(r.jobId(), r.attempt()));
    JobBook.Worker worker = known;
    if (known == null || !known.ref.equals(admit.worker())) {
      if (known != null) { // the same id from a new incarnation: what it does not claim is lost
        for (Job job : book.workerLeft(admit.workerId())) {
          if (claims.getOrDefault(job.id, -1) == job.attempt) {
            book.requeued(job); // adopted again just below
          } else {
            lose(job, admit.workerId(), "registered again without it");
          }
        }
      }
      worker = new JobBook.Worker(admit.workerId(), admit.worker(), admit.offer(),
          System.currentTimeMillis());
      book.workerJoined(worker);
    }
    admit.worker().tell(new RegOk(masterEpoch, inbox));
    for (Map.Entry<String, Integer> claim : claims.entrySet()) {
      Job job = book.job(claim.getKey());
      boolean expected = job != null && job.attempt == claim.getValue()
          && (job.state == JobState.QUEUED
              || (job.state == JobState.RUNNING && admit.workerId().equals(job.workerId)));
      if (expected && job.state == JobState.QUEUED) {
        getContext().getLog().info("job {} attempt {} adopted from worker {}", job.id,
            job.attempt, admit.workerId());
        book.adopted(job, worker);
      } else if (!expected) {
        getContext().getLog().info("worker {} runs job {} attempt {}, which the master does not"
            + " expect: killing it", admit.workerId(), claim.getKey(), claim.getValue());
        admit.worker().tell(new WorkerProtocol.CancelJob(claim.getKey(), claim.getValue(),
            "the master does not expect this attempt (it ran elsewhere or was cancelled)"));
      }
    }
    return dispatch();
  }

  private Behavior<Command> onDrain(Drain drain) {
    JobBook.Worker w = book.worker(drain.workerId());
    if (w != null) {
      book.workerDraining(w);
    }
    return dispatch(); // the embedded worker may be usable again
  }

  private Behavior<Command> onSuspend(Suspend s) {
    for (JobBook.Worker w : book.workers()) {
      if (w.ref.path().address().equals(s.address())) {
        w.suspended = s.suspended();
      }
    }
    return dispatch();
  }

  private Behavior<Command> onRemove(Remove remove) {
    for (Job job : book.workerLeft(remove.workerId())) {
      lose(job, remove.workerId(), remove.reason());
    }
    return dispatch();
  }

  /** The worker running {@code job} is gone: the job runs again, or fails once it has too often. */
  private void lose(Job job, String workerId, String why) {
    job.workerLosses++;
    long now = System.currentTimeMillis();
    if (job.cancelRequested) {
      book.ended(job, JobState.CANCELLED, "cancelled; its worker " + workerId + " is gone", now);
      notifyWaiters(job);
    } else if (job.workerLosses >= job.spec.maxAttempts()) {
      book.ended(job, JobState.FAILED, "worker lost " + job.workerLosses + " times (last: "
          + workerId + ", " + why + ")", now);
      notifyWaiters(job);
    } else {
      getContext().getLog().info("job {} goes back to the queue: worker {} {}", job.id, workerId,
          why);
      book.requeued(job);
    }
  }

  private Behavior<Command> onJobFinished(JobFinished f) {
    Job job = book.job(f.jobId());
    if (job == null || job.state != JobState.RUNNING || job.attempt != f.attempt()
        || !job.workerId.equals(f.workerId()) || f.result() == null) {
      getContext().getLog().debug("ignoring a finish of job {} attempt {} from {}: stale",
          f.jobId(), f.attempt(), f.workerId());
      return this;
    }
    JobBook.Worker ranIt = book.worker(f.workerId());
    if (ranIt != null) {
      ranIt.lastBusy = System.currentTimeMillis();
    }
    if (f.result().state() == JobState.FAILED && !job.cancelRequested
        && job.failures < job.spec.retries()) {
      job.failures++;
      getContext().getLog().info("job {} attempt {} failed on {} ({}); retry {} of {}", job.id,
          job.attempt, f.workerId(), f.result().reason(), job.failures, job.spec.retries());
      job.result = f.result();
      book.requeued(job);
      return dispatch();
    }
    book.finished(job, f.result());
    getContext().getLog().debug("job {} {} on {}", job.id, job.state, f.workerId());
    notifyWaiters(job);
    return dispatch();
  }

  private Behavior<Command> onJobRejected(JobRejected r) {
    Job job = book.job(r.jobId());
    if (job != null && job.state == JobState.RUNNING && job.attempt == r.attempt()
        && job.workerId.equals(r.workerId())) {
      getContext().getLog().debug("worker {} did not take job {}: {}", r.workerId(), r.jobId(),
          r.reason());
      JobBook.Worker w = book.worker(r.workerId());
      if (w != null && !w.draining && r.reason() != null && r.reason().contains("draining")) {
        book.workerDraining(w);
      }
      if (job.cancelRequested) { // the rejection crossed the cancel: it must not start again
        book.ended(job, JobState.CANCELLED, "cancelled before it ran", System.currentTimeMillis());
        notifyWaiters(job);
        return dispatch();
      }
      book.requeued(job);
    }
    return dispatch();
  }

  private Behavior<Command> onAwaitJob(AwaitJob await) {
    Job job = book.job(await.jobId());
    if (job == null || job.state.isFinal()) {
      await.replyTo().tell(view(await.jobId()));
    } else {
      waitFor(job, new Waiter(v -> await.replyTo().tell(java.util.Optional.of(v))));
    }
    return this;
  }

  private Behavior<Command> onAwaitAny(AwaitAny await) {
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
      Waiter first = new Waiter(v -> await.replyTo().tell(List.of(v)));
      open.forEach(job -> waitFor(job, first));
    }
    return this;
  }

  private void waitFor(Job job, Waiter waiter) {
    waiters.computeIfAbsent(job.id, k -> new ArrayList<>()).add(waiter);
  }

  /** Someone waiting for a job to end; one waiting on several jobs hears of the first only. */
  private static final class Waiter {
    private final java.util.function.Consumer<JobView> answer;
    private boolean answered;

    Waiter(java.util.function.Consumer<JobView> answer) {
      this.answer = answer;
    }

    void answer(JobView v) {
      if (!answered) {
        answered = true;
        answer.accept(v);
      }
    }
  }

  private Behavior<Command> onCancel(CancelJob cancel) {
    Job job = book.job(cancel.jobId());
    if (job == null) {
      cancel.replyTo().tell(new CancelReply(null, "no job " + cancel.jobId()));
      return this;
    }
    switch (job.state) {
      case QUEUED -> {
        book.ended(job, JobState.CANCELLED, "cancelled before it ran", System.currentTimeMillis());
        notifyWaiters(job);
      }
      case RUNNING -> {
        job.cancelRequested = true;
        JobBook.Worker w = book.worker(job.workerId);
        if (w != null) {
          w.ref.tell(new WorkerProtocol.CancelJob(job.id, job.attempt, "cancelled by request"));
        }
      }
      default -> {
        cancel.replyTo().tell(new CancelReply(JobView.of(job),
            "job " + job.id + " has already finished (" + job.state + ")"));
        return this;
      }
    }
    getContext().getLog().info("job {} cancel requested", job.id);
    cancel.replyTo().tell(new CancelReply(JobView.of(job), null));
    return this;
  }

  /** Starts every job that can start now. */
  private Behavior<Command> dispatch() {
    if (closed) {
      return this;
    }
    for (JobBook.Assignment a : book.assign(System.currentTimeMillis())) {
      Job job = a.job();
      a.worker().ref.tell(new WorkerProtocol.Job(job.id, job.attempt, job.spec));
      if (getContext().getLog().isDebugEnabled()) {
        getContext().getLog().debug("job {} attempt {} -> {}: {}", job.id, job.attempt,
            a.worker().id, job.spec.argv());
      }
    }
    return this;
  }

  private Demand demand() {
    List<Queued> queued = new ArrayList<>();
    book.queuedCounts().forEach((k, n) -> queued.add(new Queued(k.requires(), k.slots(), n)));
    List<Load> loads = new ArrayList<>();
    for (JobBook.Worker w : book.workers()) {
      loads.add(new Load(w.id, w.offer.slots(), w.usedSlots, w.labels, book.usable(w), w.draining,
          w.offer.embedded(), w.registeredAt, w.lastBusy));
    }
    return new Demand(System.currentTimeMillis(), queued, loads);
  }

  private void notifyWaiters(Job job) {
    List<Waiter> list = waiters.remove(job.id);
    if (list != null) {
      JobView v = JobView.of(job);
      list.forEach(w -> w.answer(v));
    }
  }

  private java.util.Optional<JobView> view(String jobId) {
    Job job = book.job(jobId);
    return job == null ? java.util.Optional.empty() : java.util.Optional.of(JobView.of(job));
  }
}
