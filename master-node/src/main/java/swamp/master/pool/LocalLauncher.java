package swamp.master.pool;

import java.io.File;
import java.io.IOException;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import swamp.node.ProcessTree;

/**
 * Workers as child processes of the master, on its machine. The job id is the process id; a
 * cancel sends SIGTERM to the worker and what it started, then SIGKILL after a grace.
 */
final class LocalLauncher implements Launcher {

  static final long KILL_GRACE_MS = 5_000;

  private final Map<String, Process> processes = new ConcurrentHashMap<>();

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
      } else {
        processes.remove(id);
      }
    }
    return out;
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
