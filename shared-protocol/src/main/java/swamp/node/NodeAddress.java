package swamp.node;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/** Parses {@code HOST:PORT} and picks the address a node advertises to reach a given peer. */
public record NodeAddress(String host, int port) {

  public static NodeAddress parse(String hostPort) {
    int colon = hostPort.lastIndexOf(':');
    if (colon <= 0 || colon == hostPort.length() - 1) {
      throw new IllegalArgumentException("'" + hostPort + "' is not HOST:PORT");
    }
    String host = hostPort.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    int port;
    try {
      port = Integer.parseInt(hostPort.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("'" + hostPort + "' has no port number after the colon");
    }
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port " + port + " of '" + hostPort + "' is out of range");
    }
    try { // as a cluster address takes it: 'bad..host' and 'my_host' else fail deep in Pekko's start
      new java.net.URI("pekko", "swamp", host, port, null, null, null);
    } catch (java.net.URISyntaxException e) {
      throw new IllegalArgumentException("'" + host + "' in '" + hostPort + "' is not a host name"
          + " or IP address (a name is letters, digits, '-' and '.', no part of it empty)");
    }
    return new NodeAddress(host, port);
  }

  /**
   * A node's own port, as a flag or setting gives it: 0 (any free one) to 65535; Pekko's own
   * check of it is a stack trace.
   *
   * @throws IllegalArgumentException naming {@code what} and the port
   */
  public static void checkPort(int port, String what) {
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException(what + " must be a port from 0 to 65535, not " + port);
    }
  }

  /** The cluster address of the node at this host and port. */
  public String pekkoAddress(String systemName) {
    String h = host.contains(":") ? "[" + host + "]" : host;
    return "pekko://" + systemName + "@" + h + ":" + port;
  }

  /**
   * The local address that routes to this peer: loopback for a peer on loopback, else the
   * interface the operating system would use (a connected UDP socket sends nothing).
   */
  public String localAddressTowards() {
    try {
      InetAddress peer = InetAddress.getByName(host);
      if (peer.isLoopbackAddress()) {
        return peer.getHostAddress();
      }
      try (DatagramSocket probe = new DatagramSocket()) {
        probe.connect(new InetSocketAddress(peer, port));
        InetAddress local = probe.getLocalAddress();
        if (local != null && !local.isAnyLocalAddress()) {
          return local.getHostAddress();
        }
      }
      return InetAddress.getLocalHost().getHostAddress();
    } catch (Exception e) {
      return "127.0.0.1";
    }
  }

  /** The cluster role of every master node, active or standby (a worker's is {@code worker}). */
  public static final String MASTER_ROLE = "master";

  /**
   * A master node's cluster role that names its HTTP API: {@code http=HOST:PORT}. A standby
   * sends clients there; a worker asks it whether the master it lost is still the one there.
   */
  public static final String HTTP_ROLE_PREFIX = "http=";

  /** The API's base URL that a master node's roles name, if they name one. */
  public static java.util.Optional<String> httpUrl(java.util.Set<String> roles) {
    return roles.stream().filter(r -> r.startsWith(HTTP_ROLE_PREFIX))
        .map(r -> "http://" + r.substring(HTTP_ROLE_PREFIX.length())).findFirst();
  }

  /**
   * Why a node's cluster system could not start on its address, when that is the address's
   * fault (its port taken, not one of this machine's, a host name that does not resolve); empty
   * for any other failure.
   */
  public static java.util.Optional<String> cannotBind(Throwable failure) {
    Throwable cause = failure;
    while (cause.getCause() != null) {
      cause = cause.getCause();
    }
    if (cause instanceof java.nio.channels.UnresolvedAddressException) {
      return java.util.Optional.of("the host name does not resolve to an address");
    }
    if (cause instanceof java.net.BindException || cause instanceof java.net.UnknownHostException) {
      return java.util.Optional.of(cause.getMessage() != null ? cause.getMessage()
          : cause.getClass().getSimpleName());
    }
    return java.util.Optional.empty();
  }
}
