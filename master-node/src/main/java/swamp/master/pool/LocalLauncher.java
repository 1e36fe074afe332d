package swamp.master.pool;

import java.io.File;
import java.io.IOException;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import swamp.node.ExitCodes;
import swamp.node.ProcessTree;

/**
 * Workers as child processes of the master, on its machine. The job id is the process id; a
 * cancel sends SIGTERM to the worker and what it started, then SIGKILL after a grace.
 */
final class LocalLauncher implements Launcher {

  static final long KILL_GRACE_MS = 5_000;

  private final Map<String, Process> processes = new ConcurrentHashMap<>();
  /**
   * The exit codes of the processes that ended other than 0, until a failure asks how: the
   * last {@value #EXITS_KEPT} (a worker that registered and later crashed is never asked about).
   */
  private final Map<String, Integer> exits = java.util.Collections.synchronizedMap(
      new java.util.LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Integer> eldest) {
          return size() > EXITS_KEPT;
        }
      });
  static final int EXITS_KEPT = 100;

  @Override
  public String submit(Request r) throws LaunchException {
    try {
      PoolSettings.makeSpawnDir(r.dir());
      ProcessBuilder pb = new ProcessBuilder(r.argv()).directory(r.dir().toFile());
      pb.environment().clear();
      pb.environment().putAll(r.env());
      pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
      pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(r.log().toFile()));
      Process p = pb.start();
      String id = String.valueOf(p.pid());
      processes.put(id, p);
      return id;
    } catch (IOException e) {
      throw new LaunchException("cannot start " + r.argv().get(0) + ": " + e.getMessage());
    }
  }

  @Override
  public void cancel(String jobId) throws LaunchException {
    Process p = processes.get(jobId);
    if (p == null) {
      return;
    }
    // it stays known (alive to status) until it is really gone: it counts until then
    List<ProcessHandle> tree = ProcessTree.terminate(p.toHandle());
    try {
      if (!p.waitFor(KILL_GRACE_MS, TimeUnit.MILLISECONDS)) {
        ProcessTree.kill(tree);
        if (!p.waitFor(KILL_GRACE_MS, TimeUnit.MILLISECONDS)) {
          throw new LaunchException("process " + jobId + " is still alive after SIGKILL");
        }
      }
      processes.remove(jobId);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LaunchException("interrupted while killing process " + jobId);
    }
  }

  @Override
  public Map<String, GridState> status(Collection<String> jobIds) {
    Map<String, GridState> out = new HashMap<>();
    for (String id : jobIds) {
      Process p = processes.get(id);
      if (p != null && p.isAlive()) {
        out.put(id, GridState.STARTED);
      } else if (p != null) {
        processes.remove(id);
        if (p.exitValue() != 0) {
          exits.put(id, p.exitValue());
        }
      }
    }
    return out;
  }

  @Override
  public String howEnded(String jobId) {
    Integer code = exits.remove(jobId);
    return code == null ? null : "exit code " + code + switch (code) {
      case ExitCodes.BAD_CONFIG -> ": a bad flag or setting";
      case ExitCodes.REFUSED -> ": refused for good";
      case ExitCodes.GAVE_UP -> ": gave up registering";
      default -> code > 128 ? ": killed by signal " + (code - 128) : "";
    };
  }

  @Override
  public boolean canTell() {
    return true;
  }

  @Override
  public void abandon(Collection<String> jobIds) {
    for (String id : jobIds) {
      Process p = processes.remove(id);
      if (p != null) {
        ProcessTree.kill(p.toHandle());
      }
    }
  }
}
