package swamp.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What only real processes show: a master stopped with SIGTERM. (A worker killed with -9 mid-job
 * is ResilienceIT's.)
 */
@ExtendWith(PoolExtension.class)
class FailureIT {

  @Test
  void aMasterStoppedWithSigtermDismissesItsWorkersAndEveryoneExits0(Pool pool) {
    Master master = pool.startMaster("--local-exec", "never");
    Node w1 = pool.worker(master, "w1", "--slots", "1");
    master.awaitHealthy(Pool.STARTUP);
    master.awaitWorkers(Pool.STARTUP, List.of(w1), "w1");

    master.terminate();
    assertEquals(0, w1.awaitExit(Duration.ofSeconds(60)), "the worker's exit code\n" + w1.tail(20));
    assertEquals(0, master.awaitExit(Duration.ofSeconds(60)), "the master's exit code\n" + master.tail(20));
  }
}
