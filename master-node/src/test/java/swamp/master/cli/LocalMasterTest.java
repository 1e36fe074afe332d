package swamp.master.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class LocalMasterTest {

  /**
   * The ports of the master in this process are different ones: the kernel may hand out a port
   * again once it is closed, and a cluster node on the API's port stopped the run ('Address
   * already in use', seen once in CI).
   */
  @Test
  void theLocalMastersPortsAreDifferentOnes() throws Exception {
    int[] ports = LocalMaster.freePorts(200);
    assertEquals(200, Arrays.stream(ports).distinct().count(), Arrays.toString(ports));
  }
}
