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
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import swamp.node.Blocking;
import swamp.node.Credentials;
import swamp.node.HumanDuration;
import swamp.node.ProcessTree;
import swamp.protocol.JobResult;
import swamp.protocol.JobSpec;
import swamp.protocol.JobState;
import swamp.protocol.Redirects;
import swamp.protocol.Stage;
import swamp.protocol.ToMaster.JobFinished;

/**
 * One attempt of one job: one process, started from its argv (never through a shell), or one per
 * stage of its pipeline, each reading the previous one's output through a pipe; watched to their
 * end. Starting them, waiting for them and reading their output happen on the process
 * dispatcher; the actor only hears about them as messages. A timeout, a {@link Cancel} or the
 * runner's own stop kills every stage's process and then their children: SIGTERM first, SIGKILL
 * after the kill grace. What each stage runs is {@link ProgramCheck}'s to say, on the process
 * dispatcher just before the start.
 *
 * <p>A stream a stage redirects goes to its file, opened by the worker as a shell would (created
 * with the umask's mode, truncated or appended); what is not redirected is captured: the last
 * stage's standard output and every stage's standard error, into the result. Each process sees
 * its argv[0] as the job wrote it ({@code ncks}, not {@code /usr/bin/ncks}): NCO writes its
 * command line into every file it makes.
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
   * the job's slots are free for the next job. {@link Ended} follows.
   */
  public record ProcessesEnded(String jobId, int attempt) implements Event {}

  /** Told to the parent when the attempt is over, whatever the reason. */
  public record Ended(String jobId, int attempt, JobResult result) implements Event {}

  private sealed interface Internal extends Command {}

  private record Started(JobTable.Live job) implements Internal {}

  private record NotStarted(String reason) implements Internal {}

  private record Exited(JobResult result) implements Internal {}

  private enum TimedOut implements Internal { INSTANCE }

  private enum KillHard implements Internal { INSTANCE }

  private final String jobId;
  private final int attempt;
  private final JobSpec spec;
  private final WorkerSettings settings;
  private final Executables executables;
  private final ActorRef<Event> replyTo;
  private final TimerScheduler<Command> timers;
  private final JobTable table;
  private final Executor blocking;

  /** The job's processes, one per stage; empty until they started. */
  private List<Process> processes = List.of();
  /** The processes as launch() started them, for a PostStop that comes before Started. */
  private volatile List<Process> launched = List.of();
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
      ActorRef<Event> replyTo) {
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
      JobTable.Live job, WorkerSettings settings, JobTable table, ActorRef<Event> replyTo) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      JobRunner runner = new JobRunner(ctx, timers, job.jobId(), job.attempt(), job.spec(),
          settings, null, table, replyTo);
      runner.processes = job.processes();
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
            "timed out after " + HumanDuration.of(Duration.ofMillis(spec.timeoutMs()))))
        .onMessage(Cancel.class, c -> kill(JobState.CANCELLED, c.reason()))
        .onMessage(KillHard.class, k -> killHard())
        .onSignal(PostStop.class, s -> onPostStop())
        .build();
  }

  /** Runs on the process dispatcher: checks the directory and the program, starts the process. */
  private Internal launch() {
    ProgramCheck.Program program = ProgramCheck.program(spec, settings, executables);
    Path dir = program.dir();
    if (!Files.isDirectory(dir)) {
      return new NotStarted("working directory '" + dir + "' does not exist on worker "
          + settings.workerId());
    }
    if (program.refusal() != null) {
      return new NotStarted(program.refusal());
    }
    List<Stage> stages = spec.stages();
    String missing = missingFile(stages, dir);
    if (missing != null) {
      return new NotStarted(missing);
    }
    List<ProcessBuilder> builders = new ArrayList<>(stages.size());
    try {
      Files.deleteIfExists(outputFile("err")); // every stage appends to it
    } catch (IOException e) {
      return new NotStarted("cannot clear the output file of the job: " + e.getMessage());
    }
    for (int i = 0; i < stages.size(); i++) {
      builders.add(builder(stages.get(i), program.executables().get(i), dir, i == 0,
          i == stages.size() - 1));
    }
    List<Process> started;
    try {
      started = Spawner.start(builders);
    } catch (IOException e) {
      return new NotStarted("could not start '" + spec.commandText() + "': " + e.getMessage());
    }
    // in the table at once: a runner stopped by a hand-over before it hears of its processes
    // must not leave them to nobody
    JobTable.Live job =
        JobTable.Live.started(jobId, attempt, spec, started, System.currentTimeMillis());
    launched = started;
    if (!table.started(job, () -> stopped)) {
      started.forEach(p -> ProcessTree.kill(p.toHandle()));
      return new NotStarted("the worker stopped while the job was starting");
    }
    return new Started(job);
  }

  /** The process of one stage, its streams set as its redirections and place say. */
  private ProcessBuilder builder(Stage stage, Path executable, Path dir, boolean first,
      boolean last) {
    List<String> command = new ArrayList<>(stage.argv());
    ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile());
    // a job inherits the node's environment but not the pool's secrets: any job could print them
    builder.environment().keySet().removeAll(Credentials.SECRET_VARIABLES);
    builder.environment().putAll(spec.env());
    command.set(0,
        ProgramCheck.argv0(stage.program(), executable, builder.environment().get("PATH")));
    Redirects r = stage.redirected();
    if (first) {
      builder.redirectInput(r.stdin() != null
          ? ProcessBuilder.Redirect.from(dir.resolve(r.stdin()).toFile())
          : ProcessBuilder.Redirect.from(new File("/dev/null")));
    }
    if (r.stdout() != null) {
      File file = dir.resolve(r.stdout()).toFile();
      builder.redirectOutput(r.stdoutAppend()
          ? ProcessBuilder.Redirect.appendTo(file) : ProcessBuilder.Redirect.to(file));
    } else if (last) {
      builder.redirectOutput(outputFile("out").toFile());
    } // else the pipe to the next stage
    if (r.stderrToStdout()) {
      builder.redirectErrorStream(true);
    } else if (r.stderr() != null) {
      File file = dir.resolve(r.stderr()).toFile();
      builder.redirectError(r.stderrAppend()
          ? ProcessBuilder.Redirect.appendTo(file) : ProcessBuilder.Redirect.to(file));
    } else {
      builder.redirectError(ProcessBuilder.Redirect.appendTo(outputFile("err").toFile()));
    }
    return builder;
  }

  /**
   * Why the job cannot start for a file its redirections name (a missing input, an output in a
   * directory that does not exist), as the shell would refuse the command; null when none.
   */
  private static String missingFile(List<Stage> stages, Path dir) {
    for (Stage stage : stages) {
      Redirects r = stage.redirected();
      if (r.stdin() != null && !Files.exists(dir.resolve(r.stdin()))) {
        return "stdin file " + r.stdin() + " does not exist";
      }
      for (String out : java.util.Arrays.asList(r.stdout(), r.stderr())) {
        if (out != null) {
          Path parent = dir.resolve(out).toAbsolutePath().getParent();
          if (parent != null && !Files.isDirectory(parent)) {
            return "cannot write " + out + ": directory " + parent + " does not exist";
          }
        }
      }
    }
    return null;
  }

  private Behavior<Command> onStarted(Started started) {
    processes = started.job().processes();
    if (getContext().getLog().isDebugEnabled()) {
      getContext().getLog().debug("job {} attempt {} started as pid(s) {}", jobId, attempt,
          processes.stream().map(Process::pid).toList());
    }
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
    List<Process> all = processes;
    CompletableFuture<?> ended = (all.size() == 1 ? all.get(0).onExit()
        : CompletableFuture.allOf(all.stream().map(Process::onExit).toArray(CompletableFuture[]::new)))
        // told from the thread that saw the end: the next job need not wait for this one's output
        .thenRun(() -> replyTo.tell(new ProcessesEnded(jobId, attempt)));
    getContext().pipeToSelf(
        ended.thenApplyAsync(
            v -> new Exited(table.collect(jobId, attempt, () -> collect(all, startedAt))), blocking),
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
    replyTo.tell(new Ended(jobId, attempt, result));
    return Behaviors.stopped();
  }

  private Behavior<Command> onPostStop() {
    stopped = true;
    if (table.release(jobId, attempt)) {
      if (processes.isEmpty()) {
        processes = launched; // started, but this runner stopped before it heard
      }
      killHard();
    }
    return this;
  }

  /**
   * Runs on the process dispatcher once the processes ended: reads and removes their output.
   * The job's exit code is its last stage's, as a shell's without pipefail.
   */
  private JobResult collect(List<Process> all, long startedAt) {
    Process p = all.get(all.size() - 1);
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
