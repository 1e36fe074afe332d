package swamp.worker;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
 * them again: two copies of one job writing the same files. Linux's parent-death signal does it
 * ({@code setpriv --pdeathsig KILL}, util-linux 2.33 and later, execs the program in place, so the
 * job keeps its pid and argv). That "parent" is the thread that started the process, so every job
 * is started from one thread that lives as long as the JVM. Where setpriv cannot do it, jobs start
 * without it, and this is logged once.
 *
 * <p>That signal reaches only the job's own processes (each stage of a pipeline, as each is
 * started here), not the processes they start: {@code ncclimo} and {@code ncremap} are scripts
 * that start others. So each job process also starts a session and process group of its own
 * ({@code setsid}, which execs in place too), and a reaper, one small bash process per JVM that
 * outlives it, holds the groups: it kills a job's group when the job's process ends (what it left
 * behind goes with it, as a batch system's job end does) and every group it still holds when
 * this JVM dies, which it sees as the end of the pipe the JVM writes to it. A job that starts a
 * session of its own escapes; so does everything when the reaper cannot start (logged once).
 */
final class Spawner {

  private static final Logger log = LoggerFactory.getLogger(Spawner.class);

  /** The one thread jobs are started from; a task's failure stays in its future, not the thread. */
  private static final ExecutorService THREAD = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "swamp-spawner");
    t.setDaemon(true);
    return t;
  });

  /** What goes before a job's argv: setpriv and its options, or nothing. */
  private static volatile List<String> prefix;

  private Spawner() {}

  /** Starts {@code builder}'s command so that it is killed when this JVM dies. */
  static Process start(ProcessBuilder builder) throws IOException {
    return start(List.of(builder)).get(0);
  }

  /**
   * Starts the builders' commands as a pipeline, each one's output the next one's input (see
   * {@link ProcessBuilder#startPipeline}), so that each is killed when this JVM dies. When one
   * cannot start, those started already are killed and the error is thrown.
   */
  static List<Process> start(List<ProcessBuilder> builders) throws IOException {
    for (ProcessBuilder builder : builders) {
      List<String> command = new ArrayList<>(prefix());
      command.addAll(builder.command());
      builder.command(command);
    }
    Future<List<Process>> started = THREAD.submit(() -> {
      List<Process> ps = builders.size() == 1
          ? List.of(builders.get(0).start()) : ProcessBuilder.startPipeline(builders);
      ps.forEach(Reaper::track);
      return ps;
    });
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

  /** Whether jobs die with this JVM. */
  static boolean diesWithJvm() {
    return prefix().contains("--pdeathsig");
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

  /** setpriv's argv prefix when a trial run with --pdeathsig succeeds, and setsid's. */
  private static List<String> detect() {
    List<String> p = new ArrayList<>(pdeathsig());
    if (Reaper.start()) {
      p.addAll(List.of(Reaper.SETSID, "--"));
    }
    return List.copyOf(p);
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
 * Kills the process groups of jobs whose process ended, and all of them when this JVM dies. The
 * JVM writes {@code +PGID} when it starts a job process (the group leader: {@code setsid}) and
 * the reaper writes nothing back; the JVM's end closes the pipe, and a job process's own
 * descriptors never hold it (the JDK closes them in every child).
 */
final class Reaper {
  private Reaper() {}

  private static final Logger log = LoggerFactory.getLogger(Reaper.class);

  static final String SETSID = "/usr/bin/setsid";

  /** Ignores the signals a terminal or a batch system sends the worker's group. */
  private static final String SCRIPT = "trap '' INT TERM HUP QUIT; declare -A g;"
      + " while read -r op p; do case $op in"
      + " +) g[$p]=1;;"
      + " -) kill -KILL -- -$p 2>/dev/null; unset \"g[$p]\";;"
      + " esac; done;"
      + " for p in \"${!g[@]}\"; do kill -KILL -- -$p 2>/dev/null; done";

  private static java.io.Writer pipe;

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
      Process reaper = new ProcessBuilder("/bin/bash", "-c", SCRIPT)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD)
          .redirectError(ProcessBuilder.Redirect.DISCARD).start();
      pipe = new java.io.OutputStreamWriter(reaper.getOutputStream(),
          java.nio.charset.StandardCharsets.US_ASCII);
      return true;
    } catch (IOException e) {
      log.warn("cannot start the job reaper ({}): a job's child processes keep running if its"
          + " worker is killed with -9", e.getMessage());
      return false;
    }
  }

  /** A job process started (leading its own group); its group goes when it ends. */
  static void track(Process p) {
    long pid = p.pid();
    if (send("+ " + pid)) {
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
