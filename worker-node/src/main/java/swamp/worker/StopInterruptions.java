package swamp.worker;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import swamp.protocol.JobState;
import swamp.protocol.ToRegistry.RunningJob;
import swamp.worker.WorkerProtocol.Command;
import swamp.worker.WorkerProtocol.Stop;

/**
 * The jobs that the signal stopping their worker ended too: a batch system's cancel ({@code
 * scancel}) signals every process of the batch job, the worker's and its jobs'. Such a job did
 * not fail: its finish is withdrawn, never sent, and the master runs it again elsewhere once the
 * worker has left, as it does a lost worker's. A job may end by SIGTERM a moment before the
 * worker's JVM handles its own, so its finish is held for {@code interruptWait} first, and no
 * job starts meanwhile (it would miss the signal and die unreported at the grid's SIGKILL).
 * Part of {@link WorkerJobs}, on the worker actor's thread.
 */
final class StopInterruptions {

  private final ActorContext<Command> context;
  private final JobTable table;
  /** How long a finish waits for the signal (zero: a worker no signal stops, the master's own). */
  private final Duration interruptWait;
  /** The message that ends such a wait, by job id and attempt. */
  private final BiFunction<String, Integer, Command> holdOver;
  /** The finishes waiting so, with the signal that ended them; not sent meanwhile. */
  private final Map<RunningJob, Integer> held = new HashMap<>();
  /** The attempts whose processes such a signal may have ended, until their runner's end. */
  private final Set<RunningJob> signalled = new HashSet<>();
  /** The signal that stops this worker (SIGTERM, SIGINT); 0 until one came. */
  private int stopSignal;
  /** The attempts that signal ended, handed back unreported. */
  private final List<RunningJob> interrupted = new ArrayList<>();

  StopInterruptions(ActorContext<Command> context, JobTable table, Duration interruptWait,
      BiFunction<String, Integer, Command> holdOver) {
    this.context = context;
    this.table = table;
    this.interruptWait = interruptWait;
    this.holdOver = holdOver;
  }

  /**
   * SIGTERM or SIGINT, the signals that stop a worker, when a process that exits with {@code
   * exit} may have been ended by one: 128 + its number (bash and the JDK both say so, and a
   * process that exits so itself reads the same); 0 otherwise.
   */
  static int stopSignalOf(Integer exit) {
    int signal = exit == null ? 0 : exit - 128;
    return signal == Stop.SIGTERM || signal == Stop.SIGINT ? signal : 0;
  }

  /** Whether no job's end waits to be understood: the next job may start. */
  boolean quiet() {
    return signalled.isEmpty() && held.isEmpty();
  }

  /** Whether {@code attempt}'s finish is held, not to be sent yet. */
  boolean holds(RunningJob attempt) {
    return held.containsKey(attempt);
  }

  /** The attempt's processes ended; {@code bySignal}: one by SIGTERM or SIGINT. */
  void processesEnded(RunningJob attempt, boolean bySignal) {
    if (bySignal && !interruptWait.isZero()) {
      signalled.add(attempt);
    }
  }

  /** The attempt's runner stopped without an end of its own (it crashed). */
  void runnerStopped(RunningJob attempt) {
    signalled.remove(attempt);
  }

  /**
   * The attempt is over: withdrawn if the worker's stop signal ended it, held if that signal
   * may be on its way. True when its finish goes to the master now.
   */
  boolean ended(JobRunner.Ended ended) {
    RunningJob attempt = new RunningJob(ended.jobId(), ended.attempt());
    signalled.remove(attempt);
    Integer by = endedBy(ended);
    if (by != null && stopSignal != 0) {
      return !interrupt(attempt, by);
    }
    if (by != null && !interruptWait.isZero()) {
      held.put(attempt, by);
      context.scheduleOnce(interruptWait, context.getSelf(), holdOver.apply(attempt.jobId(), attempt.attempt()));
      return false;
    }
    return true;
  }

  /**
   * The signal that ended the job on its own (not swamp's kill), if it is one that stops a
   * worker; null for any other end.
   */
  private static Integer endedBy(JobRunner.Ended ended) {
    Integer exit = ended.result().exitCode();
    if (ended.killed() || ended.result().state() != JobState.FAILED || exit == null) {
      return null;
    }
    int signal = stopSignalOf(exit);
    return signal == 0 ? null : signal;
  }

  /** This worker is stopping by {@code signal}: the held jobs it ended are withdrawn. */
  void stoppedBy(int signal) {
    if (stopSignal != 0 || signal == 0) {
      return;
    }
    stopSignal = signal;
    held.forEach(this::interrupt);
    held.clear();
  }

  /**
   * The attempt ended by {@code signal}: if it is the one that stops this worker, its finish is
   * withdrawn and never sent, and the master, which still counts it running here, runs it again
   * elsewhere once this worker leaves (a new attempt, as for a lost worker's job). False for
   * another signal: the job's own end, whose finish goes.
   */
  private boolean interrupt(RunningJob attempt, int signal) {
    if (signal != stopSignal) {
      return false;
    }
    table.delivered(attempt.jobId(), attempt.attempt()); // withdrawn: the master never hears of it
    interrupted.add(attempt);
    context.getLog().info("job {} attempt {} was ended by the signal that stops this worker:"
        + " handed back, it runs again elsewhere once the worker has left", attempt.jobId(),
        attempt.attempt());
    return true;
  }

  /** No stop signal came within the wait: true when the job's end was its own, and its finish goes. */
  boolean holdOver(String jobId, int attempt) {
    return held.remove(new RunningJob(jobId, attempt)) != null;
  }

  /** The attempts the worker's stop signal ended, in words; empty when none. */
  String interrupted() {
    if (interrupted.isEmpty()) {
      return "";
    }
    return (interrupted.size() == 1 ? "job " : "jobs ") + String.join(", ",
        interrupted.stream().map(r -> r.jobId() + " attempt " + r.attempt()).toList());
  }
}
