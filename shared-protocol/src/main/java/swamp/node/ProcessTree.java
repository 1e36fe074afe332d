package swamp.node;

import java.util.ArrayList;
import java.util.List;

/**
 * A process and what it started, signalled together. The descendants are listed before the
 * process is signalled, so that none is re-parented out of sight as its parent dies.
 *
 * <p>Listing them reads every process's {@code /proc/PID/stat}, twice when the machine runs more
 * than a hundred processes (the JDK's first guess at their number): a few milliseconds of a
 * worker's CPU, on the thread that ends the job. A process that has ended has no descendants
 * left to find (its children went to another parent as it died), so it is not listed for.
 */
public final class ProcessTree {
  private ProcessTree() {}

  /** SIGTERM to the process and its descendants; returns them all, for a SIGKILL later. */
  public static List<ProcessHandle> terminate(ProcessHandle root) {
    List<ProcessHandle> tree = new ArrayList<>(root.descendants().toList());
    root.destroy();
    tree.forEach(ProcessHandle::destroy);
    tree.add(0, root);
    return tree;
  }

  /** SIGKILL to the process and its descendants; nothing when the process has ended. */
  public static void kill(ProcessHandle root) {
    if (!root.isAlive()) {
      return;
    }
    List<ProcessHandle> tree = root.descendants().toList();
    root.destroyForcibly();
    tree.forEach(ProcessHandle::destroyForcibly);
  }

  /** SIGKILL to those of {@code handles} still alive, and to what they started since. */
  public static void kill(List<ProcessHandle> handles) {
    handles.stream().filter(ProcessHandle::isAlive).forEach(ProcessTree::kill);
  }
}
