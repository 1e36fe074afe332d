package swamp.worker;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
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
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import swamp.protocol.DispatchProtocol.JobFinished;
import swamp.protocol.JobResult;
import swamp.protocol.JobSpec;
import swamp.protocol.JobState;

/**
 * One attempt of one job: one process, started from its argv (never through a shell), watched to
 * its end. Starting it, waiting for it and reading its output happen on the process dispatcher;
 * the actor only hears about them as messages. A timeout, a {@link Cancel} or the runner's own
 * stop kills the process and then its children: SIGTERM first, SIGKILL after the kill grace.
 *
 * <p>The process and then the attempt's finish are written to the worker's {@link JobTable} as
 * they happen. When the table is handing over (the worker joins the cluster again) a stopping
 * runner leaves its process running, and the next incarnation {@linkplain #adopt adopts} it.
 */
public final class JobRunner extends AbstractBehavior<JobRunner.Command> {

  /** Local only: a runner is always its worker's child. */
  public interface Command extends NoSerializationVerificationNeeded {}

  /** Kill the job; it ends CANCELLED with this reason. */
  public record Cancel(String reason) implements Command {}

  /** Told to the parent when the attempt is over, whatever the reason. */
  public record Ended(String jobId, int attempt, JobResult result)
      implements NoSerializationVerificationNeeded {}

  private interface Internal extends Command {}

  private record Started(JobTable.Live job) implements Internal {}

  private record NotStarted(String reason) implements Internal {}

  private record Exited(JobResult result) implements Internal {}

  private enum TimedOut implements Internal { INSTANCE }

  private enum KillHard implements Internal { INSTANCE }

  public static final String PROCESS_DISPATCHER = "swamp-process-dispatcher";

  /** The dispatcher for blocking work (processes, files, sockets), off the actors' threads. */
  public static Executor blocking(org.apache.pekko.actor.typed.ActorSystem<?> system) {
    return system.dispatchers().lookup(DispatcherSelector.fromConfig(PROCESS_DISPATCHER));
  }

  /** The environment variables that hold the pool's secrets; no job process inherits them. */
  public static final java.util.Set<String> SECRET_VARIABLES =
      java.util.Set.of("SWAMP_SECRET", "SWAMP_API_TOKEN", "SWAMP_TLS_PASSWORD");

  private final String jobId;
  private final int attempt;
  private final JobSpec spec;
  private final WorkerSettings settings;
  private final Executables executables;
  private final ActorRef<Ended> replyTo;
  private final TimerScheduler<Command> timers;
  private final JobTable table;
  private final Executor blocking;

  private Process process;
  /** The process as launch() started it, for a PostStop that comes before Started. */
  private volatile Process launched;
  private volatile boolean stopped;
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
      ActorRef<Ended> replyTo) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      JobRunner runner =
          new JobRunner(ctx, timers, jobId, attempt, spec, settings, executables, table, replyTo);
      ctx.pipeToSelf(
          CompletableFuture.supplyAsync(runner::launch, runner.blocking),
          (started, failure) ->
              failure != null ? new NotStarted("could not start: " + failure.getMessage()) : started);
      return runner;
    }));
  }

  /**
   * Watches a process that an earlier incarnation's runner started: no launch, its output is
   * collected as usual and its timeout counts from when it started.
   */
  public static Behavior<Command> adopt(
      JobTable.Live job, WorkerSettings settings, JobTable table, ActorRef<Ended> replyTo) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      JobRunner runner = new JobRunner(ctx, timers, job.jobId(), job.attempt(), job.spec(),
          settings, null, table, replyTo);
      runner.process = job.process();
      runner.killedAs = job.killedAs();
      runner.killReason = job.killReason();
      ctx.getLog().debug("job {} attempt {} adopted as pid {}", job.jobId(), job.attempt(),
          job.process().pid());
      runner.watch(job.startedAt(), job.deadline());
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
      ActorRef<Ended> replyTo) {
    super(context);
    this.timers = timers;
    this.jobId = jobId;
    this.attempt = attempt;
    this.spec = spec;
    this.settings = settings;
    this.executables = executables;
    this.table = table;
    this.replyTo = replyTo;
    this.blocking = blocking(context.getSystem());
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Started.class, this::onStarted)
        .onMessage(NotStarted.class, n -> end(JobResult.notStarted(
            killedAs != null ? killedAs : JobState.FAILED, settings.workerId(),
            killReason != null ? killReason : n.reason())))
        .onMessage(Exited.class, e -> end(e.result()))
        .onMessage(TimedOut.class, t -> kill(JobState.FAILED,
            "timed out after " + WorkerActor.human(Duration.ofMillis(spec.timeoutMs()))))
        .onMessage(Cancel.class, c -> kill(JobState.CANCELLED, c.reason()))
        .onMessage(KillHard.class, k -> killHard())
        .onSignal(PostStop.class, s -> onPostStop())
        .build();
  }

  /** Where a job would run on this worker and what: its directory and executable, or why not. */
  record Program(Path dir, Path executable, String refusal) {}

  /** Resolves the job's program in its directory (its own, or the worker's); may stat files. */
  static Program program(JobSpec spec, WorkerSettings settings, Executables executables) {
    Path dir = spec.workDir() != null ? Path.of(spec.workDir()) : settings.workDir();
    Executables.Resolution r = executables.check(spec.argv(), spec.env(), dir);
    // every stage of a pipeline is held to the same list
    for (int i = 1; i < spec.stages().size() && r instanceof Executables.Allowed; i++) {
      if (executables.check(spec.stages().get(i).argv(), spec.env(), dir)
          instanceof Executables.Refused refused) {
        r = refused;
      }
    }
    return r instanceof Executables.Refused refused
        ? new Program(dir, null, refused.reason() + " on worker " + settings.workerId())
        : new Program(dir, ((Executables.Allowed) r).executable(), null);
  }

  /** Runs on the process dispatcher: checks the directory and the program, starts the process. */
  private Internal launch() {
    Program program = program(spec, settings, executables);
    Path dir = program.dir();
    if (!Files.isDirectory(dir)) {
      return new NotStarted("working directory '" + dir + "' does not exist on worker "
          + settings.workerId());
    }
    if (program.refusal() != null) {
      return new NotStarted(program.refusal());
    }
    if (!spec.pipeline().isEmpty() || spec.redirects() != null) {
      return new NotStarted("worker " + settings.workerId() + " does not run pipelines or"
          + " redirections yet");
    }
    List<String> command = new ArrayList<>(spec.argv());
    command.set(0, program.executable().toString());
    ProcessBuilder builder = new ProcessBuilder(command)
        .directory(dir.toFile())
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
        .redirectOutput(outputFile("out").toFile())
        .redirectError(outputFile("err").toFile());
    // a job inherits the node's environment but not the pool's secrets: any job could print them
    builder.environment().keySet().removeAll(SECRET_VARIABLES);
    builder.environment().putAll(spec.env());
    Process started;
    try {
      started = Spawner.start(builder);
    } catch (IOException e) {
      return new NotStarted("could not start '" + spec.program() + "': " + e.getMessage());
    }
    // in the table at once: a runner stopped by a hand-over before it hears of its process must
    // not leave it to nobody
    JobTable.Live job =
        JobTable.Live.started(jobId, attempt, spec, started, System.currentTimeMillis());
    launched = started;
    if (!table.started(job, () -> stopped)) {
      started.descendants().forEach(ProcessHandle::destroyForcibly);
      started.destroyForcibly();
      return new NotStarted("the worker stopped while the job was starting");
    }
    return new Started(job);
  }

  private Behavior<Command> onStarted(Started started) {
    process = started.job().process();
    getContext().getLog().debug("job {} attempt {} started as pid {}", jobId, attempt, process.pid());
    watch(started.job().startedAt(), started.job().deadline());
    return this;
  }

  /** Waits for the process to end, killing it at its deadline (epoch ms; 0 for none). */
  private void watch(long startedAt, long deadline) {
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
    getContext().pipeToSelf(
        process.onExit().thenApplyAsync(
            p -> new Exited(table.collect(jobId, attempt, () -> collect(p, startedAt))), blocking),
        (exited, failure) -> failure != null
            ? new NotStarted("lost track of the process: " + failure.getMessage())
            : exited);
  }

  private Behavior<Command> kill(JobState state, String reason) {
    if (killedAs == null) {
      killedAs = state;
      killReason = reason;
      table.killing(jobId, attempt, state, reason);
    }
    if (process != null && process.isAlive()) {
      // children first noted, then the parent signalled, so none is re-parented before we see it
      doomed = process.descendants().toList();
      process.destroy();
      doomed.forEach(ProcessHandle::destroy);
      timers.startSingleTimer(KillHard.INSTANCE, settings.killGrace());
    }
    return this;
  }

  private Behavior<Command> killHard() {
    if (process != null) {
      List<ProcessHandle> all = new ArrayList<>(doomed);
      if (process.isAlive()) {
        all.addAll(process.descendants().toList());
        process.destroyForcibly();
      }
      all.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    }
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
    table.finished(new JobFinished(jobId, attempt, settings.workerId(), result, null));
    replyTo.tell(new Ended(jobId, attempt, result));
    return Behaviors.stopped();
  }

  private Behavior<Command> onPostStop() {
    stopped = true;
    if (table.release(jobId, attempt)) {
      if (process == null) {
        process = launched; // started, but this runner stopped before it heard
      }
      killHard();
    }
    return this;
  }

  /** Runs on the process dispatcher once the process ended: reads and removes its output. */
  private JobResult collect(Process p, long startedAt) {
    int exit = p.exitValue();
    long finishedAt = System.currentTimeMillis();
    Output out = read(outputFile("out"));
    Output err = read(outputFile("err"));
    JobState state = exit == 0 ? JobState.SUCCEEDED : JobState.FAILED;
    return new JobResult(state, exit, out.text(), err.text(), out.truncated() || err.truncated(),
        settings.workerId(), p.pid(), startedAt, finishedAt,
        exit == 0 ? null : "exited with code " + exit);
  }

  private record Output(String text, boolean truncated) {}

  private Output read(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      byte[] head = in.readNBytes(settings.maxOutputBytes());
      boolean more = in.read() >= 0;
      return new Output(new String(head, StandardCharsets.UTF_8), more);
    } catch (IOException e) {
      return new Output("", false);
    } finally {
      try {
        Files.deleteIfExists(file);
      } catch (IOException ignored) {
        // a leftover output file is harmless; the next attempt of the job truncates it
      }
    }
  }

  private Path outputFile(String stream) {
    return settings.workDir().resolve(jobId + "." + attempt + "." + stream);
  }
}
