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
 * <p>Only the job's own processes get the signal (each stage of a pipeline, as each is started
 * here): processes they started themselves outlive them.
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
    Future<List<Process>> started = THREAD.submit(() -> builders.size() == 1
        ? List.of(builders.get(0).start()) : ProcessBuilder.startPipeline(builders));
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
    return !prefix().isEmpty();
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

  /** setpriv's argv prefix when a trial run with --pdeathsig succeeds. */
  private static List<String> detect() {
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
