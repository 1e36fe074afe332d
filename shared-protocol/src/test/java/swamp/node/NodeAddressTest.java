package swamp.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** A --master or --peer a node cannot use is named when it is read, not by a stack trace at start. */
class NodeAddressTest {

  static String refusal(String hostPort) {
    return assertThrows(IllegalArgumentException.class, () -> NodeAddress.parse(hostPort)).getMessage();
  }

  @Test
  void aHostNameTheClusterCannotTakeIsNamed() {
    assertEquals("'bad..host' in 'bad..host:17355' is not a host name or IP address (a name is"
        + " letters, digits, '-' and '.', no part of it empty)", refusal("bad..host:17355"));
    assertEquals("'my_host' in 'my_host:1' is not a host name or IP address (a name is letters,"
        + " digits, '-' and '.', no part of it empty)", refusal("my_host:1"));
    assertEquals("'127.0.0.1' is not HOST:PORT", refusal("127.0.0.1"));
  }

  @Test
  void namesAndAddressesAreTaken() {
    assertEquals(new NodeAddress("pool-host.example.org", 17355), NodeAddress.parse("pool-host.example.org:17355"));
    assertEquals("pekko://swamp@[::1]:17355", NodeAddress.parse("[::1]:17355").pekkoAddress("swamp"));
    assertEquals(new NodeAddress("10.0.0.5", 1), NodeAddress.parse("10.0.0.5:1"));
  }
}
