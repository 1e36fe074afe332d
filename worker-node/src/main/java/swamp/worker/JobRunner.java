package swamp.worker;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import swamp.node.Blocking;
import swamp.node.HumanDuration;
import swamp.node.ProcessTree;
import swamp.protocol.JobResult;
import swamp.protocol.JobSpec;
import swamp.protocol.JobState;
import swamp.protocol.ToMaster.JobFinished;

/**
 * One attempt of one job: one process, started from its argv (never through a shell), or one per
 * stage of its pipeline, each reading the previous one's output through a pipe; watched to their
 * end. The runner is spawned on the process dispatcher ({@link swamp.node.Blocking#JOBS}) and
 * starts its processes as it sets up, with no hop to another thread between its worker's
 * decision and the start; their ends are seen, and their output read, on other threads, which
 * tell the actor as messages. A timeout, a {@link Cancel} or the
 * runner's own stop kills every stage's process and then their children: SIGTERM first, SIGKILL
 * after the kill grace. What each stage runs is {@link ProgramCheck}'s to say, on the process
 * dispatcher just before the start.
 *
 * <p>Where each stage's streams go and what is captured into the result is {@link JobStreams}'.
 *
 * <p>The process and then the attempt's finish are written to the worker's {@link JobTable} as
 * they happen. When the table is handing over (the worker joins the cluster again) a stopping
 * runner leaves its process running, and the next incarnation {@linkplain #adopt adopts} it.
 */
public final class JobRunner extends AbstractBehavior<JobRunner.Command> {

  /** Local only: a runner is always its worker's child. */
  public sealed interface Command extends NoSerializationVerificationNeeded {}

  /** Kill the job; it ends CANCELLED with this reason. */
  public record Cancel(String reason) implements Command {}

  /** What a runner tells its parent. */
  public sealed interface Event extends NoSerializationVerificationNeeded {
    String jobId();

    int attempt();
  }

  /**
   * Told to the parent the moment the job's processes have ended, before their output is read:
   * the job's slots are free for the next job. {@code signalled} when one of them ended by
   * SIGTERM or SIGINT (or exited as if it had: 128 + the signal), which may be its worker's stop
   * signal reaching the job too. {@link Ended} follows.
   */
  public record ProcessesEnded(String jobId, int attempt, boolean signalled) implements Event {}

  /**
   * Told to the parent when the attempt is over, whatever the reason; {@code killed} when swamp
   * ended it (a cancel, its timeout, the end of a drain), not the job itself or another's signal.
   */
  public record Ended(String jobId, int attempt, JobResult result, boolean killed)
      implements Event {}

  private sealed interface Internal extends Command {}

  /** What {@link #launch} did. */
  private sealed interface Launch {}

  /** Started; {@code collected} completes with the result once the processes ended. */
  private record Started(JobTable.Live job, CompletableFuture<JobResult> collected)
      implements Launch {}

  /** Not started; {@code exitCode} is what a shell would give for it, where there is one. */
  private record NotStarted(String reason, Integer exitCode) implements Internal, Launch {
    NotStarted(String reason) {
      this(reason, null);
    }
  }

  private record Exited(JobResult result) implements Internal {}

  private enum TimedOut implements Internal { INSTANCE }

  private enum KillHard implements Internal { INSTANCE }

  /** Time to cut the captured output's files back to what is kept of them. */
  private enum Trim implements Internal { INSTANCE }

  /**
   * How often the captured output is cut back: what a job writes in this time beyond what is
   * kept is what it may take of the worker's disk (a few hundred MB at the page cache's speed).
   */
  static final Duration TRIM_EVERY = Duration.ofMillis(100);

  private final String jobId;
  private final int attempt;
  private final JobSpec spec;
  private final WorkerSettings settings;
  private final Executables executables;
  private final ActorRef<Event> replyTo;
  private final TimerScheduler<Command> timers;
  private final JobTable table;
  private final Executor blocking;
  /** Its stages' process builders and what they capture. */
  private final JobStreams streams;

  /** The job's processes, one per stage; empty until they started. */
  private List<Process> processes = List.of();
  private List<ProcessHandle> doomed = List.of();
  /** Set once the job is to be killed: the state and reason it ends with. */
  private JobState killedAs;
  private String killReason;

  public static Behavior<Command> create(
      String jobId,
      int attempt,
      JobSpec spec,
      WorkerSettings settings,
      Executables executables,
      JobTable table,
      ActorRef<Event> replyTo) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      JobRunner runner =
          new JobRunner(ctx, timers, jobId, attempt, spec, settings, executables, table, replyTo);
      Launch launched;
      try {
        launched = runner.launch();
      } catch (RuntimeException e) {
        launched = new NotStarted("could not start: " + e.getMessage());
      }
      return launched instanceof Started started ? runner.onStarted(started)
          : runner.onNotStarted((NotStarted) launched);
    }));
  }

  /**
   * Watches a process that an earlier incarnation's runner started: no launch, its output is
   * collected as usual and its timeout counts from when it started.
   */
  public static Behavior<Command> adopt(
      JobTable.Live job, WorkerSettings settings, JobTable table, ActorRef<Event> replyTo) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      JobRunner runner = new JobRunner(ctx, timers, job.jobId(), job.attempt(), job.spec(),
          settings, null, table, replyTo);
      runner.processes = job.processes();
      runner.killedAs = job.killedAs();
      runner.killReason = job.killReason();
      ctx.getLog().debug("job {} attempt {} adopted as pid {}", job.jobId(), job.attempt(),
          job.process().pid());
      // read as a task of its own: the adopted process may have ended, and the read would
      // otherwise run here, within the setup
      runner.watch(job.deadline(),
          runner.collected(job.processes(), job.startedAt(), runner.blocking));
      return runner;
    }));
  }

  private JobRunner(
      ActorContext<Command> context,
      TimerScheduler<Command> timers,
      String jobId,
      int attempt,
      JobSpec spec,
      WorkerSettings settings,
      Executables executables,
      JobTable table,
      ActorRef<Event> replyTo) {
    super(context);
    this.timers = timers;
    this.jobId = jobId;
    this.attempt = attempt;
    this.spec = spec;
    this.settings = settings;
    this.executables = executables;
    this.table = table;
    this.replyTo = replyTo;
    this.blocking = Blocking.JOBS.in(context.getSystem());
    this.streams = new JobStreams(jobId, attempt, spec, settings);
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(NotStarted.class, this::onNotStarted)
        .onMessage(Exited.class, e -> end(e.result()))
        .onMessage(TimedOut.class, t -> kill(JobState.FAILED,
            "timed out after " + HumanDuration.of(Duration.ofMillis(spec.timeoutMs()))))
        .onMessage(Cancel.class, c -> kill(JobState.CANCELLED, c.reason()))
        .onMessage(KillHard.class, k -> killHard())
        .onMessage(Trim.class, t -> {
          CompletableFuture.runAsync(streams::trim, blocking);
          return this;
        })
        .onSignal(PostStop.class, s -> onPostStop())
        .build();
  }

  /** Checks the directory and the program, starts the process: blocking, as the runner sets up. */
  private Launch launch() {
    try {
      streams.keepOwnDir();
    } catch (IOException e) {
      return new NotStarted("the worker's directory is gone and cannot be made again: "
          + e.getMessage());
    }
    ProgramCheck.Program program = ProgramCheck.program(spec, settings, executables);
    Path dir = program.dir();
    if (!Files.isDirectory(dir)) {
      return new NotStarted("working directory '" + dir + "' " + (Files.exists(dir) ? "is not a directory"
          : "does not exist") + " on worker " + settings.workerId());
    }
    if (program.refusal() != null) {
      return new NotStarted(program.refusal(), program.shellStatus());
    }
    String missing = streams.missingFile(dir);
    if (missing != null) {
      return new NotStarted(missing);
    }
    List<Spawner.Program> builders;
    try {
      builders = streams.builders(program.executables(), dir);
    } catch (IOException e) {
      return new NotStarted("cannot clear the output file of the job: " + e.getMessage());
    }
    List<Process> started;
    try {
      started = Spawner.start(builders);
    } catch (IOException e) {
      return new NotStarted("could not start '" + spec.commandText(300) + "': " + e.getMessage());
    }
    JobTable.Live job =
        JobTable.Live.started(jobId, attempt, spec, started, System.currentTimeMillis());
    table.started(job);
    // watched from here, so that the output is read on the thread that sees the end (or on this
    // one, if it has ended already), not after another hop to the dispatcher: where that thread
    // is the JDK's process reaper, whose stack is small, the read still goes to the dispatcher
    boolean ownThreads = started.stream().allMatch(PosixSpawn::endsOnOwnThread);
    return new Started(job,
        collected(started, job.startedAt(), ownThreads ? Runnable::run : blocking));
  }

  private Behavior<Command> onNotStarted(NotStarted n) {
    return end(killedAs != null
        ? JobResult.notStarted(killedAs, settings.workerId(), killReason)
        : JobResult.notStarted(JobState.FAILED, settings.workerId(), n.reason(), n.exitCode()));
  }

  private Behavior<Command> onStarted(Started started) {
    processes = started.job().processes();
    if (getContext().getLog().isDebugEnabled()) {
      getContext().getLog().debug("job {} attempt {} started as pid(s) {}", jobId, attempt,
          processes.stream().map(Process::pid).toList());
    }
    watch(started.job().deadline(), started.collected());
    return this;
  }

  /**
   * The job's result once its processes have ended, its output read on {@code reader}: the
   * runner's parent hears of the end first, from the thread that saw it, so that the next job
   * need not wait for this one's output.
   */
  private CompletableFuture<JobResult> collected(List<Process> all, long startedAt,
      Executor reader) {
    CompletableFuture<?> ended = all.size() == 1 ? all.get(0).onExit()
        : CompletableFuture.allOf(all.stream().map(Process::onExit).toArray(CompletableFuture[]::new));
    return ended.thenRun(() -> replyTo.tell(new ProcessesEnded(jobId, attempt,
            all.stream().anyMatch(p -> StopInterruptions.stopSignalOf(p.exitValue()) != 0))))
        .thenApplyAsync(v -> table.collect(jobId, attempt, () -> streams.collect(all, startedAt)),
            reader);
  }

  /**
   * Waits for {@code collected}, the result of the job's processes, killing them at the
   * deadline (epoch ms; 0 for none).
   */
  private void watch(long deadline, CompletableFuture<JobResult> collected) {
    timers.startTimerWithFixedDelay(Trim.INSTANCE, TRIM_EVERY);
    if (killedAs != null) { // cancelled while it was starting, or handed over while being killed
      kill(killedAs, killReason);
    } else if (deadline > 0) {
      long left = deadline - System.currentTimeMillis();
      if (left > 0) {
        timers.startSingleTimer(TimedOut.INSTANCE, Duration.ofMillis(left));
      } else {
        getContext().getSelf().tell(TimedOut.INSTANCE);
      }
    }
    getContext().pipeToSelf(collected, (result, failure) -> failure != null
        ? new NotStarted("lost track of the process: " + failure.getMessage())
        : new Exited(result));
  }

  private Behavior<Command> kill(JobState state, String reason) {
    if (killedAs == null) {
      killedAs = state;
      killReason = reason;
      table.killing(jobId, attempt, state, reason);
    }
    List<Process> alive = processes.stream().filter(Process::isAlive).toList();
    if (!alive.isEmpty()) {
      List<ProcessHandle> signalled = new ArrayList<>();
      alive.forEach(p -> signalled.addAll(ProcessTree.terminate(p.toHandle())));
      doomed = signalled;
      timers.startSingleTimer(KillHard.INSTANCE, settings.killGrace());
    }
    return this;
  }

  private Behavior<Command> killHard() {
    processes.forEach(p -> ProcessTree.kill(p.toHandle()));
    ProcessTree.kill(doomed); // those of the SIGTERM that left their parents meanwhile
    return this;
  }

  private Behavior<Command> end(JobResult result) {
    if (killedAs != null) {
      result = new JobResult(killedAs, result.exitCode(), result.stdout(), result.stderr(),
          result.truncated(), result.workerId(), result.pid(), result.startedAt(),
          result.finishedAt(), killReason);
    }
    // the process may have left children behind when it was killed: they go too
    killHard();
    // in the table before the parent hears of it: a finish the worker cannot send survives it
    table.finished(new JobFinished(jobId, attempt, settings.workerId(), result));
    replyTo.tell(new Ended(jobId, attempt, result, killedAs != null));
    return Behaviors.stopped();
  }

  private Behavior<Command> onPostStop() {
    if (table.release(jobId, attempt)) {
      killHard();
    }
    return this;
  }

}
