package swamp.node;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import org.apache.pekko.actor.Address;

/**
 * Whether a cluster node's process is gone: nobody listens on its port any more. A node that is
 * merely silent (a partition, a frozen JVM) does not refuse a connection; only the split-brain
 * resolver may decide about it.
 */
public final class NodeProbe {
  private NodeProbe() {}

  /**
   * True when {@code node}'s host name does not resolve to an address (a typo in a worker's
   * --master): nothing can be asked there.
   */
  public static boolean unresolved(Address node) {
    if (node.host().isEmpty()) {
      return false;
    }
    try {
      java.net.InetAddress.getByName(node.host().get());
      return false;
    } catch (java.net.UnknownHostException e) {
      return true;
    }
  }

  /** True when {@code node}'s port refuses a connection. Blocks up to 2 s: call off actors. */
  public static boolean refuses(Address node) {
    if (node.host().isEmpty() || node.port().isEmpty()) {
      return false;
    }
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(node.host().get(), (Integer) node.port().get()), 2000);
      return false;
    } catch (ConnectException e) {
      return true;
    } catch (IOException e) {
      return false; // no answer: maybe a partition
    }
  }
}
