package swamp.worker;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.BiFunction;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import swamp.node.Blocking;
import swamp.protocol.JobResult;
import swamp.protocol.JobState;
import swamp.protocol.ToMaster.JobFinished;
import swamp.protocol.ToMaster.JobRejected;
import swamp.protocol.ToMaster.JobsFinished;
import swamp.protocol.ToMaster;
import swamp.protocol.ToRegistry.RunningJob;
import swamp.protocol.ToWorker.CancelJob;
import swamp.protocol.ToWorker.HandBack;
import swamp.protocol.ToWorker.Job;
import swamp.protocol.ToWorker;

/**
 * What becomes of the jobs the master gives a worker: each runs in a watched {@link JobRunner}
 * child, or waits for a slot ({@link WorkerSlots}), or is rejected; its finish is kept in the
 * {@link JobTable} and sent to the master until the master acknowledges it. {@link WorkerActor}
 * and {@link WorkerLeaving} keep the life cycle (when to take jobs, when to leave, who the master
 * is) and hand each job message here; this runs on the actor's thread, with its context, and is
 * no actor itself.
 */
final class WorkerJobs {

  private final ActorContext<WorkerProtocol.Command> context;
  private final WorkerSettings settings;
  /** Whether the worker's own directory was found unusable: told to the actor once. */
  private boolean dirUnusable;
  private final Executables executables;
  private final JobTable table;
  /** How the master and the runners address this worker. */
  private final ActorRef<ToWorker> self;
  /** Where the runners tell their processes' end and their attempt's end. */
  private final ActorRef<JobRunner.Event> runnerNews;
  /** The message that tells the worker a runner stopped, by job id and attempt. */
  private final BiFunction<String, Integer, WorkerProtocol.Command> runnerStopped;
  /** The jobs running here and those waiting for a slot. */
  private final WorkerSlots<ActorRef<JobRunner.Command>> slots;
  /** The finishes sent to the current master and not yet acknowledged. */
  private final Set<RunningJob> sent = new java.util.HashSet<>();
  /** Where the reports go; null while this incarnation has no master. */
  private ActorRef<ToMaster> master;
  /** What the worker is told to {@link #deliver} the finishes, once its mailbox is handled. */
  private final WorkerProtocol.Command deliver;
  /** Whether that message is on its way. */
  private boolean deliveryDue;
  /** The jobs the signal that stops this worker ended too. */
  private final StopInterruptions stops;

  WorkerJobs(ActorContext<WorkerProtocol.Command> context, WorkerSettings settings,
      Executables executables, JobTable table, ActorRef<ToWorker> self,
      ActorRef<JobRunner.Event> runnerNews,
      BiFunction<String, Integer, WorkerProtocol.Command> runnerStopped,
      WorkerProtocol.Command deliver, Duration interruptWait,
      BiFunction<String, Integer, WorkerProtocol.Command> holdOver) {
    this.context = context;
    this.settings = settings;
    this.executables = executables;
    this.table = table;
    this.self = self;
    this.runnerNews = runnerNews;
    this.runnerStopped = runnerStopped;
    this.deliver = deliver;
    this.stops = new StopInterruptions(context, table, interruptWait, holdOver);
    this.slots = new WorkerSlots<>(settings.slots());
  }

  /**
   * Takes over what a previous incarnation left in the table: its running jobs, watched here as
   * if they had started here, and its waiting ones, which start once registered.
   */
  void adoptFromTable() {
    table.adopt().forEach(this::adopt);
    table.adoptWaiting().forEach(slots::queue);
  }

  /**
   * Reports go to {@code master} from now on (the one a RegOk named), and losing it is told to
   * the worker ({@link Internal.MasterLost}): whatever it has not acknowledged goes to it
   * (again), and the jobs held by the lease go on, the master's cancels having come first: what
   * still runs here is this worker's.
   */
  void follow(ActorRef<ToMaster> master) {
    if (!master.equals(this.master)) {
      if (this.master != null) {
        context.unwatch(this.master);
      }
      context.watchWith(master, new Internal.MasterLost(master));
    }
    reportTo(master);
    deliver();
    resume();
  }

  /**
   * The master this incarnation reports to (null: none now). Whatever it has not acknowledged
   * goes to it again, whether it is a new master or the same after a partition.
   */
  void reportTo(ActorRef<ToMaster> master) {
    this.master = master;
    sent.clear();
  }

  ActorRef<ToMaster> master() {
    return master;
  }

  void onJob(Job job) {
    WorkerSlots.Admission admission = slots.admit(job, Reaper.held());
    if (admission.refusal() != null) {
      reject(job, admission.refusal());
    } else if (admission.startsNow()) {
      start(job);
    }
  }

  /** The lease lets the jobs go on; those waiting for a slot may start. */
  void resume() {
    Reaper.resume();
    startWaiting();
  }

  /** Starts the jobs that wait here, in order, while their slots are free. */
  private void startWaiting() {
    // not before this incarnation is registered: the master may have given them away meanwhile;
    // nor while a signal that ended a job may be stopping this worker (see onRunner)
    Job next;
    while (!Reaper.held() && master != null && stops.quiet()
        && (next = slots.nextToStart()) != null) {
      start(next);
    }
  }

  /** The master wants a job back that waits here: it goes where a slot is free now. */
  void onHandBack(HandBack back) {
    Job job = slots.unqueue(back.jobId(), back.attempt());
    if (job != null) {
      reject(job, "handed back: it had not started, waiting here for a slot");
    } // else it started: it runs on
  }

  private void start(Job job) {
    if (settings.dryRun()) {
      table.finished(new JobFinished(job.jobId(), job.attempt(), settings.workerId(),
          ProgramCheck.dryRun(job.spec(), settings, executables)));
      deliverSoon();
      return;
    }
    String unusable = WorkDirs.unusable(settings.workDir(), JobStreams.FULL_BELOW);
    if (unusable != null) {
      // the job would fail here for want of the worker's own files, and the next one, and every
      // one the master sends: it goes elsewhere, and this worker drains and leaves
      reject(job, "worker is draining: " + unusable);
      if (!dirUnusable) {
        dirUnusable = true;
        context.getSelf().tell(new Internal.DirUnusable(unusable));
      }
      return;
    }
    track(job.jobId(), job.attempt(), job.spec().slots(), JobRunner.create(
        job.jobId(), job.attempt(), job.spec(), settings, executables, table, runnerNews));
    context.getLog().debug("job {} attempt {}: {}", job.jobId(), job.attempt(), job.spec().argv());
  }

  /** A job a previous incarnation left running: watched here as if it had started here. */
  private void adopt(JobTable.Live job) {
    track(job.jobId(), job.attempt(), job.spec().slots(),
        JobRunner.adopt(job, settings, table, runnerNews));
    context.getLog().info("job {} attempt {} (pid {}) kept running across the rejoin",
        job.jobId(), job.attempt(), job.process().pid());
  }

  private void track(String jobId, int attempt, int jobSlots, Behavior<JobRunner.Command> runner) {
    // on the process dispatcher: a runner starts its processes as it sets up, with no hop more
    ActorRef<JobRunner.Command> ref = context.spawnAnonymous(runner,
        DispatcherSelector.fromConfig(Blocking.JOBS.dispatcher));
    context.watchWith(ref, runnerStopped.apply(jobId, attempt));
    slots.started(jobId, attempt, jobSlots, ref);
  }

  void reject(Job job, String reason) {
    ToMaster rejected = new JobRejected(job.jobId(), job.attempt(), settings.workerId(), reason,
        self);
    if (master != null) {
      master.tell(rejected);
    }
  }

  /** Draining: the jobs waiting here go back to the master, in order. */
  void rejectWaiting(String reason) {
    slots.unqueueAll().forEach(j -> reject(j, reason));
  }

  void onCancel(CancelJob cancel) {
    if (slots.unqueue(cancel.jobId(), cancel.attempt()) != null) { // never started: ends at once
      table.finished(new JobFinished(cancel.jobId(), cancel.attempt(), settings.workerId(),
          JobResult.notStarted(JobState.CANCELLED, settings.workerId(), cancel.reason())));
      deliverSoon();
      return;
    }
    ActorRef<JobRunner.Command> runner = slots.runner(cancel.jobId(), cancel.attempt());
    if (runner != null) {
      if (Reaper.held()) { // stopped by the lease: it must not run on for a moment when resumed
        table.live().stream()
            .filter(j -> j.jobId().equals(cancel.jobId()) && j.attempt() == cancel.attempt())
            .forEach(j -> Reaper.killNow(j.processes()));
      }
      runner.tell(new JobRunner.Cancel(cancel.reason()));
    }
  }

  /** Cancels every job running here (the drain grace is over). */
  void cancelRunning(String reason) {
    slots.runners().forEach(r -> r.tell(new JobRunner.Cancel(reason)));
  }

  /**
   * A runner's news: its job's processes ended (the next job may have their slots while the
   * runner reads the output), or the attempt is over (its finish is in the table).
   */
  void onRunner(JobRunner.Event event) {
    if (event instanceof JobRunner.ProcessesEnded e) {
      if (slots.exited(event.jobId(), event.attempt())) {
        // a grid's cancel may be ending this worker: the next job waits until that is understood
        stops.processesEnded(new RunningJob(e.jobId(), e.attempt()), e.signalled());
        startWaiting();
      }
    } else if (slots.ended(event.jobId(), event.attempt())) {
      if (stops.ended((JobRunner.Ended) event)) {
        deliverSoon(); // the runner put the finish in the table
      }
      startWaiting(); // (if the processes' end did not already, or it was held)
    }
  }

  /**
   * This worker is stopping by {@code signal}: the jobs it ended, now or a moment ago, are not
   * reported ({@link StopInterruptions}).
   */
  void stoppedBy(int signal) {
    stops.stoppedBy(signal);
    deliverSoon(); // any other finish held meanwhile
  }

  /** No stop signal came within the wait: the job's end was its own, and its finish goes. */
  void holdOver(String jobId, int attempt) {
    if (stops.holdOver(jobId, attempt)) {
      deliverSoon();
      startWaiting();
    }
  }

  /** The attempts the worker's stop signal ended, in words; empty when none. */
  String interrupted() {
    return stops.interrupted();
  }

  /** A runner that stopped without recording how its job ended crashed: the job failed. */
  void onRunnerStopped(String jobId, int attempt) {
    if (!slots.ended(jobId, attempt)) {
      return;
    }
    stops.runnerStopped(new RunningJob(jobId, attempt));
    startWaiting();
    if (!table.hasFinish(jobId, attempt)) {
      table.finished(new JobFinished(jobId, attempt, settings.workerId(),
          JobResult.notStarted(JobState.FAILED, settings.workerId(),
              "the job's runner on worker " + settings.workerId() + " crashed")));
    }
    deliverSoon();
  }

  /**
   * Sends the finishes once the messages already in the mailbox are handled: the jobs that end
   * meanwhile (a burst of dry runs, jobs ending together) go in the same {@link JobsFinished}.
   */
  private void deliverSoon() {
    if (!deliveryDue) {
      deliveryDue = true;
      context.getSelf().tell(deliver);
    }
  }

  /**
   * Sends the master the finishes it has not had yet, in one message; they stay in the table
   * until it acknowledges them ({@link ToWorker.FinishAck}, or within {@link ToWorker.Jobs}), so
   * a finish sent to a master that died on the way is sent again to the next one. With no master
   * they wait.
   */
  void deliver() {
    deliveryDue = false;
    if (master == null) {
      return;
    }
    List<JobFinished> fresh = new ArrayList<>();
    for (JobFinished finished : table.undelivered()) {
      RunningJob attempt = new RunningJob(finished.jobId(), finished.attempt());
      // a runner writes its finish before the worker hears of the end, which decides whether
      // it goes: one the worker has not handled yet, or holds, waits
      if (!slots.holds(attempt.jobId(), attempt.attempt()) && !stops.holds(attempt)
          && sent.add(attempt)) {
        fresh.add(finished);
      }
    }
    if (!fresh.isEmpty()) {
      master.tell(new JobsFinished(fresh, self));
    }
  }

  /** Jobs to run, and the finishes the master recorded that they come after. */
  void onJobs(ToWorker.Jobs jobs) {
    onFinishAck(jobs.recorded());
    jobs.jobs().forEach(this::onJob);
  }

  /** Jobs that come while the worker drains or leaves: rejected; the finishes, forgotten. */
  void turnAway(ToWorker.Jobs jobs, String reason) {
    onFinishAck(jobs.recorded());
    jobs.jobs().forEach(j -> reject(j, reason));
  }

  /** The master recorded these finishes: forgotten here. */
  void onFinishAck(List<RunningJob> recorded) {
    for (RunningJob finish : recorded) {
      table.delivered(finish.jobId(), finish.attempt());
      sent.remove(finish);
    }
  }

  /** Whether the master has acknowledged every finish. */
  boolean allDelivered() {
    return table.undelivered().isEmpty();
  }

  /**
   * The attempts this worker claims when it registers: those running, those waiting and those
   * whose finish is not yet sent, which are still running as far as the master knows: it must
   * keep the attempt.
   */
  Set<RunningJob> claims() {
    Set<RunningJob> jobs = slots.claims();
    table.undelivered().forEach(f -> jobs.add(new RunningJob(f.jobId(), f.attempt())));
    return jobs;
  }

  /**
   * The jobs waiting here for a slot become the next incarnation's when the table is handing
   * over (see {@link JobTable#handOverWaiting}).
   */
  void handOverWaiting() {
    if (table.handingOver()) {
      table.handOverWaiting(slots.waiting());
    }
  }

  int runningCount() {
    return slots.runningCount();
  }

  int waitingCount() {
    return slots.waitingCount();
  }
}
