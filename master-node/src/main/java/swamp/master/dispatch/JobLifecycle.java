package swamp.master.dispatch;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorRef;
import org.slf4j.Logger;
import swamp.master.dispatch.DispatcherProtocol.CancelJob;
import swamp.master.dispatch.DispatcherProtocol.CancelJobs;
import swamp.master.dispatch.DispatcherProtocol.CancelledJobs;
import swamp.master.dispatch.DispatcherProtocol.CancelReply;
import swamp.master.dispatch.DispatcherProtocol.Submit;
import swamp.master.dispatch.DispatcherProtocol.Submitted;
import swamp.master.dispatch.Views.JobView;
import swamp.master.membership.MembershipEvent;
import swamp.protocol.JobState;
import swamp.protocol.ToMaster.JobFinished;
import swamp.protocol.ToMaster.JobRejected;
import swamp.protocol.ToMaster.JobsFinished;
import swamp.protocol.ToMaster;
import swamp.protocol.ToWorker.RegOk;
import swamp.protocol.ToWorker;

/**
 * A job's life as workers come and go: the decisions of the {@link JobDispatcher}, apart from
 * its journal. Each decision changes the {@link JobBook} (which keeps the events for the
 * journal) and queues what it tells others (its {@link Outbox}), which the dispatcher sends
 * once the events are written. Actor-free: its clock is injected, and its only actor is the
 * {@link LongPolls}' timer.
 *
 * <p>A worker's reports count only from the ref registered under the worker id they name, and a
 * finish only from the worker that holds the attempt; anything else is dropped with a warning
 * that names the sender. An admitted worker's claims are reconciled with the book: an attempt
 * the master still expects is adopted, any other is cancelled before the worker hears RegOk.
 */
final class JobLifecycle {
  private final JobBook book;
  private final LongPolls polls;
  private final Logger log;
  private final Clock clock;
  private final long masterEpoch;
  private final Duration recoveryGrace;
  /** The ref workers report to, sent with RegOk; known once the inbox is attached. */
  private ActorRef<ToMaster> forWorkers;
  /** What the current command tells others, once its events are journaled. */
  private final Outbox outbox = new Outbox();
  private final HandBacks handBacks = new HandBacks();
  private boolean closed;

  JobLifecycle(JobBook book, LongPolls polls, Logger log, Clock clock, long masterEpoch,
      Duration recoveryGrace) {
    this.book = book;
    this.polls = polls;
    this.log = log;
    this.clock = clock;
    this.masterEpoch = masterEpoch;
    this.recoveryGrace = recoveryGrace;
  }

  /** Workers admitted from now on report to {@code forWorkers}. */
  void attach(ActorRef<ToMaster> forWorkers) {
    this.forWorkers = forWorkers;
  }

  /** Tells {@code to} once the current command's events are journaled. */
  <T> void later(ActorRef<T> to, T message) {
    outbox.tell(to, message);
  }

  /** What the decisions since the last call tell others, in order. */
  List<Runnable> takeEffects() {
    return outbox.take(polls.settle(book));
  }

  /** The master is shutting down: start nothing more; what runs finishes or is drained. */
  void close() {
    closed = true;
  }

  /** Drops the finished jobs older than {@code retainFor}; returns how many. */
  int expire(Duration retainFor) {
    return book.forget(clock.millis() - retainFor.toMillis());
  }

  void submit(Submit submit) {
    long late = submit.answerBy() == 0 ? 0 : clock.millis() - submit.answerBy();
    if (late > 0) {
      log.warn("dropped a submission of {} job(s) that reached the dispatcher {} ms after its"
          + " client stopped waiting (answered 503): not accepted", submit.specs().size(), late);
      return;
    }
    List<JobEvent.NewJob> requested = new ArrayList<>(submit.specs().size());
    for (int i = 0; i < submit.specs().size(); i++) {
      String key = submit.keys() == null ? null : submit.keys().get(i);
      requested.add(new JobEvent.NewJob(key, submit.specs().get(i)));
    }
    String conflict = book.keyConflict(requested);
    if (conflict != null) {
      later(submit.replyTo(), new Submitted(List.of(), conflict));
      return;
    }
    List<String> ids = book.submit(requested, clock.millis()).stream()
        .map(j -> j.id).toList();
    later(submit.replyTo(), new Submitted(ids, null));
    dispatch();
  }

  /** The workers that ran the orphans did not come back in time: the jobs run elsewhere. */
  void graceOver() {
    book.slots().orphans().forEach((workerId, jobs) -> jobs.forEach(job -> lose(job, workerId,
        "did not register again within " + recoveryGrace
            + " of the master's restart")));
    dispatch();
  }

  /**
   * Admits a worker and reconciles what it says it runs with the book: an attempt the master
   * still expects (running there, or back in the queue since the worker was lost) is adopted;
   * any other is killed, so a healed partition leaves no zombie and no job counted twice.
   */
  void admit(MembershipEvent.WorkerJoined admit) {
    SlotTable.Worker known = book.slots().worker(admit.workerId());
    Map<String, Integer> claims = new HashMap<>();
    admit.running().forEach(r -> claims.put(r.jobId(), r.attempt()));
    SlotTable.Worker worker = known;
    if (known == null || !known.ref.equals(admit.worker())) {
      if (known != null) { // the same id from a new incarnation: what it does not claim is lost
        for (Job job : newestFirst(book.slots().left(admit.workerId()))) {
          if (claims.getOrDefault(job.id, -1) == job.attempt) {
            book.requeue(job, "worker " + admit.workerId() + " registered again, running it still",
                clock.millis()); // adopted again just below
          } else {
            lose(job, admit.workerId(), "registered again without it");
          }
        }
      }
      worker = new SlotTable.Worker(admit.workerId(), admit.worker(), admit.offer(),
          clock.millis());
      book.slots().joined(worker);
    }
    for (Map.Entry<String, Integer> claim : claims.entrySet()) {
      Job job = book.job(claim.getKey());
      boolean expected = job != null && job.attempt == claim.getValue()
          && (job.state == JobState.QUEUED
              || (job.state == JobState.RUNNING && admit.workerId().equals(job.workerId)));
      if (expected && job.state == JobState.QUEUED) {
        log.info("job {} attempt {} adopted from worker {}", job.id,
            job.attempt, admit.workerId());
        book.adopt(job, worker);
      } else if (expected) {
        // an orphan since the master restarted, or already its own
        book.slots().reclaim(job, worker);
      } else {
        log.info("worker {} runs job {} attempt {}, which the master does not"
            + " expect: killing it", admit.workerId(), claim.getKey(), claim.getValue());
        later(admit.worker(), new ToWorker.CancelJob(claim.getKey(), claim.getValue(),
            "the master does not expect this attempt (it ran elsewhere or was cancelled)"));
      }
    }
    // a cancel the worker may not have heard of before the master lost it goes again
    for (Job mine : worker.running.values()) {
      if (mine.cancelRequested) {
        later(admit.worker(), new ToWorker.CancelJob(mine.id, mine.attempt,
            "cancelled by request"));
      }
    }
    // what the master gave it before a restart and it no longer runs will not finish there
    for (Job orphan : book.slots().orphansOf(admit.workerId())) {
      lose(orphan, admit.workerId(), "registered again after the master's restart or pause"
          + " without it");
    }
    // after the cancels: a worker whose jobs its lease holds stopped lets them go on at RegOk
    later(admit.worker(), new RegOk(masterEpoch, forWorkers));
    dispatch();
  }

  void drain(MembershipEvent.WorkerDraining drain) {
    SlotTable.Worker w = book.slots().worker(drain.workerId());
    if (w != null) {
      book.slots().draining(w);
      // what waits there for a slot would wait for its end: it goes elsewhere
      for (Job job : w.prefetched()) {
        if (handBacks.ask(job)) {
          later(w.ref, new ToWorker.HandBack(job.id, job.attempt));
        }
      }
    }
    dispatch(); // the embedded worker may be usable again
  }

  void reachability(MembershipEvent.WorkerReachability r) {
    SlotTable.Worker w = book.slots().worker(r.workerId());
    if (w != null) {
      w.suspended = !r.reachable();
    }
    dispatch();
  }

  void remove(MembershipEvent.WorkerLeft remove) {
    List<Job> running = book.slots().left(remove.workerId());
    if (remove.mayReturn()) {
      // the master was paused: the worker may run them still, from a node it joined with since;
      // they are orphans, as after a restart, until it registers again or the grace is over
      for (Job job : running) {
        log.info("job {} waits for worker {} to register again: it {} just after the master"
            + " was paused, and may still run it", job.id, remove.workerId(), remove.reason());
        book.slots().take(job, remove.workerId());
      }
      dispatch();
      return;
    }
    // newest first: each put back at the front of its queue, they wait in the order they came
    for (Job job : newestFirst(running)) {
      lose(job, remove.workerId(), remove.reason());
    }
    dispatch();
  }

  /** The worker running {@code job} is gone: the job runs again, or fails once it has too often. */
  private void lose(Job job, String workerId, String why) {
    book.lostWorker(job);
    long now = clock.millis();
    if (job.cancelRequested) {
      book.end(job, JobState.CANCELLED, "cancelled; its worker " + workerId + " is gone", now);
      notifyWaiters(job);
    } else if (job.workerLosses >= job.spec.maxAttempts()) {
      book.end(job, JobState.FAILED, "worker lost " + job.workerLosses + " times (last: "
          + workerId + ", " + why + ")", now);
      notifyWaiters(job);
    } else {
      log.info("job {} goes back to the queue: worker {} {}", job.id, workerId,
          why);
      book.requeue(job, "worker " + workerId + " lost (" + why + ")", now);
    }
  }

  /**
   * The registered worker that sent a report naming {@code workerId} and {@code sender}; null,
   * with a warning naming the sender, when no worker is registered under that id with that ref.
   */
  private SlotTable.Worker reporter(String what, String workerId, ActorRef<ToWorker> sender) {
    SlotTable.Worker w = workerId == null ? null : book.slots().worker(workerId);
    if (w != null && w.ref.equals(sender)) {
      return w;
    }
    log.warn("ignoring {} that names worker {}: sent by {}, {}", what, workerId,
        sender, w == null ? "and no worker is registered under that id"
            : "not by the worker registered under that id (" + w.ref + ")");
    return null;
  }

  /** A worker's finishes: each is recorded (or known to be stale), and then acknowledged. */
  void finished(JobsFinished report) {
    List<JobFinished> finishes = report.finishes();
    if (finishes.isEmpty()) {
      return;
    }
    JobFinished first = finishes.get(0);
    SlotTable.Worker from = reporter(finishes.size() == 1
        ? "the finish of job " + first.jobId() + " attempt " + first.attempt()
        : finishes.size() + " finishes", first.workerId(), report.worker());
    if (from == null) {
      return;
    }
    // once recorded (or known to be stale) the worker may forget them
    outbox.recorded(from.ref, finishes);
    for (JobFinished f : finishes) {
      finished(f, report.worker());
    }
    dispatch(); // once for the slots they all freed: their jobs go in one message
  }

  private void finished(JobFinished f, ActorRef<ToWorker> sender) {
    Job job = book.job(f.jobId());
    if (job != null && job.state == JobState.RUNNING && job.attempt == f.attempt()
        && !job.workerId.equals(f.workerId())) {
      log.warn("ignoring the finish of job {} attempt {} sent by worker {} ({}):"
          + " worker {} holds that attempt", f.jobId(), f.attempt(), f.workerId(), sender,
          job.workerId);
      return;
    }
    if (job == null || job.state != JobState.RUNNING || job.attempt != f.attempt()
        || !job.workerId.equals(f.workerId()) || f.result() == null) {
      log.debug("ignoring a finish of job {} attempt {} from {}: stale",
          f.jobId(), f.attempt(), f.workerId());
      return;
    }
    SlotTable.Worker ranIt = book.slots().worker(f.workerId());
    if (ranIt != null) {
      ranIt.lastBusy = clock.millis();
    }
    if (f.result().state() == JobState.FAILED && !job.cancelRequested
        && job.failures < job.spec.retries()) {
      book.retry(job, f.result());
      log.info("job {} attempt {} failed on {} ({}); retry {} of {}", job.id,
          job.attempt, f.workerId(), f.result().reason(), job.failures, job.spec.retries());
      return;
    }
    book.finish(job, f.result(), clock.millis());
    log.debug("job {} {} on {}", job.id, job.state, f.workerId());
    notifyWaiters(job);
  }

  void rejected(JobRejected r) {
    if (reporter("the rejection of job " + r.jobId() + " attempt " + r.attempt(), r.workerId(),
        r.worker()) == null) {
      return;
    }
    Job job = book.job(r.jobId());
    if (job != null && job.state == JobState.RUNNING && job.attempt == r.attempt()
        && job.workerId.equals(r.workerId())) {
      log.debug("worker {} did not take job {}: {}", r.workerId(), r.jobId(),
          r.reason());
      SlotTable.Worker w = book.slots().worker(r.workerId());
      if (w != null && !w.draining && r.reason() != null && r.reason().contains("draining")) {
        book.slots().draining(w);
      }
      if (job.cancelRequested) { // the rejection crossed the cancel: it must not start again
        book.end(job, JobState.CANCELLED, "cancelled before it ran", clock.millis());
        notifyWaiters(job);
        dispatch();
        return;
      }
      String why = "rejected by worker " + r.workerId()
          + (r.reason() == null ? "" : " (" + r.reason() + ")");
      if (handBacks.answered(job)) {
        book.returned(job, why, clock.millis()); // asked back: its attempt never ran
      } else {
        book.requeue(job, why, clock.millis());
      }
    }
    dispatch();
  }

  void cancel(CancelJob cancel) {
    Job job = book.job(cancel.jobId());
    if (job == null) {
      cancel.replyTo().tell(new CancelReply(null, "no job " + cancel.jobId()));
      return;
    }
    if (job.state.isFinal()) {
      cancel.replyTo().tell(new CancelReply(JobView.of(job),
          "job " + job.id + " has already finished (" + job.state + ")"));
      return;
    }
    cancelUnfinished(job);
    log.info("job {} cancel requested", job.id);
    later(cancel.replyTo(), new CancelReply(JobView.of(job), null));
  }

  /** Cancels the unfinished jobs {@link CancelJobs} names, all in this one decision. */
  void cancel(CancelJobs cancel) {
    List<String> unknown = new ArrayList<>();
    List<Job> chosen = new ArrayList<>();
    if (cancel.run() != null && book.runs().get(cancel.run()) == null) {
      later(cancel.replyTo(), new CancelledJobs(0, 0, 0, List.of(cancel.run())));
      return;
    }
    if (cancel.ids() == null) {
      chosen.addAll(book.jobs()); // a copy: ending a job changes the book
    } else {
      for (String id : new java.util.LinkedHashSet<>(cancel.ids())) {
        Job job = book.job(id);
        if (job == null) {
          unknown.add(id);
        } else {
          chosen.add(job);
        }
      }
    }
    int cancelled = 0;
    int killing = 0;
    int finished = 0;
    for (Job job : chosen) {
      if (cancel.run() != null && !cancel.run().equals(job.spec.run())) {
        continue;
      }
      if (job.state.isFinal()) {
        finished += cancel.ids() == null ? 0 : 1;
      } else if (cancel.states().contains(job.state)) {
        if (job.state == JobState.QUEUED) {
          cancelled++;
        } else {
          killing++;
        }
        cancelUnfinished(job);
      }
    }
    if (cancelled + killing > 0) {
      log.info("{} queued job(s) cancelled, {} running told to stop", cancelled, killing);
    }
    later(cancel.replyTo(), new CancelledJobs(cancelled, killing, finished, unknown));
  }

  /** A queued job ends CANCELLED; a running one's worker is told to stop it. */
  private void cancelUnfinished(Job job) {
    if (job.state == JobState.QUEUED) {
      book.end(job, JobState.CANCELLED, "cancelled before it ran", clock.millis());
      notifyWaiters(job);
    } else {
      book.requestCancel(job);
      SlotTable.Worker w = book.slots().worker(job.workerId);
      if (w != null) {
        later(w.ref, new ToWorker.CancelJob(job.id, job.attempt, "cancelled by request"));
      }
    }
  }

  /** Starts every job that can start now. */
  void dispatch() {
    if (closed) {
      return;
    }
    // what one dispatch gives one worker goes in one message
    Map<SlotTable.Worker, List<ToWorker.Job>> given = new LinkedHashMap<>();
    for (JobBook.Assignment a : book.assign(clock.millis())) {
      Job job = a.job();
      given.computeIfAbsent(a.worker(), w -> new ArrayList<>())
          .add(new ToWorker.Job(job.id, job.attempt, job.spec));
      if (log.isDebugEnabled()) {
        log.debug("job {} attempt {} -> {}: {}", job.id, job.attempt,
            a.worker().id, job.spec.argv());
      }
    }
    given.forEach((w, jobs) -> outbox.jobs(w.ref, jobs));
    if (book.slots().prefetch() > 0) {
      for (HandBacks.Ask ask : handBacks.rebalance(book.slots())) {
        later(ask.holder().ref, new ToWorker.HandBack(ask.job().id, ask.job().attempt));
      }
    }
  }

  private static List<Job> newestFirst(List<Job> jobs) {
    List<Job> out = new ArrayList<>(jobs);
    java.util.Collections.reverse(out);
    return out;
  }

  /** {@code job} ended: whoever waits for it hears so once this command is journaled. */
  private void notifyWaiters(Job job) {
    Runnable answer = polls.ended(job);
    if (answer != null) {
      outbox.run(answer);
    }
  }
}
