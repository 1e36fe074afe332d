package swamp.worker;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** setpriv execs the job in place: the process the runner holds is the job's, pid and argv. */
class SpawnerTest {

  @Test
  void aJobStartedToDieWithTheJvmIsItsOwnProcess() throws Exception {
    assertTrue(Spawner.diesWithJvm(), "setpriv --pdeathsig works here (util-linux is essential"
        + " on Debian); where it does not, jobs outlive a worker killed with -9");
    Process p = Spawner.start(new ProcessBuilder(List.of("/bin/sleep", "37")));
    try {
      // setpriv runs for a moment before it execs the job, and /proc shows the new executable a
      // moment before the new command line: wait for both
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (!isSleep37(p.info()) && System.nanoTime() < deadline) {
        Thread.onSpinWait();
      }
      ProcessHandle.Info info = p.info();
      assertTrue(info.command().orElse("").endsWith("/sleep"), info.toString());
      assertArrayEquals(new String[] {"37"}, info.arguments().orElse(null), info.toString());
      assertEquals(0, p.descendants().count(), "no wrapper process between the runner and the job");
    } finally {
      p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

  private static boolean isSleep37(ProcessHandle.Info info) {
    return info.command().orElse("").endsWith("/sleep")
        && List.of("37").equals(info.arguments().map(List::of).orElse(List.of()));
  }
}
