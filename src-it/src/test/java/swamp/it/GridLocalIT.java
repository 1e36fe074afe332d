package swamp.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The worker directory's {@code local} launcher: workers are child processes of the master, and
 * the queue the limits are checked on is the master's own children. No scheduler needed.
 */
class GridLocalIT extends GridScalingTests {

  @Override
  String launcher() {
    return "local";
  }

  @Override
  int slots() {
    return 2;
  }

  @Override
  void requireScheduler() {}

  /** Once the master is gone its children are no longer its descendants: ask the process. */
  @Override
  boolean stillThere(Master master, QueuedJob job) {
    return ProcessHandle.of(Long.parseLong(job.jobId())).map(ProcessHandle::isAlive).orElse(false);
  }

  @Override
  List<QueuedJob> queue(Master master) {
    List<QueuedJob> out = new ArrayList<>();
    // the master's own children: a worker's fork for a job shows the worker's command line for a
    // moment, before it runs the job's program
    ProcessHandle.of(master.pid()).stream().flatMap(ProcessHandle::children).forEach(p -> {
      String[] args = arguments(p);
      if (!List.of(args).contains("swamp.worker.WorkerMain")) {
        return;
      }
      for (int i = 0; i < args.length; i++) {
        if (args[i].contains("it-secret-")) {
          throw new AssertionError("a spawned worker has the secret on its command line");
        }
      }
      for (int i = 0; i + 1 < args.length; i++) {
        String spawn = args[i].equals("--id") ? spawnOf("swamp-" + args[i + 1]) : null;
        if (spawn != null) {
          out.add(new QueuedJob(String.valueOf(p.pid()), spawn, false));
        }
      }
    });
    return out;
  }

  /**
   * A process's whole argv, from {@code /proc}: {@code ProcessHandle.Info.arguments()} is empty
   * once a command line is longer than a page, as a worker's class path of 60 jars can be.
   */
  private static String[] arguments(ProcessHandle p) {
    try {
      String cmdline = Files.readString(Path.of("/proc", String.valueOf(p.pid()), "cmdline"));
      return cmdline.isEmpty() ? new String[0] : cmdline.split("\0");
    } catch (IOException e) {
      return new String[0]; // gone meanwhile
    }
  }
}
