package swamp.node;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

class ProcessTreeTest {

  @Test
  void killTakesTheProcessAndWhatItStarted() throws Exception {
    Process root = new ProcessBuilder("/bin/sh", "-c", "sleep 61 & sleep 61; wait").start();
    try {
      await(() -> root.descendants().count() == 2, "the shell started its two sleeps");
      List<ProcessHandle> children = root.descendants().toList();
      ProcessTree.kill(root.toHandle());
      assertTrue(root.waitFor(10, TimeUnit.SECONDS), "the shell died");
      await(() -> children.stream().noneMatch(ProcessHandle::isAlive), "its sleeps died");
    } finally {
      root.descendants().forEach(ProcessHandle::destroyForcibly);
      root.destroyForcibly();
    }
  }

  @Test
  void whatOutlivesTheTerminateOfItsParentIsKilledLater() throws Exception {
    // the child ignores SIGTERM and outlives its parent: the list terminate made still names it
    Process root = new ProcessBuilder("/bin/sh", "-c",
        "sh -c 'trap \"\" TERM; echo ready; sleep 62' & sleep 62; wait")
        .redirectErrorStream(true).start();
    try {
      assertTrue(new String(root.getInputStream().readNBytes(6)).startsWith("ready"));
      List<ProcessHandle> tree = ProcessTree.terminate(root.toHandle());
      assertTrue(root.waitFor(10, TimeUnit.SECONDS), "the parent took the SIGTERM");
      assertTrue(tree.stream().skip(1).anyMatch(ProcessHandle::isAlive),
          "the child that ignores SIGTERM still runs: " + tree);
      ProcessTree.kill(root.toHandle()); // ended: nothing of it is left to find or signal
      ProcessTree.kill(tree);
      await(() -> tree.stream().noneMatch(ProcessHandle::isAlive), "every process of the tree died");
    } finally {
      root.descendants().forEach(ProcessHandle::destroyForcibly);
      root.destroyForcibly();
    }
  }

  @Test
  void killOfAnEndedProcessDoesNothing() throws Exception {
    Process ended = new ProcessBuilder("/bin/true").start();
    assertTrue(ended.waitFor(10, TimeUnit.SECONDS));
    ProcessTree.kill(ended.toHandle());
    assertFalse(ended.isAlive());
  }

  private static void await(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      assertTrue(System.nanoTime() < deadline, "waited 10 s for: " + what);
      Thread.sleep(20);
    }
  }
}
