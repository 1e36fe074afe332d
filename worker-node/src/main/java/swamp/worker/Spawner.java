package swamp.worker;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts job processes that die with the JVM that started them. A worker, or a master running
 * jobs itself, killed with -9 would otherwise leave its jobs running unseen while the master runs
 * them again: two copies of one job writing the same files.
 *
 * <p>Each job process starts a session and process group of its own ({@code setsid}, which execs
 * in place, so the job keeps its pid and argv), and a reaper, one small bash process per JVM in a
 * session of its own, holds the groups: it kills a job's group when the job's process ends (what
 * it left behind goes with it, as a batch system's job end does), and within a second after,
 * the processes that carry that job's mark ({@value #MARK}, which each job inherits) but left
 * its group (a daemon started with {@code setsid} of its own); and every group it still holds
 * when this JVM dies, which it sees as the end of the pipe the JVM writes to it, and then every
 * process that carries its mark: a job started in the moment before its group was announced,
 * and what left the jobs' groups. Signals a terminal or a batch system
 * sends the worker's group do not reach the reaper.
 *
 * <p>Where the reaper cannot run (no bash or no setsid), jobs start through Linux's parent-death
 * signal instead ({@code setpriv --pdeathsig KILL}, util-linux 2.33 and later, also in place): the
 * job's own process dies with the JVM, not what it started; this is logged once. That "parent" is
 * the thread that started the process, so every job is started from one thread that lives as
 * long as the JVM. A job of one process starts in its session through {@link PosixSpawn}, at the
 * cost of no exec more; the stages of a pipeline, and jobs where that way does not apply, through
 * {@code setsid}, one exec more each (setpriv and setsid both were two).
 */
final class Spawner {

  private static final Logger log = LoggerFactory.getLogger(Spawner.class);

  /** The one thread jobs are started from; a task's failure stays in its future, not the thread. */
  private static final ExecutorService THREAD = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "swamp-spawner");
    t.setDaemon(true);
    return t;
  });

  /** The variable that marks a job's processes as this JVM's, for the reaper. */
  static final String MARK = "SWAMP_JOB_REAPER";

  /** What goes before a job's argv: setsid, or setpriv and its options, or nothing. */
  private static volatile List<String> prefix;

  private Spawner() {}

  /**
   * What to start: {@code builder}, whose command's first word is the program as the job wrote
   * it ({@code ncks}, which NCO writes into every file it makes), and {@code file}, the program
   * the allow-list checked, which is what runs: found once on the worker's PATH, as bash hashes
   * it, not looked up again per start (on a cluster, a PATH of a dozen module directories, many
   * on NFS). Null {@code file}: the command's first word is looked up as the JDK would.
   */
  record Program(ProcessBuilder builder, Path file) {}

  /** Starts {@code builder}'s command so that it is killed when this JVM dies. */
  static Process start(ProcessBuilder builder) throws IOException {
    return start(List.of(new Program(builder, null))).get(0);
  }

  /**
   * Starts the programs as a pipeline, each one's output the next one's input (see {@link
   * ProcessBuilder#startPipeline}), so that each is killed when this JVM dies. When one cannot
   * start, those started already are killed and the error is thrown.
   */
  static List<Process> start(List<Program> programs) throws IOException {
    List<String> prefix = prefix();
    List<ProcessBuilder> builders = programs.stream().map(Program::builder).toList();
    for (ProcessBuilder builder : builders) {
      Reaper.mark().ifPresent(mark -> builder.environment().put(MARK, Reaper.tagged(mark)));
    }
    if (programs.size() == 1 && prefix.contains(Reaper.SETSID)) {
      // its session without setsid's exec
      Process p = PosixSpawn.start(builders.get(0), programs.get(0).file());
      if (p != null) {
        Reaper.track(p, builders.get(0));
        return List.of(p);
      }
    }
    for (Program program : programs) {
      List<String> command = new ArrayList<>(prefix);
      command.addAll(program.builder().command());
      if (program.file() != null) { // setsid, setpriv or the JDK look the first word up
        int first = prefix.size();
        command.set(first, ProgramCheck.argv0(command.get(first), program.file(),
            program.builder().environment().get("PATH")));
      }
      program.builder().command(command);
    }
    if (!prefix.contains("--pdeathsig")) {
      return launch(builders); // no parent thread to keep: no hop to the spawner thread
    }
    Future<List<Process>> started = THREAD.submit(() -> launch(builders));
    // an interrupt does not stop the start: its process must reach the caller, who tracks it
    boolean interrupted = false;
    try {
      while (true) {
        try {
          return started.get();
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
    } catch (ExecutionException e) {
      if (e.getCause() instanceof IOException io) {
        throw io;
      }
      throw new IOException(e.getCause());
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static List<Process> launch(List<ProcessBuilder> builders) throws IOException {
    List<Process> ps = builders.size() == 1
        ? List.of(builders.get(0).start()) : ProcessBuilder.startPipeline(builders);
    for (int i = 0; i < ps.size(); i++) {
      Reaper.track(ps.get(i), builders.get(i));
    }
    return ps;
  }

  /** Whether jobs die with this JVM: the reaper holds them, or the parent-death signal. */
  static boolean diesWithJvm() {
    List<String> p = prefix();
    return p.contains(Reaper.SETSID) || p.contains("--pdeathsig");
  }

  private static List<String> prefix() {
    List<String> p = prefix;
    if (p == null) {
      synchronized (Spawner.class) {
        if (prefix == null) {
          prefix = detect();
        }
        p = prefix;
      }
    }
    return p;
  }

  /** setsid's argv prefix when the reaper runs, else setpriv's when a trial with --pdeathsig succeeds. */
  private static List<String> detect() {
    return Reaper.start() ? List.of(Reaper.SETSID, "--") : pdeathsig();
  }

  private static List<String> pdeathsig() {
    for (String candidate : List.of("/usr/bin/setpriv", "/bin/setpriv")) {
      Path setpriv = Path.of(candidate);
      if (!Files.isExecutable(setpriv)) {
        continue;
      }
      List<String> p = List.of(candidate, "--pdeathsig", "KILL", "--");
      List<String> trial = new ArrayList<>(p);
      trial.add("true");
      for (String dir : List.of("/usr/bin", "/bin")) {
        if (Files.isExecutable(Path.of(dir, "true"))) {
          trial.set(trial.size() - 1, dir + "/true");
          break;
        }
      }
      try {
        Process t = new ProcessBuilder(trial).redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (t.waitFor(10, TimeUnit.SECONDS) && t.exitValue() == 0) {
          return p;
        }
        t.destroyForcibly();
      } catch (IOException e) {
        // not usable: try the next
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    log.warn("setpriv --pdeathsig is not available (util-linux 2.33 or later): a job keeps running"
        + " if its worker is killed with -9");
    return List.of();
  }
}

/**
 * Kills the process groups of jobs whose process ended, and all of them when this JVM dies, then
 * the processes that carry its mark. The JVM writes {@code + PGID TAG} when it starts a job
 * process (the group leader: {@code setsid}; {@code TAG} tells its mark from other jobs') and
 * {@code - PGID} when it ends; at the next heartbeat (a second at most) the reaper kills what
 * still carries the mark of a job that ended, having left its group: one sweep of {@code /proc}
 * a second at most, however many jobs ended, rather than one per job; the reaper writes nothing
 * back; the JVM's end closes the pipe, and a job process's own descriptors never hold it (the JDK
 * closes them in every child). It runs in a session of its own, so that a signal to the worker's
 * group (a terminal's, a batch system's, {@code kill -9 -PGID}) does not end it with the JVM.
 *
 * <p>The pipe is also the JVM's lease on its jobs. The JVM writes a heartbeat every {@link
 * #HEARTBEAT}; when the reaper hears nothing for {@link #LEASE} it stops (SIGSTOP) every job's
 * group and marked process. A worker frozen with SIGSTOP, or stalled as long, so freezes its jobs
 * with it: when the master gives them to another worker (12 s at the earliest: the failure
 * detector's 5 s pause and the split-brain resolver's 7 s), the frozen copies no longer run.
 *
 * <p>The heartbeat says whether the jobs may go on: {@code c} continues (SIGCONT) whatever the
 * reaper stopped, {@code .} keeps it stopped. After a gap in its own heartbeats long enough for
 * the reaper to have stopped the jobs, the JVM is <em>held</em>: it sends {@code .} and tells
 * {@link #onLapse}'s listener, until {@link #resume} says the jobs are still this JVM's. A worker
 * resumes once the master has answered its registration, after the master's cancels of the
 * attempts it no longer expects (which {@link #killNow} kills while they are stopped); without a
 * listener (a master running jobs itself) the jobs go on at once. A JVM that is only slow costs
 * its jobs a pause, never a kill.
 */
final class Reaper {
  private Reaper() {}

  private static final Logger log = LoggerFactory.getLogger(Reaper.class);

  static final String SETSID = "/usr/bin/setsid";

  /** How long the reaper waits for a word from the JVM before it stops the JVM's jobs. */
  static final Duration LEASE = Duration.ofSeconds(4);

  /** How often the JVM renews the lease. */
  static final Duration HEARTBEAT = Duration.ofSeconds(1);

  /** A gap between two heartbeats after which the reaper may have stopped the jobs. */
  private static final Duration LAPSE = LEASE.minus(HEARTBEAT.dividedBy(2));

  /**
   * Ignores the signals a terminal or a batch system sends. {@code f} holds what the lease
   * stopped ({@code kill}'s arguments). At the end, one grep lists the processes whose
   * environment has the mark ({@code $$}, the reaper's pid).
   */
  private static final String SCRIPT = "trap '' INT TERM HUP QUIT; declare -A g; f=; e=;"
      + " marked() { for m in $(grep -lxzE \"" + Spawner.MARK + "=$$$1\" /proc/[0-9]*/environ"
      + " 2>/dev/null); do q=${m#/proc/}; echo ${q%/environ}; done; };"
      + " sweep() { if [ -n \"$e\" ]; then for q in $(marked \":($e)\"); do"
      + " kill -KILL -- -$q $q 2>/dev/null; done; e=; fi; };"
      + " while :; do"
      + " if read -r -t $1 op p t; then case $op in"
      + " +) g[$p]=$t;;"
      + " -) kill -KILL -- -$p 2>/dev/null; if [ -n \"${g[$p]}\" ]; then e+=\"${e:+|}${g[$p]}\"; fi;"
      + " unset \"g[$p]\";;"
      + " c) if [ -n \"$f\" ]; then kill -CONT $f 2>/dev/null; f=; fi; sweep;;"
      + " .) sweep;;"
      + " esac;"
      + " elif (( $? > 128 )); then"
      + " if [ -z \"$f\" ]; then f=--; for p in \"${!g[@]}\"; do f+=\" -$p\"; done;"
      + " f+=\" $(marked '(:[0-9]+)?')\"; kill -STOP $f 2>/dev/null; fi;"
      + " else break; fi; done;"
      + " for p in \"${!g[@]}\"; do kill -KILL -- -$p 2>/dev/null; done;"
      + " for q in $(marked '(:[0-9]+)?'); do kill -KILL -- -$q $q 2>/dev/null; done";

  /** The last tag given to a job process's mark. */
  private static final java.util.concurrent.atomic.AtomicLong TAGS =
      new java.util.concurrent.atomic.AtomicLong();

  private static java.io.Writer pipe;
  private static Optional<String> mark = Optional.empty();
  private static volatile boolean held;
  private static volatile Runnable lapseListener = Reaper::resume;

  /** Starts the reaper; false when it cannot run here (no bash or no setsid). */
  static synchronized boolean start() {
    if (pipe != null) {
      return true;
    }
    if (!Files.isExecutable(Path.of(SETSID)) || !Files.isExecutable(Path.of("/bin/bash"))) {
      log.warn("no {} or /bin/bash: a job's child processes keep running if its worker is"
          + " killed with -9", SETSID);
      return false;
    }
    try {
      // setsid execs bash in place (it leads no group here, so it does not fork): the pid is bash's
      Process reaper = new ProcessBuilder(SETSID, "/bin/bash", "-c", SCRIPT, "swamp-reaper",
          String.valueOf(LEASE.toSeconds()))
          .redirectOutput(ProcessBuilder.Redirect.DISCARD)
          .redirectError(ProcessBuilder.Redirect.DISCARD).start();
      pipe = new java.io.OutputStreamWriter(reaper.getOutputStream(),
          java.nio.charset.StandardCharsets.US_ASCII);
      mark = Optional.of(String.valueOf(reaper.pid()));
      Thread heartbeat = new Thread(Reaper::beat, "swamp-job-lease");
      heartbeat.setDaemon(true);
      heartbeat.start();
      return true;
    } catch (IOException e) {
      log.warn("cannot start the job reaper ({}): a job's child processes keep running if its"
          + " worker is killed with -9", e.getMessage());
      return false;
    }
  }

  /** The heartbeat: a lapse is seen before the next word, so that word already holds the jobs. */
  private static void beat() {
    long last = System.nanoTime();
    try {
      while (true) {
        long now = System.nanoTime();
        if (now - last >= LAPSE.toNanos() && !held) {
          held = true;
          log.warn("this JVM was stopped or stalled for {} ms: its jobs are held (stopped) until"
              + " the master confirms them", TimeUnit.NANOSECONDS.toMillis(now - last));
          lapseListener.run();
        }
        if (!send(held ? "." : "c")) {
          return;
        }
        last = now;
        Thread.sleep(HEARTBEAT.toMillis());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Who decides, after a lapse, that the jobs go on; by default they go on at once. */
  static void onLapse(Runnable listener) {
    lapseListener = listener;
  }

  /** Whether a lapse holds the jobs stopped. */
  static boolean held() {
    return held;
  }

  /** The jobs still running are this JVM's: what the lease stopped goes on. */
  static void resume() {
    if (held) {
      held = false;
      send("c");
      log.info("the jobs held since the lapse go on");
    }
  }

  /** Kills the job processes' groups at once (SIGKILL), stopped or not. */
  static void killNow(java.util.List<Process> processes) {
    processes.forEach(p -> send("- " + p.pid()));
  }

  /** The value of {@link Spawner#MARK} in the environment of this JVM's jobs, when the reaper runs. */
  static synchronized Optional<String> mark() {
    return mark;
  }

  /** {@code mark} with a tag of a job process's own: {@code MARK:TAG}. */
  static String tagged(String mark) {
    return mark + ":" + TAGS.incrementAndGet();
  }

  /**
   * A job process started (leading its own group) from {@code builder}, whose environment holds
   * its {@linkplain #tagged tagged} mark; its group goes when it ends, and then what carries its
   * mark.
   */
  static void track(Process p, ProcessBuilder builder) {
    long pid = p.pid();
    String mark = builder.environment().getOrDefault(Spawner.MARK, "");
    if (send("+ " + pid + " " + mark.substring(mark.indexOf(':') + 1))) {
      p.onExit().thenRun(() -> send("- " + pid));
    }
  }

  private static synchronized boolean send(String line) {
    if (pipe == null) {
      return false;
    }
    try {
      pipe.write(line + "\n");
      pipe.flush();
      return true;
    } catch (IOException e) {
      log.warn("the job reaper is gone ({}): a job's child processes keep running if its worker"
          + " is killed with -9", e.getMessage());
      pipe = null;
      return false;
    }
  }
}
