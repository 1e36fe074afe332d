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
      // setpriv runs for a moment before it execs the job
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (!p.info().command().orElse("").endsWith("/sleep") && System.nanoTime() < deadline) {
        Thread.onSpinWait();
      }
      assertTrue(p.info().command().orElse("").endsWith("/sleep"), p.info().toString());
      assertArrayEquals(new String[] {"37"}, p.info().arguments().orElse(null),
          p.info().toString());
      assertEquals(0, p.descendants().count(), "no wrapper process between the runner and the job");
    } finally {
      p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }
}
