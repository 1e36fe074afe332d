package swamp.master.cli;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import com.typesafe.config.ConfigFactory;
import picocli.CommandLine;
import swamp.client.MasterClient;
import swamp.master.MasterMain;

/**
 * A master inside the client's own process, for {@code bin/swamp run} on a laptop: local-exec
 * with one slot per processor (or {@code --slots}), its journal in memory, its API on a free
 * loopback port. It lives as long as the process; its jobs die with it.
 *
 * <p>It is a master like any other to whoever else can reach loopback, so it is as closed as one:
 * its API takes the user's token ({@code SWAMP_API_TOKEN}, else {@code ~/.swamp/api-token}, made
 * on the first start, which this process's client sends too), its remoting is TLS with the pool
 * key, and registration takes a secret made for this process alone, so no other node joins it.
 * Another user of the machine can neither submit jobs that run as this user nor act as its worker.
 */
final class LocalMaster implements AutoCloseable {

  private final String url;
  private final int slots;

  private LocalMaster(String url, int slots) {
    this.url = url;
    this.slots = slots;
  }

  /**
   * The programs this process's master lets jobs run: a worker's allow-list
   * ({@code swamp.worker.allowed-executables}) and {@code extra} ({@code run --allow}).
   */
  static List<String> allowed(List<String> extra) {
    List<String> all = new ArrayList<>(ConfigFactory.load().getStringList("swamp.worker.allowed-executables"));
    all.addAll(extra);
    return all;
  }

  static LocalMaster start(Integer slots, List<String> allowed) throws MasterClient.ApiException {
    int n = slots != null ? slots : Runtime.getRuntime().availableProcessors();
    if (n < 1) {
      throw new MasterClient.ApiException(0, "--slots must be at least 1, not " + n);
    }
    if (System.getenv("SWAMP_LOG_LEVEL") == null && System.getProperty("SWAMP_LOG_LEVEL") == null) {
      System.setProperty("SWAMP_LOG_LEVEL", "ERROR"); // the script's report is the output, not the master's log
    }
    int[] ports = freePorts(2);
    int clusterPort = ports[0];
    int httpPort = ports[1];
    String[] args = {"--host", "127.0.0.1", "--port", String.valueOf(clusterPort),
        "--http-port", String.valueOf(httpPort), "--local-exec", "always", "--local-slots", String.valueOf(n),
        "--journal", "jdbc:h2:mem:swamp-run-" + ProcessHandle.current().pid()};
    byte[] secret = new byte[32];
    new java.security.SecureRandom().nextBytes(secret);
    System.setProperty("swamp.security.secret", java.util.HexFormat.of().formatHex(secret));
    System.setProperty("swamp.master.signals", "off"); // Ctrl-C stops the run (ScriptRun), then the master
    if (System.getProperty("swamp.worker.max-output") == null) { // a script prints what bash would
      System.setProperty("swamp.worker.max-output", "16 MiB");
    }
    for (int i = 0; i < allowed.size(); i++) { // a list, as numbered keys
      System.setProperty("swamp.worker.allowed-executables." + i, allowed.get(i));
    }
    ConfigFactory.invalidateCaches(); // the master's config reads it
    Thread master = new Thread(() -> new CommandLine(new MasterMain()).execute(args), "swamp-local-master");
    master.setDaemon(true);
    master.start();
    String url = "http://127.0.0.1:" + httpPort;
    MasterClient client = new MasterClient(url);
    Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
    while (true) {
      try {
        client.get("/api/health"); // jobs wait in its queue until its own worker has registered
        return new LocalMaster(url, n);
      } catch (MasterClient.ApiException e) {
        // not up yet
      }
      if (!master.isAlive()) {
        throw new MasterClient.ApiException(0, "the master in this process did not start (see above)");
      }
      if (Instant.now().isAfter(deadline)) {
        throw new MasterClient.ApiException(0, "the master in this process did not answer within 60 s");
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new MasterClient.ApiException(0, "interrupted");
      }
    }
  }

  String url() {
    return url;
  }

  int slots() {
    return slots;
  }

  /** Nothing to do: the master's actor system stops with the process, its shutdown hook included. */
  @Override
  public void close() {}

  /**
   * {@code n} ports free now, each a different one: all are held open until each is chosen, as
   * the kernel may hand out a port again once it is closed (the cluster node then took the
   * port the API was to bind, and the run stopped with 'Address already in use').
   */
  static int[] freePorts(int n) throws MasterClient.ApiException {
    List<ServerSocket> held = new ArrayList<>();
    try {
      int[] ports = new int[n];
      for (int i = 0; i < n; i++) {
        ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        held.add(s);
        ports[i] = s.getLocalPort();
      }
      return ports;
    } catch (IOException e) {
      throw new MasterClient.ApiException(0, "no free port for a local master: " + e.getMessage());
    } finally {
      for (ServerSocket s : held) {
        try {
          s.close();
        } catch (IOException e) {
          // closed is closed
        }
      }
    }
  }
}
